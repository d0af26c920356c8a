// THE ACCEPTANCE: our codec agrees with a real client. For every codec, batches kafkajs
// encodes decode with ours (CRC checked), and batches we encode decode in kafkajs.
import { describe, expect, it } from 'vitest'
import { CRC, CompressionType } from '../../../main/cluster/protocol/batchHeader'
import type { KafkaRecord, RecordInput } from '../../../main/cluster/protocol/record'
import { decodeRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../../../main/cluster/protocol/recordBatch'
import {
  type KafkajsMessage,
  kafkajsCrc32c,
  kafkajsDecodeBatch,
  kafkajsEncodeBatch,
} from './kafkajsInternals'

const codecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]
const T = 1_700_000_000_000

// Over 32 KiB of records, so xerial snappy frames hold several blocks.
const bulk: KafkajsMessage[] = Array.from({ length: 40 }, (_, i) => ({
  key: `bulk-${i}`,
  value: Buffer.from(Array.from({ length: 1024 }, (_, j) => (i * 31 + j * 7) & 0xff)),
  timestamp: T + i,
}))

const kafkajsMessages: KafkajsMessage[] = [
  { key: 'key-0', value: 'plain', timestamp: T, headers: { 'trace-id': 'abc', ключ: 'значение 🚀' } },
  { key: null, value: Buffer.from([0, 1, 2, 0xff]), timestamp: T + 5 },
  { key: Buffer.from('before'), value: null, timestamp: T - 1000 },
  { key: 'dup', value: 'v', timestamp: T + 2 ** 33, headers: { h: ['a', 'b'] } },
  { key: '', value: '', timestamp: T },
  ...bulk,
]

function bytes(v: Uint8Array | string | null | undefined): Buffer | null {
  if (v == null) return null
  return typeof v === 'string' ? Buffer.from(v) : Buffer.from(v)
}

/** What a kafkajs message should decode to with our codec, offsets counted from `baseOffset`. */
function expectedRecords(messages: KafkajsMessage[], baseOffset: bigint): KafkaRecord[] {
  return messages.map((m, i) => ({
    offset: baseOffset + BigInt(i),
    timestamp: BigInt(m.timestamp!),
    key: bytes(m.key),
    value: bytes(m.value),
    headers: Object.entries(m.headers ?? {}).flatMap(([key, v]) =>
      (Array.isArray(v) ? v : [v]).map((value) => ({ key, value: bytes(value) })),
    ),
  }))
}

// Ours can write what kafkajs cannot (null header values); kafkajs reads them.
const ourRecords: RecordInput[] = [
  { key: 'key-0', value: 'plain', timestamp: BigInt(T), headers: [{ key: 'trace-id', value: 'abc' }, { key: 'ключ', value: 'значение 🚀' }] },
  { key: null, value: Buffer.from([0, 1, 2, 0xff]), timestamp: BigInt(T + 5), headers: [{ key: 'nil', value: null }] },
  { key: Buffer.from('before'), value: null, timestamp: BigInt(T - 1000) },
  { key: 'dup', value: 'v', timestamp: BigInt(T + 2 ** 33), headers: [{ key: 'h', value: 'a' }, { key: 'h', value: 'b' }] },
  { key: '', value: '', timestamp: BigInt(T) },
  ...bulk.map((m) => ({ key: m.key as string, value: m.value as Buffer, timestamp: BigInt(m.timestamp!) })),
]

/** kafkajs folds headers into an object; repeated keys become arrays. */
function kafkajsHeaders(headers: RecordInput['headers']): Record<string, unknown> {
  const folded: Record<string, (Buffer | null)[]> = {}
  for (const { key, value } of headers ?? []) (folded[key] ??= []).push(bytes(value))
  return Object.fromEntries(Object.entries(folded).map(([key, values]) => [key, values.length === 1 ? values[0] : values]))
}

describe.each(codecs.map((c) => [CompressionType[c], c] as const))('kafkajs interop, %s', (_name, compression) => {
  it('decodes a batch kafkajs encoded, CRC validated', async () => {
    const buf = await kafkajsEncodeBatch({
      compression,
      messages: kafkajsMessages,
      producerId: 4000n,
      producerEpoch: 3,
      firstSequence: 17,
      transactional: true,
    })
    const batch = decodeRecordBatch(buf)
    expect(batch.compression).toBe(compression)
    expect(batch.crc).toBe(kafkajsCrc32c(buf.subarray(21)))
    expect(batch).toMatchObject({
      baseOffset: 0n,
      producerId: 4000n,
      producerEpoch: 3,
      baseSequence: 17,
      isTransactional: true,
      isControl: false,
      lastOffsetDelta: kafkajsMessages.length - 1,
      recordsCount: kafkajsMessages.length,
      baseTimestamp: BigInt(T - 1000),
      maxTimestamp: BigInt(T + 2 ** 33),
      sizeInBytes: buf.length,
    })
    expect(batch.records).toEqual(expectedRecords(kafkajsMessages, 0n))
  })

  it('encodes a batch kafkajs decodes', async () => {
    const buf = encodeRecordBatch({
      baseOffset: 1234n,
      compression,
      producerId: 77n,
      producerEpoch: 2,
      baseSequence: 5,
      isTransactional: false,
      records: ourRecords,
    })
    // kafkajs does not check CRCs when decoding, so compare with its CRC-32C here.
    expect(buf.readUInt32BE(CRC)).toBe(kafkajsCrc32c(buf.subarray(21)))
    const decoded = await kafkajsDecodeBatch(buf)
    expect(decoded).toMatchObject({
      firstOffset: '1234',
      producerId: '77',
      producerEpoch: 2,
      firstSequence: 5,
      inTransaction: false,
      lastOffsetDelta: ourRecords.length - 1,
      firstTimestamp: String(T),
      maxTimestamp: String(T + 2 ** 33),
    })
    expect(decoded.records.map(({ offset, timestamp, key, value, headers }) => ({ offset, timestamp, key, value, headers }))).toEqual(
      ourRecords.map((r, i) => ({
        offset: String(1234 + i),
        timestamp: String(r.timestamp),
        key: bytes(r.key),
        value: bytes(r.value),
        headers: kafkajsHeaders(r.headers),
      })),
    )
  })
})

describe('kafkajs interop, mixed codecs in one fetch', () => {
  it('iterates batches of every codec, from both encoders, and skips a cut-off last batch', async () => {
    const parts: Buffer[] = []
    let offset = 0n
    for (const compression of codecs) {
      const theirs = await kafkajsEncodeBatch({ compression, messages: kafkajsMessages.slice(0, 4) })
      theirs.writeBigInt64BE(offset) // the broker stamps baseOffset, outside the CRC
      parts.push(theirs)
      offset += 4n
      parts.push(encodeRecordBatch({ baseOffset: offset, compression, records: ourRecords.slice(0, 3) }))
      offset += 3n
    }
    const complete = Buffer.concat(parts)
    const partial = encodeRecordBatch({ baseOffset: offset, records: ourRecords })
    const fetched = Buffer.concat([complete, partial.subarray(0, partial.length - 10)])

    const batches = [...decodeRecordBatches(fetched)]
    expect(batches.map((b) => b.compression)).toEqual(codecs.flatMap((c) => [c, c]))
    expect(batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual(Array.from({ length: Number(offset) }, (_, i) => BigInt(i)))
    expect(batches.reduce((size, b) => size + b.sizeInBytes, 0)).toBe(complete.length)
  })
})
