// The console's one BrokerlabApi: the preload's IPC bridge in the desktop app, otherwise the
// WebSocket client to the `brokerlab serve` that served this page.
import type { BrokerlabApi } from '../../../preload/contract'
import { toCallError } from './errors'
import type { ConsoleClient } from './types'
import { createWebSocketClient } from './webSocketClient'

export { ContractCallError } from './errors'
export type { ConnectionState, ConsoleClient } from './types'

/** IPC is up as long as the window is: its state is always open. Errors become ContractCallErrors. */
function fromBridge(bridge: BrokerlabApi): ConsoleClient {
  return {
    version: bridge.version,
    state: 'open',
    call: (method, request) => bridge.call(method, request).catch((reason: unknown) => Promise.reject(toCallError(reason))),
    onEvent: (listener) => bridge.onEvent(listener),
    onStateChange: () => () => {},
  }
}

export const client: ConsoleClient = window.brokerlab ? fromBridge(window.brokerlab) : createWebSocketClient()
