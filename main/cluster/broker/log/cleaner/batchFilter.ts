// The cleaner's record filter over one batch (Kafka's MemoryRecords.filterTo with the
// LogCleaner's RecordFilter): a record stays when it is the latest of its key in the offset
// map, or lies past the map; a tombstone stays until its batch's delete horizon has passed.
// A batch whose records all stay is copied as it is; otherwise it is re-encoded with the
// survivors at their own offsets, keeping base and last offset, leader epoch, producer fields
// and codec.
import { CompressionType, DELETE_HORIZON_FLAG_MASK } from '../../../protocol/batchHeader'
import { decodeRecordBatch, encodeRecordBatch, type RecordBatch } from '../../../protocol/recordBatch'
import type { KafkaRecord } from '../../../protocol/record'
import type { OffsetMap } from './offsetMap'

export interface FilterContext {
  map: OffsetMap
  /** When the round started: horizons are set from it and compared with it. */
  now: number
  deleteRetentionMs: number
}

export interface FilterResult {
  /** The batch to write, or null when it goes entirely. */
  bytes: Uint8Array | null
  recordsRead: number
  recordsRetained: number
  invalidRecords: number
}

/**
 * Filters the batch at `pos` of `source`. `retainEmpty` keeps the header of a batch whose records
 * all go (Kafka's RETAIN_EMPTY): it holds the last offset of a cleaned segment, or the last
 * sequence of an active producer.
 */
export function filterBatch(source: Buffer, pos: number, size: number, context: FilterContext, retainEmpty: (batch: RecordBatch) => boolean): FilterResult {
  const batch = decodeRecordBatch(source, pos, { verifyCrc: false })
  const whole = (): FilterResult => ({ bytes: source.subarray(pos, pos + size), recordsRead: batch.records.length, recordsRetained: batch.records.length, invalidRecords: 0 })
  // Transactions do not exist yet: control batches (markers) stay. With them, Kafka's
  // CleanedTransactionMetadata decides here when a marker and its aborted records may go.
  if (batch.isControl) return whole()
  // A batch emptied by an earlier round stays only while it is still needed.
  if (batch.records.length === 0) return retainEmpty(batch) ? whole() : { bytes: null, recordsRead: 0, recordsRetained: 0, invalidRecords: 0 }

  const horizon = (batch.attributes & DELETE_HORIZON_FLAG_MASK) !== 0 ? Number(batch.baseTimestamp) : null
  const retainDeletes = horizon === null || context.now < horizon
  let invalidRecords = 0
  const retained: KafkaRecord[] = []
  for (const record of batch.records) {
    const offset = Number(record.offset)
    if (offset > context.map.latestOffset) {
      retained.push(record)
    } else if (record.key === null) {
      invalidRecords++ // a record without a key in a compacted log: Kafka drops it
    } else if (offset >= context.map.get(record.key) && (record.value !== null || retainDeletes)) {
      retained.push(record)
    }
  }
  const result = { recordsRead: batch.records.length, recordsRetained: retained.length, invalidRecords }
  const needsHorizon = horizon === null && retained.some((r) => r.value === null)
  if (retained.length === batch.records.length && !needsHorizon) return whole()
  if (retained.length === 0) return { ...result, bytes: retainEmpty(batch) ? emptyBatch(batch) : null }
  return { ...result, bytes: rebuild(batch, retained, needsHorizon ? BigInt(context.now + context.deleteRetentionMs) : horizon === null ? undefined : BigInt(horizon)) }
}

function rebuild(batch: RecordBatch, records: KafkaRecord[], deleteHorizonMs: bigint | undefined): Buffer {
  return encodeRecordBatch({
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: batch.compression,
    timestampType: batch.timestampType,
    isTransactional: batch.isTransactional,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    baseTimestamp: batch.baseTimestamp,
    deleteHorizonMs,
    // Kafka keeps the batch's last offset, so the producer's last sequence survives compaction.
    lastOffsetDelta: batch.lastOffsetDelta,
    records: records.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: Number(r.offset - batch.baseOffset),
    })),
  })
}

/** Kafka's DefaultRecordBatch.writeEmptyHeader: no records, the batch's offsets and producer fields, uncompressed. */
function emptyBatch(batch: RecordBatch): Buffer {
  return encodeRecordBatch({
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: CompressionType.None,
    timestampType: batch.timestampType,
    isTransactional: batch.isTransactional,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    baseTimestamp: batch.maxTimestamp,
    lastOffsetDelta: batch.lastOffsetDelta,
    records: [],
  })
}
