// Runs an experiment: each variant on a fresh embedded cluster (its own temporary directory,
// any free ports, fast failure detection) and a fresh topic, the workload in a worker, the
// faults from the one planned schedule at the same times for every variant; then heals
// everything, lets the producers and the group settle, reads the topic back from every
// partition's leader (read_uncommitted: everything below the high watermark) and the consumer
// group's output topic both ways (read_committed and read_uncommitted), and checks.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { Cluster } from '../cluster/cluster'
import { startWorker } from '../cluster/workers'
import type { CheckResult, FaultRecord, History, LogRecord, OutputLog, OutputRecord, VariantRun } from '../../preload/schemas/experiments'
import { check } from './checker'
import { readTopic } from './readBack'
import { planFaults, resolveVariants, type BrokerRef, type ExperimentSpec, type PlannedFault, type ResolvedVariant } from './spec'
import type { WorkloadCommand, WorkloadEvent, WorkloadStart } from './workloadApi'

/** Failure detection in about a second, as the integration tests run clusters; a spec may override any. */
export const EXPERIMENT_CLOCKS: Record<string, string> = {
  'broker.heartbeat.interval.ms': '100',
  'broker.session.timeout.ms': '1000',
  'replica.lag.time.max.ms': '1000',
  'replica.fetch.wait.max.ms': '100',
  'group.initial.rebalance.delay.ms': '0',
  // Exactly once: a killed member's open transaction is aborted soon after its timeout (the workload's is 10 s).
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000',
  'transaction.state.log.num.partitions': '5',
}

export const EXPERIMENT_TOPIC = 'experiment'
/** Where the consumer group writes each processed record's output. */
export const OUTPUT_TOPIC = 'experiment-output'

export interface RunOptions {
  /** Progress in words, for the console and the CLI. */
  onProgress?: (text: string) => void
  /** How long outstanding sends and the consumer group get after the run (ms). */
  settleMs?: number
  drainMs?: number
  log?: (line: string) => void
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface ExperimentOutcome {
  variants: Array<VariantRun & { history: History }>
  verdict: string
  violations: string[]
}

/** Runs every variant of the spec one after the other, under the same fault schedule. */
export async function runExperiment(spec: ExperimentSpec, options: RunOptions = {}): Promise<ExperimentOutcome> {
  const plan = planFaults(spec)
  const variants = resolveVariants(spec)
  const out: ExperimentOutcome['variants'] = []
  for (const [i, variant] of variants.entries()) {
    const prefix = variants.length > 1 ? `${variant.name} (${i + 1} of ${variants.length})` : variant.name
    const history = await runVariant(variant, plan, spec.duration * 1000, { ...options, onProgress: (text) => options.onProgress?.(`${prefix}: ${text}`) })
    const result = check(history, variant.expect)
    out.push({ check: result, faults: history.faults, notes: history.notes, history })
  }
  return { variants: out, verdict: out.map((v) => v.check.verdict).join('; '), violations: out.flatMap((v) => v.check.violations.map((x) => `${v.check.variant}: ${x}`)) }
}

function describeRef(ref: BrokerRef | undefined): string {
  if (ref === undefined || typeof ref === 'number') return ''
  const [role, p] = ref.split(':')
  return ` (${role} of partition ${p})`
}

/** One variant, start to end: the history of what happened. */
export async function runVariant(variant: ResolvedVariant, plan: PlannedFault[], durationMs: number, options: RunOptions = {}): Promise<History> {
  const progress = options.onProgress ?? (() => undefined)
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-experiment-'))
  let cluster: Cluster | undefined
  let worker: Worker | undefined
  const notes: string[] = []
  try {
    progress('starting a fresh cluster')
    cluster = await Cluster.start({ dataDir: dir, brokers: variant.brokers, brokerConfigs: { ...EXPERIMENT_CLOCKS, ...variant.brokerConfigs }, listeners: { basePort: 0 }, log: options.log ?? (() => undefined) })
    const c = cluster
    progress('creating the topic')
    await c.createTopic({ name: EXPERIMENT_TOPIC, partitions: variant.topic.partitions, replicationFactor: variant.topic.replicationFactor, configs: variant.topic.configs })
    // The group's output topic: as many partitions, replicated as the input, acks=all writes kept (min.insync.replicas as the input's).
    const consumer = variant.workload.consumer
    if (consumer) {
      const minIsr = variant.topic.configs['min.insync.replicas']
      await c.createTopic({ name: OUTPUT_TOPIC, partitions: variant.topic.partitions, replicationFactor: variant.topic.replicationFactor, configs: minIsr ? { 'min.insync.replicas': minIsr } : {} })
    }
    const start: WorkloadStart = { bootstrap: c.bootstrapServers, topic: EXPERIMENT_TOPIC, outputTopic: OUTPUT_TOPIC, outputPartitions: variant.topic.partitions, groupId: 'experiment-group', workload: variant.workload, partitions: variant.topic.partitions, durationMs }
    progress('starting the workload')
    const w = (worker = startWorker('experimentWorkload', start, 'experiment-workload'))
    const events: WorkloadEvent[] = []
    const waiters: Array<() => void> = []
    w.on('message', (event: WorkloadEvent) => {
      events.push(event)
      if (event.type === 'progress') progress(`${event.acked} acknowledged, ${event.failed} failed, ${event.processed} processed`)
      for (const wake of waiters.splice(0)) wake()
    })
    w.on('error', (err) => {
      events.push({ type: 'error', message: err.stack ?? String(err) })
      for (const wake of waiters.splice(0)) wake()
    })
    const next = async <T extends WorkloadEvent['type']>(type: T, timeoutMs: number): Promise<Extract<WorkloadEvent, { type: T }>> => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = events.find((e) => e.type === type || e.type === 'error')
        if (found?.type === 'error') throw new Error(`the workload failed: ${found.message}`)
        if (found) return found as Extract<WorkloadEvent, { type: T }>
        if (Date.now() > deadline) throw new Error(`the workload did not report ${type} within ${timeoutMs} ms`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 200)
        })
      }
    }
    const tell = (command: WorkloadCommand) => w.postMessage(command)
    const { t0 } = await next('ready', 30_000)
    progress('running')

    // ---- the fault schedule ----
    const faults: FaultRecord[] = []
    const resolve = (ref: BrokerRef | undefined): number | null => {
      if (ref === undefined) return null
      if (typeof ref === 'number') return ref
      const [role, p] = ref.split(':')
      const registration = c.image.topicsByName.get(EXPERIMENT_TOPIC)?.partitions[Number(p)]
      if (!registration) return null
      if (role === 'leader') return registration.leader >= 0 ? registration.leader : null
      return registration.replicas.find((r) => r !== registration.leader && registration.isr.includes(r)) ?? registration.replicas.find((r) => r !== registration.leader) ?? null
    }
    const inject = async (f: PlannedFault): Promise<() => Promise<void>> => {
      const record: FaultRecord = { id: f.id, kind: f.kind, label: f.kind, brokers: [], startMs: Date.now() - t0, endMs: f.untilMs, error: null }
      faults.push(record)
      const broker = resolve(f.broker)
      const peer = resolve(f.peer)
      const none = async () => undefined
      const fail = (message: string) => {
        record.error = message
        record.endMs = record.startMs
        return none
      }
      switch (f.kind) {
        case 'add-partitions':
          record.label = `add partitions: ${variant.topic.partitions} -> ${f.count}`
          await c.createPartitions(EXPERIMENT_TOPIC, f.count!)
          tell({ type: 'partitions', count: f.count! })
          record.endMs = record.startMs
          return none
        case 'kill-member': {
          const member = f.count ?? 0
          record.label = `kill consumer member ${member}`
          tell({ type: 'kill-member', member })
          if (!f.restart) {
            record.endMs = record.startMs
            return none
          }
          // Restarted when the fault heals, with the same transactional id (exactly once): its zombie is fenced.
          record.label = `kill consumer member ${member} (restarted after ${((f.untilMs - f.atMs) / 1000).toFixed(1)} s)`
          return async () => tell({ type: 'restart-member', member })
        }
      }
      if (broker === null) return fail(`no broker for ${String(f.broker)} (no leader?)`)
      record.brokers = peer === null ? [broker] : [broker, peer]
      const who = `broker ${broker}${describeRef(f.broker)}`
      switch (f.kind) {
        case 'crash':
          record.label = `crash ${who}`
          await c.crashBroker(broker)
          return () => c.restartBroker(broker)
        case 'stop':
          record.label = `stop ${who}`
          await c.stopBroker(broker)
          return () => c.restartBroker(broker)
        case 'pause':
          record.label = `pause ${who}`
          await c.pauseBroker(broker)
          return async () => c.resumeBroker(broker)
        case 'isolate-controller':
          record.label = `cut ${who} off from the controller`
          await c.setLinkFault(broker, 'controller', { mode: 'cut' })
          return () => c.setLinkFault(broker, 'controller', { mode: 'ok' })
        case 'isolate':
          record.label = f.delayMs ? `slow every link of ${who} by ${f.delayMs} ms` : `isolate ${who} from the controller and every broker`
          await c.isolateBroker(broker, f.delayMs ? { mode: 'slow', delayMs: f.delayMs } : { mode: 'cut' })
          // Healing the links of a broker that is down (crashed meanwhile) only forgets the fault.
          return async () => {
            await c.setLinkFault(broker, 'controller', { mode: 'ok' }).catch(() => undefined)
            for (const other of c.brokerIds) if (other !== broker) await c.setLinkFault(broker, other, { mode: 'ok' }).catch(() => undefined)
          }
        case 'link-cut':
        case 'link-slow': {
          if (peer === null || peer === broker) return fail(`no peer broker for ${String(f.peer)}`)
          const slow = f.kind === 'link-slow'
          record.label = `${slow ? `slow (${f.delayMs} ms)` : 'cut'} the link between ${who} and broker ${peer}${describeRef(f.peer)}`
          await c.setLinkFault(broker, peer, slow ? { mode: 'slow', delayMs: f.delayMs ?? 200 } : { mode: 'cut' })
          return () => c.setLinkFault(broker, peer, { mode: 'ok' })
        }
      }
      return none
    }
    const timers: NodeJS.Timeout[] = []
    const running: Array<Promise<unknown>> = []
    for (const f of plan) {
      timers.push(
        setTimeout(() => {
          const done = inject(f)
            .catch((err) => {
              const record = faults.find((r) => r.id === f.id)
              if (record) record.error = String((err as Error).message ?? err)
              return async () => undefined
            })
            .then(async (heal) => {
              const wait = t0 + Math.min(f.untilMs, durationMs) - Date.now()
              if (wait > 0) await sleep(wait)
              const record = faults.find((r) => r.id === f.id)
              if (record && record.endMs !== record.startMs) record.endMs = Date.now() - t0
              await heal().catch((err) => record && (record.error = `healing: ${String((err as Error).message ?? err)}`))
            })
          running.push(done)
        }, Math.max(0, t0 + f.atMs - Date.now())),
      )
    }
    await sleep(Math.max(0, t0 + durationMs - Date.now()))
    for (const t of timers) clearTimeout(t)
    progress('healing and settling')
    await Promise.all(running)
    // Anything left down comes back: every broker running, every link healed.
    for (const id of c.brokerIds) {
      const status = c.brokerStatus(id)
      if (status === 'paused') c.resumeBroker(id)
      else if (status !== 'running') await c.restartBroker(id).catch(() => undefined)
    }
    await c.healAllLinks()
    await c
      .waitFor(() => (c.image.topicsByName.get(EXPERIMENT_TOPIC)?.partitions ?? []).every((p) => p.leader >= 0), 15_000, 'every partition has a leader')
      .catch(() => notes.push('some partition had no leader 15 s after the faults healed'))
    tell({ type: 'finish', settleMs: options.settleMs ?? 10_000, drainMs: options.drainMs ?? 10_000 })
    const finished = await next('finished', 60_000)
    progress('reading the topic back')
    const log = await readBack(c)
    let output: OutputLog | null = null
    if (consumer) {
      progress('reading the output topic back (read_committed and read_uncommitted)')
      output = await readOutput(c, notes)
    }
    const history: History = {
      variant: variant.name,
      startedAt: t0,
      durationMs,
      partitions: c.image.topicsByName.get(EXPERIMENT_TOPIC)?.partitions.length ?? variant.topic.partitions,
      sends: finished.sends,
      processed: finished.processed,
      commits: finished.commits,
      faults: faults.sort((a, b) => a.startMs - b.startMs),
      log,
      committedAtEnd: finished.committedAtEnd,
      notes,
      commitMode: consumer?.commitMode ?? null,
      output,
    }
    return history
  } finally {
    await worker?.terminate()
    await cluster?.stop().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Every record readable in the topic (below each partition's high watermark), from its leader. */
async function readBack(cluster: Cluster): Promise<LogRecord[]> {
  return (await readTopic(cluster, EXPERIMENT_TOPIC)).map((r) => ({ partition: r.partition, offset: r.offset, id: r.value.split('|')[0] }))
}

/**
 * The output topic as read_committed and read_uncommitted readers see it. A transaction still
 * open (a killed member's, not yet timed out) holds the last stable offset back: wait for it
 * to end (up to the transaction timeout and a little), else note it.
 */
async function readOutput(cluster: Cluster, notes: string[]): Promise<OutputLog> {
  const toOutput = (r: { partition: number; offset: number; value: string }): OutputRecord => {
    const [id, source = ''] = r.value.split('|')
    return { partition: r.partition, offset: r.offset, id, source }
  }
  const partitions = cluster.image.topicsByName.get(OUTPUT_TOPIC)?.partitions.length ?? 0
  const stable = async () => {
    for (let p = 0; p < partitions; p++) {
      const r = await cluster.fetch(OUTPUT_TOPIC, p, 0, 1, 0, 1)
      if (r.errorCode !== 0 || r.lastStableOffset < r.highWatermark) return false
    }
    return true
  }
  const deadline = Date.now() + 15_000
  while (!(await stable().catch(() => false))) {
    if (Date.now() > deadline) {
      notes.push('the output topic still had an open transaction 15 s after the run: read_committed reads stop at its last stable offset')
      break
    }
    await sleep(250)
  }
  const uncommitted = (await readTopic(cluster, OUTPUT_TOPIC, 'read_uncommitted')).map(toOutput)
  const committed = (await readTopic(cluster, OUTPUT_TOPIC, 'read_committed')).map(toOutput)
  return { topic: OUTPUT_TOPIC, committed, uncommitted }
}

export type { CheckResult }
