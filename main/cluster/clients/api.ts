// The demo clients' API (a worker of their own, built on kafkajs, so the console exercises
// the same paths as users' applications): consumer groups whose members process with a delay
// under a commit mode, can be killed mid-batch and restarted, and count what was processed,
// processed twice, or never processed; and a producer load generator.

import type { CommitMode, DemoConsumersRequest, DemoProducerRequest, MemberState, ProducerStats, RunStats } from '../../../preload/contract'

export type { CommitMode, MemberState, ProducerStats, RunStats }

/** A demo consumer run as the contract asks for it, on these bootstrap servers. */
export type ConsumerRunOptions = DemoConsumersRequest & { bootstrap: string }

/** A load producer as the contract asks for it, on these bootstrap servers. */
export type ProducerOptions = DemoProducerRequest & { bootstrap: string }

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
  /** Transactional: the records processed so far in the batch are committed (a long batch commits in parts). */
  | { type: 'committed'; partition: number }
