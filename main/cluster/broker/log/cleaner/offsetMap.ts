// Kafka's SkimpyOffsetMap: the latest offset of each key in the dirty section of a log, built
// before the log is rewritten. Kafka stores MD5 hashes in a fixed buffer of
// log.cleaner.dedupe.buffer.size / log.cleaner.threads bytes, 24 bytes a slot (hash and
// offset). Here the keys themselves go into a Map: no hash collisions, memory grows with the
// keys seen; the capacity is Kafka's, so a round covers the same span as in Kafka. A key is
// given as a string of one char per byte (recordKeys.ts keyString).

/** Kafka's bytes per entry: a 16-byte MD5 hash and an 8-byte offset. */
export const BYTES_PER_ENTRY = 24
/** A V8 Map holds at most 2^24 entries; a dedupe buffer over ~400 MB per cleaner would pass it. */
const MAX_MAP_ENTRIES = 2 ** 24 - 1

export class OffsetMap {
  private readonly offsets = new Map<string, number>()
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

  /** Kafka's maxDesiredMapSize: the map stops taking segments past it (and below V8's Map limit). */
  get maxEntries(): number {
    return Math.min(Math.floor(this.slots * this.loadFactor), MAX_MAP_ENTRIES)
  }

  get size(): number {
    return this.offsets.size
  }

  get isFull(): boolean {
    return this.offsets.size >= this.maxEntries
  }

  /** Share of the slots in use (max-buffer-utilization-percent). */
  get utilization(): number {
    return this.slots === 0 ? 0 : this.offsets.size / this.slots
  }

  put(key: string, offset: number): void {
    this.offsets.set(key, offset)
    if (offset > this.latestOffset) this.latestOffset = offset
  }

  /** The latest offset of `key`, or -1 when the dirty section does not hold it. */
  get(key: string): number {
    return this.offsets.get(key) ?? -1
  }

  updateLatestOffset(offset: number): void {
    if (offset > this.latestOffset) this.latestOffset = offset
  }

  clear(): void {
    this.offsets.clear()
    this.latestOffset = -1
  }
}
