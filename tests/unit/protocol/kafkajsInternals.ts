// Typed access to kafkajs's own protocol internals, the reference implementation these tests
// hold our codec against. kafkajs ships codecs for gzip only; snappy, lz4 and zstd are
// registered here the way kafkajs users plug codecs in (kafkajs-snappy, kafkajs-lz4, ...),
// built on the libraries directly rather than on our compression.ts, so each side is
// checked against an independent implementation of the wire format.
import { createRequire } from 'node:module'
import { compressFrame, decompressFrame } from 'lz4-napi'
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy'
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi'

const require = createRequire(import.meta.url)

export interface KafkajsEncoder {
  buffer: Buffer
  writeVarInt(value: number): KafkajsEncoder
  writeVarLong(value: bigint | number): KafkajsEncoder
  writeUVarInt(value: number): KafkajsEncoder
}
export interface KafkajsDecoder {
  readVarInt(): number
  readVarLong(): { toString(): string }
  readUVarInt(): number
}
export interface KafkajsMessage {
  key?: Buffer | string | null
  value: Buffer | string | null
  headers?: Record<string, Buffer | string | (Buffer | string)[]>
  timestamp?: number
}
export interface KafkajsDecodedRecord {
  offset: string
  timestamp: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer | null | (Buffer | null)[]>
  isControlRecord: boolean
}
export interface KafkajsDecodedBatch {
  firstOffset: string
  firstTimestamp: string
  maxTimestamp: string
  lastOffsetDelta: number
  producerId: string
  producerEpoch: number
  firstSequence: number
  inTransaction: boolean
  isControlBatch: boolean
  records: KafkajsDecodedRecord[]
}
interface KafkajsCodec {
  compress(encoder: KafkajsEncoder): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

export const Encoder: new () => KafkajsEncoder = require('kafkajs/src/protocol/encoder')
export const Decoder: new (buffer: Buffer) => KafkajsDecoder = require('kafkajs/src/protocol/decoder')
const Record: (record: object) => KafkajsEncoder = require('kafkajs/src/protocol/recordBatch/record/v0')
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: object) => Promise<KafkajsEncoder>
}
const decodeBatch: (decoder: KafkajsDecoder) => Promise<KafkajsDecodedBatch> = require('kafkajs/src/protocol/recordBatch/v0/decoder')
const { Codecs, Types } = require('kafkajs/src/protocol/message/compression') as {
  Codecs: Record<number, () => KafkajsCodec>
  Types: { None: 0; GZIP: 1; Snappy: 2; LZ4: 3; ZSTD: 4 }
}
/** kafkajs's own CRC-32C, a pure JavaScript table implementation. */
export const kafkajsCrc32c: (buffer: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C')

/** xerial's SnappyOutputStream framing (as Java producers write), 32 KiB blocks by default. */
export function xerialFrame(data: Buffer, blockSize = 32 * 1024): Buffer {
  const parts: Buffer[] = [Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])]
  for (let start = 0; start < data.length; start += blockSize) {
    const block = snappyCompress(data.subarray(start, start + blockSize))
    const length = Buffer.alloc(4)
    length.writeInt32BE(block.length)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

// Snappy: write xerial frames like a Java producer; read raw snappy only, so a batch that
// decodes here proves our encoder writes raw snappy.
Codecs[Types.Snappy] = () => ({
  compress: async (encoder) => xerialFrame(encoder.buffer),
  decompress: async (buffer) => snappyUncompress(buffer, { asBuffer: true }) as Buffer,
})
Codecs[Types.LZ4] = () => ({
  compress: (encoder) => compressFrame(encoder.buffer),
  decompress: (buffer) => decompressFrame(buffer),
})
Codecs[Types.ZSTD] = () => ({
  compress: async (encoder) => zstdCompress(encoder.buffer),
  decompress: async (buffer) => zstdDecompress(buffer),
})

export interface KafkajsBatchInput {
  compression: number
  messages: KafkajsMessage[]
  producerId?: bigint
  producerEpoch?: number
  firstSequence?: number
  transactional?: boolean
}

/** Encodes a batch exactly as kafkajs's Produce v3+ request does (partitionsEncoder). */
export async function kafkajsEncodeBatch(input: KafkajsBatchInput): Promise<Buffer> {
  const { messages } = input
  const timestamps = messages.map((m) => m.timestamp ?? Date.now())
  const firstTimestamp = Math.min(...timestamps)
  const records = messages.map((message, i) =>
    Record({ ...message, offsetDelta: i, timestampDelta: timestamps[i] - firstTimestamp }),
  )
  const batch = await RecordBatch({
    compression: input.compression,
    records,
    firstTimestamp,
    maxTimestamp: Math.max(...timestamps),
    producerId: input.producerId ?? -1n,
    producerEpoch: input.producerEpoch ?? 0,
    firstSequence: input.firstSequence ?? 0,
    transactional: input.transactional ?? false,
    lastOffsetDelta: records.length - 1,
  })
  return batch.buffer
}

/** Decodes one batch with kafkajs's RecordBatch decoder (which does not check the CRC). */
export function kafkajsDecodeBatch(buffer: Buffer): Promise<KafkajsDecodedBatch> {
  return decodeBatch(new Decoder(buffer))
}
