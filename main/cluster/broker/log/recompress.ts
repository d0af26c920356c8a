// A topic whose compression.type names a codec (not 'producer') stores every batch in that
// codec, as Kafka's LogValidator does: batches in another codec are decoded and re-encoded,
// keeping producer id, epoch, sequence, transactional flag, timestamps and headers.
import { CompressionType, compressionOf, readBatchHeader } from '../../protocol/batchHeader'
import { decodeRecordBatch, encodeRecordBatch, recordBatchInputOf } from '../../protocol/recordBatch'

const CODECS: Record<string, CompressionType> = {
  uncompressed: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
}

/** The codec a topic's compression.type imposes, or null for 'producer'. */
export function targetCodec(compressionType: string): CompressionType | null {
  return CODECS[compressionType] ?? null
}

/** True when some batch at `positions` is not already in `codec`. */
export function needsRecompression(bytes: Uint8Array, positions: number[], codec: CompressionType): boolean {
  return positions.some((pos) => compressionOf(readBatchHeader(bytes, pos).attributes) !== codec)
}

/** `level`: the topic's compression.<codec>.level, where the codec has levels. */
export function recompress(bytes: Uint8Array, positions: number[], codec: CompressionType, level?: number): Buffer {
  return Buffer.concat(
    positions.map((pos) => {
      const batch = decodeRecordBatch(bytes, pos)
      if (batch.compression === codec) return Buffer.from(bytes.subarray(pos, pos + batch.sizeInBytes))
      return encodeRecordBatch({ ...recordBatchInputOf(batch), compression: codec, compressionLevel: level })
    }),
  )
}
