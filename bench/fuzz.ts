// `npm run fuzz -- [--frames N] [--seed S] [--rounds R] [--concurrency C]`: mutated frames of
// every served API and version at broker 1 of a fresh one-broker cluster (tests/helpers/fuzz),
// with a produce and fetch round trip from kafkajs and kcat after every round. Reports frames
// sent, connections, the broker's memory before and after, and any death; exits 1 on a death
// or a failed round trip. Results are kept in docs/reliability.md.
import { parseArgs } from 'node:util'
import { Cluster } from '../main/cluster/cluster'
import { tempDir } from '../tests/helpers/batches'
import { fuzzSession, type BrokerMemory } from '../tests/helpers/fuzz/session'

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    rounds: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
  },
})
const frames = Number(values.frames)
const seed = Number(values.seed)
// A round trip every 50,000 frames by default, and at least one.
const rounds = Number(values.rounds ?? Math.max(1, Math.ceil(frames / 50_000)))
const concurrency = Number(values.concurrency)
for (const [name, n] of Object.entries({ frames, seed, rounds, concurrency })) {
  if (!Number.isInteger(n) || n < (name === 'seed' ? 0 : 1)) {
    console.error(`npm run fuzz: --${name} must be a whole number${name === 'seed' ? '' : ' above 0'}, not "${values[name as keyof typeof values]}"`)
    process.exit(2)
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const memory = (m: BrokerMemory) => `broker heap ${mib(m.heapUsedBytes)}, process RSS ${mib(m.rssBytes)}`

const tmp = tempDir('brokerlab-fuzz-')
const logged: string[] = []
const cluster = await Cluster.start({ dataDir: tmp.dir, brokers: 1, log: (line) => logged.push(line) })
let failed = false
try {
  await cluster.createTopic({ name: 'fuzzed', partitions: 1 })
  console.log(`fuzzing broker 1 at ${cluster.bootstrapServers}: ${frames} frames in ${rounds} round(s), seed ${seed}, ${concurrency} connections at once`)
  const report = await fuzzSession(cluster, {
    topic: 'fuzzed',
    frames,
    rounds,
    seed,
    concurrency,
    onRound: (r) =>
      console.log(`round ${r.round + 1}/${rounds}: ${r.stats.frames} frames, ${r.stats.connections} connections, ${r.stats.durationMs} ms; ${memory(r.memory)}; round trip ${r.roundTripMs} ms`),
  })
  console.log(`frames sent:   ${report.frames}`)
  console.log(`connections:   ${report.connections} (closed by the broker after a read: ${report.closedByBroker})`)
  const total = (pick: (r: (typeof report.rounds)[number]) => Record<string, number>) =>
    Object.entries(report.rounds.reduce<Record<string, number>>((sum, r) => {
      for (const [k, n] of Object.entries(pick(r))) sum[k] = (sum[k] ?? 0) + n
      return sum
    }, {})).map(([k, n]) => `${k} ${n}`).join(', ')
  console.log(`endings:       ${total((r) => r.stats.endings)}`)
  console.log(`mutations:     ${total((r) => r.stats.mutations)}`)
  console.log(`duration:      ${(report.durationMs / 1000).toFixed(1)} s`)
  console.log(`memory before: ${memory(report.before)}`)
  console.log(`memory after:  ${memory(report.after)}`)
  console.log(`deaths:        ${report.deaths.length}`)
} catch (err) {
  failed = true
  console.error(`npm run fuzz: ${(err as Error).message}`)
  for (const line of logged) console.error(line)
} finally {
  await cluster.stop()
  tmp.remove()
}
process.exit(failed ? 1 : 0)
