// The experiments' checker on synthetic histories: each anomaly is found, with its records
// and the faults around it, and a clean history reports none.
import { describe, expect, it } from 'vitest'
import { check } from '../../main/experiments/checker'
import type { FaultRecord, History, OutputRecord, SentRecord } from '../../preload/schemas/experiments'

function send(producer: number, seq: number, partition: number, offset: number, at: number, extra: Partial<SentRecord> = {}): SentRecord {
  return { id: `${producer}-${seq}`, producer, seq, key: null, sentAt: at, outcome: 'acked', partition, offset, doneAt: at + 5, error: null, ...extra }
}

const crash: FaultRecord = { id: 0, kind: 'crash', label: 'crash broker 2', brokers: [2], startMs: 5000, endMs: 8000, error: null }

/** Producer 0 sends 10 records to partition 0, one each 1 s, read back as acknowledged. */
function clean(): History {
  const sends = Array.from({ length: 10 }, (_, i) => send(0, i, 0, i, i * 1000))
  return {
    variant: 'acks=all',
    startedAt: 0,
    durationMs: 10_000,
    partitions: 1,
    sends,
    processed: sends.map((s) => ({ member: 0, partition: 0, offset: s.offset!, id: s.id, at: s.sentAt + 100 })),
    commits: [],
    faults: [],
    log: sends.map((s) => ({ partition: 0, offset: s.offset!, id: s.id })),
    committedAtEnd: { '0': 10 },
    notes: [],
  }
}

describe('experiment checker', () => {
  it('reports nothing on a clean history', () => {
    const result = check(clean(), { lost: 0, duplicated: 0 })
    expect(result.anomalies).toEqual([])
    expect(result.violations).toEqual([])
    expect(result.totals).toMatchObject({ sent: 10, acked: 10, readable: 10, lost: 0, duplicated: 0, reordered: 0, processed: 10 })
    expect(result.verdict).toBe('acks=all: none')
    expect(result.latency).toEqual({ p50: 5, p99: 5, max: 5 })
    expect(result.series).toHaveLength(10)
    expect(result.unavailable).toEqual([])
  })

  it('reports nothing when failed and unknown sends are not in the log', () => {
    const h = clean()
    h.sends.push(send(0, 10, 0, 0, 9000, { outcome: 'failed', partition: null, offset: null, error: 'NOT_LEADER' }), send(0, 11, 0, 0, 9100, { outcome: 'unknown', partition: null, offset: null, doneAt: null }))
    expect(check(h).anomalies).toEqual([])
  })

  it('finds acknowledged records lost, near the crash, with a verdict naming it', () => {
    const h = clean()
    h.variant = 'acks=1'
    h.faults = [crash]
    h.log = h.log.filter((r) => r.offset !== 5 && r.offset !== 6)
    h.committedAtEnd = null
    const result = check(h, { lost: 0 })
    expect(result.totals.lost).toBe(2)
    expect(result.anomalies).toHaveLength(1)
    expect(result.anomalies[0]).toMatchObject({ type: 'lost', partition: 0, count: 2, records: ['0-5@0:5', '0-6@0:6'], faults: [0] })
    expect(result.violations).toEqual(['lost: 2 > 0'])
    expect(result.verdict).toBe('acks=1: 2 acknowledged records lost when broker 2 crashed at 5.0 s')
  })

  it('finds duplicates', () => {
    const h = clean()
    h.log.push({ partition: 0, offset: 10, id: '0-3' })
    const result = check(h)
    expect(result.totals.duplicated).toBe(1)
    expect(result.anomalies[0]).toMatchObject({ type: 'duplicated', records: ['0-3 at 0:3, 0:10'] })
    // The acknowledged offset still holds it, so it is no offset mismatch.
    expect(result.totals.offsetMismatch).toBe(0)
  })

  it('finds records reordered against their producer’s send order, per partition', () => {
    const h = clean()
    // 0-4 and 0-5 swapped in the log.
    h.log = h.log.map((r) => (r.id === '0-4' ? { ...r, id: '0-5' } : r.id === '0-5' ? { ...r, id: '0-4' } : r))
    h.committedAtEnd = null
    const result = check(h)
    expect(result.totals.reordered).toBe(1)
    expect(result.anomalies.find((a) => a.type === 'reordered')).toMatchObject({ partition: 0, records: ['0-4 at 0:5 after 0-5'] })
    // Both are also readable at other offsets than acknowledged.
    expect(result.totals.offsetMismatch).toBe(2)
  })

  it('does not call two producers interleaving a reorder', () => {
    const h = clean()
    const other = [send(1, 0, 0, 10, 100), send(1, 1, 0, 11, 200)]
    h.sends.push(...other)
    h.log.push({ partition: 0, offset: 10, id: '1-0' }, { partition: 0, offset: 11, id: '1-1' })
    h.committedAtEnd = null
    expect(check(h).anomalies).toEqual([])
  })

  it('finds records processed twice and never processed', () => {
    const h = clean()
    h.processed = h.processed.filter((p) => p.offset !== 2)
    h.processed.push({ member: 1, partition: 0, offset: 7, id: '0-7', at: 9000 })
    const result = check(h)
    expect(result.totals).toMatchObject({ processedTwice: 1, neverProcessed: 1 })
    expect(result.anomalies.map((a) => a.type).sort()).toEqual(['neverProcessed', 'processedTwice'])
  })

  it('places a skipped record at the commit past it, near the member killed then', () => {
    const h = clean()
    const kill: FaultRecord = { id: 0, kind: 'kill-member', label: 'kill consumer member 0', brokers: [], startMs: 9000, endMs: 9000, error: null }
    h.faults = [kill]
    h.processed = h.processed.filter((p) => p.offset !== 2)
    h.commits = [{ member: 0, partition: 0, offset: 5, at: 8900, ok: true }]
    const [skipped] = check(h).anomalies
    expect(skipped).toMatchObject({ type: 'neverProcessed', firstAt: 8900, faults: [0] })
    expect(check(h).verdict).toBe('acks=all: 1 records never processed when consumer member 0 was killed at 9.0 s')
  })

  it('names the latest fault before an anomaly when none is active around it', async () => {
    const { faultsAround } = await import('../../main/experiments/checker')
    const faults: FaultRecord[] = [crash, { ...crash, id: 1, kind: 'add-partitions', startMs: 10_000, endMs: 10_000 }]
    expect(faultsAround(faults, 6000)).toEqual([0])
    expect(faultsAround(faults, 13_000)).toEqual([1])
    expect(faultsAround(faults, 1000)).toEqual([])
  })

  it('does not count lag at the end as never processed', () => {
    const h = clean()
    h.processed = h.processed.filter((p) => p.offset < 8)
    h.committedAtEnd = { '0': 8 }
    expect(check(h).totals.neverProcessed).toBe(0)
  })

  it('finds a key that moved partition', () => {
    const h = clean()
    h.sends = h.sends.map((s, i) => ({ ...s, key: 'k', partition: i < 5 ? 0 : 1 }))
    h.log = h.sends.map((s) => ({ partition: s.partition!, offset: s.offset!, id: s.id }))
    h.committedAtEnd = null
    h.processed = []
    const result = check(h)
    expect(result.totals.keyMoved).toBe(1)
  })

  it('finds unavailability windows with the faults in them', () => {
    const h = clean()
    h.faults = [crash]
    // Nothing acknowledged from 4 s to 8 s: sends at 5 s, 6 s, 7 s wait until 8 s.
    h.sends = h.sends.map((s) => (s.seq >= 5 && s.seq <= 7 ? { ...s, doneAt: 8000 } : s))
    const result = check(h)
    expect(result.unavailable).toEqual([{ startMs: 5000, endMs: 8000, faults: [0] }])
    expect(result.latency.max).toBe(3000)
    expect(result.verdict).toBe('acks=all: none (unavailable 5.0 s to 8.0 s)')
  })
})

/** The clean history as consume-transform-produce: each input record's output once, in the output topic. */
function withOutput(mode: 'at_least_once' | 'exactly_once'): History {
  const h = clean()
  const output: OutputRecord[] = h.log.map((r, i) => ({ partition: 0, offset: i, id: r.id, source: `${r.partition}:${r.offset}` }))
  return { ...h, variant: mode === 'exactly_once' ? 'exactly once' : 'at least once', commitMode: mode, output: { topic: 'out', committed: output, uncommitted: [...output] } }
}

const kill: FaultRecord = { id: 0, kind: 'kill-member', label: 'kill consumer member 1 (restarted after 1.5 s)', brokers: [], startMs: 3000, endMs: 4500, error: null }

describe('experiment checker: the output topic (consume-transform-produce)', () => {
  it('reports nothing when each input record the group committed past has one output', () => {
    for (const mode of ['at_least_once', 'exactly_once'] as const) {
      const result = check(withOutput(mode), { outputDuplicated: 0, outputMissing: 0 })
      expect(result.anomalies).toEqual([])
      expect(result.violations).toEqual([])
      expect(result.totals).toMatchObject({ output: 10, outputUncommitted: 10, outputAborted: 0, outputDuplicated: 0, outputDuplicatedUncommitted: 0, outputMissing: 0 })
    }
    expect(check(withOutput('exactly_once')).verdict).toBe('exactly once: none')
  })

  it('finds inputs written twice by at least once after a member was killed, output first in the verdict', () => {
    const h = withOutput('at_least_once')
    h.faults = [kill]
    // Offsets 3 and 4 were processed by member 1 (outputs written), then again by member 0 after the kill.
    h.processed.push({ member: 0, partition: 0, offset: 3, id: '0-3', at: 3200 }, { member: 0, partition: 0, offset: 4, id: '0-4', at: 3210 })
    const again: OutputRecord[] = [
      { partition: 0, offset: 10, id: '0-3', source: '0:3' },
      { partition: 0, offset: 11, id: '0-4', source: '0:4' },
    ]
    h.output!.committed.push(...again)
    h.output!.uncommitted.push(...again)
    const result = check(h, { outputDuplicated: 0 })
    expect(result.totals).toMatchObject({ outputDuplicated: 2, outputDuplicatedUncommitted: 2, outputAborted: 0, output: 12, processedTwice: 2 })
    expect(result.anomalies.find((a) => a.type === 'outputDuplicated')).toMatchObject({ partition: 0, count: 2, records: ['0-3@0:3 x2 (output 0:3, 0:10)', '0-4@0:4 x2 (output 0:4, 0:11)'], faults: [0], firstAt: 3200 })
    expect(result.violations).toEqual(['outputDuplicated: 2 > 0'])
    expect(result.verdict).toBe('at least once: 2 records written twice to the output when consumer member 1 was killed at 3.0 s; 2 records processed twice when consumer member 1 was killed at 3.0 s')
  })

  it('counts aborted outputs only for read_uncommitted: exactly once processed twice but written once is no anomaly', () => {
    const h = withOutput('exactly_once')
    h.faults = [kill]
    h.processed.push({ member: 0, partition: 0, offset: 3, id: '0-3', at: 3200 })
    // Member 1's first attempt at offset 3, aborted when its restart fenced it: read_uncommitted sees it, read_committed does not.
    h.output!.uncommitted = [...h.output!.committed, { partition: 0, offset: 10, id: '0-3', source: '0:3' }]
    const result = check(h, { outputDuplicated: 0 })
    expect(result.totals).toMatchObject({ output: 10, outputUncommitted: 11, outputAborted: 1, outputDuplicated: 0, outputDuplicatedUncommitted: 1, processedTwice: 1 })
    expect(result.anomalies).toEqual([])
    expect(result.violations).toEqual([])
    expect(result.verdict).toBe('exactly once: none (1 record processed twice; 1 output record of aborted transactions, seen only by read_uncommitted)')
  })

  it('finds inputs the group committed past without an output (at most once, killed after its commit)', () => {
    const h = withOutput('at_least_once')
    h.faults = [kill]
    h.commits = [{ member: 1, partition: 0, offset: 10, at: 2900, ok: true }]
    h.output!.committed = h.output!.committed.filter((r) => r.source !== '0:6' && r.source !== '0:7')
    h.output!.uncommitted = h.output!.committed
    const result = check(h, { outputMissing: 0 })
    expect(result.totals.outputMissing).toBe(2)
    expect(result.anomalies.find((a) => a.type === 'outputMissing')).toMatchObject({ count: 2, records: ['0-6@0:6', '0-7@0:7'], firstAt: 2900, faults: [0] })
    expect(result.violations).toEqual(['outputMissing: 2 > 0'])
  })

  it('does not count inputs beyond the committed offsets, nor a history without an output topic', () => {
    const h = withOutput('exactly_once')
    h.committedAtEnd = { '0': 8 }
    h.output!.committed = h.output!.committed.filter((r) => r.source !== '0:8' && r.source !== '0:9')
    expect(check(h).totals.outputMissing).toBe(0)
    expect(check(clean()).totals).toMatchObject({ output: 0, outputUncommitted: 0, outputMissing: 0, outputDuplicated: 0 })
  })

  it('tells an input the producer wrote twice (two sources) from an output written twice (one source)', () => {
    const h = withOutput('exactly_once')
    // The input 0-3 is in the log twice (a producer retry): two sources, each with one output.
    h.log.push({ partition: 0, offset: 10, id: '0-3' })
    h.committedAtEnd = { '0': 11 }
    h.processed.push({ member: 0, partition: 0, offset: 10, id: '0-3', at: 9500 })
    h.output!.committed.push({ partition: 0, offset: 10, id: '0-3', source: '0:10' })
    const result = check(h)
    expect(result.totals).toMatchObject({ duplicated: 1, outputDuplicated: 0, outputMissing: 0 })
  })
})
