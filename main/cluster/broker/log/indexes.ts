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

function writeFileDurably(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, bytes, 0, bytes.length, 0)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** A growable pair of columns, the storage both indexes share. */
class Columns {
  length = 0
  constructor(
    public first: Float64Array = new Float64Array(64),
    public second: Float64Array = new Float64Array(64),
  ) {}

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
}

export interface OffsetPosition {
  offset: number
  position: number
}

export class OffsetIndex {
  static readonly ENTRY_SIZE = 8
  private readonly entries = new Columns()

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

  toBytes(): Buffer {
    const buf = Buffer.allocUnsafe(this.entries.length * OffsetIndex.ENTRY_SIZE)
    for (let i = 0; i < this.entries.length; i++) {
      buf.writeInt32BE(this.entries.first[i], i * 8)
      buf.writeInt32BE(this.entries.second[i], i * 8 + 4)
    }
    return buf
  }

  save(path: string): void {
    writeFileDurably(path, this.toBytes())
  }

  /** Loads a saved index; null when missing or not a sane index of a log of `logSize` bytes. */
  static load(path: string, baseOffset: number, logSize: number): OffsetIndex | null {
    if (!existsSync(path)) return null
    const bytes = readFileSync(path)
    if (bytes.length % OffsetIndex.ENTRY_SIZE !== 0) return null
    const index = new OffsetIndex(baseOffset)
    let lastRelative = -1
    let lastPosition = -1
    for (let p = 0; p < bytes.length; p += 8) {
      const relative = bytes.readInt32BE(p)
      const position = bytes.readInt32BE(p + 4)
      if (relative <= lastRelative || position <= lastPosition || position >= logSize) return null
      index.entries.push(relative, position)
      lastRelative = relative
      lastPosition = position
    }
    return index
  }
}

export interface TimestampOffset {
  timestamp: number
  offset: number
}

export class TimeIndex {
  static readonly ENTRY_SIZE = 12
  private readonly entries = new Columns()

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

  toBytes(): Buffer {
    const buf = Buffer.allocUnsafe(this.entries.length * TimeIndex.ENTRY_SIZE)
    for (let i = 0; i < this.entries.length; i++) {
      buf.writeBigInt64BE(BigInt(this.entries.first[i]), i * 12)
      buf.writeInt32BE(this.entries.second[i], i * 12 + 8)
    }
    return buf
  }

  save(path: string): void {
    writeFileDurably(path, this.toBytes())
  }

  static load(path: string, baseOffset: number, nextOffset: number): TimeIndex | null {
    if (!existsSync(path)) return null
    const bytes = readFileSync(path)
    if (bytes.length % TimeIndex.ENTRY_SIZE !== 0) return null
    const index = new TimeIndex(baseOffset)
    let lastTimestamp = -Infinity
    let lastRelative = -1
    for (let p = 0; p < bytes.length; p += 12) {
      const timestamp = Number(bytes.readBigInt64BE(p))
      const relative = bytes.readInt32BE(p + 8)
      if (timestamp <= lastTimestamp || relative < lastRelative || baseOffset + relative >= nextOffset) return null
      index.entries.push(timestamp, relative)
      lastTimestamp = timestamp
      lastRelative = relative
    }
    return index
  }
}
