// A group's lag in records, not offsets (docs/consumer-lag.md): transaction markers take an
// offset each and are no record any consumer is handed, and a read_committed consumer skips
// aborted transactions' records and cannot read past the last stable offset. So the lag is
// the records a read_committed consumer would still be handed between the group's position and
// the LSO, counted by reading that range (transactionOutcomes.ts decides each batch). A range
// longer than COUNT_LIMIT offsets is not read: its lag is then its length in offsets, an upper
// bound, and says so. Counts of a range below the LSO do not change (only retention or
// compaction removes records there), so they are kept.
import type { KafkaConnection } from '../connections/kafkaConnection'
import { kafkaBrowseSource, type BrowseSource } from './messages'
import { readRange } from './browse/partitionReader'

/** The longest range, in offsets, counted record by record. */
export const COUNT_LIMIT = 10_000
const CACHED_RANGES = 10_000

export class RecordCounter {
  private readonly counted = new Map<string, number>()

  /** `source` reads read_committed, showing markers (so they can be told from records). */
  constructor(private readonly source: BrowseSource) {}

  /** The records a read_committed consumer is handed in [from, to), `to` at most the LSO; null when the range is longer than COUNT_LIMIT. */
  async count(topic: string, partition: number, from: number, to: number): Promise<number | null> {
    if (to <= from) return 0
    if (to - from > COUNT_LIMIT) return null
    const key = `${topic}\0${partition}\0${from}\0${to}`
    const known = this.counted.get(key)
    if (known !== undefined) return known
    const { records } = await readRange(this.source, topic, partition, from, to)
    const count = records.filter((r) => !r.control).length
    if (this.counted.size >= CACHED_RANGES) this.counted.clear()
    this.counted.set(key, count)
    return count
  }
}

export function kafkaRecordCounter(kafka: KafkaConnection): RecordCounter {
  return new RecordCounter(kafkaBrowseSource(kafka, { markers: true, readCommitted: true }))
}
