// One console over a WebSocket: {id, method, request, connection?} in, {id, result | error} out, and the
// cluster's events pushed. Whatever a client sends (bad JSON, JSON that is not a call, a
// frame ws refuses) gets an error answer or closes this socket only, never the process.
import type { WebSocket } from 'ws'
import type { ConsoleService } from '../console/consoleService'

/** The largest request body or WebSocket message accepted: contract requests are small. */
export const MAX_MESSAGE_BYTES = 1 << 20

const CALL_SHAPE = 'Messages must be JSON objects: {"id", "method", "request", "connection"?}'

export function serveSocket(ws: WebSocket, service: ConsoleService, log: (line: string) => void): void {
  const unsubscribe = service.onEvent((event) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event }))
  })
  ws.on('close', unsubscribe)
  // ws reports an invalid frame (reserved bits, bad UTF-8, too large) as an 'error' and
  // closes the socket; unheard, that event would be thrown and end the process.
  ws.on('error', (err) => log(`WebSocket closed: ${err.message}`))
  ws.on('message', (data) => {
    answer(ws, service, data.toString()).catch((err: Error) => {
      log(`WebSocket message: ${err.stack ?? err.message}`)
      ws.terminate()
    })
  })
}

async function answer(ws: WebSocket, service: ConsoleService, text: string): Promise<void> {
  let message: unknown
  try {
    message = JSON.parse(text)
  } catch {
    message = undefined
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    ws.send(JSON.stringify({ id: null, error: { message: CALL_SHAPE } }))
    return
  }
  const { id, method, request, connection } = message as { id?: unknown; method?: unknown; request?: unknown; connection?: unknown }
  const outcome = await service.call(method, request, connection ?? undefined)
  if (ws.readyState !== ws.OPEN) return
  ws.send(JSON.stringify(outcome.ok ? { id, result: outcome.result } : { id, error: outcome.error }))
}
