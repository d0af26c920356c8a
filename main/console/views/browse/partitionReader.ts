// One partition's records for the message browser, read through a BrowseSource from a
// position, forwards (offsets from the position up) or backwards (offsets below it, newest
// first). Both keep `position`, the partition's place in a merged cursor: forwards, the
// offset after the last record taken; backwards, the offset of the last record taken.
import { decodeRecordBatches } from '../../../cluster/protocol/recordBatch'
import type { BrowsedRecord } from '../../../../preload/contract'
import type { BrowseSource } from '../messages'
import { show } from './shownBytes'

/** The data records of `bytes` at or above `from` and below `below`; `next` is where the next fetch starts. */
function decodeFetched(partition: number, bytes: Uint8Array, from: number, below: number): { records: BrowsedRecord[]; next: number } {
  const records: BrowsedRecord[] = []
  let next = from
  for (const batch of decodeRecordBatches(bytes)) {
    next = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
    if (batch.isControl) continue // transaction markers are not records an operator wrote
    for (const r of batch.records) {
      const offset = Number(r.offset)
      if (offset < from || offset >= below) continue
      records.push({
        partition,
        offset,
        timestamp: Number(r.timestamp),
        key: show(r.key),
        value: show(r.value),
        headers: r.headers.map((h) => ({ key: h.key, value: show(h.value) })),
      })
    }
  }
  return { records, next }
}

/** The records in [from, below), fetched forwards until `below` or the end of the log; `next`: where reading stopped. */
export async function readRange(source: BrowseSource, topic: string, partition: number, from: number, below: number): Promise<{ records: BrowsedRecord[]; next: number }> {
  const out: BrowsedRecord[] = []
  let offset = from
  while (offset < below) {
    const fetched = await fetchAt(source, topic, partition, offset)
    if (fetched.byteLength === 0) break
    const { records, next } = decodeFetched(partition, fetched, offset, below)
    out.push(...records)
    if (next <= offset) break
    offset = next
  }
  return { records: out, next: offset }
}

async function fetchAt(source: BrowseSource, topic: string, partition: number, offset: number): Promise<Uint8Array> {
  const fetched = await source.fetch(topic, partition, offset)
  if (fetched.errorCode !== 0) throw new Error(fetched.errorMessage ?? `fetch failed with error ${fetched.errorCode}`)
  return fetched.records
}

export interface PartitionReader {
  readonly partition: number
  /** Where this partition stands in the cursor (see the file's comment). */
  readonly position: number
  /** The next record in this direction without taking it; undefined at the end. */
  peek(): Promise<BrowsedRecord | undefined>
  take(): BrowsedRecord
}

/** Records at and after `start`, in offset order, one fetch at a time. */
export class ForwardReader implements PartitionReader {
  private buffer: BrowsedRecord[] = []
  private fetchFrom: number
  private ended = false
  position: number

  constructor(
    private readonly source: BrowseSource,
    private readonly topic: string,
    readonly partition: number,
    start: number,
  ) {
    this.position = start
    this.fetchFrom = start
  }

  async peek(): Promise<BrowsedRecord | undefined> {
    while (this.buffer.length === 0 && !this.ended) {
      const fetched = await fetchAt(this.source, this.topic, this.partition, this.fetchFrom)
      if (fetched.byteLength === 0) {
        this.ended = true
        break
      }
      const { records, next } = decodeFetched(this.partition, fetched, this.fetchFrom, Number.MAX_SAFE_INTEGER)
      this.buffer = records
      if (next <= this.fetchFrom) this.ended = true
      this.fetchFrom = next
    }
    return this.buffer[0]
  }

  take(): BrowsedRecord {
    const record = this.buffer.shift()!
    this.position = record.offset + 1
    return record
  }
}

/** Records before `start`, newest first, down to `earliest`: windows read forwards, each twice as wide as the last. */
export class BackwardReader implements PartitionReader {
  private buffer: BrowsedRecord[] = []
  /** The lowest offset read so far. */
  private low: number
  private window: number
  position: number

  constructor(
    private readonly source: BrowseSource,
    private readonly topic: string,
    readonly partition: number,
    start: number,
    private readonly earliest: number,
    window: number,
  ) {
    this.position = start
    this.low = start
    this.window = Math.max(1, window)
  }

  async peek(): Promise<BrowsedRecord | undefined> {
    // A window can hold no record (compacted away, or only transaction markers): widen and go on.
    while (this.buffer.length === 0 && this.low > this.earliest) {
      const below = this.low
      this.low = Math.max(this.earliest, below - this.window)
      this.window *= 2
      this.buffer = (await readRange(this.source, this.topic, this.partition, this.low, below)).records.reverse()
    }
    return this.buffer[0]
  }

  take(): BrowsedRecord {
    const record = this.buffer.shift()!
    this.position = record.offset
    return record
  }
}
