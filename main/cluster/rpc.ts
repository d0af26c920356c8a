// Typed request/response and events between threads (host <-> broker and controller
// workers): a tagged union with ids, an init/ready handshake, serialised errors and transfer
// lists, in the manner of Piscina and VS Code's ipc.ts.
import type { TransferListItem } from 'node:worker_threads'
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
  on(event: 'message', listener: (message: RpcMessage) => void): unknown
}

/** A response body and the ArrayBuffers it may hand over instead of copying. */
export class Transfer<T> {
  constructor(
    readonly body: T,
    readonly transfer: readonly ArrayBuffer[],
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

function uniqueBuffers(buffers: readonly ArrayBuffer[]): ArrayBuffer[] {
  return [...new Set(buffers)].filter((b) => b.byteLength > 0)
}

export type Handlers<A extends ApiMap> = {
  [K in keyof A]: (body: A[K][0]) => A[K][1] | Transfer<A[K][1]> | Promise<A[K][1] | Transfer<A[K][1]>>
}

/** Serves `handlers` on `port`: each request gets exactly one response or error. */
export function serveRpc<A extends ApiMap>(port: Port, handlers: Handlers<A>): void {
  port.on('message', async (message) => {
    if (message.kind !== 'request') return
    const handler = (handlers as Record<string, (body: unknown) => unknown>)[message.api]
    try {
      if (!handler) throw new Error(`Unknown worker API "${message.api}"`)
      const result = await handler(message.body)
      if (result instanceof Transfer) {
        port.postMessage({ kind: 'response', id: message.id, body: result.body }, uniqueBuffers(result.transfer))
      } else {
        port.postMessage({ kind: 'response', id: message.id, body: result })
      }
    } catch (err) {
      port.postMessage({ kind: 'error', id: message.id, error: serializeError(err) })
    }
  })
}

export class RpcClient<A extends ApiMap, E = unknown> {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private readonly eventListeners = new Set<(event: E) => void>()
  private closedWith: Error | null = null

  constructor(private readonly port: Port) {
    port.on('message', (message) => this.receive(message))
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

  call<K extends keyof A & string>(api: K, body: A[K][0], transfer: readonly ArrayBuffer[] = []): Promise<A[K][1]> {
    if (this.closedWith) return Promise.reject(this.closedWith)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.port.postMessage({ kind: 'request', id, api, body }, uniqueBuffers(transfer))
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
