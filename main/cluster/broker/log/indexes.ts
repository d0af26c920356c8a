// Sparse indexes of one segment, as Kafka keeps them beside the .log file:
//   .index      (relativeOffset int32, position int32)     8 bytes an entry
//   .timeindex  (timestamp int64, relativeOffset int32)   12 bytes an entry
// An entry is added every index.interval.bytes of log, so a lookup lands at most that far
// before the batch it looks for. Entries live in memory and are written to their files when
// the segment is closed; the files are trusted on open only below the recovery point.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs'

/** Index of the last entry whose key is <= target, or -1. Keys are non-decreasing. */
function floorIndex(keys: ArrayLike<number>, length: number, target: number): number {
  let lo = 0
  let hi = length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid] <= target) {
      found = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return found
}

/** How one index file lays out its (first, second) entries, and what makes a file sane. */
interface EntryFormat {
  size: number
  write(buf: Buffer, pos: number, first: number, second: number): void
  read(buf: Buffer, pos: number): [number, number]
}

/** Entries as two growable columns, with the file format they are saved in. */
class Entries {
  length = 0
  first = new Float64Array(64)
  second = new Float64Array(64)

  constructor(private readonly format: EntryFormat) {}

  push(a: number, b: number): void {
    if (this.length === this.first.length) {
      const grow = (col: Float64Array) => {
        const next = new Float64Array(col.length * 2)
        next.set(col)
        return next
      }
      this.first = grow(this.first)
      this.second = grow(this.second)
    }
    this.first[this.length] = a
    this.second[this.length] = b
    this.length++
  }

  /** Keeps the entries for which `keep(i)` holds up to the first that fails. */
  truncateWhile(keep: (i: number) => boolean): void {
    let n = 0
    while (n < this.length && keep(n)) n++
    this.length = n
  }

  save(path: string): void {
    const { size } = this.format
    const bytes = Buffer.allocUnsafe(this.length * size)
    for (let i = 0; i < this.length; i++) this.format.write(bytes, i * size, this.first[i], this.second[i])
    const fd = openSync(path, 'w')
    try {
      writeSync(fd, bytes, 0, bytes.length, 0)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }

  /** Reads a saved file; false when it is missing, torn, or `sane` refuses an entry. */
  load(path: string, sane: (first: number, second: number, previous: [number, number] | null) => boolean): boolean {
    if (!existsSync(path)) return false
    const bytes = readFileSync(path)
    if (bytes.length % this.format.size !== 0) return false
    let previous: [number, number] | null = null
    for (let pos = 0; pos < bytes.length; pos += this.format.size) {
      const entry = this.format.read(bytes, pos)
      if (!sane(entry[0], entry[1], previous)) return false
      this.push(entry[0], entry[1])
      previous = entry
    }
    return true
  }
}

const OFFSET_ENTRY: EntryFormat = {
  size: 8,
  write: (buf, pos, relativeOffset, position) => {
    buf.writeInt32BE(relativeOffset, pos)
    buf.writeInt32BE(position, pos + 4)
  },
  read: (buf, pos) => [buf.readInt32BE(pos), buf.readInt32BE(pos + 4)],
}

const TIME_ENTRY: EntryFormat = {
  size: 12,
  write: (buf, pos, timestamp, relativeOffset) => {
    buf.writeBigInt64BE(BigInt(timestamp), pos)
    buf.writeInt32BE(relativeOffset, pos + 8)
  },
  read: (buf, pos) => [Number(buf.readBigInt64BE(pos)), buf.readInt32BE(pos + 8)],
}

export interface OffsetPosition {
  offset: number
  position: number
}

export class OffsetIndex {
  private readonly entries = new Entries(OFFSET_ENTRY)

  constructor(readonly baseOffset: number) {}

  get entryCount(): number {
    return this.entries.length
  }

  append(offset: number, position: number): void {
    const n = this.entries.length
    if (n > 0 && offset <= this.entries.first[n - 1] + this.baseOffset) return
    this.entries.push(offset - this.baseOffset, position)
  }

  /** The last indexed (offset, position) at or before `offset`; the segment start otherwise. */
  lookup(offset: number): OffsetPosition {
    const i = floorIndex(this.entries.first, this.entries.length, offset - this.baseOffset)
    if (i < 0) return { offset: this.baseOffset, position: 0 }
    return { offset: this.baseOffset + this.entries.first[i], position: this.entries.second[i] }
  }

  /** Drops entries at or after `offset`. */
  truncateTo(offset: number): void {
    this.entries.truncateWhile((i) => this.baseOffset + this.entries.first[i] < offset)
  }

  save(path: string): void {
    this.entries.save(path)
  }

  /** A saved index, or null when missing or not a sane index of a log of `logSize` bytes. */
  static load(path: string, baseOffset: number, logSize: number): OffsetIndex | null {
    const index = new OffsetIndex(baseOffset)
    const sane = (relative: number, position: number, previous: [number, number] | null) =>
      position < logSize && (!previous || (relative > previous[0] && position > previous[1]))
    return index.entries.load(path, sane) ? index : null
  }
}

export interface TimestampOffset {
  timestamp: number
  offset: number
}

export class TimeIndex {
  private readonly entries = new Entries(TIME_ENTRY)

  constructor(readonly baseOffset: number) {}

  get entryCount(): number {
    return this.entries.length
  }

  get lastEntry(): TimestampOffset | null {
    const n = this.entries.length
    if (n === 0) return null
    return { timestamp: this.entries.first[n - 1], offset: this.baseOffset + this.entries.second[n - 1] }
  }

  /** Adds an entry only when the timestamp grows, as Kafka's TimeIndex.maybeAppend does. */
  maybeAppend(timestamp: number, offset: number): void {
    const last = this.lastEntry
    if (last && (timestamp <= last.timestamp || offset < last.offset)) return
    this.entries.push(timestamp, offset - this.baseOffset)
  }

  /** The last entry with timestamp <= `timestamp`; the segment start otherwise. */
  lookup(timestamp: number): TimestampOffset {
    const i = floorIndex(this.entries.first, this.entries.length, timestamp)
    if (i < 0) return { timestamp: -1, offset: this.baseOffset }
    return { timestamp: this.entries.first[i], offset: this.baseOffset + this.entries.second[i] }
  }

  truncateTo(offset: number): void {
    this.entries.truncateWhile((i) => this.baseOffset + this.entries.second[i] < offset)
  }

  save(path: string): void {
    this.entries.save(path)
  }

  /** A saved index, or null when missing or not a sane index of offsets below `nextOffset`. */
  static load(path: string, baseOffset: number, nextOffset: number): TimeIndex | null {
    const index = new TimeIndex(baseOffset)
    const sane = (timestamp: number, relative: number, previous: [number, number] | null) =>
      baseOffset + relative < nextOffset && (!previous || (timestamp > previous[0] && relative >= previous[1]))
    return index.entries.load(path, sane) ? index : null
  }
}
