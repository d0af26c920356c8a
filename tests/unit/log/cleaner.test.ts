// The log cleaner on real segment files: offsets kept with gaps, the last value of each key,
// tombstones kept until their delete horizon, the active segment untouched, small cleaned
// segments grouped, the compaction lags, and a round aborted by a change to the log.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { keyedBatch, producerBatch } from '../../helpers/batches'
import { expectedAfterCleaning, manualCleaner } from '../../helpers/cleaning'
import { logFixture, readRecords } from '../../helpers/log'
import { seededRandom } from '../../helpers/random'
import { Cleaner, LogCleaningAbortedError } from '../../../main/cluster/broker/log/cleaner/cleaner'
import { LogCleanerManager } from '../../../main/cluster/broker/log/cleaner/logCleanerManager'
import { OffsetMap } from '../../../main/cluster/broker/log/cleaner/offsetMap'
import { Throttler } from '../../../main/cluster/broker/log/cleaner/throttler'
import { CompressionType } from '../../../main/cluster/protocol/batchHeader'
import { encodeRecordBatch } from '../../../main/cluster/protocol/recordBatch'
import { isKafkaError } from '../../../main/cluster/errors'
import type { UnifiedLog } from '../../../main/cluster/broker/log/unifiedLog'

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

const DAY = 86_400_000
let clock = 0
const now = () => clock

function compactedLog(overrides: Parameters<typeof logFixture>[0] = {}): UnifiedLog {
  clock = Date.now()
  fixture = logFixture({ cleanupPolicy: ['compact'], segmentBytes: 2048, deleteRetentionMs: DAY, ...overrides })
  return fixture.open()
}

/** `batches` batches of 5 records over `keys` keys, every 7th record of a key a tombstone. */
function fill(log: UnifiedLog, batches: number, keys: number, seed = 1, compression = CompressionType.None): void {
  const random = seededRandom(seed)
  for (let b = 0; b < batches; b++) {
    const records = Array.from({ length: 5 }, (): [string, string | null] => {
      const key = `key-${random.int(keys)}`
      return [key, random.int(7) === 0 ? null : `${key}@${b}-${random.int(1000)}`]
    })
    log.appendAsLeader(keyedBatch(records, clock, compression), 0)
  }
  log.updateHighWatermark(log.logEndOffset)
}

const cleanedFiles = () => readdirSync(join(fixture.dir, 'topic-0')).filter((f) => /\.(cleaned|swap)$/.test(f))

describe('log cleaner', () => {
  for (const compression of [CompressionType.None, CompressionType.Lz4]) {
    it(`keeps the last record of each key at its offset, leaves gaps, keeps tombstones, never touches the active segment (codec ${compression})`, async () => {
      const log = compactedLog()
      fill(log, 300, 40, 7, compression)
      const before = readRecords(log)
      const activeBase = log.activeSegment.baseOffset
      const activeBytes = log.read(activeBase, 1 << 20).records
      const cleaner = manualCleaner(() => [log], fixture.checkpoints, now)

      expect(await cleaner.round()).toBe(activeBase)
      const after = readRecords(log)
      expect(after).toEqual(expectedAfterCleaning(before, activeBase))
      expect(after.filter((r) => r.offset < activeBase).length).toBeLessThanOrEqual(40)
      expect(after.some((r) => r.value === null && r.offset < activeBase)).toBe(true)
      expect(log.logEndOffset).toBe(before.length)
      expect(log.activeSegment.baseOffset).toBe(activeBase)
      expect(log.read(activeBase, 1 << 20).records.equals(activeBytes)).toBe(true)
      expect(fixture.checkpoints.cleanerOffset('topic', 0)).toBe(activeBase)
      expect(cleanedFiles()).toEqual([])

      // Reopened from disk, the log reads the same.
      log.close()
      expect(readRecords(fixture.open())).toEqual(after)
    })
  }

  it('drops tombstones once delete.retention.ms has passed since the round that first saw them', async () => {
    const log = compactedLog({ deleteRetentionMs: 1000 })
    fill(log, 200, 30)
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now)
    await cleaner.round()
    const tombstones = readRecords(log).filter((r) => r.value === null && r.offset < log.activeSegment.baseOffset)
    expect(tombstones.length).toBeGreaterThan(0)

    // Not yet: a later round before the horizon keeps them.
    clock += 500
    fill(log, 200, 30, 2)
    await cleaner.round()
    const kept = new Set(readRecords(log).filter((r) => r.value === null).map((r) => r.offset))
    const stillLatest = tombstones.filter((t) => !readRecords(log).some((r) => r.key === t.key && r.offset > t.offset))
    for (const t of stillLatest) expect(kept.has(t.offset)).toBe(true)

    clock += 1000
    fill(log, 200, 30, 3)
    const activeBase = log.activeSegment.baseOffset
    const beforeLast = readRecords(log)
    await cleaner.round()
    const after = readRecords(log)
    // Past the horizon every tombstone below the new dirty section is gone; the new ones got a horizon.
    const firstDirtyBefore = Math.max(...tombstones.map((t) => t.offset)) + 1
    expect(after.filter((r) => r.value === null && r.offset < firstDirtyBefore)).toEqual([])
    expect(after.filter((r) => r.value !== null)).toEqual(expectedAfterCleaning(beforeLast, activeBase).filter((r) => r.value !== null))
  })

  it('groups small cleaned segments up to segment.bytes, as Kafka does', async () => {
    const log = compactedLog({ segmentBytes: 1024 })
    fill(log, 400, 10)
    const before = log.segmentCount
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now)
    // Groups are made from the sizes before cleaning: full segments stay one for one the first time,
    const firstEnd = (await cleaner.round())!
    expect(log.segmentCount).toBe(before)
    // and the small cleaned ones are grouped the next time.
    const smallBytes = log.segmentInfo().filter((s) => s.baseOffset < firstEnd).reduce((t, s) => t + s.size, 0)
    fill(log, 400, 10, 2)
    await cleaner.round()
    const closed = log.segmentInfo().slice(0, -1)
    expect(closed.filter((s) => s.baseOffset < firstEnd).length).toBeLessThanOrEqual(Math.ceil(smallBytes / 1024) + 1)
    for (const s of closed) expect(s.size).toBeLessThanOrEqual(1024)
    // Each cleaned segment starts where the first segment of its group started.
    expect(closed[0].baseOffset).toBe(0)
  })

  it('groups no more than segment.index.bytes of index entries into one segment', async () => {
    const log = compactedLog({ segmentBytes: 600, indexIntervalBytes: 1, segmentIndexBytes: 8 * 3 })
    fill(log, 120, 200)
    await manualCleaner(() => [log], fixture.checkpoints, now).round()
    for (const segment of log.logSegments.slice(0, -1)) expect(segment.offsetIndexBytes).toBeLessThanOrEqual(8 * 3)
  })

  it('waits for min.compaction.lag.ms and for the ratio of dirty bytes to pass min.cleanable.dirty.ratio', async () => {
    const log = compactedLog({ minCompactionLagMs: 10_000 })
    fill(log, 100, 200)
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now)
    expect(cleaner.manager.logToClean(log).firstUncleanableOffset).toBe(0)
    expect(await cleaner.round()).toBeNull()
    clock += 20_000
    expect(await cleaner.round()).toBe(log.activeSegment.baseOffset)
    // Now clean: a little more data is not dirty enough for the default ratio of 0.5.
    fill(log, 3, 200, 2)
    log.roll()
    clock += 20_000
    expect(cleaner.manager.logToClean(log).cleanableRatio).toBeLessThan(0.5)
    expect(await cleaner.round()).toBeNull()
  })

  it('cleans an overdue log whatever its dirty ratio once max.compaction.lag.ms has passed', async () => {
    const log = compactedLog({ maxCompactionLagMs: 5000, minCleanableRatio: 1 })
    fill(log, 100, 10)
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now)
    expect(await cleaner.round()).toBeNull()
    clock += 6000
    expect(cleaner.manager.logToClean(log).compactionDelayMs).toBeGreaterThan(0)
    expect(await cleaner.round()).toBe(log.activeSegment.baseOffset)
  })

  it('rolls the active segment of a compacted log after max.compaction.lag.ms', () => {
    const log = compactedLog({ maxCompactionLagMs: 1000, segmentBytes: 1 << 20 })
    log.appendAsLeader(keyedBatch([['a', '1']], clock), 0)
    log.appendAsLeader(keyedBatch([['a', '2']], clock + 1001), 0)
    expect(log.segmentCount).toBe(2)
  })

  it('never cleans past the high watermark', async () => {
    const log = compactedLog()
    fill(log, 200, 10)
    log.updateHighWatermark(100)
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now)
    expect(cleaner.manager.logToClean(log).firstUncleanableOffset).toBe(100)
    const before = readRecords(log)
    const end = await cleaner.round()
    expect(end).toBeLessThanOrEqual(100)
    expect(readRecords(log).filter((r) => r.offset >= 100)).toEqual(before.filter((r) => r.offset >= 100))
  })

  it('keeps the emptied last batch of an idempotent producer, so its sequence survives', async () => {
    const log = compactedLog()
    for (let i = 0; i < 40; i++) log.appendAsLeader(producerBatch({ count: 5, valueSize: 80, producerId: 7, baseSequence: i * 5 }), 0)
    // The same five keys again, from another producer, make the first producer's last batch redundant.
    for (let i = 0; i < 40; i++) log.appendAsLeader(producerBatch({ count: 5, valueSize: 80 }), 0)
    log.updateHighWatermark(log.logEndOffset)
    await manualCleaner(() => [log], fixture.checkpoints, now).round()
    const retry = log.appendAsLeader(producerBatch({ count: 5, valueSize: 80, producerId: 7, baseSequence: 39 * 5 }), 0)
    expect(retry).toMatchObject({ duplicate: true, firstOffset: 39 * 5 })
    log.close()
    const reopened = fixture.open()
    expect(reopened.appendAsLeader(producerBatch({ count: 5, valueSize: 80, producerId: 7, baseSequence: 40 * 5 }), 0).duplicate).toBe(false)
  })

  it('aborts a round when the log is truncated under it, leaving no .cleaned file and the log as it was', async () => {
    const log = compactedLog()
    fill(log, 300, 40)
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now, { ioBufferSize: 256 })
    const round = cleaner.round()
    await new Promise((r) => setImmediate(r))
    log.truncateTo(500)
    const before = readRecords(log)
    await expect(round).rejects.toBeInstanceOf(LogCleaningAbortedError)
    expect(cleanedFiles()).toEqual([])
    expect(readRecords(log)).toEqual(before)
  })

  it('refuses a record without a key on a compacted topic with Kafka\'s INVALID_RECORD', () => {
    const log = compactedLog()
    let error: unknown
    try {
      log.appendAsLeader(encodeRecordBatch({ records: [{ key: 'k', value: 'v' }, { key: null, value: 'no key' }] }), 0)
    } catch (err) {
      error = err
    }
    expect(isKafkaError(error, 'INVALID_RECORD'), String(error)).toBe(true)
    expect((error as Error).message).toBe('Compacted topic cannot accept message without key in topic partition topic-0')
    expect(log.logEndOffset).toBe(0)
  })
})

describe('log cleaner, alongside the broker', () => {
  it('holds its reads and writes to log.cleaner.io.max.bytes.per.second', async () => {
    const log = compactedLog()
    fill(log, 300, 40)
    const slept: number[] = []
    // A clock that moves 10 ms each time the throttler looks: the round appears to read fast.
    const throttler = new Throttler(20_000, () => (clock += 10), async (ms) => {
      slept.push(ms)
      clock += ms
    })
    const cleaner = new Cleaner(0, OffsetMap.forMemory(1 << 20, 0.9), throttler, 512, () => false, now)
    const cleanable = new LogCleanerManager(() => [log], fixture.checkpoints, now).logToClean(log)
    const start = clock
    const { stats } = await cleaner.clean(cleanable)
    const io = stats.bytesRead + stats.mapBytesRead + stats.bytesWritten
    // Reads and writes together went at 20 KB/s, give or take the last check interval (300 ms).
    const rate = io / ((clock - start) / 1000)
    expect(rate).toBeLessThan(20_000 * 1.2)
    expect(rate).toBeGreaterThan(20_000 * 0.8)
    expect(slept.length).toBeGreaterThan(3)
  })

  it('never holds the event loop long: a round over 20 MB gives it back after every chunk', async () => {
    const log = compactedLog({ segmentBytes: 1 << 20 })
    const value = 'x'.repeat(200)
    for (let b = 0; b < 100; b++) {
      log.appendAsLeader(encodeRecordBatch({ records: Array.from({ length: 1000 }, (_, i) => ({ key: `k${(b * 1000 + i) % 5000}`, value })) }), 0)
    }
    log.updateHighWatermark(log.logEndOffset)
    log.roll()
    const size = log.size
    expect(size).toBeGreaterThan(20e6)
    // Counted in turns of the event loop, not milliseconds, so a loaded machine cannot fail it.
    let turns = 0
    let cleaning = true
    const tick = () => {
      turns++
      if (cleaning) setImmediate(tick)
    }
    setImmediate(tick)
    const chunk = 256 * 1024
    const cleaner = new Cleaner(0, OffsetMap.forMemory(128 << 20, 0.9), new Throttler(Number.MAX_VALUE), chunk)
    await cleaner.clean(new LogCleanerManager(() => [log], fixture.checkpoints).logToClean(log))
    cleaning = false
    // The map and the filter each read the log once, a chunk (Kafka's default buffer) at a time.
    expect(turns).toBeGreaterThanOrEqual((2 * size) / chunk)
    expect(readRecords(log).length).toBe(5000)
  }, 60_000)

  it('a retention deletion aborts a round of a compact,delete log, and the round after it cleans what is left', async () => {
    // A retention.ms the fill cannot outlast on a loaded machine: only the segments made old below go.
    const log = compactedLog({ cleanupPolicy: ['compact', 'delete'], retentionMs: 60_000 })
    fill(log, 300, 40)
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now, { ioBufferSize: 256 })
    const round = cleaner.round()
    await new Promise((r) => setImmediate(r))
    // Half the segments are old enough for retention.ms.
    const half = log.logSegments[Math.floor(log.segmentCount / 2)].baseOffset
    for (const s of log.logSegments) if (s.baseOffset < half) s.maxTimestampSoFar = Date.now() - 120_000
    expect(log.deleteOldSegments()).toMatchObject({ reason: 'retention.ms' })
    await expect(round).rejects.toBeInstanceOf(LogCleaningAbortedError)
    expect(cleanedFiles()).toEqual([])
    const before = readRecords(log)
    expect(await cleaner.round()).toBe(log.activeSegment.baseOffset)
    expect(readRecords(log)).toEqual(expectedAfterCleaning(before, log.activeSegment.baseOffset))
  })
})
