// The offset delta, key and value-or-null of each record of a batch, without decoding the
// rest: what the log cleaner needs to map and filter a batch, at a fraction of a full decode
// (no timestamps, headers, record objects or key buffers). A key is given as its place in the
// batch (or in its decompressed records): the cleaner's offset map reads its bytes there.
import { ATTRIBUTES, CompressionType, RECORD_BATCH_OVERHEAD, RECORDS_COUNT, batchSizeAt, compressionOf } from './batchHeader'
import { decompressRecords } from './compression'
import { CorruptRecordError, TruncatedInputError } from './errors'
import { readVarint } from './varint'

/** keyLength is -1 for a record without a key. */
export type RecordKeyVisitor = (offsetDelta: number, records: Buffer, keyStart: number, keyLength: number, hasValue: boolean) => void

/** Where the varint readRecordVarint just read ends: a module slot, so a read allocates nothing. */
let varintEnd = 0

/**
 * A zigzag varint at `start`, within `end`, its end left in varintEnd. The cleaner reads four per
 * record for every record of a dirty section: a local position and a one-byte fast path keep
 * that at a few nanoseconds (a shared cursor object and a general reader cost twice as much).
 */
function readRecordVarint(buf: Uint8Array, start: number, end: number): number {
  let pos = start
  let u = 0
  for (let shift = 0; shift <= 28 && pos < end; shift += 7) {
    const b = buf[pos++]
    if (shift === 28 && b > 0x0f) break
    u |= (b & 0x7f) << shift
    if (b < 0x80) {
      varintEnd = pos
      return (u >>> 1) ^ -(u & 1)
    }
  }
  // Truncated or overlong: the general reader throws the error that says which.
  return readVarint(buf, { pos: start }, end)
}

/** The end of the varint or varlong at `pos` (the timestamp delta, which the cleaner does not need). */
function skipVarlong(buf: Uint8Array, pos: number, end: number): number {
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new TruncatedInputError(`Truncated varlong at byte ${pos}`)
    if (buf[pos++] < 0x80) return pos
  }
  throw new CorruptRecordError(`Malformed varlong before byte ${pos}`)
}

/** Visits every record of the (whole, CRC-checked) batch at `pos`. */
export function forEachRecordKey(data: Uint8Array, pos: number, visit: RecordKeyVisitor): void {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const batchEnd = pos + batchSizeAt(buf, pos)
  const codec = compressionOf(buf.readInt16BE(pos + ATTRIBUTES))
  const count = buf.readInt32BE(pos + RECORDS_COUNT)
  const records = codec === CompressionType.None ? buf : decompressRecords(codec, buf.subarray(pos + RECORD_BATCH_OVERHEAD, batchEnd))
  let at = codec === CompressionType.None ? pos + RECORD_BATCH_OVERHEAD : 0
  const end = codec === CompressionType.None ? batchEnd : records.length
  for (let i = 0; i < count; i++) {
    const length = readRecordVarint(records, at, end)
    at = varintEnd
    const bodyEnd = at + length
    if (length < 1 || bodyEnd > end) throw new CorruptRecordError(`Invalid record length ${length} at byte ${at}`)
    at = skipVarlong(records, at + 1, bodyEnd) // past the attributes and the timestamp delta
    const offsetDelta = readRecordVarint(records, at, bodyEnd)
    const keyLength = readRecordVarint(records, varintEnd, bodyEnd)
    const keyStart = varintEnd
    if (keyStart + Math.max(keyLength, 0) > bodyEnd) throw new CorruptRecordError(`Record key of ${keyLength} bytes at byte ${keyStart} overruns its record`)
    const valueLength = readRecordVarint(records, keyStart + Math.max(keyLength, 0), bodyEnd)
    visit(offsetDelta, records, keyStart, keyLength, valueLength >= 0)
    at = bodyEnd
  }
}
