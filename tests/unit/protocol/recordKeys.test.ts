// forEachRecordKey, the cleaner's record walk: the same offset deltas, keys and value presence
// as a full decode, over one- and multi-byte varints, compressed batches and offset gaps; a
// damaged record is a CorruptRecordError, never a read past the record.
import { describe, expect, it } from 'vitest'
import { CompressionType, RECORD_BATCH_OVERHEAD } from '../../../main/cluster/protocol/batchHeader'
import { CorruptRecordError } from '../../../main/cluster/protocol/errors'
import { decodeRecordBatch, encodeRecordBatch } from '../../../main/cluster/protocol/recordBatch'
import { forEachRecordKey } from '../../../main/cluster/protocol/recordKeys'

const T = 1_700_000_000_000n

function visited(batch: Buffer): Array<{ offsetDelta: number; key: string | null; hasValue: boolean }> {
  const out: Array<{ offsetDelta: number; key: string | null; hasValue: boolean }> = []
  forEachRecordKey(batch, 0, (offsetDelta, records, keyStart, keyLength, hasValue) => {
    out.push({ offsetDelta, key: keyLength < 0 ? null : records.toString('latin1', keyStart, keyStart + keyLength), hasValue })
  })
  return out
}

describe('forEachRecordKey', () => {
  const records = [
    { key: 'a', value: 'one', timestamp: T },
    { key: null, value: 'keyless', timestamp: T + 5n },
    { key: 'k'.repeat(300), value: 'v'.repeat(20_000), timestamp: T + 1_000_000_000n, offsetDelta: 7 },
    { key: '', value: null, timestamp: T, offsetDelta: 70 },
    { key: 'tombstone', value: null, timestamp: T, offsetDelta: 9_000 },
  ]

  for (const compression of [CompressionType.None, CompressionType.Gzip, CompressionType.Lz4]) {
    it(`visits what a full decode reads (compression ${compression})`, () => {
      const batch = encodeRecordBatch({ records, compression })
      const decoded = decodeRecordBatch(batch).records.map((r) => ({ offsetDelta: Number(r.offset), key: r.key === null ? null : r.key.toString('latin1'), hasValue: r.value !== null }))
      expect(visited(batch)).toEqual(decoded)
      expect(visited(batch).map((r) => r.offsetDelta)).toEqual([0, 1, 7, 70, 9_000])
    })
  }

  it('refuses a record whose length runs past its batch, and a varint cut off by its record', () => {
    const batch = encodeRecordBatch({ records: [{ key: 'a', value: 'one', timestamp: T }] })
    const overlong = Buffer.from(batch)
    overlong[RECORD_BATCH_OVERHEAD] = 0x7e // zigzag 63: past the batch's end
    expect(() => visited(overlong)).toThrow(CorruptRecordError)
    const unterminated = Buffer.from(batch)
    // Every byte of the record a varint continuation: each read must stop at the record's end.
    unterminated.fill(0xff, RECORD_BATCH_OVERHEAD + 1)
    expect(() => visited(unterminated)).toThrow(CorruptRecordError)
  })
})
