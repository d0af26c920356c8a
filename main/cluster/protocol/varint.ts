// Variable-length integers (Kafka's ByteUtils): unsigned LEB128 varints, and zigzag varint
// (int32) / varlong (int64) as records use them. Readers advance a shared cursor so a record
// decoder reads many fields without allocating; writers write into a preallocated buffer and
// return the next position. Varlongs are bigint: timestamp deltas can exceed 32 bits.
import { CorruptRecordError, TruncatedInputError } from './errors'

/** A read position shared by the readers of one buffer. */
export interface Cursor {
  pos: number
}

export const MAX_VARINT_BYTES = 5
export const MAX_VARLONG_BYTES = 10

/** |v| <= 2^52 keeps the zigzag value (2|v|) exact in a double, so no bigint is needed. */
const MAX_SAFE_ZIGZAG_INPUT = 2 ** 52

function truncated(start: number, what: string): TruncatedInputError {
  return new TruncatedInputError(`Truncated ${what} at byte ${start}: input ended mid-value`)
}

function overlong(start: number, what: string, maxBytes: number): CorruptRecordError {
  return new CorruptRecordError(`Malformed ${what} at byte ${start}: longer than ${maxBytes} bytes or out of range`)
}

export function readUnsignedVarint(buf: Uint8Array, cursor: Cursor, end = buf.length): number {
  let pos = cursor.pos
  let result = 0
  for (let shift = 0; shift <= 28; shift += 7) {
    if (pos >= end) throw truncated(cursor.pos, 'varint')
    const b = buf[pos++]
    // The 5th byte holds bits 28..31 only: more is overflow or an overlong encoding.
    if (shift === 28 && b > 0x0f) break
    result |= (b & 0x7f) << shift
    if (b < 0x80) {
      cursor.pos = pos
      return result >>> 0
    }
  }
  throw overlong(cursor.pos, 'varint', MAX_VARINT_BYTES)
}

/** Zigzag int32. */
export function readVarint(buf: Uint8Array, cursor: Cursor, end = buf.length): number {
  const u = readUnsignedVarint(buf, cursor, end)
  return (u >>> 1) ^ -(u & 1)
}

/** Zigzag int64. Up to 7 bytes (49 bits) accumulate in a double; longer ones in bigint. */
export function readVarlong(buf: Uint8Array, cursor: Cursor, end = buf.length): bigint {
  let pos = cursor.pos
  let small = 0
  let scale = 1
  for (let i = 0; i < 7; i++) {
    if (pos >= end) throw truncated(cursor.pos, 'varlong')
    const b = buf[pos++]
    small += (b & 0x7f) * scale
    if (b < 0x80) {
      cursor.pos = pos
      return BigInt(small % 2 === 0 ? small / 2 : -(small + 1) / 2)
    }
    scale *= 0x80
  }
  let result = BigInt(small)
  for (let shift = 49n; shift <= 63n; shift += 7n) {
    if (pos >= end) throw truncated(cursor.pos, 'varlong')
    const b = buf[pos++]
    // The 10th byte holds bit 63 only.
    if (shift === 63n && b > 0x01) break
    result |= BigInt(b & 0x7f) << shift
    if (b < 0x80) {
      cursor.pos = pos
      return (result >> 1n) ^ -(result & 1n)
    }
  }
  throw overlong(cursor.pos, 'varlong', MAX_VARLONG_BYTES)
}

function zigzag32(value: number): number {
  if ((value | 0) !== value) throw new RangeError(`Varint value ${value} is not an int32`)
  return ((value << 1) ^ (value >> 31)) >>> 0
}

function checkInt64(value: bigint): void {
  if (BigInt.asIntN(64, value) !== value) throw new RangeError(`Varlong value ${value} is not an int64`)
}

export function sizeOfUnsignedVarint(value: number): number {
  if (value < 0x80) return 1
  if (value < 0x4000) return 2
  if (value < 0x200000) return 3
  if (value < 0x10000000) return 4
  return 5
}

export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint(zigzag32(value))
}

export function sizeOfVarlong(value: bigint): number {
  checkInt64(value)
  let size = 1
  if (value >= -MAX_SAFE_ZIGZAG_INPUT && value <= MAX_SAFE_ZIGZAG_INPUT) {
    const v = Number(value)
    for (let zz = v >= 0 ? v * 2 : -v * 2 - 1; zz >= 0x80; zz = Math.floor(zz / 0x80)) size++
    return size
  }
  for (let zz = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n)); zz >= 0x80n; zz >>= 7n) size++
  return size
}

/** Writes `value` (a uint32) at `pos`; returns the position after it. */
export function writeUnsignedVarint(buf: Uint8Array, pos: number, value: number): number {
  if (value < 0 || value > 0xffffffff || !Number.isInteger(value)) {
    throw new RangeError(`Unsigned varint value ${value} is not a uint32`)
  }
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80
    value >>>= 7
  }
  buf[pos++] = value
  return pos
}

export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  return writeUnsignedVarint(buf, pos, zigzag32(value))
}

export function writeVarlong(buf: Uint8Array, pos: number, value: bigint): number {
  checkInt64(value)
  if (value >= -MAX_SAFE_ZIGZAG_INPUT && value <= MAX_SAFE_ZIGZAG_INPUT) {
    const v = Number(value)
    let zz = v >= 0 ? v * 2 : -v * 2 - 1
    while (zz >= 0x80) {
      buf[pos++] = (zz % 0x80) | 0x80
      zz = Math.floor(zz / 0x80)
    }
    buf[pos++] = zz
    return pos
  }
  let zz = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n))
  while (zz >= 0x80n) {
    buf[pos++] = Number(zz & 0x7fn) | 0x80
    zz >>= 7n
  }
  buf[pos++] = Number(zz)
  return pos
}
