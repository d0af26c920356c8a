// RecordBatch v2 (Kafka's DefaultRecordBatch): the 61-byte header of batchHeader.ts followed
// by the records section, compressed as a whole when the batch has a codec. Encoding sizes
// every record first and writes into one buffer; decoding validates framing, magic and CRC
// before it touches a record.
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  BATCH_LENGTH,
  type BatchHeader,
  CONTROL_FLAG_MASK,
  CRC,
  DELETE_HORIZON_FLAG_MASK,
  CURRENT_MAGIC,
  CompressionType,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  MAX_TIMESTAMP,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_ID,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  TimestampType,
  batchSizeAt,
  compressionOf,
  computeBatchCrc,
  isControlBatch,
  isTransactional,
  readBatchHeader,
  timestampTypeOf,
} from './batchHeader'
import { compressRecords, decompressRecords } from './compression'
import { CorruptRecordError, RecordCountMismatchError, TruncatedInputError, UnsupportedMagicError } from './errors'
import { type KafkaRecord, type RecordInput, readRecord, sizeOfRecord, sizeOfRecordBody, writeRecord } from './record'

export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
/** length, attributes, timestampDelta, offsetDelta, key, value, headersCount: 1 byte each at least. */
const MIN_RECORD_SIZE = 7

export interface RecordBatchInput {
  baseOffset?: bigint
  partitionLeaderEpoch?: number
  compression?: CompressionType
  /** The codec's level (a topic's compression.gzip.level / compression.zstd.level); its default when unset. */
  compressionLevel?: number
  timestampType?: TimestampType
  isTransactional?: boolean
  isControl?: boolean
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  /** Defaults to the first record's timestamp (as Kafka's MemoryRecordsBuilder), else now. */
  baseTimestamp?: bigint
  /** Defaults to the last record's offsetDelta; only an empty (compacted) batch needs it. */
  lastOffsetDelta?: number
  /**
   * KIP-534: when the cleaner may drop this batch's tombstones. Stored in baseTimestamp with
   * the delete-horizon attribute; record timestamps stay absolute (their deltas may go negative).
   */
  deleteHorizonMs?: bigint
  records: RecordInput[]
}

/** A decoded batch: its header, the attribute bits spelled out, and its records. */
export interface RecordBatch extends BatchHeader {
  compression: CompressionType
  timestampType: TimestampType
  isTransactional: boolean
  isControl: boolean
  /** Bytes the batch occupies: LOG_OVERHEAD + batchLength. */
  sizeInBytes: number
  records: KafkaRecord[]
}

export interface DecodeOptions {
  /** Check the CRC-32C before decoding (default true, as a consumer's check.crcs). */
  verifyCrc?: boolean
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}

function attributesOf(input: RecordBatchInput, compression: CompressionType): number {
  let attributes = compression
  if (input.timestampType === TimestampType.LogAppendTime) attributes |= TIMESTAMP_TYPE_MASK
  if (input.isTransactional) attributes |= TRANSACTIONAL_FLAG_MASK
  if (input.isControl) attributes |= CONTROL_FLAG_MASK
  if (input.deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_FLAG_MASK
  return attributes
}

export function encodeRecordBatch(input: RecordBatchInput): Buffer {
  const { records } = input
  const compression = input.compression ?? CompressionType.None
  const baseTimestamp = input.deleteHorizonMs ?? input.baseTimestamp ?? records[0]?.timestamp ?? BigInt(Date.now())

  // Pass 1: size every record, and find maxTimestamp.
  const bodySizes = new Int32Array(records.length)
  let recordsSize = 0
  let maxTimestamp = baseTimestamp
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    const timestamp = record.timestamp ?? baseTimestamp
    if (i === 0 || timestamp > maxTimestamp) maxTimestamp = timestamp
    bodySizes[i] = sizeOfRecordBody(record, record.offsetDelta ?? i, timestamp - baseTimestamp)
    recordsSize += sizeOfRecord(bodySizes[i])
  }

  // Pass 2: write them, in place after the header when uncompressed. The batch gets its own
  // ArrayBuffer (not Node's shared pool), so it can go in a worker message's transfer list.
  const uncompressed = compression === CompressionType.None
  const recordsBuf = uncompressed
    ? Buffer.allocUnsafeSlow(RECORD_BATCH_OVERHEAD + recordsSize)
    : Buffer.allocUnsafe(recordsSize)
  let pos = uncompressed ? RECORD_BATCH_OVERHEAD : 0
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    const timestampDelta = (record.timestamp ?? baseTimestamp) - baseTimestamp
    pos = writeRecord(recordsBuf, pos, record, bodySizes[i], record.offsetDelta ?? i, timestampDelta)
  }
  let buf = recordsBuf
  if (!uncompressed) {
    const compressed = compressRecords(compression, recordsBuf, input.compressionLevel)
    buf = Buffer.allocUnsafeSlow(RECORD_BATCH_OVERHEAD + compressed.length)
    compressed.copy(buf, RECORD_BATCH_OVERHEAD)
  }

  const lastRecord = records[records.length - 1]
  const lastOffsetDelta = input.lastOffsetDelta ?? (lastRecord ? (lastRecord.offsetDelta ?? records.length - 1) : 0)
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  view.setBigInt64(BASE_OFFSET, input.baseOffset ?? 0n)
  view.setInt32(BATCH_LENGTH, buf.length - LOG_OVERHEAD)
  view.setInt32(PARTITION_LEADER_EPOCH, input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH)
  view.setInt8(MAGIC, CURRENT_MAGIC)
  view.setInt16(ATTRIBUTES, attributesOf(input, compression))
  view.setInt32(LAST_OFFSET_DELTA, lastOffsetDelta)
  view.setBigInt64(BASE_TIMESTAMP, baseTimestamp)
  view.setBigInt64(MAX_TIMESTAMP, maxTimestamp)
  view.setBigInt64(PRODUCER_ID, input.producerId ?? NO_PRODUCER_ID)
  view.setInt16(PRODUCER_EPOCH, input.producerEpoch ?? NO_PRODUCER_EPOCH)
  view.setInt32(BASE_SEQUENCE, input.baseSequence ?? NO_SEQUENCE)
  view.setInt32(RECORDS_COUNT, records.length)
  view.setUint32(CRC, computeBatchCrc(buf, 0))
  return buf
}

/**
 * The input that encodes `batch` again, with `records` (by default all of its own) at their own
 * offsets: header fields kept, last offset included. For re-encoding (recompression, cleaning).
 */
export function recordBatchInputOf(batch: RecordBatch, records: readonly KafkaRecord[] = batch.records): RecordBatchInput {
  return {
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: batch.compression,
    timestampType: batch.timestampType,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    baseTimestamp: batch.baseTimestamp,
    lastOffsetDelta: batch.lastOffsetDelta,
    records: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: Number(r.offset - batch.baseOffset) })),
  }
}

/** Checks the framing of the batch at `pos`: enough bytes, magic v2, a plausible length. */
function checkFraming(buf: Buffer, pos: number): number {
  const available = buf.length - pos
  if (available < MAGIC + 1) {
    throw new TruncatedInputError(`Truncated record batch at byte ${pos}: ${available} bytes, too few to read its magic`)
  }
  const magic = buf.readInt8(pos + MAGIC)
  if (magic !== CURRENT_MAGIC) throw new UnsupportedMagicError(magic)
  const size = batchSizeAt(buf, pos)
  if (size < RECORD_BATCH_OVERHEAD) {
    throw new CorruptRecordError(`Record batch at byte ${pos} declares ${size} bytes, less than its ${RECORD_BATCH_OVERHEAD}-byte header`)
  }
  if (size > available) {
    throw new TruncatedInputError(`Truncated record batch at byte ${pos}: declares ${size} bytes, ${available} present`)
  }
  return size
}

function readRecords(buf: Buffer, start: number, end: number, header: RecordBatch): KafkaRecord[] {
  const compressed = header.compression !== CompressionType.None
  const data = compressed ? decompressRecords(header.compression, buf.subarray(start, end)) : buf
  const cursor = { pos: compressed ? 0 : start }
  const dataEnd = compressed ? data.length : end
  const count = header.recordsCount
  if (count < 0 || count * MIN_RECORD_SIZE > dataEnd - cursor.pos) {
    throw new RecordCountMismatchError(`Record batch declares ${count} records, impossible in ${dataEnd - cursor.pos} bytes`)
  }
  const context = {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : null,
  }
  const records: KafkaRecord[] = new Array(count)
  for (let i = 0; i < count; i++) {
    if (cursor.pos >= dataEnd) throw new RecordCountMismatchError(`Record batch declares ${count} records but holds ${i}`)
    records[i] = readRecord(data, cursor, dataEnd, context)
  }
  if (cursor.pos !== dataEnd) {
    throw new RecordCountMismatchError(`Record batch declares ${count} records but ${dataEnd - cursor.pos} bytes follow them`)
  }
  return records
}

/** Decodes the batch at `pos`, records decompressed. Keys and values share memory with `data` when uncompressed. */
export function decodeRecordBatch(data: Uint8Array, pos = 0, options: DecodeOptions = {}): RecordBatch {
  const buf = asBuffer(data)
  const sizeInBytes = checkFraming(buf, pos)
  const header = readBatchHeader(buf, pos)
  if (options.verifyCrc !== false) {
    const computed = computeBatchCrc(buf, pos)
    if (computed !== header.crc) {
      throw new CorruptRecordError(
        `Record batch at offset ${header.baseOffset} is corrupt: stored CRC-32C ${header.crc}, computed ${computed}`,
      )
    }
  }
  const batch: RecordBatch = {
    ...header,
    compression: compressionOf(header.attributes),
    timestampType: timestampTypeOf(header.attributes),
    isTransactional: isTransactional(header.attributes),
    isControl: isControlBatch(header.attributes),
    sizeInBytes,
    records: [],
  }
  batch.records = readRecords(buf, pos + RECORD_BATCH_OVERHEAD, pos + sizeInBytes, batch)
  return batch
}

/**
 * Decodes a concatenation of batches, as a Fetch response's records field holds them. A
 * partial batch at the end (the broker cuts at max bytes) is skipped, as Kafka's consumers do.
 */
export function* decodeRecordBatches(data: Uint8Array, options: DecodeOptions = {}): Generator<RecordBatch> {
  const buf = asBuffer(data)
  let pos = 0
  while (buf.length - pos >= LOG_OVERHEAD && batchSizeAt(buf, pos) <= buf.length - pos) {
    const batch = decodeRecordBatch(buf, pos, options)
    yield batch
    pos += batch.sizeInBytes
  }
}
