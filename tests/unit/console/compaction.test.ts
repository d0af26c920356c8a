import { describe, expect, it } from 'vitest'
import type { BrokerLogCleanerState, CleanedLogState, ContractEvent, DescribedConfig } from '../../../preload/contract'
import { compactionNote, dirtyRatioLine, leaderLog, roundLine, segmentKind } from '../../../renderer/src/components/compaction/compaction'
import { offsetGaps } from '../../../renderer/src/components/messages/offsetGaps'
import { eventKind } from '../../../renderer/src/format/eventKinds'
import { describeEvent } from '../../../renderer/src/format/events'
import { experimentRecords } from '../../../main/console/views/compactionExperiment'

const round = { endTime: 10_000, endOffset: 2000, elapsedMs: 35, bytesRead: 2048 * 1024, bytesWritten: 12 * 1024, recordsRead: 2000, recordsWritten: 100, recordsRemoved: 1900, bufferUtilization: 0.01 }
const log = (partition: number, dirtyRatio: number): CleanedLogState => ({
  topic: 't',
  partition,
  firstDirtyOffset: 0,
  firstUncleanableOffset: 2000,
  cleanBytes: 0,
  cleanableBytes: 1000,
  dirtyRatio,
  minCleanableRatio: 0.5,
  compactionDelayMs: 0,
  inProgress: false,
  uncleanable: false,
  lastRun: null,
  segments: [],
})
const config = (name: string, value: string) => ({ name, value }) as DescribedConfig

describe('compaction formatting', () => {
  it("takes the leader's copy of the chosen partition", () => {
    const cleaners = [1, 2].map((brokerId) => ({ brokerId, logs: [log(0, brokerId / 10), log(1, 0.9)] }) as unknown as BrokerLogCleanerState)
    expect(leaderLog(cleaners, 0, 2)?.dirtyRatio).toBe(0.2)
    expect(leaderLog(cleaners, 0, 3)).toBeNull()
  })

  it('says the dirty ratio against min.cleanable.dirty.ratio, and what the cleaner does about it', () => {
    expect(dirtyRatioLine(log(0, 0.625))).toBe('63% dirty: above min.cleanable.dirty.ratio (50%), the cleaner may pick this log')
    expect(dirtyRatioLine(log(0, 0.05))).toBe('5.0% dirty: at or below min.cleanable.dirty.ratio (50%), the cleaner waits')
  })

  it('names segments active, clean or dirty, and a round in a line', () => {
    expect([true, false].map((clean) => segmentKind({ baseOffset: 0, size: 1, records: 1, clean, active: false }))).toEqual(['clean', 'dirty'])
    expect(segmentKind({ baseOffset: 0, size: 1, records: 1, clean: false, active: true })).toBe('active')
    expect(roundLine(round, 12_000)).toBe('2 s ago: read 2.0 MiB, wrote 12 KiB, 1,900 of 2,000 records removed, in 35 ms')
    expect(roundLine(round, 10_500)).toMatch(/^just now: /)
  })

  it('explains segment.ms, min.compaction.lag.ms and delete.retention.ms only on a compacted topic', () => {
    const compacted = [config('cleanup.policy', 'compact,delete')]
    expect(compactionNote(config('segment.ms', '100'), compacted)).toMatch(/active segment/)
    expect(compactionNote(config('min.compaction.lag.ms', '0'), compacted)).toMatch(/younger than this/)
    expect(compactionNote(config('delete.retention.ms', '0'), compacted)).toMatch(/tombstone/)
    expect(compactionNote(config('retention.ms', '0'), compacted)).toBeNull()
    expect(compactionNote(config('segment.ms', '100'), [config('cleanup.policy', 'delete')])).toBeNull()
  })

  it('finds the offset gaps of a page, per partition, whatever its order', () => {
    const gaps = offsetGaps([
      { partition: 0, offset: 199 },
      { partition: 0, offset: 99 },
      { partition: 1, offset: 5 },
      { partition: 0, offset: 200 },
      { partition: 1, offset: 3 },
    ])
    expect([...gaps]).toEqual([['0-199', 99], ['1-5', 1]])
  })

  it("describes a 'log-cleaned' event on the timeline, among the logs", () => {
    const event: ContractEvent = { source: 'broker', brokerId: 2, type: 'log-cleaned', topic: 't', partition: 0, bytesRead: 2048, bytesWritten: 100, recordsRemoved: 1, endOffset: 50, elapsedMs: 3, timestamp: 0 }
    expect(describeEvent(event)).toEqual({ title: 't-0 cleaned', detail: 'broker 2: read 2.0 KiB, wrote 100 B, 1 record removed, cleaned up to offset 50 in 3 ms', tone: 'info' })
    expect(eventKind(event)).toBe('logs')
  })

  it("writes the experiment's updates over every key, hot keys more often, then its tombstones for the last keys", () => {
    const records = experimentRecords(2000, 100, 10)
    expect(records).toHaveLength(2010)
    expect(records.slice(0, 3)).toEqual([0, 1, 2].map((k) => ({ key: `key-${k}`, value: `key-${k}=v1` })))
    expect(records.slice(-10)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99].map((k) => ({ key: `key-${k}`, value: null })))
    const updates = records.slice(0, 2000)
    const count = (key: string) => updates.filter((r) => r.key === key).length
    expect(new Set(updates.map((r) => r.key)).size).toBe(100)
    expect(count('key-1')).toBeGreaterThan(count('key-98') * 3)
    // Each key's values are numbered in order: its last is its count.
    const last = updates.findLast((r) => r.key === 'key-1')!
    expect(last.value).toBe(`key-1=v${count('key-1')}`)
    expect(experimentRecords(2000, 100, 10)).toEqual(records)
  })
})
