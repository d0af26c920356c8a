// Typed request/response and events between threads (host <-> broker and controller
// workers): a tagged union with ids, an init/ready handshake, serialised errors and transfer
// lists, in the manner of Piscina and VS Code's ipc.ts.
//
// Messages sent in the same turn of the event loop travel together as one postMessage: a
// thread hop costs tens of microseconds on a busy machine, so a producer with 8 requests in
// flight pays it once per round, not 8 times (VS Code's ipc buffers the same way).
import type { MessagePort, TransferListItem } from 'node:worker_threads'
import { KafkaError } from './errors'
import { deserializeError, serializeError, type SerializedError } from './errors'

/** api name -> [request body, response body] */
export type ApiMap = Record<string, [unknown, unknown]>

export type RpcMessage =
  | { kind: 'request'; id: number; api: string; body: unknown }
  | { kind: 'response'; id: number; body: unknown }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'event'; event: unknown }
  | { kind: 'ready'; info: unknown }
  | { kind: 'init-failed'; error: SerializedError }

/** What both a Worker and a worker's parentPort (or a MessagePort) offer. */
export interface Port {
  postMessage(message: unknown, transfer?: readonly TransferListItem[]): void
  on(event: 'message', listener: (message: RpcMessage | RpcMessage[]) => void): unknown
}

/** What may be handed over to the other thread instead of copied: buffers and ports. */
export type Transferable = ArrayBuffer | MessagePort

/** A response body and what it hands over instead of copying. */
export class Transfer<T> {
  constructor(
    readonly body: T,
    readonly transfer: readonly Transferable[],
  ) {}
}

/**
 * The bytes of `view` in an ArrayBuffer of their own, ready to transfer: the view itself
 * when it already owns its buffer, else a copy (never detach Node's shared buffer pool).
 */
export function transferable(view: Uint8Array): { bytes: Uint8Array; buffer: ArrayBuffer } {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) {
    return { bytes: view, buffer: view.buffer }
  }
  const copy = new Uint8Array(view.byteLength)
  copy.set(view)
  return { bytes: copy, buffer: copy.buffer }
}

/** Queues messages and posts them as one array at the end of the current event-loop turn. */
export class Outbox {
  private queue: RpcMessage[] = []
  private transfer = new Set<Transferable>()
  private scheduled = false

  constructor(private readonly port: Port) {}

  send(message: RpcMessage, transfer: readonly Transferable[] = []): void {
    this.queue.push(message)
    for (const item of transfer) if (!(item instanceof ArrayBuffer) || item.byteLength > 0) this.transfer.add(item)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  private flush(): void {
    const messages = this.queue
    const transfer = [...this.transfer]
    this.queue = []
    this.transfer = new Set()
    this.scheduled = false
    this.port.postMessage(messages, transfer)
  }
}

/** Calls `listener` for each message, whether it came alone or in a batch. */
export function onMessages(port: Port, listener: (message: RpcMessage) => void): void {
  port.on('message', (data) => {
    if (Array.isArray(data)) for (const message of data) listener(message)
    else listener(data)
  })
}

export type Handlers<A extends ApiMap> = {
  [K in keyof A]: (body: A[K][0]) => A[K][1] | Transfer<A[K][1]> | Promise<A[K][1] | Transfer<A[K][1]>>
}

/** Serves `handlers` on `port`: each request gets exactly one response or error. */
export function serveRpc<A extends ApiMap>(port: Port, handlers: Handlers<A>, outbox = new Outbox(port)): Outbox {
  onMessages(port, async (message) => {
    if (message.kind !== 'request') return
    const handler = (handlers as Record<string, (body: unknown) => unknown>)[message.api]
    try {
      if (!handler) throw new Error(`Unknown worker API "${message.api}"`)
      const result = await handler(message.body)
      if (result instanceof Transfer) outbox.send({ kind: 'response', id: message.id, body: result.body }, result.transfer)
      else outbox.send({ kind: 'response', id: message.id, body: result })
    } catch (err) {
      outbox.send({ kind: 'error', id: message.id, error: serializeError(err) })
    }
  })
  return outbox
}

export class RpcClient<A extends ApiMap, E = unknown> {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private readonly eventListeners = new Set<(event: E) => void>()
  private readonly outbox: Outbox
  private closedWith: Error | null = null

  constructor(port: Port) {
    this.outbox = new Outbox(port)
    onMessages(port, (message) => this.receive(message))
  }

  private receive(message: RpcMessage): void {
    if (message.kind === 'event') {
      for (const listener of this.eventListeners) listener(message.event as E)
      return
    }
    if (message.kind !== 'response' && message.kind !== 'error') return
    const call = this.pending.get(message.id)
    if (!call) return
    this.pending.delete(message.id)
    if (message.kind === 'response') call.resolve(message.body)
    else call.reject(deserializeError(message.error))
  }

  /**
   * Sends a request; with `timeoutMs` the call fails with REQUEST_TIMED_OUT when no answer
   * comes in time (a cut link drops messages, as a network partition would).
   */
  call<K extends keyof A & string>(
    api: K,
    body: A[K][0],
    transfer: readonly Transferable[] = [],
    timeoutMs?: number,
  ): Promise<A[K][1]> {
    if (this.closedWith) return Promise.reject(this.closedWith)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const settle = <T>(fn: (v: T) => void) => (v: T) => {
        if (timer) clearTimeout(timer)
        fn(v)
      }
      this.pending.set(id, { resolve: settle(resolve as (v: unknown) => void), reject: settle(reject) })
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.pending.delete(id)
          reject(new KafkaError('REQUEST_TIMED_OUT', `No answer to ${api} within ${timeoutMs} ms`))
        }, timeoutMs)
      }
      this.outbox.send({ kind: 'request', id, api, body }, transfer)
    })
  }

  onEvent(listener: (event: E) => void): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  /** The other side is gone (exit, crash): every pending and later call fails with `error`. */
  close(error: Error): void {
    this.closedWith = error
    for (const call of this.pending.values()) call.reject(error)
    this.pending.clear()
  }

  get inFlight(): number {
    return this.pending.size
  }
}
