// The renderer's only window onto the app. Sandboxed, so it may import electron and
// nothing from Node; it exposes plain values and, later, the contract's domain functions.
import { contextBridge } from 'electron'
import { version } from '../package.json'

contextBridge.exposeInMainWorld('brokerlab', { version })
