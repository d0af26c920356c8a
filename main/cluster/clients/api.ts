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

export interface RunStats {
  runId: string
  groupId: string
  topic: string
  commitMode: CommitMode
  members: Array<{ index: number; state: 'running' | 'killed' | 'stopped'; processed: number }>
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
  sent: number
  acked: number
  failed: number
  /** Acknowledged records per second, one point a second. */
  throughput: Array<{ timestamp: number; perSec: number }>
  latencyMs: { p50: number; p99: number }
}

export type ClientsApi = {
  startConsumers: [ConsumerRunOptions, { runId: string }]
  /** Kills a member's thread at once, in the middle of a batch (no LeaveGroup, no commit). */
  killMember: [{ runId: string; member: number }, void]
  restartMember: [{ runId: string; member: number }, void]
  runStats: [{ runId: string }, RunStats]
  stopRun: [{ runId: string }, RunStats]
  startProducer: [ProducerOptions, { producerId: string }]
  producerStats: [{ producerId: string }, ProducerStats]
  stopProducer: [{ producerId: string }, ProducerStats]
  shutdown: [Record<string, never>, void]
}

/** What a member thread tells the clients worker. */
export type MemberEvent =
  | { type: 'batch-start'; partition: number; size: number }
  | { type: 'processed'; partition: number; offset: number }
  | { type: 'batch-end'; partition: number }
