import { afterEach, describe, expect, it } from 'vitest'
import { logFixture, readAll } from '../../helpers/log'
import { producerBatch } from '../../helpers/batches'
import { decodeRecordBatches } from '../../../main/cluster/protocol/recordBatch'
import { CompressionType, CRC, readBatchHeader, TimestampType } from '../../../main/cluster/protocol/batchHeader'
import { isKafkaError } from '../../../main/cluster/errors'

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

function expectKafkaError(fn: () => unknown, name: Parameters<typeof isKafkaError>[1], message?: RegExp) {
  try {
    fn()
  } catch (err) {
    expect(isKafkaError(err, name), `expected ${name}, got ${String(err)}`).toBe(true)
    if (message) expect((err as Error).message).toMatch(message)
    return
  }
  throw new Error(`expected ${name}, nothing was thrown`)
}

describe('UnifiedLog append and read', () => {
  it('assigns consecutive offsets and stamps base offset and leader epoch without touching the CRC', () => {
    fixture = logFixture()
    const log = fixture.open()
    const first = producerBatch({ count: 3, tag: 'a' })
    const crcBefore = first.readUInt32BE(CRC)
    const info1 = log.appendAsLeader(first, 7)
    const info2 = log.appendAsLeader(producerBatch({ count: 2, tag: 'b' }), 7)
    expect([info1.firstOffset, info1.lastOffset, info2.firstOffset, info2.lastOffset]).toEqual([0, 2, 3, 4])
    expect(log.logEndOffset).toBe(5)
    const { records } = log.read(0, 1 << 20)
    const batches = [...decodeRecordBatches(records)]
    expect(batches.map((b) => Number(b.baseOffset))).toEqual([0, 3])
    expect(batches.map((b) => b.partitionLeaderEpoch)).toEqual([7, 7])
    expect(batches[0].crc).toBe(crcBefore)
    expect(readAll(log).map((r) => `${r.offset}:${r.value}`)).toEqual(['0:a-0', '1:a-1', '2:a-2', '3:b-0', '4:b-1'])
  })

  it('returns whole batches from the one holding the offset, at least one even above maxBytes', () => {
    fixture = logFixture()
    const log = fixture.open()
    for (let i = 0; i < 5; i++) log.appendAsLeader(producerBatch({ count: 10, valueSize: 100 }), 0)
    const batchSize = readBatchHeader(log.read(0, 1).records).batchLength + 12
    expect(log.read(0, 1).records.length).toBe(batchSize)
    const mid = log.read(25, batchSize * 2 + 10)
    expect(mid.firstBatchOffset).toBe(20)
    expect(mid.records.length).toBe(batchSize * 2)
    // Never past maxOffset (the high watermark for consumers).
    expect([...decodeRecordBatches(log.read(0, 1 << 20, 30).records)].map((b) => Number(b.baseOffset))).toEqual([0, 10, 20])
    expect(log.read(30, 1 << 20, 30).records.length).toBe(0)
  })

  it('answers OFFSET_OUT_OF_RANGE below the log start and above the log end', () => {
    fixture = logFixture()
    const log = fixture.open()
    log.appendAsLeader(producerBatch({ count: 2 }), 0)
    expect(log.read(2, 100).records.length).toBe(0)
    expectKafkaError(() => log.read(3, 100), 'OFFSET_OUT_OF_RANGE', /Offset 3 is out of range.*log end 2/)
    expectKafkaError(() => log.read(-1, 100), 'OFFSET_OUT_OF_RANGE')
  })

  it('rolls segments by segment.bytes and finds any offset through the sparse index', () => {
    fixture = logFixture({ segmentBytes: 4096, indexIntervalBytes: 300 })
    const log = fixture.open()
    for (let i = 0; i < 60; i++) log.appendAsLeader(producerBatch({ count: 4, valueSize: 50, tag: `b${i}` }), 0)
    expect(log.segmentCount).toBeGreaterThanOrEqual(5)
    for (const s of log.segmentInfo().slice(0, -1)) expect(s.size).toBeLessThanOrEqual(4096)
    const all = readAll(log)
    expect(all.length).toBe(240)
    expect(all.every((r, i) => r.offset === i)).toBe(true)
    for (const offset of [0, 1, 57, 120, 239]) {
      const { records, firstBatchOffset } = log.read(offset, 1)
      const [batch] = [...decodeRecordBatches(records)]
      expect(firstBatchOffset).toBe(offset - (offset % 4))
      expect(batch.records.some((r) => Number(r.offset) === offset)).toBe(true)
    }
  })

  it('rolls by segment.ms measured from the first batch timestamp', () => {
    fixture = logFixture({ segmentMs: 1000 })
    const log = fixture.open()
    const t0 = Date.now() - 10_000
    log.appendAsLeader(producerBatch({ timestamp: t0 }), 0)
    log.appendAsLeader(producerBatch({ timestamp: t0 + 500 }), 0)
    expect(log.segmentCount).toBe(1)
    log.appendAsLeader(producerBatch({ timestamp: t0 + 1500 }), 0)
    expect(log.segmentInfo().map((s) => s.baseOffset)).toEqual([0, 2])
  })

  it('finds offsets by timestamp, earliest record at or after it, and the max timestamp', () => {
    fixture = logFixture({ segmentBytes: 2048, indexIntervalBytes: 200 })
    const log = fixture.open()
    const t0 = 1_700_000_000_000
    for (let i = 0; i < 40; i++) log.appendAsLeader(producerBatch({ count: 5, valueSize: 40, timestamp: t0 + i * 100 }), 0)
    // Batch i holds offsets 5i..5i+4 with timestamps t0+100i .. t0+100i+4.
    expect(log.offsetForTimestamp(t0)).toMatchObject({ offset: 0, timestamp: t0 })
    expect(log.offsetForTimestamp(t0 + 702)).toMatchObject({ offset: 37, timestamp: t0 + 702 })
    expect(log.offsetForTimestamp(t0 + 705)).toMatchObject({ offset: 40, timestamp: t0 + 800 })
    expect(log.offsetForTimestamp(t0 + 100_000)).toBeNull()
    expect(log.maxTimestampAndOffset()).toMatchObject({ offset: 199, timestamp: t0 + 3904 })
  })

  it('stamps LogAppendTime into maxTimestamp with a recomputed CRC', () => {
    fixture = logFixture({ messageTimestampType: 'LogAppendTime' })
    const log = fixture.open()
    const before = Date.now()
    const info = log.appendAsLeader(producerBatch({ count: 2, timestamp: 1000 }), 0)
    expect(info.logAppendTime).toBeGreaterThanOrEqual(before)
    const [batch] = [...decodeRecordBatches(log.read(0, 1000).records)]
    expect(batch.timestampType).toBe(TimestampType.LogAppendTime)
    expect(Number(batch.maxTimestamp)).toBe(info.logAppendTime)
    expect(batch.records.map((r) => Number(r.timestamp))).toEqual([info.logAppendTime, info.logAppendTime])
  })

  it('truncates to an offset, dropping later segments and leader epochs', () => {
    fixture = logFixture({ segmentBytes: 1024 })
    const log = fixture.open()
    for (let i = 0; i < 30; i++) log.appendAsLeader(producerBatch({ count: 2, valueSize: 60 }), i < 20 ? 1 : 2)
    expect(log.leaderEpochCache.all).toEqual([{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 40 }])
    log.updateHighWatermark(60)
    log.truncateTo(36)
    expect(log.logEndOffset).toBe(36)
    expect(log.highWatermark).toBe(36)
    expect(log.leaderEpochCache.all).toEqual([{ epoch: 1, startOffset: 0 }])
    expect(readAll(log).length).toBe(36)
    const info = log.appendAsLeader(producerBatch(), 3)
    expect(info.firstOffset).toBe(36)
    expect(log.leaderEpochCache.endOffsetFor(1, log.logEndOffset)).toEqual({ epoch: 1, endOffset: 36 })
    expect(log.leaderEpochCache.endOffsetFor(2, log.logEndOffset)).toEqual({ epoch: 1, endOffset: 36 })
    expect(log.leaderEpochCache.endOffsetFor(3, log.logEndOffset)).toEqual({ epoch: 3, endOffset: 37 })
    // As Kafka: an epoch newer than the latest is unknown; one older than the first ends where the first starts.
    expect(log.leaderEpochCache.endOffsetFor(4, log.logEndOffset)).toEqual({ epoch: -1, endOffset: -1 })
    expect(log.leaderEpochCache.endOffsetFor(0, log.logEndOffset)).toEqual({ epoch: 0, endOffset: 0 })
    expect(log.leaderEpochCache.endOffsetFor(-1, log.logEndOffset)).toEqual({ epoch: -1, endOffset: -1 })
  })

  it('keeps data, offsets, epochs and checkpoints across a clean close and reopen', () => {
    fixture = logFixture({ segmentBytes: 1024 })
    let log = fixture.open()
    for (let i = 0; i < 20; i++) log.appendAsLeader(producerBatch({ count: 3, valueSize: 30, tag: `r${i}` }), 4)
    log.updateHighWatermark(45)
    const before = readAll(log)
    log.close()
    fixture.reopenStore()
    log = fixture.open()
    expect(log.logEndOffset).toBe(60)
    expect(log.highWatermark).toBe(45)
    expect(readAll(log)).toEqual(before)
    expect(log.leaderEpochCache.all).toEqual([{ epoch: 4, startOffset: 0 }])
    expect(log.appendAsLeader(producerBatch(), 5).firstOffset).toBe(60)
  })

  it('refuses invalid batches with Kafka errors and appends nothing of the request', () => {
    fixture = logFixture({ maxMessageBytes: 2000 })
    const log = fixture.open()
    const corrupt = producerBatch({ count: 2 })
    corrupt[corrupt.length - 1] ^= 0xff
    expectKafkaError(() => log.appendAsLeader(corrupt, 0), 'CORRUPT_MESSAGE', /CRC-32C/)
    expectKafkaError(() => log.appendAsLeader(producerBatch({ count: 30, valueSize: 100 }), 0), 'MESSAGE_TOO_LARGE', /max.message.bytes \(2000\)/)
    expectKafkaError(() => log.appendAsLeader(producerBatch().subarray(0, 40), 0), 'CORRUPT_MESSAGE', /truncated/)
    const badMagic = producerBatch()
    badMagic[16] = 1
    expectKafkaError(() => log.appendAsLeader(badMagic, 0), 'INVALID_RECORD', /magic 1/)
    // A valid batch followed by a corrupt one: nothing of the request is appended.
    expectKafkaError(() => log.appendAsLeader(Buffer.concat([producerBatch(), corrupt]), 0), 'CORRUPT_MESSAGE')
    expect(log.logEndOffset).toBe(0)
    expect(log.size).toBe(0)
  })

  it('refuses CreateTime timestamps outside message.timestamp.before/after.max.ms', () => {
    fixture = logFixture({ messageTimestampBeforeMaxMs: 60_000, messageTimestampAfterMaxMs: 60_000 })
    const log = fixture.open()
    expectKafkaError(() => log.appendAsLeader(producerBatch({ timestamp: Date.now() - 3_600_000 }), 0), 'INVALID_TIMESTAMP', /before.max.ms \(60000\)/)
    expectKafkaError(() => log.appendAsLeader(producerBatch({ timestamp: Date.now() + 3_600_000 }), 0), 'INVALID_TIMESTAMP')
    expect(log.appendAsLeader(producerBatch(), 0).firstOffset).toBe(0)
  })

  it('appends a follower batch as the leader wrote it and refuses one that does not continue the log', () => {
    fixture = logFixture()
    const leader = fixture.open()
    leader.appendAsLeader(producerBatch({ count: 3 }), 2)
    leader.appendAsLeader(producerBatch({ count: 2 }), 3)
    const replicated = leader.read(0, 1 << 20).records
    leader.close()
    const other = logFixture()
    try {
      const follower = other.open()
      expect(follower.appendAsFollower(Buffer.from(replicated)).lastOffset).toBe(4)
      expect(follower.leaderEpochCache.all).toEqual([{ epoch: 2, startOffset: 0 }, { epoch: 3, startOffset: 3 }])
      follower.truncateTo(3)
      expectKafkaError(() => follower.appendAsFollower(Buffer.from(replicated)), 'CORRUPT_MESSAGE', /does not continue/)
    } finally {
      other.cleanup()
    }
  })
})

describe('topic compression.type', () => {
  it('recompresses batches into the topic codec, keeping records, timestamps and headers', () => {
    fixture = logFixture({ compressionType: 'zstd' })
    const log = fixture.open()
    const t0 = Date.now() - 1000
    log.appendAsLeader(producerBatch({ count: 5, tag: 'g', compression: CompressionType.Gzip, timestamp: t0 }), 3)
    log.appendAsLeader(producerBatch({ count: 2, tag: 'z', compression: CompressionType.Zstd }), 3)
    const batches = [...decodeRecordBatches(log.read(0, 1 << 20).records)]
    expect(batches.map((b) => b.compression)).toEqual([CompressionType.Zstd, CompressionType.Zstd])
    expect(batches[0].records.map((r) => [Number(r.offset), r.value!.toString(), Number(r.timestamp), r.headers[0].value!.toString()])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [i, `g-${i}`, t0 + i, String(i)]),
    )
    expect(Number(batches[1].baseOffset)).toBe(5)
  })

  it("keeps the producer's codec under 'producer'", () => {
    fixture = logFixture({ compressionType: 'producer' })
    const log = fixture.open()
    const batch = producerBatch({ count: 3, compression: CompressionType.Snappy })
    log.appendAsLeader(batch, 0)
    expect([...decodeRecordBatches(log.read(0, 1 << 20).records)][0].compression).toBe(CompressionType.Snappy)
  })
})
