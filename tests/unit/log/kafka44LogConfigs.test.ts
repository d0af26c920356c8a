// What the partition log honours of the topic configs Kafka 4.4 added (issue 14):
// compression.{gzip,zstd}.level on recompression, max.decompressed.message.bytes on produce,
// segment.jitter.ms on the time roll, flush.messages on append.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { gunzipSync } from 'node:zlib'
import { logFixture, readAll } from '../../helpers/log'
import { producerBatch } from '../../helpers/batches'
import { CompressionType, RECORD_BATCH_OVERHEAD, readBatchHeader, compressionOf } from '../../../main/cluster/protocol/batchHeader'
import { isKafkaError } from '../../../main/cluster/errors'
import { LogSegment } from '../../../main/cluster/broker/log/segment'
import { randomSegmentJitter } from '../../../main/cluster/config'

let fixture: ReturnType<typeof logFixture>
afterEach(() => {
  fixture?.cleanup()
  vi.restoreAllMocks()
})

/** Compressible values, so the codec's level shows in the size. */
const compressible = () => producerBatch({ count: 50, valueSize: 2000, tag: 'abcdefghij'.repeat(3) })

function storedSize(codecConfig: Parameters<typeof logFixture>[0]): { size: number; codec: CompressionType } {
  fixture = logFixture(codecConfig)
  const log = fixture.open()
  const info = log.appendAsLeader(compressible(), 0)
  const header = readBatchHeader(info.bytes, 0)
  expect(readAll(log)).toHaveLength(50)
  fixture.cleanup()
  return { size: info.bytes.length, codec: compressionOf(header.attributes) }
}

describe('compression levels on recompression', () => {
  it('gzip: compression.gzip.level reaches zlib (1 compresses less than 9)', () => {
    const fast = storedSize({ compressionType: 'gzip', compressionGzipLevel: 1 })
    const best = storedSize({ compressionType: 'gzip', compressionGzipLevel: 9 })
    const dflt = storedSize({ compressionType: 'gzip' })
    expect(fast.codec).toBe(CompressionType.Gzip)
    expect(fast.size).toBeGreaterThan(best.size)
    expect(dflt.size).toBeLessThanOrEqual(fast.size)
  })

  it('zstd: compression.zstd.level reaches zstd (a negative level compresses less)', () => {
    const fast = storedSize({ compressionType: 'zstd', compressionZstdLevel: -100 })
    const best = storedSize({ compressionType: 'zstd', compressionZstdLevel: 19 })
    expect(fast.codec).toBe(CompressionType.Zstd)
    expect(fast.size).toBeGreaterThan(best.size)
  })

  it('the stored gzip batch is plain gzip whatever the level', () => {
    fixture = logFixture({ compressionType: 'gzip', compressionGzipLevel: 1 })
    const info = fixture.open().appendAsLeader(compressible(), 0)
    expect(() => gunzipSync(info.bytes.subarray(RECORD_BATCH_OVERHEAD))).not.toThrow()
  })
})

describe('max.decompressed.message.bytes', () => {
  const refuse = (fn: () => unknown) => {
    try {
      fn()
    } catch (err) {
      expect(isKafkaError(err, 'INVALID_RECORD'), String(err)).toBe(true)
      return (err as Error).message
    }
    throw new Error('expected INVALID_RECORD')
  }

  it('refuses a compressed record larger than it, with Kafka DefaultRecord message', () => {
    fixture = logFixture({ maxDecompressedMessageBytes: 512 })
    const log = fixture.open()
    const message = refuse(() => log.appendAsLeader(producerBatch({ count: 1, valueSize: 4096, compression: CompressionType.Gzip }), 0))
    expect(message).toMatch(/^Invalid record size: \d+ exceeds the configured maximum record size of 512\.$/)
    expect(log.logEndOffset).toBe(0)
  })

  it('accepts small compressed records, and uncompressed ones of any size (max.message.bytes bounds those)', () => {
    fixture = logFixture({ maxDecompressedMessageBytes: 512 })
    const log = fixture.open()
    log.appendAsLeader(producerBatch({ count: 3, valueSize: 64, compression: CompressionType.Zstd }), 0)
    log.appendAsLeader(producerBatch({ count: 1, valueSize: 4096 }), 0)
    expect(log.logEndOffset).toBe(4)
  })

  it('checks every codec Kafka decompresses', () => {
    for (const compression of [CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      fixture = logFixture({ maxDecompressedMessageBytes: 100 })
      const log = fixture.open()
      refuse(() => log.appendAsLeader(producerBatch({ count: 2, valueSize: 200, compression }), 0))
      fixture.cleanup()
    }
  })
})

describe('segment.jitter.ms', () => {
  it('draws in [0, min(segment.jitter.ms, segment.ms)), 0 without jitter', () => {
    expect(randomSegmentJitter({ segmentJitterMs: 0, segmentMs: 1000 }, () => 0.99)).toBe(0)
    expect(randomSegmentJitter({ segmentJitterMs: 500, segmentMs: 1000 }, () => 0.999999)).toBeLessThan(500)
    expect(randomSegmentJitter({ segmentJitterMs: 5000, segmentMs: 1000 }, () => 0.999999)).toBeLessThan(1000)
    for (let i = 0; i < 100; i++) expect(randomSegmentJitter({ segmentJitterMs: 300, segmentMs: 1000 })).toBeGreaterThanOrEqual(0)
  })

  it('rolls a segment that earlier by its jitter', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.75) // a jitter of 2^31 * 0.75 % 800 = 736 ms
    fixture = logFixture({ segmentMs: 1000, segmentJitterMs: 800 })
    const jitter = randomSegmentJitter(fixture.config)
    const log = fixture.open()
    const t0 = Date.now() - 10_000
    log.appendAsLeader(producerBatch({ timestamp: t0 }), 0)
    log.appendAsLeader(producerBatch({ timestamp: t0 + 1000 - jitter }), 0)
    expect(log.segmentCount).toBe(1)
    log.appendAsLeader(producerBatch({ timestamp: t0 + 1000 - jitter + 1 }), 0)
    expect(log.segmentCount).toBe(2)
  })
})

describe('flush.messages', () => {
  it('fsyncs the active segment every flush.messages offsets', () => {
    const flush = vi.spyOn(LogSegment.prototype, 'flush')
    fixture = logFixture({ flushMessages: 5 })
    const log = fixture.open()
    for (let i = 0; i < 4; i++) log.appendAsLeader(producerBatch({ count: 3 }), 0)
    // 12 offsets: flushed after 6 and after 12.
    expect(flush).toHaveBeenCalledTimes(2)
  })

  it('never fsyncs on append by default', () => {
    const flush = vi.spyOn(LogSegment.prototype, 'flush')
    fixture = logFixture()
    const log = fixture.open()
    for (let i = 0; i < 20; i++) log.appendAsLeader(producerBatch({ count: 3 }), 0)
    expect(flush).not.toHaveBeenCalled()
  })
})
