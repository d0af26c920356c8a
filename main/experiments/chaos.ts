// The chaos run (`npm run chaos -- --schedules N`): N seeded random fault schedules against
// the strictest configuration (acks=all, idempotent, RF 3, min.insync.replicas 2, clean
// elections only), with totals: records acknowledged, lost, duplicated, reordered, faults.
import { parseSpec, type ExperimentSpec } from './spec'
import { runExperiment } from './runner'

export interface ChaosTotals {
  schedules: number
  sent: number
  acked: number
  lost: number
  duplicated: number
  reordered: number
  offsetMismatch: number
  faults: number
  /** Per schedule: seed, acked, anomalies in words. */
  runs: Array<{ seed: number; acked: number; faults: number; verdict: string }>
}

export function chaosSpec(seed: number, duration: number): ExperimentSpec {
  return parseSpec({
    name: `chaos seed ${seed}`,
    brokers: 3,
    duration,
    brokerConfigs: { 'unclean.leader.election.enable': 'false' },
    topic: { partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' } },
    workload: { producers: 2, rate: 100, acks: 'all', idempotent: true, retries: 1000, maxInFlight: 1, requestTimeoutMs: 5000 },
    faults: { type: 'random', nemesis: { seed, maxOverlap: 1, interval: [0.5, 1.5], faultDuration: [0.5, 2] } },
    expect: { lost: 0, duplicated: 0, reordered: 0, offsetMismatch: 0 },
  })
}

export async function runChaos(schedules: number, options: { firstSeed?: number; duration?: number; onRun?: (line: string) => void } = {}): Promise<ChaosTotals> {
  const totals: ChaosTotals = { schedules, sent: 0, acked: 0, lost: 0, duplicated: 0, reordered: 0, offsetMismatch: 0, faults: 0, runs: [] }
  for (let i = 0; i < schedules; i++) {
    const seed = (options.firstSeed ?? 1) + i
    const outcome = await runExperiment(chaosSpec(seed, options.duration ?? 6))
    const c = outcome.variants[0].check
    totals.sent += c.totals.sent
    totals.acked += c.totals.acked
    totals.lost += c.totals.lost
    totals.duplicated += c.totals.duplicated
    totals.reordered += c.totals.reordered
    totals.offsetMismatch += c.totals.offsetMismatch
    totals.faults += c.totals.faults
    totals.runs.push({ seed, acked: c.totals.acked, faults: c.totals.faults, verdict: c.verdict })
    options.onRun?.(`schedule ${i + 1}/${schedules} (seed ${seed}): ${c.totals.acked} acked, ${c.totals.faults} faults (${outcome.variants[0].faults.map((f) => f.label).join('; ') || 'none'}): ${c.verdict}`)
  }
  return totals
}
