// Record v2 (Kafka's DefaultRecord), the entries of a RecordBatch's records section:
//
//   length: varint               bytes after this field
//   attributes: int8             unused, 0
//   timestampDelta: varlong      from the batch's baseTimestamp
//   offsetDelta: varint          from the batch's baseOffset
//   keyLength: varint, key       -1 = null
//   valueLength: varint, value   -1 = null
//   headersCount: varint
//     headerKeyLength: varint, headerKey (UTF-8, never null)
//     headerValueLength: varint, headerValue (-1 = null)
//
// Encoding is two passes (size, then write) into one preallocated buffer; decoding returns
// subarrays of its input, so decoded keys and values share memory with the batch.
import { CorruptRecordError, TruncatedInputError } from './errors'
import { type Cursor, readVarint, readVarlong, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint'

/** Bytes to write: raw, or a string written as UTF-8. */
export type Bytes = Uint8Array | string

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** A decoded record, with offset and timestamp made absolute. */
export interface KafkaRecord {
  offset: bigint
  timestamp: bigint
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

export interface RecordInput {
  key?: Bytes | null
  value?: Bytes | null
  headers?: { key: string; value?: Bytes | null }[]
  /** Absolute; defaults to the batch's baseTimestamp. */
  timestamp?: bigint
  /** Defaults to the record's index in the batch (gaps only after compaction). */
  offsetDelta?: number
}

const NO_HEADERS: readonly { key: string; value?: Bytes | null }[] = []

function byteLengthOf(bytes: Bytes): number {
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length
}

function sizeOfBytes(bytes: Bytes | null | undefined): number {
  if (bytes == null) return 1
  const length = byteLengthOf(bytes)
  return sizeOfVarint(length) + length
}

function writeBytes(buf: Buffer, pos: number, bytes: Bytes | null | undefined): number {
  if (bytes == null) return writeVarint(buf, pos, -1)
  if (typeof bytes === 'string') {
    const length = Buffer.byteLength(bytes, 'utf8')
    pos = writeVarint(buf, pos, length)
    return pos + buf.write(bytes, pos, length, 'utf8')
  }
  pos = writeVarint(buf, pos, bytes.length)
  buf.set(bytes, pos)
  return pos + bytes.length
}

/** Size of the record after its length field. */
export function sizeOfRecordBody(record: RecordInput, offsetDelta: number, timestampDelta: bigint): number {
  let size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta)
  size += sizeOfBytes(record.key) + sizeOfBytes(record.value)
  const headers = record.headers ?? NO_HEADERS
  size += sizeOfVarint(headers.length)
  for (const header of headers) size += sizeOfBytes(header.key) + sizeOfBytes(header.value)
  return size
}

/** Size of the whole record, length field included. */
export function sizeOfRecord(bodySize: number): number {
  return sizeOfVarint(bodySize) + bodySize
}

/** Writes one record whose body size `sizeOfRecordBody` computed; returns the next position. */
export function writeRecord(
  buf: Buffer,
  pos: number,
  record: RecordInput,
  bodySize: number,
  offsetDelta: number,
  timestampDelta: bigint,
): number {
  pos = writeVarint(buf, pos, bodySize)
  buf[pos++] = 0
  pos = writeVarlong(buf, pos, timestampDelta)
  pos = writeVarint(buf, pos, offsetDelta)
  pos = writeBytes(buf, pos, record.key)
  pos = writeBytes(buf, pos, record.value)
  const headers = record.headers ?? NO_HEADERS
  pos = writeVarint(buf, pos, headers.length)
  for (const header of headers) {
    pos = writeBytes(buf, pos, header.key)
    pos = writeBytes(buf, pos, header.value)
  }
  return pos
}

function readBytes(buf: Buffer, cursor: Cursor, end: number): Buffer | null {
  const length = readVarint(buf, cursor, end)
  if (length < 0) return null
  const start = cursor.pos
  if (start + length > end) throw new TruncatedInputError(`Record field of ${length} bytes at byte ${start} overruns its record`)
  cursor.pos = start + length
  return buf.subarray(start, start + length)
}

/** The timestamp fields a record needs from its batch. */
export interface RecordContext {
  baseOffset: bigint
  baseTimestamp: bigint
  /** Set for LogAppendTime batches: every record then carries the batch's maxTimestamp. */
  logAppendTime: bigint | null
}

/** Reads the record at `cursor.pos`, which must end by `end`. */
export function readRecord(buf: Buffer, cursor: Cursor, end: number, context: RecordContext): KafkaRecord {
  const length = readVarint(buf, cursor, end)
  const bodyStart = cursor.pos
  const bodyEnd = bodyStart + length
  if (length < 1) throw new CorruptRecordError(`Invalid record length ${length} at byte ${bodyStart}`)
  if (bodyEnd > end) throw new TruncatedInputError(`Record of ${length} bytes at byte ${bodyStart} overruns its input`)
  cursor.pos++ // attributes: unused by Kafka
  const timestampDelta = readVarlong(buf, cursor, bodyEnd)
  const offsetDelta = readVarint(buf, cursor, bodyEnd)
  const key = readBytes(buf, cursor, bodyEnd)
  const value = readBytes(buf, cursor, bodyEnd)
  const headersCount = readVarint(buf, cursor, bodyEnd)
  // A header takes at least 2 bytes: bounds the allocation a corrupt count could ask for.
  if (headersCount < 0 || headersCount * 2 > bodyEnd - cursor.pos) {
    throw new CorruptRecordError(`Invalid record headers count ${headersCount} at byte ${bodyStart}`)
  }
  const headers: RecordHeader[] = new Array(headersCount)
  for (let i = 0; i < headersCount; i++) {
    const headerKey = readBytes(buf, cursor, bodyEnd)
    if (headerKey === null) throw new CorruptRecordError(`Null header key in record at byte ${bodyStart}`)
    headers[i] = { key: headerKey.toString('utf8'), value: readBytes(buf, cursor, bodyEnd) }
  }
  if (cursor.pos !== bodyEnd) {
    throw new CorruptRecordError(
      `Invalid record size at byte ${bodyStart}: declared ${length} bytes, fields took ${cursor.pos - bodyStart}`,
    )
  }
  return {
    offset: context.baseOffset + BigInt(offsetDelta),
    timestamp: context.logAppendTime ?? context.baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  }
}
