// A run's workload, in a worker thread so the host stays responsive: kafkajs producers at a
// steady rate (acks, idempotence, retries, max in flight as the spec says; linger as a
// client-side batch per partition, since kafkajs sends what it is given) recording every send
// and its outcome, and a consumer group (read_committed) whose members process with a delay,
// write each record's output to the output topic, and commit before (at most once) or after
// (at least once) processing, or in one transaction with the outputs (exactly once),
// recording every record processed and every commit. A member is "killed" mid-batch: it
// stops at once, sends and commits nothing more, and its partitions go to the others; it may
// be restarted (with the same transactional id).
import { parentPort, workerData } from 'node:worker_threads'
import { Kafka, logLevel, Partitioners, type Consumer, type EachBatchHandler, type Message, type Producer, type Transaction } from 'kafkajs'
import type { CommitRecord, ProcessedRecord, SentRecord } from '../../preload/schemas/experiments'
import type { WorkloadCommand, WorkloadEvent, WorkloadStart } from './workloadApi'

const options = workerData as WorkloadStart
const { workload, topic } = options
/** The run's start, set once the clients are connected (the host times the faults from it). */
let t0 = Date.now()
const post = (event: WorkloadEvent) => parentPort!.postMessage(event)
const now = () => Date.now() - t0
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const kafka = new Kafka({
  clientId: 'brokerlab-experiment',
  brokers: options.bootstrap.split(','),
  logLevel: logLevel.NOTHING,
  requestTimeout: workload.requestTimeoutMs,
  connectionTimeout: 3000,
})
/**
 * Keyed workloads refresh metadata every second, so partitions added mid-run are seen soon.
 * Not the others: kafkajs lets concurrent sends that wait on a refresh go out in another order.
 */
const METADATA_MAX_AGE_MS = workload.keys === undefined ? 300_000 : 1000

const sends: SentRecord[] = []
const processed: ProcessedRecord[] = []
const commits: CommitRecord[] = []
let partitionCount = options.partitions
let sending = true
const outstanding = new Set<Promise<void>>()
/** Each producer's count of records not yet sent. */
const queues: Array<() => number> = []
const keyedPartitioner = Partitioners.DefaultPartitioner()

const acksOf = (acks: Workload['acks']) => (acks === 'all' ? -1 : acks)
type Workload = WorkloadStart['workload']

/** Which partition a record goes to: by key (murmur2, as Kafka's clients), else round robin. */
function partitionOf(key: string | null, roundRobin: number): number {
  if (key === null) return roundRobin % partitionCount
  const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }))
  return keyedPartitioner({ topic, partitionMetadata, message: { key, value: null } })
}

/** Indeterminate failures: the request may have been appended (a timeout, a lost connection). */
function isIndeterminate(err: unknown): boolean {
  for (let e = err as { name?: string; type?: string; cause?: unknown; message?: string } | null; e; e = e.cause as typeof e) {
    if (e.name === 'KafkaJSRequestTimeoutError' || e.name === 'KafkaJSConnectionClosedError' || e.type === 'REQUEST_TIMED_OUT' || /timed? ?out|Closed connection/i.test(e.message ?? '')) return true
  }
  return false
}

function errorName(err: unknown): string {
  const e = err as { type?: string; name?: string; message?: string; cause?: { type?: string; message?: string } }
  return e.cause?.type ?? e.type ?? `${e.name ?? 'Error'}: ${e.message ?? ''}`.slice(0, 200)
}

async function runProducer(index: number): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: workload.idempotent,
    maxInFlightRequests: workload.maxInFlight,
    retry: { retries: workload.retries, initialRetryTime: 100, maxRetryTime: 2000 },
    allowAutoTopicCreation: false,
    metadataMaxAge: METADATA_MAX_AGE_MS,
    createPartitioner: Partitioners.DefaultPartitioner,
  })
  await producer.connect()
  const padding = 'x'.repeat(Math.max(0, workload.recordSize - 12))
  const intervalMs = 1000 / workload.rate
  // Records wait here until a request may go: at most maxInFlight sends at once per producer,
  // so with 1 a retried request holds back the ones after it (as Kafka's producer does).
  const queue: SentRecord[] = []
  let inFlight = 0
  let lingerTimer: NodeJS.Timeout | null = null
  const pump = () => {
    while (inFlight < workload.maxInFlight && queue.length > 0) {
      const age = now() - queue[0].sentAt
      if (sending && workload.lingerMs > 0 && age < workload.lingerMs && queue.length < workload.batchSize) {
        lingerTimer ??= setTimeout(() => {
          lingerTimer = null
          pump()
        }, workload.lingerMs - age)
        return
      }
      const partition = queue[0].partition!
      const records: SentRecord[] = []
      for (let i = 0; i < queue.length && records.length < workload.batchSize; ) {
        if (queue[i].partition === partition) records.push(...queue.splice(i, 1))
        else i++
      }
      inFlight++
      const messages: Message[] = records.map((r) => ({ key: r.key, value: `${r.id}|${padding}`, partition }))
      const promise = producer
        .send({ topic, acks: acksOf(workload.acks), timeout: workload.requestTimeoutMs, messages })
        .then((metadata) => {
          const at = now()
          const answer = metadata.find((m) => m.partition === partition)
          // kafkajs answers nothing for a partition it does not know yet (new partitions before its metadata refresh).
          if (!answer && workload.acks !== 0) {
            records.forEach((r) => Object.assign(r, { outcome: 'unknown', doneAt: at, error: `no answer for partition ${partition}` }))
            return
          }
          const base = answer ? Number(answer.baseOffset) : null
          records.forEach((r, i) => Object.assign(r, { outcome: 'acked', offset: base === null || base < 0 ? null : base + i, doneAt: at }))
        })
        .catch((err) => {
          const at = now()
          const outcome = isIndeterminate(err) ? 'unknown' : 'failed'
          records.forEach((r) => Object.assign(r, { outcome, doneAt: at, error: errorName(err) }))
        })
        .finally(() => {
          outstanding.delete(promise)
          inFlight--
          pump()
        })
      outstanding.add(promise)
    }
  }
  queues.push(() => queue.length)
  let seq = 0
  const start = now()
  const loop = async () => {
    while (sending && now() < options.durationMs) {
      // Pace: record `seq` is due at start + seq * interval.
      const due = start + seq * intervalMs
      const wait = due - now()
      if (wait > 0) await sleep(Math.min(wait, 50))
      if (now() < due) continue
      const key = workload.keys === undefined ? null : `k${(seq + index * 7919) % workload.keys}`
      const partition = partitionOf(key, seq + index)
      const record: SentRecord = { id: `${index}-${seq}`, producer: index, seq, key, sentAt: now(), outcome: 'unknown', partition, offset: null, doneAt: null, error: null }
      sends.push(record)
      seq++
      queue.push(record)
      pump()
    }
    sending = false
    pump()
  }
  void loop()
  return producer
}

// ---- the consumer group -----------------------------------------------------------------
// Consume-transform-produce: every processed record's output ("id|partition:offset") goes to
// the output topic, in the input record's partition. At most once commits before processing
// and at least once after, each output sent as its record is processed (a plain producer);
// exactly once puts the outputs and the consumed offsets (sendOffsets) in one transaction of
// the member's transactional producer, then commits it.

/** Exactly once: the most records one transaction carries (a batch is split into several). */
const RECORDS_PER_TRANSACTION = 50
/** At most once and at least once: outputs sent and not yet acknowledged, at most. */
const OUTPUTS_IN_FLIGHT = 10
/** Exactly once: how long an open transaction may last before the coordinator aborts it (a killed member's). */
const TRANSACTION_TIMEOUT_MS = 10_000

interface Member {
  index: number
  consumer: Consumer
  producer: Producer
  killed: boolean
  /** A kill asked for: called when the member reaches its next kill point and dies there. */
  killAsked: (() => void) | null
  /** Outputs of the batch under way acknowledged (not yet committed, except at most once). */
  writtenInBatch: number
}

/**
 * The member's kill points: where a batch has outputs written and its commit not yet sent, or
 * (at most once) where the batch is committed and none of it processed yet (`committedFirst`).
 * If a kill is asked for, the member dies there (killed is set before anything else runs).
 */
function diesHere(member: Member, committedFirst = false): boolean {
  if (member.killed) return true
  if (!member.killAsked || (member.writtenInBatch === 0 && !committedFirst)) return false
  member.killed = true
  member.killAsked()
  return true
}
const members: Member[] = []

/** One transactional id per member, the same across its restarts, so a restart fences its zombie. */
const transactionalIdOf = (index: number) => `${options.groupId}-member-${index}`
const outputOf = (message: { value: Buffer | null; offset: string }, partition: number) => `${String(message.value).split('|')[0]}|${partition}:${message.offset}`
const outputPartitionOf = (partition: number) => partition % options.outputPartitions
const isFenced = (err: unknown) => /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|fenced/i.test(errorName(err))

async function startMember(index: number): Promise<Member> {
  const mode = workload.consumer!.commitMode
  // kafkajs sends a broker's heartbeats and fetches on one connection, where a heartbeat waits out the fetch's
  // long poll (a broker handles a connection's requests one at a time): 500 ms, not 5 s, keeps it well inside the session.
  const consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 6000, maxWaitTimeInMs: 500, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 }, readUncommitted: false })
  const producer =
    mode === 'exactly_once'
      ? kafka.producer({ transactionalId: transactionalIdOf(index), idempotent: true, maxInFlightRequests: 1, transactionTimeout: TRANSACTION_TIMEOUT_MS, allowAutoTopicCreation: false, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } })
      : kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 } })
  const member: Member = { index, consumer, producer, killed: false, killAsked: null, writtenInBatch: 0 }
  const commit = async (partition: number, offset: number) => {
    try {
      await consumer.commitOffsets([{ topic, partition, offset: String(offset) }])
      commits.push({ member: index, partition, offset, at: now(), ok: true })
    } catch {
      commits.push({ member: index, partition, offset, at: now(), ok: false })
    }
  }
  const delay = () => (workload.consumer!.processingDelayMs > 0 ? sleep(workload.consumer!.processingDelayMs) : undefined)
  // Connecting a transactional producer is InitProducerId: the epoch bump fences the member's zombie and aborts its open transaction.
  await producer.connect()
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })

  /**
   * At most once and at least once: one record at a time, its output sent when it is processed
   * (up to OUTPUTS_IN_FLIGHT waiting for their acknowledgement); at least once waits for them
   * before committing, and commits no further than the first output that failed.
   */
  const plain: EachBatchHandler = async ({ batch, heartbeat, isRunning, resolveOffset }) => {
    const last = Number(batch.messages[batch.messages.length - 1].offset)
    if (mode === 'at_most_once') {
      await commit(batch.partition, last + 1)
      // At most once's kill point: the batch committed and none of it processed.
      if (diesHere(member, true)) return
    }
    let done: number | null = null
    let firstFailed: number | null = null
    const writing = new Set<Promise<void>>()
    for (const message of batch.messages) {
      if (member.killed || !isRunning() || firstFailed !== null) break
      await delay()
      if (member.killed) break
      const offset = Number(message.offset)
      processed.push({ member: index, partition: batch.partition, offset, id: String(message.value).split('|')[0], at: now() })
      const write: Promise<void> = producer
        .send({ topic: options.outputTopic, acks: -1, messages: [{ key: message.key, value: outputOf(message, batch.partition), partition: outputPartitionOf(batch.partition) }] })
        .then(
          () => void member.writtenInBatch++,
          () => void (firstFailed = Math.min(firstFailed ?? offset, offset)),
        )
        .finally(() => writing.delete(write))
      writing.add(write)
      if (writing.size >= OUTPUTS_IN_FLIGHT) await Promise.race(writing)
      resolveOffset(message.offset)
      done = offset
      if (mode === 'at_least_once' && diesHere(member)) break
      await heartbeat().catch(() => undefined)
    }
    await Promise.all(writing)
    if (mode !== 'at_least_once' || diesHere(member) || done === null) return
    const upTo = firstFailed ?? done + 1
    if (upTo > Number(batch.messages[0].offset)) await commit(batch.partition, upTo)
    // An output that could not be written: its record and those after it are read again.
    if (firstFailed !== null) consumer.seek({ topic, partition: batch.partition, offset: String(firstFailed) })
  }

  /** Exactly once: each chunk of the batch in one transaction (outputs and consumed offsets), then committed; on error, aborted and resumed from the committed offset. */
  const transactional: EachBatchHandler = async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
    // A rebalance under way: finish (commit) the open transaction, then return so that the member rejoins
    // before taking more, and a partition moving to another member starts where this one committed.
    let rebalancing = false
    const beat = () => heartbeat().catch((err: { type?: string }) => (rebalancing ||= /REBALANCE_IN_PROGRESS|ILLEGAL_GENERATION|UNKNOWN_MEMBER_ID/.test(String(err.type ?? ''))))
    for (let from = 0; from < batch.messages.length; from += RECORDS_PER_TRANSACTION) {
      if (member.killed || !isRunning() || isStale() || rebalancing) return
      const chunk = batch.messages.slice(from, from + RECORDS_PER_TRANSACTION)
      let next: number | null = null
      let txn: Transaction | null = null
      try {
        txn = await producer.transaction()
        for (const message of chunk) {
          if (member.killed || !isRunning()) break
          await delay()
          if (member.killed) break
          await txn.send({ topic: options.outputTopic, messages: [{ key: message.key, value: outputOf(message, batch.partition), partition: outputPartitionOf(batch.partition) }] })
          if (member.killed) break
          processed.push({ member: index, partition: batch.partition, offset: Number(message.offset), id: String(message.value).split('|')[0], at: now() })
          member.writtenInBatch++
          next = Number(message.offset) + 1
          if (diesHere(member)) break
          await beat()
        }
        // Killed: the process is gone mid-transaction. Nothing more is sent; the transaction stays open until the member's restart fences it or it times out.
        if (member.killed) return
        if (next === null) {
          await txn.abort()
          return
        }
        await txn.sendOffsets({ consumerGroupId: options.groupId, topics: [{ topic, partitions: [{ partition: batch.partition, offset: String(next) }] }] })
        await txn.commit()
        commits.push({ member: index, partition: batch.partition, offset: next, at: now(), ok: true })
        resolveOffset(String(next - 1))
        member.writtenInBatch = 0
      } catch (err) {
        if (member.killed) return
        commits.push({ member: index, partition: batch.partition, offset: next ?? Number(chunk[0].offset), at: now(), ok: false })
        if (isFenced(err)) {
          // A newer incarnation of this member owns the transactional id: this one is the zombie, and stops.
          member.killed = true
          void consumer.disconnect().catch(() => undefined)
          return
        }
        await txn?.abort().catch(() => undefined)
        // Resume from the group's committed offset: the aborted outputs are not in the output as read_committed reads it.
        const committed = await committedOffsets().catch(() => null)
        consumer.seek({ topic, partition: batch.partition, offset: String(committed?.[String(batch.partition)] ?? Number(batch.messages[0].offset)) })
        return
      }
    }
  }

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      if (member.killed || payload.batch.messages.length === 0) return
      member.writtenInBatch = 0
      await (mode === 'exactly_once' ? transactional : plain)(payload)
    },
  })
  return member
}

/**
 * Kills a member mid-batch: it dies at its next kill point (diesHere), or after 5 s wherever it
 * is; nothing more is processed, produced or committed. Never during a commit: kafkajs's
 * OffsetFetch does not ask for stable offsets (RequireStable), so a member taking the partition
 * over right after a transactional commit could read the offset before its markers.
 */
async function killMember(index: number): Promise<void> {
  const member = members[index]
  if (!member || member.killed) return
  await new Promise<void>((resolve) => {
    member.killAsked = resolve
    setTimeout(resolve, 5000)
  })
  member.killAsked = null
  member.killed = true
  post({ type: 'member-killed', member: index, at: now() })
  // A crash, not a shutdown: the consumer's connections close (its partitions go to the others) and the
  // producer's too, without ending its transaction.
  await member.consumer.disconnect().catch(() => undefined)
  await member.producer.disconnect().catch(() => undefined)
}

/** Starts a killed member again, with the same transactional id (exactly once), as a restarted process would. */
async function restartMember(index: number): Promise<void> {
  const old = members[index]
  if (!old || !old.killed) return
  members[index] = await startMember(index)
  post({ type: 'member-restarted', member: index, at: now() })
}

async function committedOffsets(): Promise<Record<string, number>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [entry] = await admin.fetchOffsets({ groupId: options.groupId, topics: [topic] })
    return Object.fromEntries(entry.partitions.map((p) => [String(p.partition), Math.max(0, Number(p.offset))]))
  } finally {
    await admin.disconnect()
  }
}

async function endOffsets(): Promise<Record<string, number>> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    return Object.fromEntries(offsets.map((p) => [String(p.partition), Number(p.high)]))
  } finally {
    await admin.disconnect()
  }
}

async function finish(settleMs: number, drainMs: number): Promise<void> {
  sending = false
  // Outstanding sends get settleMs; what is still waiting then stays "unknown".
  const settleBy = Date.now() + settleMs
  while ((outstanding.size > 0 || queues.some((q) => q() > 0)) && Date.now() < settleBy) await sleep(20)
  let committedAtEnd: Record<string, number> | null = null
  if (workload.consumer) {
    // Let the live members catch up with the log, then stop them.
    const drainBy = Date.now() + drainMs
    for (;;) {
      const [ends, committed] = await Promise.all([endOffsets().catch(() => null), committedOffsets().catch(() => null)])
      if (ends && committed && Object.entries(ends).every(([p, end]) => (committed[p] ?? 0) >= end)) break
      if (Date.now() > drainBy) break
      await sleep(200)
    }
    for (const m of members) {
      if (m.killed) continue
      await m.consumer.disconnect().catch(() => undefined)
      await m.producer.disconnect().catch(() => undefined)
    }
    committedAtEnd = await committedOffsets().catch(() => null)
  }
  post({ type: 'finished', sends, processed, commits, committedAtEnd })
}

const producers: Producer[] = []
parentPort!.on('message', (command: WorkloadCommand) => {
  if (command.type === 'kill-member') void killMember(command.member)
  else if (command.type === 'restart-member') void restartMember(command.member).catch((err) => post({ type: 'error', message: `restarting member ${command.member}: ${String(err)}` }))
  // As a client would: the new partitions are used after the next metadata refresh (metadataMaxAge 1 s).
  else if (command.type === 'partitions') setTimeout(() => (partitionCount = command.count), 1500)
  else if (command.type === 'finish')
    void finish(command.settleMs, command.drainMs)
      .then(() => Promise.all(producers.map((p) => p.disconnect().catch(() => undefined))))
      .catch((err) => post({ type: 'error', message: String(err) }))
})

try {
  if (workload.consumer) members.push(...(await Promise.all(Array.from({ length: workload.consumer.members }, (_, i) => startMember(i)))))
  t0 = Date.now()
  post({ type: 'ready', t0 })
  for (let i = 0; i < workload.producers; i++) producers.push(await runProducer(i))
  const timer = setInterval(() => {
    let acked = 0
    let failed = 0
    for (const s of sends) if (s.outcome === 'acked') acked++
    else if (s.outcome === 'failed') failed++
    post({ type: 'progress', acked, failed, processed: processed.length })
  }, 1000)
  timer.unref()
} catch (err) {
  post({ type: 'error', message: (err as Error).stack ?? String(err) })
}
