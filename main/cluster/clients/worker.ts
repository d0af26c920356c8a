// Entry of the demo clients' worker thread: consumer runs (one member thread each) with
// their processed / processed-twice / never-processed counters, and producer load
// generators, all over kafkajs against the cluster's Kafka listeners.
import { randomUUID } from 'node:crypto'
import { parentPort, type Worker } from 'node:worker_threads'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { ErrorCode, KafkaError, serializeError, type ErrorName } from '../errors'
import { Outbox, serveRpc, type Handlers, type Port } from '../rpc'
import { startWorker } from '../workers'
import type { ClientsApi, ConsumerRunOptions, MemberCommand, MemberEvent, MemberState, RunStats } from './api'
import { LoadProducer } from './loadProducer'

const port = parentPort as unknown as Port
const outbox = new Outbox(port)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A member leaving the group on stop gets this long before its thread is ended anyway. */
const LEAVE_GRACE_MS = 5000

interface Member {
  worker: Worker | null
  state: MemberState
  processed: number
  inBatch: boolean
  /** Records finished in the current batch since it started (or, transactional, since its last commit). */
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
  startedAt: number
}

const runs = new Map<string, Run>()

function kafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrap.split(','), logLevel: logLevel.NOTHING })
}

/**
 * kafkajs names a broker's error by Kafka's name (its `type`), also under the retrier's
 * "retries exceeded" (its `cause`): keep the name, so the console can show it.
 */
function asKafkaError(err: unknown): unknown {
  for (let e = err as { type?: unknown; cause?: unknown; message?: string } | null; e; e = e.cause as typeof e) {
    if (typeof e.type === 'string' && Object.hasOwn(ErrorCode, e.type)) return new KafkaError(e.type as ErrorName, e.message ?? String(e.type))
  }
  return err
}

const memberClientId = (groupId: string, index: number) => `demo-${groupId}-${index}`

async function committedOffsets(run: Run): Promise<Map<number, number>> {
  const [topic] = await run.admin.fetchOffsets({ groupId: run.options.groupId, topics: [run.options.topic] })
  return new Map(topic.partitions.map((p) => [p.partition, Number(p.offset)]))
}

function startMember(run: Run, index: number): Member {
  const member: Member = { worker: null, state: 'running', processed: 0, inBatch: false, processedInBatch: 0 }
  const worker = startWorker('clientMember', { ...run.options, clientId: memberClientId(run.options.groupId, index) }, `demo-member-${index}`)
  worker.on('message', (event: MemberEvent) => {
    if (event.type === 'batch-start') Object.assign(member, { inBatch: true, processedInBatch: 0 })
    else if (event.type === 'batch-end') member.inBatch = false
    else if (event.type === 'committed') member.processedInBatch = 0
    else {
      member.processed++
      member.processedInBatch++
      const key = `${event.partition}:${event.offset}`
      run.processed.set(key, (run.processed.get(key) ?? 0) + 1)
    }
  })
  // A member that fails (or is ended) is stopped, and may be restarted.
  worker.on('exit', () => {
    if (member.worker !== worker) return
    member.worker = null
    if (member.state === 'running') member.state = 'stopped'
  })
  member.worker = worker
  return member
}

/** consumer.close(): the member leaves the group (no session timeout to wait for), then its thread ends. */
async function stopMember(member: Member): Promise<void> {
  const worker = member.worker
  if (!worker) return
  const exited = new Promise((resolve) => worker.once('exit', resolve))
  worker.postMessage({ type: 'stop' } satisfies MemberCommand)
  await Promise.race([exited, sleep(LEAVE_GRACE_MS)])
  await worker.terminate()
}

async function stats(runId: string): Promise<RunStats> {
  const run = runs.get(runId)
  if (!run) throw new KafkaError('INVALID_REQUEST', `There is no demo run ${runId}`)
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
    processingDelayMs: run.options.processingDelayMs,
    startedAt: run.startedAt,
    members: run.members.map((m, index) => ({ index, clientId: memberClientId(run.options.groupId, index), state: m.state, processed: m.processed })),
    processed: run.processed.size,
    processedTwice: [...run.processed.values()].filter((n) => n > 1).length,
    neverProcessed,
    // Read back by the console (main/console/views/outputReadBack.ts), which reads read_committed as Kafka's consumer does.
    outputTopic: run.options.outputTopic ?? null,
    output: null,
  }
}

const producers = new Map<string, LoadProducer>()

function find<T>(map: Map<string, T>, id: string, what: string): T {
  const item = map.get(id)
  if (!item) throw new KafkaError('INVALID_REQUEST', `There is no ${what} ${id}`)
  return item
}

/** The handlers, each with kafkajs's broker errors turned into KafkaErrors named as Kafka names them. */
function withKafkaErrors<A extends Record<string, [unknown, unknown]>>(handlers: Handlers<A>): Handlers<A> {
  return Object.fromEntries(
    Object.entries(handlers).map(([api, handler]) => [
      api,
      async (body: unknown) => {
        try {
          return await (handler as (b: unknown) => unknown)(body)
        } catch (err) {
          throw asKafkaError(err)
        }
      },
    ]),
  ) as Handlers<A>
}

try {
  serveRpc<ClientsApi>(
    port,
    withKafkaErrors<ClientsApi>({
      startConsumers: async (options) => {
        const admin = kafka(options.bootstrap, 'demo-admin').admin()
        await admin.connect()
        const run: Run = { options, admin, members: [], processed: new Map(), startOffsets: new Map(), startedAt: Date.now() }
        try {
          // Up front: kafkajs would retry a missing topic for seconds before it says so.
          const topics = await admin.listTopics()
          for (const topic of [options.topic, options.outputTopic]) {
            if (topic !== undefined && !topics.includes(topic)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${topic}" does not exist`)
          }
          run.startOffsets = new Map((await admin.fetchTopicOffsets(options.topic)).map((p) => [p.partition, Number(p.low)]))
          for (const [p, offset] of await committedOffsets(run)) if (offset >= 0) run.startOffsets.set(p, offset)
        } catch (err) {
          await admin.disconnect().catch(() => undefined)
          throw err
        }
        for (let i = 0; i < options.members; i++) run.members.push(startMember(run, i))
        const runId = randomUUID()
        runs.set(runId, run)
        return { runId }
      },
      killMember: async ({ runId, member: index, midBatchWaitMs = 15_000 }) => {
        const member = find(runs, runId, 'demo run').members[index]
        if (!member?.worker) throw new KafkaError('INVALID_REQUEST', member ? `Member ${index} is ${member.state}` : `The run has no member ${index}`)
        // Mid-batch: once it has finished at least one record of a batch it has not finished, or not yet committed.
        const deadline = Date.now() + midBatchWaitMs
        while (!(member.inBatch && member.processedInBatch > 0) && Date.now() < deadline) await sleep(5)
        const worker = member.worker
        member.worker = null
        member.state = 'killed'
        await worker.terminate()
      },
      restartMember: ({ runId, member: index }) => {
        const run = find(runs, runId, 'demo run')
        if (!run.members[index]) throw new KafkaError('INVALID_REQUEST', `The run has no member ${index}`)
        if (run.members[index].worker) throw new KafkaError('INVALID_REQUEST', `Member ${index} is already running`)
        const processed = run.members[index].processed
        run.members[index] = startMember(run, index)
        run.members[index].processed = processed
      },
      runStats: ({ runId }) => stats(runId),
      stopRun: async ({ runId }) => {
        const run = find(runs, runId, 'demo run')
        await Promise.all(run.members.map(stopMember))
        const final = await stats(runId)
        await run.admin.disconnect()
        runs.delete(runId)
        return final
      },
      startProducer: async (options) => {
        const producerId = randomUUID()
        producers.set(producerId, await LoadProducer.start(kafka(options.bootstrap, 'demo-producer'), producerId, options))
        return { producerId }
      },
      producerStats: ({ producerId }) => find(producers, producerId, 'demo producer').snapshot(),
      stopProducer: async ({ producerId }) => {
        const load = find(producers, producerId, 'demo producer')
        producers.delete(producerId)
        return load.stop()
      },
      shutdown: async () => {
        for (const run of runs.values()) {
          for (const m of run.members) await m.worker?.terminate()
          await run.admin.disconnect().catch(() => undefined)
        }
        await Promise.race([Promise.all([...producers.values()].map((load) => load.stop().catch(() => undefined))), sleep(LEAVE_GRACE_MS)])
        setImmediate(() => setImmediate(() => process.exit(0)))
      },
    }),
    outbox,
  )
  outbox.send({ kind: 'ready', info: {} })
} catch (err) {
  outbox.send({ kind: 'init-failed', error: serializeError(err) })
}
