// The renderer's only window onto the app. Sandboxed, so it may import electron and
// nothing from Node; it exposes the contract's functions as window.brokerlab, never
// ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { version } from '../package.json'
import type { BrokerlabApi, CallOutcome, ContractEvent } from './contract'

// The channel names of main/host/ipc.ts (a sandboxed preload cannot import main's modules).
const CALL_CHANNEL = 'brokerlab:call'
const EVENT_CHANNEL = 'brokerlab:event'

const api: BrokerlabApi = {
  version,
  async call(method, request, connection) {
    const outcome = (await ipcRenderer.invoke(CALL_CHANNEL, method, request, connection)) as CallOutcome
    if (outcome.ok) return outcome.result as never
    // A plain object, not an Error: contextBridge passes an Error's message only, and the
    // console needs the kind, the Kafka error and the field (renderer/src/api/errors.ts).
    throw outcome.error
  },
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, event: ContractEvent) => listener(event)
    ipcRenderer.on(EVENT_CHANNEL, handler)
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler)
  },
}

contextBridge.exposeInMainWorld('brokerlab', api)
