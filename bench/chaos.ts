// npm run chaos -- --schedules N [--seed S] [--duration SECONDS]
// N seeded random fault schedules against the strictest config; exits 1 if any acknowledged
// record was lost, duplicated or reordered. See docs/experiments.md.
import { parseArgs } from 'node:util'
import { runChaos } from '../main/experiments/chaos'

const { values } = parseArgs({ options: { schedules: { type: 'string', default: '5' }, seed: { type: 'string', default: '1' }, duration: { type: 'string', default: '6' } } })
const started = Date.now()
const totals = await runChaos(Number(values.schedules), { firstSeed: Number(values.seed), duration: Number(values.duration), onRun: (line) => console.log(line) })
console.log(`\n${totals.schedules} schedules in ${((Date.now() - started) / 1000).toFixed(0)} s: ${totals.sent} records sent, ${totals.acked} acknowledged, ${totals.lost} lost, ${totals.duplicated} duplicated, ${totals.reordered} reordered, ${totals.offsetMismatch} at another offset; ${totals.faults} faults injected`)
process.exit(totals.lost + totals.duplicated + totals.reordered + totals.offsetMismatch > 0 ? 1 : 0)
