// One client connection to a broker's Kafka listener: splits the byte stream into
// size-prefixed frames and hands them to the request handler one at a time, as Kafka's
// network processor does (it mutes a channel from reading a request until its response is
// sent). Clients rely on that order: an idempotent producer's pipelined batches must be
// checked and appended in the order sent, or a batch awaiting its transaction's coordinator
// is overtaken by the next one (OUT_OF_ORDER_SEQUENCE_NUMBER). Frames that are too large or
// malformed close this connection only: nothing a client sends may throw out of the socket's
// handlers, or it would end the broker's whole thread.
import type { Socket } from 'node:net'

export interface FrameHandler {
  /**
   * Answers one request frame (without its size prefix): the response frame with its size
   * prefix, null for a request that gets no answer (acks=0), or throws (or rejects) to close
   * the connection (malformed frame, unknown API key).
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
  /** A request is being handled: the socket is paused and no further frame is taken until it is answered. */
  private busy = false
  private closed = false
  /** Kept from the start: a reset socket no longer knows its peer. */
  private readonly clientHost: string
  readonly remote: string

  constructor(
    private readonly socket: Socket,
    private readonly handle: FrameHandler,
    private readonly options: ConnectionOptions,
  ) {
    this.clientHost = socket.remoteAddress ?? ''
    // A peer that reset before the listener saw it has no address left to log.
    this.remote = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'a peer already gone'
    socket.setNoDelay(true)
    socket.on('data', (chunk) => this.receive(chunk))
    // A reset or a write to a closed peer: the connection ends, the broker does not.
    socket.on('error', () => this.close())
    socket.on('close', () => (this.closed = true))
  }


  private receive(chunk: Buffer): void {
    this.buffered.push(chunk)
    this.bufferedBytes += chunk.length
    this.readFrames()
  }

  /** Takes the next whole frame buffered, unless a request is still being handled. */
  private readFrames(): void {
    try {
      while (!this.closed && !this.busy && this.bufferedBytes >= SIZE_PREFIX) {
        const size = this.peek(SIZE_PREFIX).readInt32BE(0)
        if (size < 0 || size > this.options.maxFrameBytes) {
          this.fail(`a frame of ${size} bytes is ${size < 0 ? 'invalid' : `above socket.request.max.bytes (${this.options.maxFrameBytes})`}`)
          return
        }
        if (this.bufferedBytes < SIZE_PREFIX + size) return
        this.handleFrame(this.take(SIZE_PREFIX + size).subarray(SIZE_PREFIX))
      }
    } catch (err) {
      this.fail(`unexpected ${(err as Error).name}: ${(err as Error).message}`)
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

  /** Handles one request; reading stops until it is answered (or needs no answer: acks=0), then resumes. */
  private handleFrame(frame: Buffer): void {
    this.busy = true
    this.socket.pause()
    void this.answer(frame).then((outcome) => {
      this.busy = false
      if (this.closed) return
      if (outcome instanceof Error) return this.fail(`${outcome.name}: ${outcome.message}`)
      if (outcome) this.socket.write(outcome)
      this.socket.resume()
      this.readFrames()
    })
  }

  /**
   * The handler's answer, or its error as a value. The promise must never reject: an
   * unhandled rejection ends the thread (issue 21). A handler that throws synchronously is
   * caught the same way.
   */
  private answer(frame: Buffer): Promise<Buffer | null | Error> {
    try {
      return this.handle(frame, this.clientHost).catch(asError)
    } catch (err) {
      return Promise.resolve(asError(err))
    }
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

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}
