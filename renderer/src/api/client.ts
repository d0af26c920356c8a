// The console's one BrokerlabApi: the preload's IPC bridge in the desktop app, otherwise the
// WebSocket client to the `brokerlab serve` that served this page. Every call goes to the
// connection chosen in the header's picker (the embedded cluster "local" by default), and
// only that connection's events reach the views.
import type { BrokerlabApi, ContractEvent } from '../../../preload/contract'
import { toCallError } from './errors'
import type { ConsoleClient } from './types'
import { createWebSocketClient } from './webSocketClient'

export { ContractCallError } from './errors'
export type { ConnectionState, ConsoleClient } from './types'

const CHOSEN_KEY = 'brokerlab.connection'
export const LOCAL_CONNECTION = 'local'

/** The connection this window looks at, kept across reloads. */
export function chosenConnection(): string {
  try {
    return localStorage.getItem(CHOSEN_KEY) || LOCAL_CONNECTION
  } catch {
    return LOCAL_CONNECTION
  }
}

/**
 * Looks at another connection. The page reloads, so every view and store starts over on the
 * new cluster and nothing of the previous one is shown as if it were this one's; the
 * connections themselves stay open in main.
 */
export function chooseConnection(name: string): void {
  localStorage.setItem(CHOSEN_KEY, name)
  location.reload()
}

/** IPC is up as long as the window is: its state is always open. */
function fromBridge(bridge: BrokerlabApi): Omit<ConsoleClient, 'call'> & Pick<BrokerlabApi, 'call'> {
  return { version: bridge.version, state: 'open', call: bridge.call.bind(bridge), onEvent: (listener) => bridge.onEvent(listener), onStateChange: () => () => {} }
}

function onConnection(transport: Omit<ConsoleClient, 'call'> & Pick<BrokerlabApi, 'call'>, connection: string): ConsoleClient {
  const isOurs = (event: ContractEvent) => (event.connection ?? LOCAL_CONNECTION) === connection
  return {
    version: transport.version,
    get state() {
      return transport.state
    },
    call: (method, request) => transport.call(method, request, connection).catch((reason: unknown) => Promise.reject(toCallError(reason))),
    onEvent: (listener) => transport.onEvent((event) => isOurs(event) && listener(event)),
    onStateChange: (listener) => transport.onStateChange(listener),
  }
}

export const client: ConsoleClient = onConnection(window.brokerlab ? fromBridge(window.brokerlab) : createWebSocketClient(), chosenConnection())
