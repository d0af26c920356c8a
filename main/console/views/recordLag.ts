// A group's lag in records, not offsets (docs/consumer-lag.md): transaction markers take an
// offset each and are no record any consumer is handed, and a read_committed consumer skips
// aborted transactions' records and cannot read past the last stable offset. So the lag is
// the records a read_committed consumer would still be handed between the group's position and
// the LSO, counted by reading that range (transactionOutcomes.ts decides each batch). A range
// longer than COUNT_LIMIT offsets is not read: its lag is then its length in offsets, an upper
// bound, and says so. Below the LSO the log does not change (only retention or compaction
// removes records there), so what was read is kept and only the offsets appended since are read.
import type { KafkaConnection } from '../connections/kafkaConnection'
import { kafkaBrowseSource, type BrowseSource } from './messages'
import { readRange } from './browse/partitionReader'

/** The longest range, in offsets, counted record by record. */
export const COUNT_LIMIT = 10_000

/** What one partition's reading has found: in [start, end), the offsets that hold no record a read_committed consumer is handed. */
interface Scan {
  start: number
  end: number
  /** Markers, aborted records and compacted-away offsets, ascending. */
  nonRecords: number[]
}

export class RecordCounter {
  private readonly scans = new Map<string, Scan>()

  /** `source` reads read_committed, showing markers (so they can be told from records). */
  constructor(private readonly source: BrowseSource) {}

  /**
   * The records a read_committed consumer is handed in [from, to), `to` at most the LSO; null
   * when the range is longer than COUNT_LIMIT. Below the LSO the log does not change, so what
   * was read is kept and only the offsets past it are read: a group moving along its
   * partition costs one read of what was appended since the last count.
   */
  async count(topic: string, partition: number, from: number, to: number): Promise<number | null> {
    if (to <= from) return 0
    if (to - from > COUNT_LIMIT) return null
    const key = `${topic}\0${partition}`
    let scan = this.scans.get(key)
    if (!scan || from < scan.start || from > scan.end) scan = { start: from, end: from, nonRecords: [] }
    if (to > scan.end) {
      const { records, next } = await readRange(this.source, topic, partition, scan.end, to)
      // Offsets the read did not reach (the log ended early) are left unread, and counted as records.
      const reached = Math.min(next, to)
      const handed = new Set(records.filter((r) => !r.control).map((r) => r.offset))
      for (let offset = scan.end; offset < reached; offset++) if (!handed.has(offset)) scan.nonRecords.push(offset)
      scan.end = Math.max(scan.end, reached)
    }
    // What lies below `from` is not asked again (the group has moved past it).
    const below = scan.nonRecords.findIndex((o) => o >= from)
    scan.nonRecords = below < 0 ? [] : scan.nonRecords.slice(below)
    scan.start = from
    this.scans.set(key, scan)
    let nonRecords = 0
    for (const o of scan.nonRecords) if (o < to) nonRecords++
    return to - from - nonRecords
  }
}
export function kafkaRecordCounter(kafka: KafkaConnection): RecordCounter {
  return new RecordCounter(kafkaBrowseSource(kafka, { markers: true, readCommitted: true }))
}
