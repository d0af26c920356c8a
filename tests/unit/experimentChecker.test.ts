// The experiments' checker on synthetic histories: each anomaly is found, with its records
// and the faults around it, and a clean history reports none.
import { describe, expect, it } from 'vitest'
import { check } from '../../main/experiments/checker'
import type { FaultRecord, History, SentRecord } from '../../preload/schemas/experiments'

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
    expect(check(h).verdict).toBe('acks=all: 1 records never processed when a consumer was killed at 9.0 s')
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
