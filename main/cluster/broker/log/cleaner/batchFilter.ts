// The cleaner's record filter over one batch (Kafka's MemoryRecords.filterTo with the
// LogCleaner's RecordFilter): a record stays when it is the latest of its key in the offset
// map, or lies past the map; a tombstone stays until its batch's delete horizon has passed.
// A batch whose records all stay is copied as it is; otherwise it is re-encoded with the
// survivors at their own offsets, keeping base and last offset, leader epoch, producer fields
// and codec. Transactions (transactionMetadata.ts): a batch of an aborted transaction goes
// whole; a marker stays while its transaction's data does, then gets a delete horizon and goes
// once that has passed.
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_TIMESTAMP,
  CONTROL_FLAG_MASK,
  CompressionType,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA,
  PRODUCER_ID,
  RECORDS_COUNT,
  TRANSACTIONAL_FLAG_MASK,
  isTransactional,
  readBatchHeader,
  timestampTypeOf,
  type BatchHeader,
} from '../../../protocol/batchHeader'
import { forEachRecordKey } from '../../../protocol/recordKeys'
import { decodeRecordBatch, encodeRecordBatch, recordBatchInputOf, type RecordBatch } from '../../../protocol/recordBatch'
import type { KafkaRecord } from '../../../protocol/record'
import type { OffsetMap } from './offsetMap'
import type { CleanedTransactionMetadata } from './transactionMetadata'
import { txnMarkerAt } from '../txnMarker'

export interface FilterContext {
  map: OffsetMap
  /** When the round started: horizons are set from it and compared with it. */
  now: number
  deleteRetentionMs: number
  /** Where the map's dirty section starts: from there on every keyed record is in the map. */
  dirtyStart: number
  /** The round's view of transactions; without it (tests of keys alone) every batch counts as committed. */
  txns?: CleanedTransactionMetadata
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
export function filterBatch(source: Buffer, pos: number, size: number, context: FilterContext, retainEmpty: (batch: BatchHeader) => boolean): FilterResult {
  const whole = (records: number): FilterResult => ({ bytes: source.subarray(pos, pos + size), recordsRead: records, recordsRetained: records, invalidRecords: 0 })
  const attributes = source.readInt16BE(pos + ATTRIBUTES)
  if (attributes & CONTROL_FLAG_MASK) return filterControlBatch(source, pos, size, context, retainEmpty)

  const baseOffset = Number(source.readBigInt64BE(pos + BASE_OFFSET))
  const abortedData = context.txns?.onBatchRead({
    lastOffset: baseOffset + source.readInt32BE(pos + LAST_OFFSET_DELTA),
    producerId: Number(source.readBigInt64BE(pos + PRODUCER_ID)),
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
  })
  if (abortedData || losesAllRecords(source, pos, context)) {
    const records = source.readInt32BE(pos + RECORDS_COUNT)
    const header = readBatchHeader(source, pos)
    const bytes = retainEmpty(header) ? (records === 0 ? source.subarray(pos, pos + size) : emptyBatch(header)) : null
    return { bytes, recordsRead: records, recordsRetained: 0, invalidRecords: 0 }
  }
  const horizon = attributes & DELETE_HORIZON_FLAG_MASK ? Number(source.readBigInt64BE(pos + BASE_TIMESTAMP)) : null
  const retainDeletes = horizon === null || context.now < horizon
  // First the keys alone: most batches keep all their records or none, and need no more.
  const kept: boolean[] = []
  let retained = 0
  let invalidRecords = 0
  let keptTombstone = false
  forEachRecordKey(source, pos, (offsetDelta, records, keyStart, keyLength, hasValue) => {
    const offset = baseOffset + offsetDelta
    let keep = false
    if (offset > context.map.latestOffset) keep = true
    else if (keyLength < 0) {
      // A record without a key in a compacted log: Kafka drops it (counted here in the clean section, by the map in the dirty one).
      if (offset < context.dirtyStart) invalidRecords++
    }
    else keep = offset >= context.map.get(records, keyStart, keyLength) && (hasValue || retainDeletes)
    kept.push(keep)
    if (keep) {
      retained++
      if (!hasValue) keptTombstone = true
    }
  })
  const result = { recordsRead: kept.length, recordsRetained: retained, invalidRecords }
  const needsHorizon = horizon === null && keptTombstone
  if (retained === kept.length && !needsHorizon && kept.length > 0) return whole(retained)
  if (retained === 0) {
    const header = readBatchHeader(source, pos)
    return { ...result, bytes: retainEmpty(header) ? (kept.length === 0 ? source.subarray(pos, pos + size) : emptyBatch(header)) : null }
  }
  const batch = decodeRecordBatch(source, pos, { verifyCrc: false })
  const survivors = batch.records.filter((_, i) => kept[i])
  return { ...result, bytes: rebuild(batch, survivors, needsHorizon ? BigInt(context.now + context.deleteRetentionMs) : horizon === null ? undefined : BigInt(horizon)) }
}

/**
 * A marker (Kafka's checkBatchRetention for control batches): kept while the transaction's data
 * is; then stamped with a delete horizon of now + delete.retention.ms, and dropped by the first
 * round after it (or emptied, when it must hold its place).
 */
function filterControlBatch(source: Buffer, pos: number, size: number, context: FilterContext, retainEmpty: (batch: BatchHeader) => boolean): FilterResult {
  const records = source.readInt32BE(pos + RECORDS_COUNT)
  const whole = { bytes: source.subarray(pos, pos + size), recordsRead: records, recordsRetained: records, invalidRecords: 0 }
  const attributes = source.readInt16BE(pos + ATTRIBUTES)
  const header = readBatchHeader(source, pos)
  const canDiscard = context.txns?.onControlBatchRead({
    lastOffset: Number(header.baseOffset) + header.lastOffsetDelta,
    producerId: Number(header.producerId),
    marker: txnMarkerAt(source, pos, attributes),
  })
  if (!canDiscard || records === 0) return whole
  if (!(attributes & DELETE_HORIZON_FLAG_MASK)) {
    const batch = decodeRecordBatch(source, pos, { verifyCrc: false })
    return { ...whole, bytes: rebuild(batch, batch.records, BigInt(context.now + context.deleteRetentionMs)) }
  }
  if (context.now < Number(header.baseTimestamp)) return whole
  return { bytes: retainEmpty(header) ? emptyBatch(header) : null, recordsRead: records, recordsRetained: 0, invalidRecords: 0 }
}

/**
 * Whether the batch whose header is at `pos` is a dirty batch holding no key's latest offset: it
 * loses every record, known from its header alone (its records without a key were counted when
 * the map was built), so the cleaner need not read its records.
 */
export function losesAllRecords(header: Buffer, pos: number, context: FilterContext): boolean {
  if (header.readInt16BE(pos + ATTRIBUTES) & CONTROL_FLAG_MASK) return false
  const baseOffset = Number(header.readBigInt64BE(pos + BASE_OFFSET))
  const lastOffset = baseOffset + header.readInt32BE(pos + LAST_OFFSET_DELTA)
  return baseOffset >= context.dirtyStart && lastOffset <= context.map.latestOffset && context.map.survivorsIn(baseOffset, lastOffset) === 0
}

/** The survivors re-encoded; Kafka keeps the batch's last offset, so the producer's last sequence survives compaction. */
function rebuild(batch: RecordBatch, records: KafkaRecord[], deleteHorizonMs: bigint | undefined): Buffer {
  return encodeRecordBatch({ ...recordBatchInputOf(batch, records), deleteHorizonMs })
}

/** Kafka's DefaultRecordBatch.writeEmptyHeader: no records, the batch's offsets and producer fields, uncompressed. */
function emptyBatch(batch: BatchHeader): Buffer {
  return encodeRecordBatch({
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: CompressionType.None,
    timestampType: timestampTypeOf(batch.attributes),
    isTransactional: isTransactional(batch.attributes),
    isControl: (batch.attributes & CONTROL_FLAG_MASK) !== 0,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    baseTimestamp: batch.maxTimestamp,
    lastOffsetDelta: batch.lastOffsetDelta,
    records: [],
  })
}
