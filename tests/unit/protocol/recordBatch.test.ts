import { describe, expect, it } from 'vitest'
import {
  ATTRIBUTES,
  CRC,
  CompressionType,
  MAGIC,
  RECORDS_COUNT,
  RECORD_BATCH_OVERHEAD,
  TimestampType,
  computeBatchCrc,
  readBatchHeader,
  stampBaseOffset,
  stampLogAppendTime,
  stampPartitionLeaderEpoch,
} from '../../../main/cluster/protocol/batchHeader'
import { crc32c } from '../../../main/cluster/protocol/crc32c'
import {
  CorruptRecordError,
  RecordCountMismatchError,
  TruncatedInputError,
  UnsupportedCompressionTypeError,
  UnsupportedMagicError,
} from '../../../main/cluster/protocol/errors'
import type { RecordInput } from '../../../main/cluster/protocol/record'
import { decodeRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../../../main/cluster/protocol/recordBatch'

const T = 1_700_000_000_000n
const records: RecordInput[] = [
  { key: 'a', value: 'one', timestamp: T + 10n },
  { key: 'b', value: 'two', timestamp: T + 500n, headers: [{ key: 'h', value: 'x' }] },
  { key: null, value: 'three', timestamp: T + 20n },
]

/** Re-stamps the CRC after a deliberate edit, so the test reaches the check behind it. */
function restampCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf), CRC)
  return buf
}

describe('CRC-32C', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  })

  it('covers attributes to the end of the batch', () => {
    const buf = encodeRecordBatch({ records })
    expect(buf.readUInt32BE(CRC)).toBe(crc32c(buf.subarray(ATTRIBUTES)))
  })

  it('detects a corrupted byte anywhere the CRC covers, or in the CRC itself', () => {
    const buf = encodeRecordBatch({ records, compression: CompressionType.Gzip })
    for (let pos = CRC; pos < buf.length; pos++) {
      const corrupt = Buffer.from(buf)
      corrupt[pos] ^= 0x5a
      let thrown: unknown
      try {
        decodeRecordBatch(corrupt)
      } catch (error) {
        thrown = error
      }
      expect(thrown, `byte ${pos}`).toBeInstanceOf(CorruptRecordError)
      expect((thrown as CorruptRecordError).errorCode).toBe(2)
      expect((thrown as Error).message).toMatch(/CRC-32C/)
    }
  })

  it('is unaffected by the broker stamping baseOffset and partitionLeaderEpoch', () => {
    const buf = encodeRecordBatch({ records })
    stampBaseOffset(buf, 0, 9_000_000_000)
    stampPartitionLeaderEpoch(buf, 0, 12)
    const batch = decodeRecordBatch(buf)
    expect(batch.partitionLeaderEpoch).toBe(12)
    expect(batch.records.map((r) => r.offset)).toEqual([9_000_000_000n, 9_000_000_001n, 9_000_000_002n])
  })

  it('can be skipped on request', () => {
    const buf = encodeRecordBatch({ records })
    buf[buf.length - 2] ^= 1 // the last byte of the last value: "three" becomes "thred"
    expect(() => decodeRecordBatch(buf)).toThrow(CorruptRecordError)
    expect(decodeRecordBatch(buf, 0, { verifyCrc: false }).records[2].value?.toString()).toBe('thred')
  })
})

describe('encodeRecordBatch', () => {
  it('writes the header as DefaultRecordBatch does', () => {
    const buf = encodeRecordBatch({
      baseOffset: 42n,
      partitionLeaderEpoch: 7,
      compression: CompressionType.Zstd,
      isTransactional: true,
      producerId: 1001n,
      producerEpoch: 4,
      baseSequence: 99,
      records,
    })
    expect(readBatchHeader(buf)).toEqual({
      baseOffset: 42n,
      batchLength: buf.length - 12,
      partitionLeaderEpoch: 7,
      magic: 2,
      crc: crc32c(buf.subarray(ATTRIBUTES)),
      attributes: 0x10 | CompressionType.Zstd,
      lastOffsetDelta: 2,
      baseTimestamp: T + 10n, // the first record's, not the smallest
      maxTimestamp: T + 500n,
      producerId: 1001n,
      producerEpoch: 4,
      baseSequence: 99,
      recordsCount: 3,
    })
  })

  it('defaults to a non-idempotent, uncompressed CreateTime batch stamped now', () => {
    const before = BigInt(Date.now())
    const batch = decodeRecordBatch(encodeRecordBatch({ records: [{ value: 'v' }, { value: 'w' }] }))
    const after = BigInt(Date.now())
    expect(batch).toMatchObject({
      baseOffset: 0n,
      partitionLeaderEpoch: -1,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      compression: CompressionType.None,
      timestampType: TimestampType.CreateTime,
      isTransactional: false,
      isControl: false,
    })
    expect(batch.baseTimestamp >= before && batch.baseTimestamp <= after).toBe(true)
    expect(batch.records.map((r) => r.timestamp)).toEqual([batch.baseTimestamp, batch.baseTimestamp])
  })

  it('owns its memory, so it can be transferred to another worker', () => {
    for (const compression of [CompressionType.None, CompressionType.Gzip]) {
      const buf = encodeRecordBatch({ compression, records: [{ value: 'small' }] })
      expect(buf.byteOffset).toBe(0)
      expect(buf.buffer.byteLength).toBe(buf.length)
    }
  })

  it('sets the control and LogAppendTime attribute bits', () => {
    const batch = decodeRecordBatch(
      encodeRecordBatch({ records, isControl: true, timestampType: TimestampType.LogAppendTime }),
    )
    expect(batch.attributes).toBe(0x20 | 0x08)
    expect(batch.isControl).toBe(true)
    expect(batch.timestampType).toBe(TimestampType.LogAppendTime)
  })

  it('honours explicit offset deltas and encodes an empty compacted batch', () => {
    const gappy = decodeRecordBatch(
      encodeRecordBatch({ baseOffset: 10n, records: [{ value: 'a', offsetDelta: 0 }, { value: 'c', offsetDelta: 2 }] }),
    )
    expect(gappy.lastOffsetDelta).toBe(2)
    expect(gappy.records.map((r) => r.offset)).toEqual([10n, 12n])

    const empty = decodeRecordBatch(encodeRecordBatch({ baseOffset: 10n, lastOffsetDelta: 4, baseTimestamp: T, records: [] }))
    expect(empty).toMatchObject({ recordsCount: 0, lastOffsetDelta: 4, baseTimestamp: T, maxTimestamp: T, records: [] })
    expect(empty.sizeInBytes).toBe(RECORD_BATCH_OVERHEAD)
  })
})

describe.each([CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd])(
  'round trip with compression %i',
  (compression) => {
    it('decodes what it encodes', () => {
      const many: RecordInput[] = Array.from({ length: 2000 }, (_, i) => ({
        key: `key-${i}`,
        value: i % 10 === 0 ? null : `value ${i} `.repeat(i % 13),
        timestamp: T + BigInt(i * 1000),
        headers: i % 4 === 0 ? [] : [{ key: 'n', value: String(i) }],
      }))
      const buf = encodeRecordBatch({ baseOffset: 5n, compression, records: many })
      const batch = decodeRecordBatch(buf)
      expect(batch.compression).toBe(compression)
      expect(batch.records).toEqual(
        many.map((r, i) => ({
          offset: 5n + BigInt(i),
          timestamp: r.timestamp,
          key: Buffer.from(r.key as string),
          value: r.value == null ? null : Buffer.from(r.value as string),
          headers: (r.headers ?? []).map((h) => ({ key: h.key, value: Buffer.from(h.value as string) })),
        })),
      )
    })

    it('gives every record the broker time after LogAppendTime stamping', () => {
      const buf = encodeRecordBatch({ compression, records })
      stampLogAppendTime(buf, 0, 123n)
      const batch = decodeRecordBatch(buf)
      expect(batch.timestampType).toBe(TimestampType.LogAppendTime)
      expect(batch.records.map((r) => r.timestamp)).toEqual([123n, 123n, 123n])
    })

    it('detects a recordsCount that disagrees with the records', () => {
      for (const delta of [1, -1]) {
        const buf = encodeRecordBatch({ compression, records })
        buf.writeInt32BE(records.length + delta, RECORDS_COUNT)
        expect(() => decodeRecordBatch(restampCrc(buf))).toThrow(RecordCountMismatchError)
      }
    })
  },
)

describe('decodeRecordBatch, malformed batches', () => {
  it('rejects legacy magic v0/v1 with UNSUPPORTED_FOR_MESSAGE_FORMAT, saying only v2 is supported', () => {
    for (const magic of [0, 1]) {
      const buf = encodeRecordBatch({ records })
      buf[MAGIC] = magic
      let thrown: unknown
      try {
        decodeRecordBatch(buf)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(UnsupportedMagicError)
      expect((thrown as UnsupportedMagicError).errorCode).toBe(43)
      expect((thrown as Error).message).toMatch(`magic ${magic}: only magic v2`)
    }
  })

  it('treats an unknown magic as corruption', () => {
    const buf = encodeRecordBatch({ records })
    buf[MAGIC] = 3
    expect(() => decodeRecordBatch(buf)).toThrow(expect.objectContaining({ errorName: 'CORRUPT_MESSAGE', magic: 3 }))
  })

  it('rejects truncated input', () => {
    const buf = encodeRecordBatch({ records })
    expect(() => decodeRecordBatch(buf.subarray(0, buf.length - 1))).toThrow(TruncatedInputError)
    expect(() => decodeRecordBatch(buf.subarray(0, 16))).toThrow(/too few to read its magic/)
    expect(() => decodeRecordBatch(buf.subarray(0, 16))).toThrow(expect.objectContaining({ errorCode: 2 }))
  })

  it('rejects a batchLength shorter than the header', () => {
    const buf = encodeRecordBatch({ records })
    buf.writeInt32BE(40, 8)
    expect(() => decodeRecordBatch(buf)).toThrow(/less than its 61-byte header/)
  })

  it('rejects undefined compression codecs with UNSUPPORTED_COMPRESSION_TYPE', () => {
    const buf = encodeRecordBatch({ records })
    buf.writeInt16BE(5, ATTRIBUTES)
    expect(() => decodeRecordBatch(restampCrc(buf))).toThrow(UnsupportedCompressionTypeError)
    expect(() => decodeRecordBatch(buf)).toThrow(expect.objectContaining({ errorCode: 76 }))
  })

  it('rejects compressed bytes the codec cannot read', () => {
    const buf = encodeRecordBatch({ records, compression: CompressionType.Lz4 })
    buf.fill(0x33, RECORD_BATCH_OVERHEAD + 8)
    expect(() => decodeRecordBatch(restampCrc(buf))).toThrow(/Cannot decompress Lz4 records/)
  })
})

describe('decodeRecordBatches', () => {
  const first = encodeRecordBatch({ baseOffset: 0n, records })
  const second = encodeRecordBatch({ baseOffset: 3n, records, compression: CompressionType.Snappy })

  it('decodes each batch of a concatenation, at its position', () => {
    const batches = [...decodeRecordBatches(Buffer.concat([first, second]))]
    expect(batches.map((b) => [b.baseOffset, b.sizeInBytes])).toEqual([
      [0n, first.length],
      [3n, second.length],
    ])
    expect(decodeRecordBatch(Buffer.concat([first, second]), first.length).baseOffset).toBe(3n)
  })

  it('accepts a plain Uint8Array', () => {
    const joined = Buffer.concat([first, second])
    const bytes = new Uint8Array(joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.length))
    expect([...decodeRecordBatches(bytes)].flatMap((b) => b.records.map((r) => r.value?.toString()))).toEqual([
      'one',
      'two',
      'three',
      'one',
      'two',
      'three',
    ])
  })

  it('skips a partial trailing batch, however it is cut', () => {
    for (const cut of [1, 5, 11, 12, 17, 60, second.length - 1]) {
      const fetched = Buffer.concat([first, second.subarray(0, cut)])
      expect([...decodeRecordBatches(fetched)].map((b) => b.baseOffset)).toEqual([0n])
    }
    expect([...decodeRecordBatches(Buffer.alloc(0))]).toEqual([])
  })

  it('still throws on a corrupt complete batch', () => {
    const corrupt = Buffer.from(second)
    corrupt[corrupt.length - 1] ^= 0xff
    const batches = decodeRecordBatches(Buffer.concat([first, corrupt]))
    expect(batches.next().value?.baseOffset).toBe(0n)
    expect(() => batches.next()).toThrow(CorruptRecordError)
  })
})
