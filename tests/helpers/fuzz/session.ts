// A fuzz session against one broker of a running cluster, in rounds: after every round the
// broker must still be running (no unasked death) and serve a produce and fetch round trip
// from real clients; its memory is read before and after. Shared by tests/interop/fuzz.test.ts
// (in CI, with a seed) and `npm run fuzz` (bench/fuzz.ts).
import type { Cluster, ClusterEvent } from '../../../main/cluster/cluster'
import { produceAndFetch } from '../roundTrip'
import { fuzzListener, type FuzzStats } from './fuzzer'
import { seedRequests } from './requests'

export interface BrokerMemory {
  /** The broker thread's V8 heap in use. */
  heapUsedBytes: number
  /** The whole process (host and every worker thread). */
  rssBytes: number
}

export interface RoundReport {
  round: number
  stats: FuzzStats
  memory: BrokerMemory
  roundTripMs: number
}

export interface SessionReport {
  frames: number
  connections: number
  closedByBroker: number
  durationMs: number
  before: BrokerMemory
  after: BrokerMemory
  rounds: RoundReport[]
  /** broker-died events (any broker) seen during the session. */
  deaths: Array<Extract<ClusterEvent, { type: 'broker-died' }>>
}

export interface SessionOptions {
  brokerId?: number
  topic: string
  frames: number
  rounds: number
  seed: number
  concurrency?: number
  onRound?(report: RoundReport): void
}

export async function brokerMemory(cluster: Cluster, brokerId: number): Promise<BrokerMemory> {
  const heap = await cluster.broker(brokerId).client.call('heapStatistics', {})
  return { heapUsedBytes: heap.usedHeapBytes, rssBytes: process.memoryUsage().rss }
}

/** Fuzzes broker `brokerId`'s listener; throws as soon as a round leaves it dead or unable to serve. */
export async function fuzzSession(cluster: Cluster, options: SessionOptions): Promise<SessionReport> {
  const brokerId = options.brokerId ?? cluster.brokerIds[0]
  const deaths: SessionReport['deaths'] = []
  const unsubscribe = cluster.onEvent((e) => {
    if (e.type === 'broker-died') deaths.push(e)
  })
  try {
    const seeds = seedRequests(options.topic)
    const address = cluster.broker(brokerId).ready.listener
    const before = await brokerMemory(cluster, brokerId)
    const rounds: RoundReport[] = []
    const started = Date.now()
    for (let round = 0; round < options.rounds; round++) {
      const frames = Math.ceil(options.frames / options.rounds)
      const dead = () => new Error(`broker ${brokerId} is ${cluster.brokerStatus(brokerId)} in fuzz round ${round} (seed ${options.seed + round}): ${deaths.map((d) => d.message).join('; ')}`)
      // A broker that dies refuses the next connections: say that, not the refusal.
      const stats = await fuzzListener({ address: `${address.host}:${address.port}`, seeds, frames, seed: options.seed + round, concurrency: options.concurrency }).catch(async (err) => {
        await new Promise((resolve) => setTimeout(resolve, 200))
        throw deaths.length ? dead() : err
      })
      if (deaths.length || cluster.brokerStatus(brokerId) !== 'running') throw dead()
      const tripStarted = Date.now()
      const value = `after round ${round} of seed ${options.seed}`
      const { fetched } = await produceAndFetch(cluster.bootstrapServers, options.topic, value)
      if (fetched !== value) throw new Error(`round trip after fuzz round ${round}: fetched "${fetched}", produced "${value}"`)
      const report = { round, stats, memory: await brokerMemory(cluster, brokerId), roundTripMs: Date.now() - tripStarted }
      rounds.push(report)
      options.onRound?.(report)
    }
    const sum = (f: (s: FuzzStats) => number) => rounds.reduce((total, r) => total + f(r.stats), 0)
    return {
      frames: sum((s) => s.frames),
      connections: sum((s) => s.connections),
      closedByBroker: sum((s) => s.closedByBroker),
      durationMs: Date.now() - started,
      before,
      after: rounds.at(-1)?.memory ?? before,
      rounds,
      deaths,
    }
  } finally {
    unsubscribe()
  }
}
