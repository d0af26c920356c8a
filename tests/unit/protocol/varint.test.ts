import { describe, expect, it } from 'vitest'
import { CorruptRecordError, TruncatedInputError } from '../../../main/cluster/protocol/errors'
import {
  readUnsignedVarint,
  readVarint,
  readVarlong,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from '../../../main/cluster/protocol/varint'
import { Decoder, Encoder } from './kafkajsInternals'

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex')

function encode<T>(write: (buf: Buffer, pos: number, v: T) => number, value: T): Buffer {
  const buf = Buffer.alloc(16, 0xee)
  return buf.subarray(0, write(buf, 0, value))
}

interface VarCodec<T> {
  write: (buf: Buffer, pos: number, v: T) => number
  read: (buf: Uint8Array, cursor: { pos: number }) => T
  size: (v: T) => number
}

/** Checks one value against its known encoding: bytes, size and a read that consumes it all. */
function expectEncoding<T>(codec: VarCodec<T>, value: T, bytes: string): void {
  const encoded = encode(codec.write, value)
  expect(encoded.toString('hex')).toBe(bytes)
  expect(codec.size(value)).toBe(encoded.length)
  const cursor = { pos: 0 }
  expect(codec.read(hex(bytes), cursor)).toBe(value)
  expect(cursor.pos).toBe(encoded.length)
}

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

describe('zigzag varint (int32)', () => {
  // Encodings from the protobuf/Kafka zigzag definition.
  it.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-64, '7f'],
    [64, '8001'],
    [300, 'd804'],
    [INT32_MAX, 'feffffff0f'],
    [INT32_MIN, 'ffffffff0f'],
  ])('%i <-> %s', (value, bytes) => {
    expectEncoding({ write: writeVarint, read: readVarint, size: sizeOfVarint }, value, bytes)
  })

  it('agrees with kafkajs on a spread of values', () => {
    const values = [0, 1, -2, 63, -65, 8191, -8193, 1 << 20, -(1 << 27), 123456789, -987654321, INT32_MAX, INT32_MIN]
    const theirs = new Encoder()
    for (const v of values) theirs.writeVarInt(v)
    const ours = Buffer.alloc(values.length * 5)
    let pos = 0
    for (const v of values) pos = writeVarint(ours, pos, v)
    expect(ours.subarray(0, pos)).toEqual(theirs.buffer)
    const cursor = { pos: 0 }
    expect(values.map(() => readVarint(theirs.buffer, cursor))).toEqual(values)
  })

  it('rejects values that are not int32', () => {
    expect(() => encode(writeVarint, 2 ** 31)).toThrow(RangeError)
    expect(() => encode(writeVarint, 1.5)).toThrow(RangeError)
  })
})

describe('unsigned varint', () => {
  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '8001'],
    [16384, '808001'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ])('%i <-> %s', (value, bytes) => {
    expectEncoding({ write: writeUnsignedVarint, read: readUnsignedVarint, size: sizeOfUnsignedVarint }, value, bytes)
  })

  it('agrees with kafkajs (flexible versions use it)', () => {
    const theirs = new Encoder().writeUVarInt(0).writeUVarInt(200).writeUVarInt(70000).writeUVarInt(2 ** 31 - 1)
    const decoder = new Decoder(theirs.buffer)
    const cursor = { pos: 0 }
    for (let i = 0; i < 4; i++) expect(readUnsignedVarint(theirs.buffer, cursor)).toBe(decoder.readUVarInt())
  })

  it('rejects negative and oversized values', () => {
    expect(() => encode(writeUnsignedVarint, -1)).toThrow(RangeError)
    expect(() => encode(writeUnsignedVarint, 2 ** 32)).toThrow(RangeError)
  })
})

describe('zigzag varlong (int64)', () => {
  it.each([
    [0n, '00'],
    [-1n, '01'],
    [1n, '02'],
    [2n ** 32n, '8080808020'],
    [-(2n ** 52n), 'ffffffffffffff0f'],
    [2n ** 52n + 1n, '8280808080808010'],
    [INT64_MAX, 'feffffffffffffffff01'],
    [INT64_MIN, 'ffffffffffffffffff01'],
  ])('%s <-> %s', (value, bytes) => {
    expectEncoding({ write: writeVarlong, read: readVarlong, size: sizeOfVarlong }, value, bytes)
  })

  it('agrees with kafkajs across the fast (number) and slow (bigint) paths', () => {
    const values: bigint[] = []
    for (let bits = 0n; bits < 63n; bits += 3n) values.push(2n ** bits, -(2n ** bits) + 1n, 2n ** bits + 12345n)
    values.push(INT64_MAX, INT64_MIN)
    const theirs = new Encoder()
    for (const v of values) theirs.writeVarLong(v)
    const ours = Buffer.alloc(values.length * 10)
    let pos = 0
    for (const v of values) pos = writeVarlong(ours, pos, v)
    expect(ours.subarray(0, pos).toString('hex')).toBe(theirs.buffer.toString('hex'))
    const decoder = new Decoder(theirs.buffer)
    const cursor = { pos: 0 }
    for (const v of values) {
      expect(readVarlong(theirs.buffer, cursor)).toBe(v)
      expect(decoder.readVarLong().toString()).toBe(String(v))
    }
  })

  it('rejects values outside int64', () => {
    expect(() => sizeOfVarlong(INT64_MAX + 1n)).toThrow(RangeError)
    expect(() => encode(writeVarlong, INT64_MIN - 1n)).toThrow(RangeError)
  })
})

describe('malformed input', () => {
  it('throws TruncatedInputError when the input ends mid-value, without moving the cursor', () => {
    const cursor = { pos: 1 }
    expect(() => readVarint(hex('00 80 80'), cursor)).toThrow(TruncatedInputError)
    expect(cursor.pos).toBe(1)
    expect(() => readVarlong(hex('ffffffffffffff'), { pos: 0 })).toThrow(TruncatedInputError)
    expect(() => readVarlong(hex('ffffffffffffffff'), { pos: 0 })).toThrow(/Truncated varlong at byte 0/)
    expect(() => readUnsignedVarint(Buffer.alloc(0), { pos: 0 })).toThrow(TruncatedInputError)
  })

  it('honours an end bound inside the buffer', () => {
    expect(() => readVarint(hex('8001'), { pos: 0 }, 1)).toThrow(TruncatedInputError)
  })

  it('throws CorruptRecordError (CORRUPT_MESSAGE) on overlong or overflowing encodings', () => {
    const overlong = () => readVarint(hex('8080808080 00'), { pos: 0 })
    expect(overlong).toThrow(CorruptRecordError)
    expect(overlong).toThrow(/longer than 5 bytes/)
    expect(() => readUnsignedVarint(hex('ffffffff1f'), { pos: 0 })).toThrow(CorruptRecordError)
    expect(() => readVarlong(hex('ffffffffffffffffff02'), { pos: 0 })).toThrow(CorruptRecordError)
    expect(() => readVarlong(hex('80808080808080808080 00'), { pos: 0 })).toThrow(/longer than 10 bytes/)
    try {
      overlong()
    } catch (error) {
      expect((error as CorruptRecordError).errorCode).toBe(2)
      expect((error as CorruptRecordError).errorName).toBe('CORRUPT_MESSAGE')
    }
  })
})
