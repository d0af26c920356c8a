// The contract over the headless console server's WebSocket (/ws on the page's own origin):
// {id, method, request} out, {id, result | error} and pushed {event} in. The token travels
// as the cookie the first page load set, so the URL carries nothing secret.
import type { ContractError, ContractEvent, MethodName, RequestOf, ResponseOf } from '../../../preload/contract'
import { ContractCallError } from './errors'
import type { ConnectionState, ConsoleClient } from './types'

interface Pending {
  resolve(result: unknown): void
  reject(error: Error): void
}

type ServerMessage = { id: number; result: unknown } | { id: number | null; error: ContractError } | { event: ContractEvent }

const FIRST_RETRY_MS = 250
const MAX_RETRY_MS = 5000

export function createWebSocketClient(url = defaultUrl(), version = 'web'): ConsoleClient {
  let socket: WebSocket | null = null
  let state: ConnectionState = 'connecting'
  let retryMs = FIRST_RETRY_MS
  let nextId = 1
  /** Sent calls, by id, awaiting their answer. */
  const pending = new Map<number, Pending>()
  /** Calls made while the socket is not open: sent when it opens. */
  const queued: string[] = []
  const eventListeners = new Set<(event: ContractEvent) => void>()
  const stateListeners = new Set<(state: ConnectionState) => void>()

  function setState(next: ConnectionState): void {
    if (next === state) return
    state = next
    for (const listener of stateListeners) listener(next)
  }

  function connect(): void {
    setState('connecting')
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      retryMs = FIRST_RETRY_MS
      setState('open')
      for (const text of queued.splice(0)) ws.send(text)
    }
    ws.onmessage = (message) => receive(JSON.parse(String(message.data)) as ServerMessage)
    ws.onclose = () => {
      socket = null
      setState('closed')
      // Nothing will answer what was asked on this socket: say so rather than hang.
      const error = new ContractCallError({ kind: 'internal', message: 'The connection to the Brokerlab server closed before it answered; reconnecting' })
      queued.length = 0
      for (const call of pending.values()) call.reject(error)
      pending.clear()
      setTimeout(connect, retryMs * (0.8 + Math.random() * 0.4))
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
    }
  }

  function receive(message: ServerMessage): void {
    if ('event' in message) {
      for (const listener of eventListeners) listener(message.event)
      return
    }
    const call = message.id === null ? undefined : pending.get(message.id)
    if (!call) return
    pending.delete(message.id as number)
    if ('error' in message) call.reject(new ContractCallError(message.error))
    else call.resolve(message.result)
  }

  connect()
  return {
    version,
    get state() {
      return state
    },
    call<M extends MethodName>(method: M, request: RequestOf<M>, connection?: string): Promise<ResponseOf<M>> {
      const id = nextId++
      const text = JSON.stringify({ id, method, request, connection })
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (result: unknown) => void, reject })
        if (socket?.readyState === WebSocket.OPEN) socket.send(text)
        else queued.push(text)
      })
    },
    onEvent(listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },
    onStateChange(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
  }
}

function defaultUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
}
