// Compression of a RecordBatch's records section (everything after the 61-byte header), in
// the wire formats Kafka's own clients use. All four libraries have synchronous native
// calls, so the codec is synchronous: a batch is small, and callers run in workers.
import { gunzipSync, gzipSync } from 'node:zlib'
import { compressFrameSync, decompressFrameSync } from 'lz4-napi'
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy'
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi'
import { CompressionType } from './batchHeader'
import { CorruptRecordError, UnsupportedCompressionTypeError } from './errors'
import { isXerialFramed, unframeXerial } from './xerialSnappy'

interface Codec {
  /** `level`: the codec's compression level where it has levels (gzip, zstd), else ignored. */
  compress(data: Buffer, level?: number): Buffer
  decompress(data: Buffer): Buffer
}

// Electron's V8 memory cage forbids buffers that point at native memory; snappy can copy.
const snappyOptions = { copyOutputData: process.versions.electron !== undefined }
const snappyBlock = (block: Buffer): Buffer => snappyUncompress(block, { ...snappyOptions, asBuffer: true }) as Buffer

const codecs: Record<Exclude<CompressionType, CompressionType.None>, Codec> = {
  // Kafka's compression.gzip.level: 1-9, or -1 for zlib's default (Deflater.DEFAULT_COMPRESSION).
  [CompressionType.Gzip]: { compress: (data, level) => gzipSync(data, level === undefined ? undefined : { level }), decompress: (data) => gunzipSync(data) },
  // Write raw snappy (as librdkafka does); read raw or xerial-framed (Java clients).
  [CompressionType.Snappy]: {
    compress: (data) => snappyCompress(data, snappyOptions),
    decompress: (data) => (isXerialFramed(data) ? unframeXerial(data, snappyBlock) : snappyBlock(data)),
  },
  // The LZ4 frame format (magic 0x184D2204) with independent blocks and no content size, as
  // Kafka's KafkaLZ4BlockOutputStream writes it for magic v1+ (v0's broken checksum is gone).
  // lz4-napi (lz4_flex) has one compression level: compression.lz4.level cannot be honoured.
  [CompressionType.Lz4]: { compress: (data) => compressFrameSync(data), decompress: (data) => decompressFrameSync(data) },
  // Standard zstd frames; frames without a content size (streaming writers) decode too.
  [CompressionType.Zstd]: {
    compress: (data, level) => zstdCompress(data, level === undefined ? undefined : { compressionLevel: level }),
    decompress: (data) => zstdDecompress(data),
  },
}

function codecFor(type: CompressionType): Codec {
  const codec = codecs[type as keyof typeof codecs]
  if (!codec) throw new UnsupportedCompressionTypeError(type)
  return codec
}

export function compressRecords(type: CompressionType, data: Buffer, level?: number): Buffer {
  return type === CompressionType.None ? data : codecFor(type).compress(data, level)
}

export function decompressRecords(type: CompressionType, data: Buffer): Buffer {
  if (type === CompressionType.None) return data
  const codec = codecFor(type)
  try {
    return codec.decompress(data)
  } catch (error) {
    if (error instanceof CorruptRecordError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new CorruptRecordError(`Cannot decompress ${CompressionType[type]} records: ${reason}`)
  }
}
