// The cleaner's reads of one source segment, off the broker's thread and ahead of the parsing:
// a chunk is read on libuv's thread pool into one of two buffers while the cleaner parses the
// chunk in the other (double buffering), so a round costs about the larger of its reading and
// its parsing rather than their sum, and the event loop keeps turning while the disk works.
//
// The reader opens a descriptor of its own. The segment's own one (fileHandles.ts) may be
// closed by the broker's LRU of handles while a read is in flight, and its number reused by
// another file; a descriptor the reader alone closes, after its last read has landed, cannot.
// A segment deleted or truncated during the round stays readable through it (the inode lives
// while open), and the round notices the change and aborts (cleaner.ts).
import { closeSync, openSync, read, readSync } from 'node:fs'
import { BATCH_LENGTH, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD } from '../../../protocol/batchHeader'
import type { LogSegment } from '../segment'

interface Read {
  position: number
  maxBytes: number
  buffer: Buffer
  done: Promise<number>
}

function readAsync(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, 0, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))))
}

export class SegmentReader {
  private readonly fd: number
  private readonly header = Buffer.alloc(RECORD_BATCH_OVERHEAD)
  private pending: Read | null = null
  /** Which of the two buffers the next read fills: never the one of the chunk last returned. */
  private turn = 0

  constructor(
    private readonly segment: LogSegment,
    private readonly buffers: readonly [Buffer, Buffer],
  ) {
    this.fd = openSync(segment.logPath, 'r')
  }

  /**
   * Starts reading the chunk at `position` (what chunkAt(position, maxBytes) returns next), unless
   * a read is in flight. The chunk last returned stays intact: the read fills the other buffer.
   */
  prefetch(position: number, maxBytes: number): void {
    if (this.pending === null && position < this.segment.size) this.pending = this.start(position, maxBytes)
  }

  /**
   * Whole batches from `position`, at most `maxBytes` but at least one, as LogSegment.readAt;
   * empty past the end or at a torn batch. Valid until the next call but one: the caller is
   * done with a chunk when it asks for the one after it.
   */
  async chunkAt(position: number, maxBytes: number): Promise<Buffer> {
    let read = this.pending
    this.pending = null
    if (read !== null && (read.position !== position || read.maxBytes !== maxBytes)) {
      // Not the chunk asked for: let it land before its buffer is used again.
      await read.done.catch(() => undefined)
      read = null
    }
    read ??= this.start(position, maxBytes)
    const length = await read.done
    const bytes = read.buffer.subarray(0, length)
    if (length < RECORD_BATCH_OVERHEAD) return bytes.subarray(0, 0)
    const first = LOG_OVERHEAD + bytes.readInt32BE(BATCH_LENGTH)
    if (first < RECORD_BATCH_OVERHEAD || position + first > this.segment.size) return bytes.subarray(0, 0)
    if (first > length) {
      // A batch larger than the buffer: read alone, into a buffer of its size.
      const whole = Buffer.allocUnsafeSlow(first)
      return whole.subarray(0, await readAsync(this.fd, whole, first, position))
    }
    let end = first
    while (end + RECORD_BATCH_OVERHEAD <= length) {
      const size = LOG_OVERHEAD + bytes.readInt32BE(end + BATCH_LENGTH)
      if (size < RECORD_BATCH_OVERHEAD || end + size > length) break
      end += size
    }
    return bytes.subarray(0, end)
  }

  /** The header bytes of the batch at `position` (valid until the next call), or null: LogSegment.headerAt. */
  headerAt(position: number): Buffer | null {
    if (position + RECORD_BATCH_OVERHEAD > this.segment.size) return null
    if (readSync(this.fd, this.header, 0, RECORD_BATCH_OVERHEAD, position) < RECORD_BATCH_OVERHEAD) return null
    const size = LOG_OVERHEAD + this.header.readInt32BE(BATCH_LENGTH)
    return size < RECORD_BATCH_OVERHEAD || position + size > this.segment.size ? null : this.header
  }

  /** Closes the descriptor once no read is in flight on it. */
  async close(): Promise<void> {
    const read = this.pending
    this.pending = null
    await read?.done.catch(() => undefined)
    closeSync(this.fd)
  }

  private start(position: number, maxBytes: number): Read {
    const buffer = this.buffers[this.turn]
    this.turn ^= 1
    const length = Math.min(maxBytes, buffer.length, Math.max(this.segment.size - position, 0))
    const done = readAsync(this.fd, buffer, length, position)
    // Handled: a prefetch that fails while the chunk before it is parsed is thrown by chunkAt, or dropped by close.
    done.catch(() => undefined)
    return { position, maxBytes, buffer, done }
  }
}
