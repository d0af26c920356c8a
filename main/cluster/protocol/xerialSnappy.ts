// Snappy as Java clients write it. Kafka's Java producer compresses through xerial's
// SnappyOutputStream, which frames raw snappy blocks:
//
//   magic: 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00     8 bytes
//   version: int32, compatibleVersion: int32     both 1
//   [blockLength: int32, raw snappy block]...
//
// librdkafka and kafkajs codecs write raw snappy, which xerial's reader also accepts, so
// readers must take both. (This is not Google's snappy "framing format", magic 0xff.)
import { TruncatedInputError } from './errors'

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
export const XERIAL_HEADER_SIZE = 16

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0
}

/** Uncompresses each block of a xerial stream with `uncompressBlock` and joins them. */
export function unframeXerial(data: Buffer, uncompressBlock: (block: Buffer) => Buffer): Buffer {
  const blocks: Buffer[] = []
  let pos = XERIAL_HEADER_SIZE
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new TruncatedInputError(`Truncated xerial snappy block length at byte ${pos}`)
    const blockLength = data.readInt32BE(pos)
    pos += 4
    if (blockLength < 0 || pos + blockLength > data.length) {
      throw new TruncatedInputError(`Xerial snappy block of ${blockLength} bytes at byte ${pos} overruns its input`)
    }
    blocks.push(uncompressBlock(data.subarray(pos, pos + blockLength)))
    pos += blockLength
  }
  return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks)
}
