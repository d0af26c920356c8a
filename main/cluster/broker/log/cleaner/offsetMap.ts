// Kafka's SkimpyOffsetMap: the latest offset of each key in the dirty section of a log, built
// before the log is rewritten. Kafka stores MD5 hashes in a fixed buffer of
// log.cleaner.dedupe.buffer.size / log.cleaner.threads bytes, 24 bytes a slot (hash and
// offset). Here the key bytes themselves are kept (copied once into an arena) in an
// open-addressing table of typed arrays: no hash collisions, no object or string per record,
// memory grows with the keys seen; the capacity is Kafka's, so a round covers the same span as
// in Kafka. A key is given as its place in a buffer (recordKeys.ts forEachRecordKey).

/** Kafka's bytes per entry: a 16-byte MD5 hash and an 8-byte offset. */
export const BYTES_PER_ENTRY = 24
/** Entries are counted in 32-bit slots: a dedupe buffer over ~400 MB per cleaner is capped here. */
const MAX_MAP_ENTRIES = 2 ** 24 - 1
const INITIAL_ENTRIES = 1024

/** FNV-1a over the key bytes. */
function hashOf(bytes: Uint8Array, start: number, length: number): number {
  let hash = 0x811c9dc5
  for (let i = start, end = start + length; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193)
  return hash >>> 0
}

export class OffsetMap {
  /** Open addressing: entry index + 1 per slot, 0 when free; twice the entries, a power of two. */
  private table = new Int32Array(INITIAL_ENTRIES * 2)
  private hashes = new Uint32Array(INITIAL_ENTRIES)
  private keyStarts = new Uint32Array(INITIAL_ENTRIES)
  private keyLengths = new Uint32Array(INITIAL_ENTRIES)
  private offsets = new Float64Array(INITIAL_ENTRIES)
  private keys: Buffer = Buffer.allocUnsafeSlow(INITIAL_ENTRIES * 16)
  private keyBytes = 0
  private entries = 0
  /** The map's offsets in order, built once the map is complete (survivorsIn). */
  private sorted: Float64Array | null = null
  /** The last offset of the dirty section this map covers (Kafka's latestOffset). */
  latestOffset = -1

  constructor(
    /** Kafka's slots: memory / bytes per entry. */
    readonly slots: number,
    private readonly loadFactor: number,
  ) {}

  static forMemory(memoryBytes: number, loadFactor: number): OffsetMap {
    return new OffsetMap(Math.floor(Math.min(memoryBytes, 2 ** 31 - 1) / BYTES_PER_ENTRY), loadFactor)
  }

  /** Kafka's maxDesiredMapSize: the map stops taking segments past it (and below MAX_MAP_ENTRIES). */
  get maxEntries(): number {
    return Math.min(Math.floor(this.slots * this.loadFactor), MAX_MAP_ENTRIES)
  }

  get size(): number {
    return this.entries
  }

  get isFull(): boolean {
    return this.entries >= this.maxEntries
  }

  /** Share of the slots in use (max-buffer-utilization-percent). */
  get utilization(): number {
    return this.slots === 0 ? 0 : this.entries / this.slots
  }

  /** Records `offset` as the latest of the key at bytes[start, start + length). */
  put(bytes: Uint8Array, start: number, length: number, offset: number): void {
    this.sorted = null
    const hash = hashOf(bytes, start, length)
    let slot = this.slotOf(bytes, start, length, hash)
    const found = this.table[slot]
    if (found !== 0) this.offsets[found - 1] = offset
    else {
      if (this.entries === this.hashes.length) {
        this.grow()
        slot = this.slotOf(bytes, start, length, hash)
      }
      if (this.keyBytes + length > this.keys.length) this.keys = copyInto(Buffer.allocUnsafeSlow(Math.max(this.keys.length * 2, this.keyBytes + length)), this.keys, this.keyBytes)
      const entry = this.entries++
      this.keys.set(bytes.subarray(start, start + length), this.keyBytes)
      this.hashes[entry] = hash
      this.keyStarts[entry] = this.keyBytes
      this.keyLengths[entry] = length
      this.offsets[entry] = offset
      this.keyBytes += length
      this.table[slot] = entry + 1
    }
    if (offset > this.latestOffset) this.latestOffset = offset
  }

  /** The latest offset of the key at bytes[start, start + length), or -1 when the dirty section does not hold it. */
  get(bytes: Uint8Array, start: number, length: number): number {
    const found = this.table[this.slotOf(bytes, start, length, hashOf(bytes, start, length))]
    return found === 0 ? -1 : this.offsets[found - 1]
  }

  updateLatestOffset(offset: number): void {
    if (offset > this.latestOffset) this.latestOffset = offset
  }

  /**
   * How many keys have their latest offset in [first, last]. For a batch of the dirty section
   * these are exactly its records that stay (every keyed record there is in the map), so a
   * batch with none goes without a look at its records.
   */
  survivorsIn(first: number, last: number): number {
    if (this.sorted === null) this.sorted = this.offsets.slice(0, this.entries).sort()
    return lowerBound(this.sorted, last + 1) - lowerBound(this.sorted, first)
  }

  clear(): void {
    this.sorted = null
    this.table.fill(0)
    this.entries = 0
    this.keyBytes = 0
    this.latestOffset = -1
  }

  /** The slot holding the key, or the free slot where it would go. */
  private slotOf(bytes: Uint8Array, start: number, length: number, hash: number): number {
    const { table, hashes, keyLengths, keyStarts, keys } = this
    const mask = table.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot] - 1
      if (entry < 0) return slot
      if (hashes[entry] === hash && keyLengths[entry] === length && bytesEqual(keys, keyStarts[entry], bytes, start, length)) return slot
    }
  }

  /** Doubles the entry arrays and rebuilds the table for them. */
  private grow(): void {
    const capacity = this.hashes.length * 2
    const widen = <T extends Uint32Array | Float64Array>(from: T, to: T): T => (to.set(from), to)
    this.hashes = widen(this.hashes, new Uint32Array(capacity))
    this.keyStarts = widen(this.keyStarts, new Uint32Array(capacity))
    this.keyLengths = widen(this.keyLengths, new Uint32Array(capacity))
    this.offsets = widen(this.offsets, new Float64Array(capacity))
    this.table = new Int32Array(capacity * 2)
    const mask = this.table.length - 1
    for (let entry = 0; entry < this.entries; entry++) {
      let slot = this.hashes[entry] & mask
      while (this.table[slot] !== 0) slot = (slot + 1) & mask
      this.table[slot] = entry + 1
    }
  }
}

function bytesEqual(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aStart + i] !== b[bStart + i]) return false
  return true
}

function copyInto(to: Buffer, from: Buffer, length: number): Buffer {
  from.copy(to, 0, 0, length)
  return to
}

/** The index of the first value >= `value` in a sorted array. */
function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (sorted[mid] < value) low = mid + 1
    else high = mid
  }
  return low
}
