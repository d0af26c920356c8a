import type { BrokerlabApi } from '../../../preload/contract'

export type ConnectionState = 'connecting' | 'open' | 'closed'

/** The contract plus the state of the line to main, which the header shows. */
export interface ConsoleClient extends BrokerlabApi {
  readonly state: ConnectionState
  /** Calls the listener on every change of state; returns the unsubscribe function. */
  onStateChange(listener: (state: ConnectionState) => void): () => void
}
