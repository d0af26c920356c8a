// The fixed 61-byte header of a RecordBatch (magic v2), read and stamped in place. The log
// works on these fields only: it never decodes the records themselves.
//
//   baseOffset: int64                0
//   batchLength: int32               8   bytes after this field
//   partitionLeaderEpoch: int32     12
//   magic: int8                     16   2
//   crc: uint32                     17   CRC-32C of attributes..end
//   attributes: int16               21
//   lastOffsetDelta: int32          23
//   baseTimestamp: int64            27
//   maxTimestamp: int64             35
//   producerId: int64               43
//   producerEpoch: int16            51
//   baseSequence: int32             53
//   recordsCount: int32             57
//   records                         61
import { crc32c } from './crc32c'

export const BASE_OFFSET = 0
export const BATCH_LENGTH = 8
export const PARTITION_LEADER_EPOCH = 12
export const MAGIC = 16
export const CRC = 17
export const ATTRIBUTES = 21
export const LAST_OFFSET_DELTA = 23
export const BASE_TIMESTAMP = 27
export const MAX_TIMESTAMP = 35
export const PRODUCER_ID = 43
export const PRODUCER_EPOCH = 51
export const BASE_SEQUENCE = 53
export const RECORDS_COUNT = 57
export const RECORD_BATCH_OVERHEAD = 61
/** baseOffset + batchLength: the bytes that precede what batchLength counts. */
export const LOG_OVERHEAD = 12
export const CURRENT_MAGIC = 2

/** Attribute bits (Kafka's DefaultRecordBatch). */
export const COMPRESSION_CODEC_MASK = 0x07
export const TIMESTAMP_TYPE_MASK = 0x08
export const TRANSACTIONAL_FLAG_MASK = 0x10
export const CONTROL_FLAG_MASK = 0x20
export const DELETE_HORIZON_FLAG_MASK = 0x40

export const NO_PRODUCER_ID = -1n
export const NO_PARTITION_LEADER_EPOCH = -1
export const NO_TIMESTAMP = -1n

export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

export interface BatchHeader {
  baseOffset: bigint
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: bigint
  maxTimestamp: bigint
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  recordsCount: number
}

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
}

/** Reads the header of the batch that starts at `pos`. The caller checks the length first. */
export function readBatchHeader(buf: Uint8Array, pos = 0): BatchHeader {
  const v = view(buf)
  return {
    baseOffset: v.getBigInt64(pos + BASE_OFFSET),
    batchLength: v.getInt32(pos + BATCH_LENGTH),
    partitionLeaderEpoch: v.getInt32(pos + PARTITION_LEADER_EPOCH),
    magic: v.getInt8(pos + MAGIC),
    crc: v.getUint32(pos + CRC),
    attributes: v.getInt16(pos + ATTRIBUTES),
    lastOffsetDelta: v.getInt32(pos + LAST_OFFSET_DELTA),
    baseTimestamp: v.getBigInt64(pos + BASE_TIMESTAMP),
    maxTimestamp: v.getBigInt64(pos + MAX_TIMESTAMP),
    producerId: v.getBigInt64(pos + PRODUCER_ID),
    producerEpoch: v.getInt16(pos + PRODUCER_EPOCH),
    baseSequence: v.getInt32(pos + BASE_SEQUENCE),
    recordsCount: v.getInt32(pos + RECORDS_COUNT),
  }
}

/** Total size on disk of the batch at `pos`: the 12 bytes before batchLength plus batchLength. */
export function batchSizeAt(buf: Uint8Array, pos = 0): number {
  return LOG_OVERHEAD + view(buf).getInt32(pos + BATCH_LENGTH)
}

/** The CRC-32C the batch at `pos` should carry (covers attributes to the batch's end). */
export function computeBatchCrc(buf: Uint8Array, pos = 0): number {
  return crc32c(buf, pos + ATTRIBUTES, pos + batchSizeAt(buf, pos))
}

export function isBatchCrcValid(buf: Uint8Array, pos = 0): boolean {
  return view(buf).getUint32(pos + CRC) === computeBatchCrc(buf, pos)
}

/**
 * baseOffset and partitionLeaderEpoch lie outside the CRC, so stamping them keeps it valid.
 * The offset is written as two 32-bit halves: no BigInt on the produce path.
 */
export function stampBaseOffset(buf: Uint8Array, pos: number, baseOffset: number): void {
  const v = view(buf)
  v.setUint32(pos + BASE_OFFSET, Math.floor(baseOffset / 2 ** 32))
  v.setUint32(pos + BASE_OFFSET + 4, baseOffset >>> 0)
}

export function stampPartitionLeaderEpoch(buf: Uint8Array, pos: number, epoch: number): void {
  view(buf).setInt32(pos + PARTITION_LEADER_EPOCH, epoch)
}

/** LogAppendTime: the broker's clock replaces maxTimestamp, which the CRC covers. */
export function stampLogAppendTime(buf: Uint8Array, pos: number, timestamp: bigint): void {
  const v = view(buf)
  v.setInt16(pos + ATTRIBUTES, v.getInt16(pos + ATTRIBUTES) | TIMESTAMP_TYPE_MASK)
  v.setBigInt64(pos + MAX_TIMESTAMP, timestamp)
  v.setUint32(pos + CRC, computeBatchCrc(buf, pos))
}

export function compressionOf(attributes: number): CompressionType {
  return attributes & COMPRESSION_CODEC_MASK
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & CONTROL_FLAG_MASK) !== 0
}

export function isTransactional(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG_MASK) !== 0
}

export function timestampTypeOf(attributes: number): TimestampType {
  return attributes & TIMESTAMP_TYPE_MASK ? TimestampType.LogAppendTime : TimestampType.CreateTime
}
