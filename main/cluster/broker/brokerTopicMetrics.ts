// Kafka's BrokerTopicMetrics, all-topics totals only, for one broker: plain counters bumped
// where produce and fetch are served (ReplicaManager) and where a follower appends what it
// fetched (ReplicaFetcher). They are monotonic from the broker thread's start; the console
// turns the differences between two snapshots into per-second rates (docs/metrics.md).
import { ATTRIBUTES, BATCH_LENGTH, CONTROL_FLAG_MASK, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, RECORDS_COUNT } from '../protocol/batchHeader'
import type { BrokerTrafficTotals } from '../../../preload/contract'

export type { BrokerTrafficTotals }

export class BrokerTopicMetrics {
  private readonly totals: BrokerTrafficTotals

  constructor(now = Date.now()) {
    this.totals = { since: now, messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0, replicationBytesIn: 0, replicationBytesOut: 0 }
  }

  /** A produce request's batches were appended as leader. */
  markProduced(recordCount: number, bytes: number): void {
    this.totals.messagesIn += recordCount
    this.totals.bytesIn += bytes
  }

  /** A fetch answer leaves: to a consumer (client traffic) or to a follower (replication). */
  markFetched(records: Uint8Array, isFollower: boolean): void {
    if (records.byteLength === 0) return
    if (isFollower) {
      this.totals.replicationBytesOut += records.byteLength
      return
    }
    this.totals.bytesOut += records.byteLength
    this.totals.messagesOut += countRecords(records)
  }

  /** A follower appended batches it fetched from its leader. */
  markReplicated(bytes: number): void {
    this.totals.replicationBytesIn += bytes
  }

  read(): BrokerTrafficTotals {
    return { ...this.totals }
  }
}

/**
 * Records in whole RecordBatch v2 batches, from each header's recordsCount: the records are
 * never decoded. Control batches (transaction markers) are not records a consumer sees.
 */
export function countRecords(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let count = 0
  let pos = 0
  while (bytes.byteLength - pos >= RECORD_BATCH_OVERHEAD) {
    if ((view.getInt16(pos + ATTRIBUTES) & CONTROL_FLAG_MASK) === 0) count += view.getInt32(pos + RECORDS_COUNT)
    const size = LOG_OVERHEAD + view.getInt32(pos + BATCH_LENGTH)
    // The log holds validated batches; a bad length would only mean a torn read: stop there.
    if (size < RECORD_BATCH_OVERHEAD) break
    pos += size
  }
  return count
}
