// Kafka's LogValidator for RecordBatch v2, working on headers only: a produced batch is
// checked (structure, size, CRC, record count, timestamps) and stamped with its base offset
// and leader epoch in place, without decoding its records. Only a compacted topic's batches
// are decoded, as in Kafka: every record needs a key there.
import { KafkaError, RecordValidationError } from '../../errors'
import {
  ATTRIBUTES,
  BATCH_LENGTH,
  BASE_TIMESTAMP,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MAGIC,
  RECORDS_COUNT,
  RECORD_BATCH_OVERHEAD,
  LAST_OFFSET_DELTA,
  CompressionType,
  isBatchCrcValid,
  stampBaseOffset,
  stampLogAppendTime,
  stampPartitionLeaderEpoch,
} from '../../protocol/batchHeader'
import { compressionLevelOf, isCompacted, type LogConfig } from '../../config/logConfig'
import { MAX_DECOMPRESSED_MESSAGE_BYTES } from '../../config/definitions'
import { decompressRecords } from '../../protocol/compression'
import { decodeRecordBatch } from '../../protocol/recordBatch'
import { readVarint } from '../../protocol/varint'
import { batchInfoAt, type BatchInfo } from './segment'
import type { BatchMetadata } from './producerStateEntry'
import { needsRecompression, recompress, targetCodec } from './recompress'

export interface LogAppendInfo {
  /** The bytes to write: the request's own, or their recompression into the topic's codec. */
  bytes: Uint8Array
  firstOffset: number
  lastOffset: number
  maxTimestamp: number
  offsetOfMaxTimestamp: number
  /** The broker time stamped into the batches under LogAppendTime, else -1. */
  logAppendTime: number
  recordCount: number
  validBytes: number
  batches: BatchInfo[]
  /** A producer's retry of a batch the log holds: nothing was written, offsets are the original's. */
  duplicate: boolean
}

/** Walks the batches in `bytes`, checking that each is whole, v2 and intact. */
function checkStructure(bytes: Uint8Array, maxBatchBytes: number): BatchInfo[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const batches: BatchInfo[] = []
  let pos = 0
  if (bytes.length === 0) throw new KafkaError('INVALID_RECORD', 'The produce request holds no record batch')
  while (pos < bytes.length) {
    if (bytes.length - pos < RECORD_BATCH_OVERHEAD) {
      throw new KafkaError('CORRUPT_MESSAGE', `Record batch at byte ${pos} is truncated: ${bytes.length - pos} bytes, a v2 header needs ${RECORD_BATCH_OVERHEAD}`)
    }
    const size = LOG_OVERHEAD + view.getInt32(pos + BATCH_LENGTH)
    if (size < RECORD_BATCH_OVERHEAD || pos + size > bytes.length) {
      throw new KafkaError('CORRUPT_MESSAGE', `Record batch at byte ${pos} declares ${size} bytes but ${bytes.length - pos} remain`)
    }
    const magic = view.getInt8(pos + MAGIC)
    if (magic !== CURRENT_MAGIC) {
      throw new KafkaError('INVALID_RECORD', `Record batch magic ${magic} is not supported: only RecordBatch v2 (magic 2) is`)
    }
    if (size > maxBatchBytes) {
      throw new KafkaError('MESSAGE_TOO_LARGE', `Record batch of ${size} bytes is larger than max.message.bytes (${maxBatchBytes})`)
    }
    if (!isBatchCrcValid(bytes, pos)) {
      throw new KafkaError('CORRUPT_MESSAGE', `Record batch at byte ${pos} fails its CRC-32C check`)
    }
    const codec = view.getInt16(pos + ATTRIBUTES) & COMPRESSION_CODEC_MASK
    if (codec > CompressionType.Zstd) {
      throw new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', `Record batch uses unknown compression codec ${codec}`)
    }
    batches.push(batchInfoAt(bytes, pos))
    pos += size
  }
  return batches
}

function checkTimestamp(timestamp: number, now: number, config: LogConfig): void {
  if (now - timestamp > config.messageTimestampBeforeMaxMs || timestamp - now > config.messageTimestampAfterMaxMs) {
    throw new KafkaError(
      'INVALID_TIMESTAMP',
      `Timestamp ${timestamp} is out of range: it must be within message.timestamp.before.max.ms (${config.messageTimestampBeforeMaxMs}) before and message.timestamp.after.max.ms (${config.messageTimestampAfterMaxMs}) after the broker time ${now}`,
    )
  }
}

/** A produce request's batches once validated, before offsets are assigned. */
export interface ValidatedRecords {
  /** The request's own bytes, or their recompression into the topic's codec. */
  bytes: Uint8Array
  batches: BatchInfo[]
  recordCount: number
}

/**
 * Validates a producer's batches (recompressing them into the topic's codec if it names one).
 * Nothing is stamped here: a produce appends all or nothing.
 */
export function validateRecords(produced: Uint8Array, config: LogConfig, now: number, topicPartition = ''): ValidatedRecords {
  let bytes = produced
  let batches = checkStructure(bytes, config.maxMessageBytes)
  checkDecompressedRecordSizes(bytes, batches, config.maxDecompressedMessageBytes)
  const codec = targetCodec(config.compressionType)
  const positions = batches.map((b) => b.position)
  if (codec !== null && needsRecompression(bytes, positions, codec)) {
    bytes = recompress(bytes, positions, codec, compressionLevelOf(config, config.compressionType))
    batches = checkStructure(bytes, config.maxMessageBytes)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let recordCount = 0
  for (const batch of batches) {
    const count = view.getInt32(batch.position + RECORDS_COUNT)
    const lastOffsetDelta = view.getInt32(batch.position + LAST_OFFSET_DELTA)
    if (count <= 0 || lastOffsetDelta !== count - 1) {
      throw new KafkaError('INVALID_RECORD', `Record batch holds ${count} records but its lastOffsetDelta is ${lastOffsetDelta}: a produced batch needs at least one record and contiguous offset deltas`)
    }
    if (batch.attributes & CONTROL_FLAG_MASK) {
      throw new KafkaError('INVALID_RECORD', 'Clients may not produce control batches')
    }
    if (config.messageTimestampType === 'CreateTime') {
      checkTimestamp(Number(view.getBigInt64(batch.position + BASE_TIMESTAMP)), now, config)
      checkTimestamp(batch.maxTimestamp, now, config)
    }
    if (isCompacted(config)) checkKeys(bytes, batch, topicPartition)
    recordCount += count
  }
  return { bytes, batches, recordCount }
}

/**
 * max.decompressed.message.bytes: Kafka's DefaultRecord.readFrom refuses a record of a
 * compressed batch whose declared size is larger, before reading it (InvalidRecordException,
 * INVALID_RECORD). Uncompressed records are bounded by max.message.bytes instead. At the
 * default nothing can exceed it, so batches are only decompressed here when it is lowered.
 */
function checkDecompressedRecordSizes(bytes: Uint8Array, batches: BatchInfo[], max: number): void {
  if (max >= MAX_DECOMPRESSED_MESSAGE_BYTES) return
  for (const batch of batches) {
    const codec = batch.attributes & COMPRESSION_CODEC_MASK
    if (codec === CompressionType.None) continue
    const start = bytes.byteOffset + batch.position + RECORD_BATCH_OVERHEAD
    const records = decompressRecords(codec, Buffer.from(bytes.buffer, start, batch.size - RECORD_BATCH_OVERHEAD))
    const cursor = { pos: 0 }
    while (cursor.pos < records.length) {
      const size = readVarint(records, cursor)
      if (size > max) throw new KafkaError('INVALID_RECORD', `Invalid record size: ${size} exceeds the configured maximum record size of ${max}.`)
      if (size < 0) break // a malformed record: not this check's to judge
      cursor.pos += size
    }
  }
}

/** LogValidator.validateKey: a compacted topic refuses a record without a key (INVALID_RECORD since KIP-467). */
function checkKeys(bytes: Uint8Array, batch: BatchInfo, topicPartition: string): void {
  const message = `Compacted topic cannot accept message without key in topic partition ${topicPartition}`
  const recordErrors = decodeRecordBatch(bytes, batch.position, { verifyCrc: false }).records.flatMap((r, batchIndex) => (r.key === null ? [{ batchIndex, batchIndexErrorMessage: message }] : []))
  if (recordErrors.length > 0) throw new RecordValidationError('INVALID_RECORD', message, recordErrors)
}

/**
 * Assigns validated batches offsets from `nextOffset`, stamping base offset, leader epoch and,
 * under LogAppendTime, the broker's time (which rewrites the CRC).
 */
export function assignOffsets(
  { bytes, batches, recordCount }: ValidatedRecords,
  nextOffset: number,
  leaderEpoch: number,
  config: LogConfig,
  now: number,
): LogAppendInfo {
  const logAppendTime = config.messageTimestampType === 'LogAppendTime' ? now : -1
  let offset = nextOffset
  let maxTimestamp = -1
  let offsetOfMaxTimestamp = -1
  for (const batch of batches) {
    const count = batch.lastOffset - batch.baseOffset + 1
    stampBaseOffset(bytes, batch.position, offset)
    stampPartitionLeaderEpoch(bytes, batch.position, leaderEpoch)
    if (logAppendTime >= 0) stampLogAppendTime(bytes, batch.position, BigInt(logAppendTime))
    batch.baseOffset = offset
    batch.lastOffset = offset + count - 1
    batch.partitionLeaderEpoch = leaderEpoch
    if (logAppendTime >= 0) batch.maxTimestamp = logAppendTime
    if (batch.maxTimestamp > maxTimestamp) {
      maxTimestamp = batch.maxTimestamp
      offsetOfMaxTimestamp = batch.lastOffset
    }
    offset += count
  }
  return {
    bytes,
    firstOffset: nextOffset,
    lastOffset: offset - 1,
    maxTimestamp,
    offsetOfMaxTimestamp,
    logAppendTime,
    recordCount,
    validBytes: bytes.length,
    batches,
    duplicate: false,
  }
}

/**
 * A retried batch that the log already holds: acknowledged with the original batch's offsets
 * and nothing written (Kafka returns the cached BatchMetadata the same way).
 */
export function duplicateAppendInfo(original: BatchMetadata, config: LogConfig): LogAppendInfo {
  return {
    bytes: new Uint8Array(0),
    firstOffset: original.firstOffset,
    lastOffset: original.lastOffset,
    maxTimestamp: original.timestamp,
    offsetOfMaxTimestamp: original.lastOffset,
    // Under LogAppendTime the cached maxTimestamp is the broker time stamped at the first append.
    logAppendTime: config.messageTimestampType === 'LogAppendTime' ? original.timestamp : -1,
    recordCount: 0,
    validBytes: 0,
    batches: [],
    duplicate: true,
  }
}

/**
 * A follower appends batches as its leader wrote them: offsets and epochs already stamped.
 * They must be intact and must continue the follower's log at `nextOffset`.
 */
export function validateReplicatedBatches(bytes: Uint8Array, nextOffset: number): LogAppendInfo {
  const batches = checkStructure(bytes, Number.MAX_SAFE_INTEGER)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let expected = nextOffset
  let maxTimestamp = -1
  let offsetOfMaxTimestamp = -1
  let recordCount = 0
  for (const batch of batches) {
    if (batch.baseOffset < expected || batch.lastOffset < batch.baseOffset) {
      throw new KafkaError('CORRUPT_MESSAGE', `Replicated batch at offset ${batch.baseOffset} does not continue the log at ${expected}`)
    }
    if (batch.maxTimestamp > maxTimestamp) {
      maxTimestamp = batch.maxTimestamp
      offsetOfMaxTimestamp = batch.lastOffset
    }
    recordCount += view.getInt32(batch.position + RECORDS_COUNT)
    expected = batch.lastOffset + 1
  }
  return {
    bytes,
    firstOffset: batches[0].baseOffset,
    lastOffset: expected - 1,
    maxTimestamp,
    offsetOfMaxTimestamp,
    logAppendTime: -1,
    recordCount,
    validBytes: bytes.length,
    batches,
    duplicate: false,
  }
}
