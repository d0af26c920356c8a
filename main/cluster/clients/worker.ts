// Entry of the demo clients' worker thread: consumer runs (one member thread each) with
// their processed / processed-twice / never-processed counters, and producer load
// generators, all over kafkajs against the cluster's Kafka listeners.
import { randomUUID } from 'node:crypto'
import { parentPort, type Worker } from 'node:worker_threads'
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import { serializeError } from '../errors'
import { Outbox, serveRpc, type Port } from '../rpc'
import { startWorker } from '../workers'
import type { ClientsApi, ConsumerRunOptions, MemberEvent, ProducerOptions, ProducerStats, RunStats } from './api'

const port = parentPort as unknown as Port
const outbox = new Outbox(port)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Member {
  worker: Worker | null
  state: 'running' | 'killed' | 'stopped'
  processed: number
  inBatch: boolean
  processedInBatch: number
}

interface Run {
  options: ConsumerRunOptions
  admin: Admin
  members: Member[]
  /** How many times each partition:offset was processed. */
  processed: Map<string, number>
  /** The group's committed offsets when the run began: "never processed" counts from there. */
  startOffsets: Map<number, number>
}

const runs = new Map<string, Run>()

function kafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrap.split(','), logLevel: logLevel.NOTHING })
}

async function committedOffsets(run: Run): Promise<Map<number, number>> {
  const [topic] = await run.admin.fetchOffsets({ groupId: run.options.groupId, topics: [run.options.topic] })
  return new Map(topic.partitions.map((p) => [p.partition, Number(p.offset)]))
}

function startMember(run: Run, index: number): Member {
  const member: Member = { worker: null, state: 'running', processed: 0, inBatch: false, processedInBatch: 0 }
  const worker = startWorker('clientMember', { ...run.options, memberIndex: index }, `demo-member-${index}`)
  worker.on('message', (event: MemberEvent) => {
    if (event.type === 'batch-start') Object.assign(member, { inBatch: true, processedInBatch: 0 })
    else if (event.type === 'batch-end') member.inBatch = false
    else {
      member.processed++
      member.processedInBatch++
      const key = `${event.partition}:${event.offset}`
      run.processed.set(key, (run.processed.get(key) ?? 0) + 1)
    }
  })
  worker.on('error', () => (member.state = 'stopped'))
  member.worker = worker
  return member
}

async function stats(runId: string): Promise<RunStats> {
  const run = runs.get(runId)
  if (!run) throw new Error(`There is no demo run ${runId}`)
  const committed = await committedOffsets(run)
  let neverProcessed = 0
  for (const [partition, end] of committed) {
    for (let offset = Math.max(run.startOffsets.get(partition) ?? 0, 0); offset < end; offset++) {
      if (!run.processed.has(`${partition}:${offset}`)) neverProcessed++
    }
  }
  return {
    runId,
    groupId: run.options.groupId,
    topic: run.options.topic,
    commitMode: run.options.commitMode,
    members: run.members.map((m, index) => ({ index, state: m.state, processed: m.processed })),
    processed: run.processed.size,
    processedTwice: [...run.processed.values()].filter((n) => n > 1).length,
    neverProcessed,
  }
}

interface LoadProducer {
  producer: Producer
  stats: ProducerStats
  latencies: number[]
  stopped: boolean
  done: Promise<void>
}

const producers = new Map<string, LoadProducer>()

async function produceLoad(load: LoadProducer, options: ProducerOptions): Promise<void> {
  const value = Buffer.alloc(options.messageBytes, 'x')
  const perTick = Math.max(1, Math.round(options.ratePerSec / 10))
  let secondStart = Date.now()
  let ackedThisSecond = 0
  while (!load.stopped) {
    const tickStart = Date.now()
    const messages = Array.from({ length: perTick }, () => ({
      key: options.keyCardinality ? `key-${Math.floor(Math.random() * options.keyCardinality)}` : null,
      value,
    }))
    load.stats.sent += messages.length
    try {
      await load.producer.send({ topic: options.topic, acks: options.acks, messages })
      load.stats.acked += messages.length
      ackedThisSecond += messages.length
      load.latencies.push(Date.now() - tickStart)
      if (load.latencies.length > 1000) load.latencies.shift()
    } catch {
      load.stats.failed += messages.length
    }
    if (Date.now() - secondStart >= 1000) {
      load.stats.throughput.push({ timestamp: Date.now(), perSec: ackedThisSecond })
      if (load.stats.throughput.length > 600) load.stats.throughput.shift()
      secondStart = Date.now()
      ackedThisSecond = 0
    }
    await sleep(Math.max(0, 100 - (Date.now() - tickStart)))
  }
}

function producerStats(load: LoadProducer): ProducerStats {
  const sorted = [...load.latencies].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return { ...load.stats, throughput: [...load.stats.throughput], latencyMs: { p50: at(0.5), p99: at(0.99) } }
}

function find<T>(map: Map<string, T>, id: string, what: string): T {
  const item = map.get(id)
  if (!item) throw new Error(`There is no ${what} ${id}`)
  return item
}

try {
  serveRpc<ClientsApi>(
    port,
    {
      startConsumers: async (options) => {
        const admin = kafka(options.bootstrap, 'demo-admin').admin()
        await admin.connect()
        const run: Run = { options, admin, members: [], processed: new Map(), startOffsets: new Map() }
        const low = new Map((await admin.fetchTopicOffsets(options.topic)).map((p) => [p.partition, Number(p.low)]))
        run.startOffsets = new Map([...low].map(([p, lowOffset]) => [p, lowOffset]))
        for (const [p, offset] of await committedOffsets(run)) if (offset >= 0) run.startOffsets.set(p, offset)
        for (let i = 0; i < options.members; i++) run.members.push(startMember(run, i))
        const runId = randomUUID()
        runs.set(runId, run)
        return { runId }
      },
      killMember: async ({ runId, member: index }) => {
        const member = find(runs, runId, 'demo run').members[index]
        if (!member?.worker) throw new Error(`Member ${index} of run ${runId} is not running`)
        // Mid-batch: once it has finished at least one record of a batch it has not finished.
        const deadline = Date.now() + 15_000
        while (!(member.inBatch && member.processedInBatch > 0) && Date.now() < deadline) await sleep(5)
        await member.worker.terminate()
        Object.assign(member, { worker: null, state: 'killed' })
      },
      restartMember: ({ runId, member: index }) => {
        const run = find(runs, runId, 'demo run')
        if (run.members[index]?.worker) throw new Error(`Member ${index} of run ${runId} is already running`)
        const processed = run.members[index]?.processed ?? 0
        run.members[index] = startMember(run, index)
        run.members[index].processed = processed
      },
      runStats: ({ runId }) => stats(runId),
      stopRun: async ({ runId }) => {
        const run = find(runs, runId, 'demo run')
        for (const m of run.members) {
          await m.worker?.terminate()
          if (m.state === 'running') m.state = 'stopped'
          m.worker = null
        }
        const final = await stats(runId)
        await run.admin.disconnect()
        runs.delete(runId)
        return final
      },
      startProducer: async (options) => {
        const producer = kafka(options.bootstrap, 'demo-producer').producer({ idempotent: options.idempotent, maxInFlightRequests: options.idempotent ? 1 : undefined })
        await producer.connect()
        const producerId = randomUUID()
        const load: LoadProducer = {
          producer,
          latencies: [],
          stopped: false,
          stats: { producerId, sent: 0, acked: 0, failed: 0, throughput: [], latencyMs: { p50: 0, p99: 0 } },
          done: Promise.resolve(),
        }
        load.done = produceLoad(load, options)
        producers.set(producerId, load)
        return { producerId }
      },
      producerStats: ({ producerId }) => producerStats(find(producers, producerId, 'demo producer')),
      stopProducer: async ({ producerId }) => {
        const load = find(producers, producerId, 'demo producer')
        load.stopped = true
        await load.done
        await load.producer.disconnect()
        producers.delete(producerId)
        return producerStats(load)
      },
      shutdown: async () => {
        for (const runId of [...runs.keys()]) await (async () => {
          const run = runs.get(runId)!
          for (const m of run.members) await m.worker?.terminate()
          await run.admin.disconnect().catch(() => undefined)
        })()
        for (const load of producers.values()) load.stopped = true
        setImmediate(() => setImmediate(() => process.exit(0)))
      },
    },
    outbox,
  )
  outbox.send({ kind: 'ready', info: {} })
} catch (err) {
  outbox.send({ kind: 'init-failed', error: serializeError(err) })
}
