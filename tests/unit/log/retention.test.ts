import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { logFixture, readAll } from '../../helpers/log'
import { producerBatch } from '../../helpers/batches'
import { isKafkaError } from '../../../main/cluster/errors'
import type { UnifiedLog } from '../../../main/cluster/broker/log/unifiedLog'

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

const HOUR = 3_600_000

/** 30 batches of 2 records, about 300 bytes each, in segments of at most 1 KiB. */
function filledLog(timestampOf: (i: number) => number = () => Date.now()): UnifiedLog {
  const log = fixture.open()
  for (let i = 0; i < 30; i++) log.appendAsLeader(producerBatch({ count: 2, valueSize: 100, timestamp: timestampOf(i) }), 0)
  log.updateHighWatermark(log.logEndOffset)
  return log
}

function expectOutOfRange(log: UnifiedLog, offset: number) {
  let error: unknown
  try {
    log.read(offset, 1000)
  } catch (err) {
    error = err
  }
  expect(isKafkaError(error, 'OFFSET_OUT_OF_RANGE'), String(error)).toBe(true)
}

function segmentFiles(): string[] {
  return readdirSync(join(fixture.dir, 'topic-0')).filter((f) => f.endsWith('.log')).sort()
}

describe('retention', () => {
  it('retention.bytes deletes the oldest closed segments, keeps at least retention.bytes, moves the log start', () => {
    fixture = logFixture({ segmentBytes: 1024, retentionBytes: 2500 })
    const log = filledLog()
    const segmentsBefore = log.segmentInfo()
    const activeBase = log.activeSegment.baseOffset
    expect(segmentsBefore.length).toBeGreaterThan(4)

    const result = log.deleteOldSegments()
    expect(result.reason).toBe('retention.bytes')
    expect(result.deletedSegments).toBeGreaterThan(0)
    // Kafka's rule: delete oldest segments while what remains stays at or above retention.bytes.
    expect(log.size).toBeGreaterThanOrEqual(2500)
    expect(log.size - log.segmentInfo()[0].size).toBeLessThan(2500)
    expect(log.activeSegment.baseOffset).toBe(activeBase)
    expect(log.logStartOffset).toBe(log.segmentInfo()[0].baseOffset)
    expect(segmentFiles().length).toBe(segmentsBefore.length - result.deletedSegments)

    expectOutOfRange(log, log.logStartOffset - 1)
    expectOutOfRange(log, 0)
    const remaining = readAll(log)
    expect(remaining[0].offset).toBe(log.logStartOffset)
    expect(remaining.at(-1)!.offset).toBe(59)

    // Idempotent: nothing more to delete.
    expect(log.deleteOldSegments().deletedSegments).toBe(0)
  })

  it('retention.ms deletes closed segments whose newest record is older than retention.ms', () => {
    fixture = logFixture({ segmentBytes: 1024, retentionMs: HOUR })
    const now = Date.now()
    // The first 15 batches are 2 hours old, the rest are fresh.
    const log = filledLog((i) => (i < 15 ? now - 2 * HOUR : now))
    const result = log.deleteOldSegments()
    expect(result.reason).toBe('retention.ms')
    for (const s of log.segmentInfo()) expect(now - s.largestTimestamp).toBeLessThanOrEqual(HOUR)
    // Every deleted offset was old: the first fresh record (offset 30) is still readable.
    expect(log.logStartOffset).toBeLessThanOrEqual(30)
    expect(log.logStartOffset).toBeGreaterThan(0)
    expect(readAll(log).at(-1)!.offset).toBe(59)
    expectOutOfRange(log, 0)
  })

  it('rolls first when every segment has expired, keeping the log end offset', () => {
    fixture = logFixture({ segmentBytes: 1024, retentionMs: HOUR })
    const log = filledLog(() => Date.now() - 2 * HOUR)
    log.deleteOldSegments()
    expect(log.logEndOffset).toBe(60)
    expect(log.logStartOffset).toBe(60)
    expect(log.size).toBe(0)
    expect(log.read(60, 1000).records.length).toBe(0)
    expect(log.appendAsLeader(producerBatch(), 0).firstOffset).toBe(60)
  })

  it('never deletes segments holding offsets at or above the high watermark', () => {
    fixture = logFixture({ segmentBytes: 1024, retentionMs: HOUR })
    const log = filledLog(() => Date.now() - 2 * HOUR)
    log.updateHighWatermark(0)
    expect(log.deleteOldSegments().deletedSegments).toBe(0)
    log.updateHighWatermark(20)
    log.deleteOldSegments()
    expect(log.logStartOffset).toBeLessThanOrEqual(20)
    expect(readAll(log).length).toBe(60 - log.logStartOffset)
  })

  it('leaves compact-only topics alone', () => {
    fixture = logFixture({ segmentBytes: 1024, retentionMs: HOUR, retentionBytes: 100, cleanupPolicy: ['compact'] })
    const log = filledLog(() => Date.now() - 2 * HOUR)
    expect(log.deleteOldSegments().deletedSegments).toBe(0)
    expect(log.logStartOffset).toBe(0)
  })

  it('deleteRecordsBefore moves the log start, drops whole segments below it, and persists', () => {
    fixture = logFixture({ segmentBytes: 1024 })
    let log = filledLog()
    const firstSegments = log.segmentInfo().map((s) => s.baseOffset)
    expect(log.deleteRecordsBefore(25)).toBe(25)
    expect(log.logStartOffset).toBe(25)
    // The segment holding offset 25 stays (whole segments only); reads below 25 are refused.
    expect(log.segmentInfo()[0].baseOffset).toBeLessThanOrEqual(25)
    expect(log.segmentInfo().length).toBeLessThan(firstSegments.length)
    expectOutOfRange(log, 24)
    expect(readAll(log)[0].offset).toBe(25)
    let error: unknown
    try {
      log.deleteRecordsBefore(61)
    } catch (err) {
      error = err
    }
    expect(isKafkaError(error, 'OFFSET_OUT_OF_RANGE')).toBe(true)
    log.close()
    fixture.reopenStore()
    log = fixture.open()
    expect(log.logStartOffset).toBe(25)
    expectOutOfRange(log, 24)
    expect(existsSync(join(fixture.dir, 'topic-0', '00000000000000000000.log'))).toBe(false)
  })
})
