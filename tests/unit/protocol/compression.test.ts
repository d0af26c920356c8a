import { execFileSync } from 'node:child_process'
import { compressSync as snappyCompress } from 'snappy'
import { describe, expect, it } from 'vitest'
import { CompressionType } from '../../../main/cluster/protocol/batchHeader'
import { compressRecords, decompressRecords } from '../../../main/cluster/protocol/compression'
import { CorruptRecordError, TruncatedInputError, UnsupportedCompressionTypeError } from '../../../main/cluster/protocol/errors'
import { isXerialFramed } from '../../../main/cluster/protocol/xerialSnappy'
import { xerialFrame } from './kafkajsInternals'

// 100 KiB, part repetitive and part noise, so codecs both shrink it and split it into blocks.
const data = Buffer.concat(
  Array.from({ length: 100 }, (_, i) =>
    Buffer.concat([Buffer.from(`record ${i} `.repeat(40)), Buffer.from(Array.from({ length: 600 }, (_, j) => (i * j * 2654435761) >>> 24))]),
  ),
).subarray(0, 100 * 1024)

function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe.each([CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd])('codec %i', (type) => {
  it('round trips and actually compresses', () => {
    const compressed = compressRecords(type, data)
    expect(compressed.length).toBeLessThan(data.length)
    expect(decompressRecords(type, compressed)).toEqual(data)
  })

  it('reports garbage as CORRUPT_MESSAGE', () => {
    expect(() => decompressRecords(type, Buffer.from('definitely not compressed data'))).toThrow(CorruptRecordError)
  })
})

describe('compression wire formats', () => {
  it('passes uncompressed records through untouched', () => {
    expect(compressRecords(CompressionType.None, data)).toBe(data)
    expect(decompressRecords(CompressionType.None, data)).toBe(data)
  })

  it('rejects codec ids Kafka does not define', () => {
    expect(() => compressRecords(6 as CompressionType, data)).toThrow(UnsupportedCompressionTypeError)
  })

  it('gzip writes a standard gzip member', () => {
    expect(compressRecords(CompressionType.Gzip, data).subarray(0, 2).toString('hex')).toBe('1f8b')
  })

  it('snappy writes raw snappy, not xerial frames', () => {
    const compressed = compressRecords(CompressionType.Snappy, data)
    expect(isXerialFramed(compressed)).toBe(false)
    expect(compressed).toEqual(snappyCompress(data))
  })

  it('snappy reads the xerial framing Java producers write, over several blocks', () => {
    const framed = xerialFrame(data)
    expect(framed.readInt32BE(16)).toBeGreaterThan(0) // first block length after the 16-byte header
    expect(isXerialFramed(framed)).toBe(true)
    expect(decompressRecords(CompressionType.Snappy, framed)).toEqual(data)
    expect(decompressRecords(CompressionType.Snappy, xerialFrame(Buffer.alloc(0)))).toEqual(Buffer.alloc(0))
  })

  it('snappy reports a truncated xerial stream', () => {
    const framed = xerialFrame(data)
    expect(() => decompressRecords(CompressionType.Snappy, framed.subarray(0, framed.length - 3))).toThrow(TruncatedInputError)
  })

  it('lz4 writes the LZ4 frame format Kafka reads: magic, version 01, independent blocks', () => {
    const frame = compressRecords(CompressionType.Lz4, data)
    expect(frame.readUInt32LE(0)).toBe(0x184d2204)
    const flg = frame[4]
    expect(flg >> 6).toBe(0b01) // version
    expect(flg & 0x20).toBe(0x20) // block independence, which Kafka's reader needs
    expect(flg & 0x08).toBe(0) // no content size, as Kafka writes frames
    expect([4, 5, 6, 7]).toContain((frame[5] >> 4) & 0x7) // BD: 64 KiB..4 MiB, the sizes Kafka accepts
  })

  it.skipIf(!hasTool('lz4'))('lz4 frames interoperate with the reference lz4 tool', () => {
    expect(execFileSync('lz4', ['-d', '-c'], { input: compressRecords(CompressionType.Lz4, data) })).toEqual(data)
    // The tool writes linked blocks and a content checksum by default: the reader must cope.
    const theirs = execFileSync('lz4', ['-c', '-BD', '-B4'], { input: data })
    expect(decompressRecords(CompressionType.Lz4, theirs)).toEqual(data)
  })

  it.skipIf(!hasTool('zstd'))('zstd frames interoperate with the reference zstd tool, streamed ones too', () => {
    expect(execFileSync('zstd', ['-d', '-c'], { input: compressRecords(CompressionType.Zstd, data) })).toEqual(data)
    const streamed = execFileSync('zstd', ['-c', '--no-content-size', '-q'], { input: data })
    expect(decompressRecords(CompressionType.Zstd, streamed)).toEqual(data)
  })
})
