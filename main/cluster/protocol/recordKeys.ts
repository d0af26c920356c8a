// The offset delta, key and value-or-null of each record of a batch, without decoding the
// rest: what the log cleaner needs to map and filter a batch, at a fraction of a full decode
// (no timestamps, headers, record objects or key buffers). A key is given as its place in the
// batch (or in its decompressed records): the cleaner's offset map reads its bytes there.
import { ATTRIBUTES, CompressionType, RECORD_BATCH_OVERHEAD, RECORDS_COUNT, batchSizeAt, compressionOf } from './batchHeader'
import { decompressRecords } from './compression'
import { CorruptRecordError, TruncatedInputError } from './errors'
import { type Cursor, readVarint } from './varint'

/** keyLength is -1 for a record without a key. */
export type RecordKeyVisitor = (offsetDelta: number, records: Buffer, keyStart: number, keyLength: number, hasValue: boolean) => void

/** Skips a varint or varlong (the timestamp delta, which the cleaner does not need). */
function skipVarlong(buf: Uint8Array, cursor: Cursor, end: number): void {
  for (let i = 0; i < 10; i++) {
    if (cursor.pos >= end) throw new TruncatedInputError(`Truncated varlong at byte ${cursor.pos}`)
    if (buf[cursor.pos++] < 0x80) return
  }
  throw new CorruptRecordError(`Malformed varlong before byte ${cursor.pos}`)
}

/** Visits every record of the (whole, CRC-checked) batch at `pos`. */
export function forEachRecordKey(data: Uint8Array, pos: number, visit: RecordKeyVisitor): void {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const batchEnd = pos + batchSizeAt(buf, pos)
  const codec = compressionOf(buf.readInt16BE(pos + ATTRIBUTES))
  const count = buf.readInt32BE(pos + RECORDS_COUNT)
  const records = codec === CompressionType.None ? buf : decompressRecords(codec, buf.subarray(pos + RECORD_BATCH_OVERHEAD, batchEnd))
  const cursor = { pos: codec === CompressionType.None ? pos + RECORD_BATCH_OVERHEAD : 0 }
  const end = codec === CompressionType.None ? batchEnd : records.length
  for (let i = 0; i < count; i++) {
    const length = readVarint(records, cursor, end)
    const bodyEnd = cursor.pos + length
    if (length < 1 || bodyEnd > end) throw new CorruptRecordError(`Invalid record length ${length} at byte ${cursor.pos}`)
    cursor.pos++ // attributes
    skipVarlong(records, cursor, bodyEnd)
    const offsetDelta = readVarint(records, cursor, bodyEnd)
    const keyLength = readVarint(records, cursor, bodyEnd)
    const keyStart = cursor.pos
    if (keyStart + Math.max(keyLength, 0) > bodyEnd) throw new CorruptRecordError(`Record key of ${keyLength} bytes at byte ${keyStart} overruns its record`)
    cursor.pos += Math.max(keyLength, 0)
    const valueLength = readVarint(records, cursor, bodyEnd)
    visit(offsetDelta, records, keyStart, keyLength, valueLength >= 0)
    cursor.pos = bodyEnd
  }
}
