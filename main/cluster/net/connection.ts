// One client connection to a broker's Kafka listener: splits the byte stream into
// size-prefixed frames, hands each to the request handler, and writes the answers back in
// request order (Kafka's per-connection ordering: a response never overtakes an earlier
// one). Frames that are too large or malformed close this connection only.
import type { Socket } from 'node:net'

export interface FrameHandler {
  /**
   * Answers one request frame (without its size prefix): the response frame with its size
   * prefix, null for a request that gets no answer (acks=0), or throws to close the
   * connection (malformed frame, unknown API key).
   */
  (frame: Buffer, clientHost: string): Promise<Buffer | null>
}

export interface ConnectionOptions {
  maxFrameBytes: number
  log(message: string): void
}

const SIZE_PREFIX = 4

export class KafkaConnection {
  private buffered: Buffer[] = []
  private bufferedBytes = 0
  /** The answers in request order; each settles when its handler does. */
  private tail: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    private readonly socket: Socket,
    private readonly handle: FrameHandler,
    private readonly options: ConnectionOptions,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (chunk) => this.receive(chunk))
    socket.on('error', () => this.close())
    socket.on('close', () => (this.closed = true))
  }

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`
  }

  private receive(chunk: Buffer): void {
    this.buffered.push(chunk)
    this.bufferedBytes += chunk.length
    while (!this.closed && this.bufferedBytes >= SIZE_PREFIX) {
      const head = this.peek(SIZE_PREFIX)
      const size = head.readInt32BE(0)
      if (size < 0 || size > this.options.maxFrameBytes) {
        this.fail(`a frame of ${size} bytes is ${size < 0 ? 'invalid' : `above socket.request.max.bytes (${this.options.maxFrameBytes})`}`)
        return
      }
      if (this.bufferedBytes < SIZE_PREFIX + size) return
      const frame = this.take(SIZE_PREFIX + size).subarray(SIZE_PREFIX)
      this.enqueue(frame)
    }
  }

  /** The first `n` buffered bytes, without consuming them. */
  private peek(n: number): Buffer {
    if (this.buffered[0].length >= n) return this.buffered[0]
    const joined = Buffer.concat(this.buffered)
    this.buffered = [joined]
    return joined
  }

  private take(n: number): Buffer {
    const joined = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered)
    const taken = joined.subarray(0, n)
    const rest = joined.subarray(n)
    this.buffered = rest.length ? [rest] : []
    this.bufferedBytes = rest.length
    return taken
  }

  private enqueue(frame: Buffer): void {
    const answer = this.handle(frame, this.socket.remoteAddress ?? '')
    // Handled at once, written in order: a slow fetch holds back only what came after it.
    this.tail = this.tail.then(async () => {
      try {
        const response = await answer
        if (response && !this.closed) this.socket.write(response)
      } catch (err) {
        this.fail((err as Error).message)
      }
    })
  }

  private fail(reason: string): void {
    if (this.closed) return
    this.options.log(`closing connection from ${this.remote}: ${reason}`)
    this.close()
  }

  close(): void {
    this.closed = true
    this.socket.destroy()
  }
}
