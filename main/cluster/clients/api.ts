// The demo clients' API (a worker of their own, built on kafkajs, so the console exercises
// the same paths as users' applications): consumer groups whose members process with a delay
// under a commit mode, can be killed mid-batch and restarted, and count what was processed,
// processed twice, or never processed; and a producer load generator.

/**
 * auto: kafkajs commits on its interval. after-processing: each batch is committed once it
 * is processed (at least once). before-processing: committed as it arrives (at most once).
 */
export type CommitMode = 'auto' | 'after-processing' | 'before-processing'

export interface ConsumerRunOptions {
  bootstrap: string
  groupId: string
  topic: string
  members: number
  processingDelayMs: number
  commitMode: CommitMode
  sessionTimeoutMs?: number
}

export type MemberState = 'running' | 'killed' | 'stopped'

export interface RunStats {
  runId: string
  groupId: string
  topic: string
  commitMode: CommitMode
  processingDelayMs: number
  startedAt: number
  /** clientId is the member's client.id, by which the group's own member list names it. */
  members: Array<{ index: number; clientId: string; state: MemberState; processed: number }>
  /** Distinct records processed. */
  processed: number
  /** Records processed more than once (each counted once). */
  processedTwice: number
  /** Records below the group's committed offsets that no member ever processed. */
  neverProcessed: number
}

export interface ProducerOptions {
  bootstrap: string
  topic: string
  ratePerSec: number
  messageBytes: number
  /** Keys drawn from this many distinct values; null sends no keys. */
  keyCardinality: number | null
  acks: -1 | 0 | 1
  idempotent: boolean
}

export interface ProducerStats {
  producerId: string
  /** What it was started with, less the bootstrap servers. */
  options: Omit<ProducerOptions, 'bootstrap'>
  startedAt: number
  sent: number
  acked: number
  failed: number
  /** Why the latest failed send failed; null while none has. */
  lastError: string | null
  /** Acknowledged records per second, one point a second. */
  throughput: Array<{ timestamp: number; perSec: number }>
  /** Send-to-ack latency of the sends acknowledged in each second, one point a second. */
  latency: Array<{ timestamp: number; p50: number; p99: number }>
  /** Over the last 1000 acknowledged sends. */
  latencyMs: { p50: number; p99: number }
}

export type ClientsApi = {
  startConsumers: [ConsumerRunOptions, { runId: string }]
  /**
   * Kills a member's thread dead (no LeaveGroup, no commit), in the middle of a batch: it waits
   * up to midBatchWaitMs (default 15 s) for one, then kills it anyway.
   */
  killMember: [{ runId: string; member: number; midBatchWaitMs?: number }, void]
  restartMember: [{ runId: string; member: number }, void]
  runStats: [{ runId: string }, RunStats]
  /** Each running member leaves the group (as consumer.close() does), then its thread ends. */
  stopRun: [{ runId: string }, RunStats]
  startProducer: [ProducerOptions, { producerId: string }]
  producerStats: [{ producerId: string }, ProducerStats]
  stopProducer: [{ producerId: string }, ProducerStats]
  shutdown: [Record<string, never>, void]
}

/** What the clients worker tells a member thread: leave the group and end. */
export type MemberCommand = { type: 'stop' }

/** What a member thread tells the clients worker. */
export type MemberEvent =
  | { type: 'batch-start'; partition: number; size: number }
  | { type: 'processed'; partition: number; offset: number }
  | { type: 'batch-end'; partition: number }
