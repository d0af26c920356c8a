// One partition's records for the message browser, read through a BrowseSource from a
// position, forwards (offsets from the position up) or backwards (offsets below it, newest
// first). Both keep `position`, the partition's place in a merged cursor: forwards, the
// offset after the last record taken; backwards, the offset of the last record taken.
import type { BrowsedRecord } from '../../../../preload/contract'
import type { BrowseFetch, BrowseSource } from '../messages'
import { show } from './shownBytes'
import { markerOf, transactionOutcomes } from './transactionOutcomes'

/**
 * The records of a fetch at or above `from` and below `below`; `next` is where the next fetch
 * starts. Where the source shows markers, a control batch is one marker entry, and a
 * transactional record carries its transaction's outcome; under read_committed, records of
 * aborted transactions are left out, as a consumer skips them.
 */
function decodeFetched(source: BrowseSource, partition: number, fetched: BrowseFetch, from: number, below: number): { records: BrowsedRecord[]; next: number } {
  const records: BrowsedRecord[] = []
  const outcomes = source.markers ? transactionOutcomes(fetched.batches, fetched.abortedTransactions ?? null, fetched.lastStableOffset ?? -1) : null
  let next = from
  for (const batch of fetched.batches) {
    next = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
    if (batch.isControl) {
      const marker = outcomes && batch.baseOffset >= from && batch.baseOffset < below ? markerOf(batch) : null
      if (marker) records.push({ partition, offset: batch.baseOffset, timestamp: batch.records[0]?.timestamp ?? 0, key: null, value: null, headers: [], control: marker })
      continue // a marker is no record an operator wrote
    }
    const outcome = batch.isTransactional ? outcomes?.get(batch.baseOffset) : undefined
    if (outcome === 'aborted' && source.readCommitted) continue
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
        ...(outcome && { transaction: { producerId: batch.producerId, producerEpoch: batch.producerEpoch, outcome } }),
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
    if (fetched.batches.length === 0) break
    const { records, next } = decodeFetched(source, partition, fetched, offset, below)
    out.push(...records)
    if (next <= offset) break
    offset = next
  }
  return { records: out, next: offset }
}

async function fetchAt(source: BrowseSource, topic: string, partition: number, offset: number): Promise<BrowseFetch> {
  const fetched = await source.fetch(topic, partition, offset)
  if (fetched.errorCode !== 0) throw new Error(fetched.errorMessage ?? `fetch failed with error ${fetched.errorCode}`)
  return fetched
}

export interface PartitionReader {
  readonly partition: number
  /** Where this partition stands in the cursor (see the file's comment). */
  readonly position: number
  /** The next record in this direction without taking it; undefined at the end. */
  peek(): Promise<BrowsedRecord | undefined>
  take(): BrowsedRecord
}

/** The records read and not yet taken, and the position; subclasses fill the buffer in their direction. */
abstract class BufferedReader implements PartitionReader {
  protected buffer: BrowsedRecord[] = []

  constructor(
    protected readonly source: BrowseSource,
    protected readonly topic: string,
    readonly partition: number,
    public position: number,
  ) {}

  /** Reads more into the buffer; false at the end. */
  protected abstract fill(): Promise<boolean>
  /** The position once `record` is taken. */
  protected abstract positionAfter(record: BrowsedRecord): number

  async peek(): Promise<BrowsedRecord | undefined> {
    while (this.buffer.length === 0 && (await this.fill()));
    return this.buffer[0]
  }

  take(): BrowsedRecord {
    const record = this.buffer.shift()!
    this.position = this.positionAfter(record)
    return record
  }

  /** Every record read by one fetch and not yet taken, up to `max` of them and none at or past `below`; [] at the end. */
  async takeBatch(below: number, max: number): Promise<BrowsedRecord[]> {
    if (!(await this.peek())) return []
    const end = this.buffer.findIndex((r) => r.offset >= below)
    const batch = this.buffer.splice(0, Math.min(max, end < 0 ? this.buffer.length : end))
    if (batch.length) this.position = this.positionAfter(batch.at(-1)!)
    return batch
  }
}

/** Records at and after `start`, in offset order, one fetch at a time. */
export class ForwardReader extends BufferedReader {
  private fetchFrom: number
  private ended = false

  constructor(source: BrowseSource, topic: string, partition: number, start: number) {
    super(source, topic, partition, start)
    this.fetchFrom = start
  }

  protected async fill(): Promise<boolean> {
    if (this.ended) return false
    const fetched = await fetchAt(this.source, this.topic, this.partition, this.fetchFrom)
    const { records, next } = decodeFetched(this.source, this.partition, fetched, this.fetchFrom, Number.MAX_SAFE_INTEGER)
    this.buffer = records
    // An empty answer is the end of the log (the high watermark; under read_committed, the LSO).
    this.ended = fetched.batches.length === 0 || next <= this.fetchFrom
    this.fetchFrom = next
    return records.length > 0 || !this.ended
  }

  protected positionAfter(record: BrowsedRecord): number {
    return record.offset + 1
  }
}

/** Records before `start`, newest first, down to `earliest`: windows read forwards, each twice as wide as the last. */
export class BackwardReader extends BufferedReader {
  /** The lowest offset read so far. */
  private low: number
  private window: number

  constructor(source: BrowseSource, topic: string, partition: number, start: number, private readonly earliest: number, window: number) {
    super(source, topic, partition, start)
    this.low = start
    this.window = Math.max(1, window)
  }

  // A window can hold no record (compacted away, or only transaction markers): the next one is wider.
  protected async fill(): Promise<boolean> {
    if (this.low <= this.earliest) return false
    const below = this.low
    this.low = Math.max(this.earliest, below - this.window)
    this.window *= 2
    this.buffer = (await readRange(this.source, this.topic, this.partition, this.low, below)).records.reverse()
    return true
  }

  protected positionAfter(record: BrowsedRecord): number {
    return record.offset
  }
}
