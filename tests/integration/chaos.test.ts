// `npm run chaos` in CI: 5 seeded random fault schedules (crash, stop, pause, link cut, slow
// link, controller isolation) against the strictest config; no acknowledged record may be
// lost, duplicated, reordered or read at another offset. The long run is in docs/experiments.md.
import { describe, expect, it } from 'vitest'
import { runChaos } from '../../main/experiments/chaos'

describe('chaos: the strictest config under random faults', () => {
  it('loses, duplicates and reorders no acknowledged record over 5 schedules', async () => {
    const lines: string[] = []
    const totals = await runChaos(5, { firstSeed: 1, duration: 4, onRun: (line) => (lines.push(line), console.log(line)) })
    const report = lines.join('\n')
    expect(totals.faults, report).toBeGreaterThan(5)
    expect(totals.acked, report).toBeGreaterThan(1000)
    expect({ lost: totals.lost, duplicated: totals.duplicated, reordered: totals.reordered, offsetMismatch: totals.offsetMismatch }, report).toEqual({ lost: 0, duplicated: 0, reordered: 0, offsetMismatch: 0 })
  }, 600_000)
})
