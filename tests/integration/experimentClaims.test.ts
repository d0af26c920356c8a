// Issue 19's acceptance: each ready-made experiment shows its claim, over the checker's
// result of a real run on fresh embedded clusters (a few seconds of workload per variant).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runExperiment } from '../../main/experiments/runner'
import { parseSpec, type ExperimentSpec } from '../../main/experiments/spec'

const readyMade = (file: string): ExperimentSpec => parseSpec(JSON.parse(readFileSync(new URL(`../../resources/experiments/${file}`, import.meta.url), 'utf8')))
const byName = (outcome: Awaited<ReturnType<typeof runExperiment>>, name: string) => outcome.variants.find((v) => v.check.variant === name)!.check

describe('ready-made experiments show their claims', () => {
  it('acks=1 with a leader crash loses acknowledged records on at least one of 5 runs; acks=all loses none on any', async () => {
    const spec = readyMade('acks-1-vs-all.json')
    const lost: number[] = []
    for (let run = 0; run < 5; run++) {
      const outcome = await runExperiment(spec)
      expect(byName(outcome, 'acks=all').totals.lost, outcome.verdict).toBe(0)
      expect(byName(outcome, 'acks=all').totals.acked).toBeGreaterThan(500)
      lost.push(byName(outcome, 'acks=1').totals.lost)
      if (lost.at(-1)! > 0) break
    }
    expect(Math.max(...lost)).toBeGreaterThan(0)
  }, 600_000)

  it('at most once never processes some records after a member is killed; at least once processes some twice', async () => {
    const outcome = await runExperiment(readyMade('commit-modes.json'))
    const atMost = byName(outcome, 'at most once')
    const atLeast = byName(outcome, 'at least once')
    expect(atMost.totals.neverProcessed, outcome.verdict).toBeGreaterThan(0)
    expect(atMost.totals.processedTwice).toBe(0)
    expect(atLeast.totals.processedTwice, outcome.verdict).toBeGreaterThan(0)
    expect(atLeast.totals.neverProcessed).toBe(0)
    // Their outputs (a plain producer): at most once leaves some out, at least once writes some twice.
    expect(atMost.totals.outputMissing, outcome.verdict).toBeGreaterThan(0)
    expect(atLeast.totals.outputDuplicated, outcome.verdict).toBeGreaterThan(0)
    expect(atLeast.totals.outputMissing, outcome.verdict).toBe(0)
  }, 300_000)

  it('consume-transform-produce: at least once writes some outputs twice when a member is killed mid-batch; exactly once writes each exactly once', async () => {
    // The kill waits for a batch under way with an output acknowledged and not yet committed (at least
    // once) or in the open transaction (exactly once), so both counts are deterministic in sign.
    const outcome = await runExperiment(readyMade('exactly-once.json'))
    const atLeast = byName(outcome, 'at least once')
    const exactly = byName(outcome, 'exactly once')
    expect(atLeast.totals.outputDuplicated, outcome.verdict).toBeGreaterThan(0)
    expect(atLeast.totals.outputMissing, outcome.verdict).toBe(0)
    expect(exactly.totals.outputDuplicated, outcome.verdict).toBe(0)
    expect(exactly.totals.outputMissing, outcome.verdict).toBe(0)
    expect(exactly.anomalies, outcome.verdict).toEqual([])
    // The killed member's open transaction was aborted (its restart fenced the zombie): read_uncommitted shows those outputs.
    expect(exactly.totals.outputAborted, outcome.verdict).toBeGreaterThan(0)
    expect(exactly.totals.output, outcome.verdict).toBeGreaterThan(300)
    expect(outcome.violations).toEqual([])
    expect(outcome.verdict).toMatch(/^at least once: \d+ records written twice to the output when consumer member 1 was killed at 3\.\d s; .*exactly once: none/)
  }, 300_000)

  it('exactly once with a killed member that never comes back: the coordinator aborts its transaction at its timeout', async () => {
    const base = readyMade('exactly-once.json')
    const kill = base.faults.type === 'scripted' ? base.faults.faults[0] : undefined
    const spec = parseSpec({ ...base, duration: 5, faults: { type: 'scripted', faults: [{ at: kill!.at, kind: 'kill-member', count: kill!.count }] }, variants: base.variants!.filter((v) => v.name === 'exactly once') })
    const outcome = await runExperiment(spec)
    const exactly = byName(outcome, 'exactly once')
    expect(exactly.totals.outputDuplicated, outcome.verdict).toBe(0)
    expect(exactly.totals.outputMissing, outcome.verdict).toBe(0)
    expect(exactly.totals.outputAborted, outcome.verdict).toBeGreaterThan(0)
    expect(outcome.variants[0].notes).toEqual([])
  }, 300_000)

  it('a key keeps its partition through a broker crash, and moves when partitions are added', async () => {
    const outcome = await runExperiment(readyMade('key-partition.json'))
    const result = outcome.variants[0]
    const added = result.faults.find((f) => f.kind === 'add-partitions')!
    const moved = result.check.anomalies.filter((a) => a.type === 'keyMoved')
    expect(moved.length, outcome.verdict).toBeGreaterThan(0)
    for (const a of moved) expect(a.firstAt).toBeGreaterThanOrEqual(added.startMs)
    expect(result.check.totals.lost).toBe(0)
  }, 300_000)
})

describe('ready-made experiments show their claims (faults between brokers)', () => {
  it('an unclean election with min.insync.replicas 1 loses acknowledged records; clean elections lose none', async () => {
    const outcome = await runExperiment(readyMade('unclean-election.json'))
    expect(byName(outcome, 'unclean elections').totals.lost, outcome.verdict).toBeGreaterThan(0)
    expect(byName(outcome, 'clean elections only').totals.lost, outcome.verdict).toBe(0)
  }, 300_000)

  it('retries with 5 requests in flight reorder a partition; the idempotent producer does not', async () => {
    const outcome = await runExperiment(readyMade('retries-reorder.json'))
    expect(byName(outcome, 'not idempotent').totals.reordered, outcome.verdict).toBeGreaterThan(0)
    expect(byName(outcome, 'idempotent').totals.reordered, outcome.verdict).toBe(0)
    expect(byName(outcome, 'idempotent').totals.duplicated, outcome.verdict).toBe(0)
  }, 300_000)

  it('RF 3 keeps every acknowledged record and stays available with 2 of 3 brokers crashed; RF 1 becomes unavailable', async () => {
    const outcome = await runExperiment(readyMade('replication-factor.json'))
    const rf3 = byName(outcome, 'RF 3')
    const rf1 = byName(outcome, 'RF 1')
    expect(rf3.totals.lost, outcome.verdict).toBe(0)
    expect(rf3.totals.acked).toBeGreaterThan(1000)
    const longest = (windows: typeof rf1.unavailable) => Math.max(0, ...windows.map((w) => w.endMs - w.startMs))
    expect(longest(rf1.unavailable), outcome.verdict).toBeGreaterThan(longest(rf3.unavailable))
  }, 300_000)
})
