import { describe, expect, it } from 'vitest'
import { CorruptRecordError, TruncatedInputError } from '../../../main/cluster/protocol/errors'
import {
  type RecordContext,
  type RecordInput,
  readRecord,
  sizeOfRecord,
  sizeOfRecordBody,
  writeRecord,
} from '../../../main/cluster/protocol/record'

const context: RecordContext = { baseOffset: 100n, baseTimestamp: 1_700_000_000_000n, logAppendTime: null }

function encode(record: RecordInput, offsetDelta = 0, timestampDelta = 0n): Buffer {
  const bodySize = sizeOfRecordBody(record, offsetDelta, timestampDelta)
  const buf = Buffer.alloc(sizeOfRecord(bodySize))
  expect(writeRecord(buf, 0, record, bodySize, offsetDelta, timestampDelta)).toBe(buf.length)
  return buf
}

function decode(buf: Buffer, ctx = context) {
  const cursor = { pos: 0 }
  const record = readRecord(buf, cursor, buf.length, ctx)
  expect(cursor.pos).toBe(buf.length)
  return record
}

describe('Record v2', () => {
  it('writes the layout of Kafka DefaultRecord byte for byte', () => {
    const buf = encode({ key: 'k', value: Buffer.from([0xab]), headers: [{ key: 'h', value: null }] }, 1, -1n)
    // length 11, attributes 0, timestampDelta -1, offsetDelta 1, key "k", value ab, 1 header "h" = null
    expect(buf.toString('hex')).toBe('16' + '00' + '01' + '02' + '02' + '6b' + '02' + 'ab' + '02' + '02' + '68' + '01')
  })

  it('round trips null key and value with no headers', () => {
    const record = decode(encode({ key: null, value: null }, 3, 7n))
    expect(record).toEqual({ offset: 103n, timestamp: 1_700_000_000_007n, key: null, value: null, headers: [] })
  })

  it('keeps empty keys and values distinct from null', () => {
    const record = decode(encode({ key: '', value: new Uint8Array(0) }))
    expect(record.key).toEqual(Buffer.alloc(0))
    expect(record.value).toEqual(Buffer.alloc(0))
  })

  it('round trips unicode keys, values and header keys as UTF-8', () => {
    const record = decode(
      encode({ key: 'ключ 🔑', value: '値 ✓', headers: [{ key: 'заголовок-😀', value: 'ü' }] }),
    )
    expect(record.key?.toString('utf8')).toBe('ключ 🔑')
    expect(record.value?.toString('utf8')).toBe('値 ✓')
    expect(record.headers).toEqual([{ key: 'заголовок-😀', value: Buffer.from('ü') }])
  })

  it('round trips many headers in order, with repeated keys and null values', () => {
    const headers = Array.from({ length: 500 }, (_, i) => ({
      key: `h${i % 7}`,
      value: i % 3 === 0 ? null : Buffer.from(`value-${i}`),
    }))
    expect(decode(encode({ key: 'k', value: 'v', headers })).headers).toEqual(headers)
  })

  it('carries timestamp deltas beyond 32 bits, negative ones too', () => {
    expect(decode(encode({ value: 'x' }, 0, 2n ** 40n)).timestamp).toBe(context.baseTimestamp + 2n ** 40n)
    expect(decode(encode({ value: 'x' }, 0, -(2n ** 35n))).timestamp).toBe(context.baseTimestamp - 2n ** 35n)
  })

  it('gives every record the batch maxTimestamp under LogAppendTime', () => {
    const record = decode(encode({ value: 'x' }, 0, 55n), { ...context, logAppendTime: 42n })
    expect(record.timestamp).toBe(42n)
  })

  it('returns views into the input rather than copies', () => {
    const buf = encode({ key: 'key', value: 'value' })
    const record = decode(buf)
    expect(record.value?.buffer).toBe(buf.buffer)
  })

  it('reads consecutive records with one cursor', () => {
    const records = [encode({ value: 'a' }, 0), encode({ value: 'b' }, 1), encode({ value: 'c' }, 2)]
    const buf = Buffer.concat(records)
    const cursor = { pos: 0 }
    const read = records.map(() => readRecord(buf, cursor, buf.length, context))
    expect(read.map((r) => [r.offset, r.value?.toString()])).toEqual([
      [100n, 'a'],
      [101n, 'b'],
      [102n, 'c'],
    ])
  })
})

describe('Record v2, malformed', () => {
  it('rejects a record whose declared length disagrees with its fields', () => {
    const buf = encode({ key: 'k', value: 'v' })
    const longer = Buffer.concat([buf, Buffer.from([0])])
    longer[0] += 2 // one more byte claimed than the fields use
    expect(() => decode(longer)).toThrow(/declared 9 bytes, fields took 8/)
  })

  it('rejects a record cut off by the end of its input', () => {
    const buf = encode({ key: 'k', value: 'value' })
    expect(() => readRecord(buf, { pos: 0 }, buf.length - 1, context)).toThrow(TruncatedInputError)
  })

  it('rejects a key longer than its record', () => {
    const buf = encode({ key: 'k', value: null })
    buf[4] = 0x40 // key length 32 in a 7-byte body
    expect(() => decode(buf)).toThrow(TruncatedInputError)
  })

  it('rejects a null header key and a negative headers count', () => {
    const nullKey = encode({ headers: [{ key: 'a', value: 'b' }] })
    nullKey[nullKey.indexOf(Buffer.from([0x02, 0x61]))] = 0x01 // header key length -1
    expect(() => decode(nullKey)).toThrow(CorruptRecordError)

    const badCount = encode({})
    badCount[badCount.length - 1] = 0x01 // headers count -1
    expect(() => decode(badCount)).toThrow(/headers count -1/)
  })

  it('rejects a zero or negative record length', () => {
    expect(() => decode(Buffer.from([0x00]))).toThrow(/Invalid record length 0/)
    expect(() => decode(Buffer.from([0x01]))).toThrow(/Invalid record length -1/)
  })
})
