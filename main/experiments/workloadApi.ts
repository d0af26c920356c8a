// Messages between a run (main/experiments/runner.ts, in the host) and its workload worker
// (workloadWorker.ts): kafkajs producers and a consumer group against the run's cluster.
import type { CommitRecord, ProcessedRecord, SentRecord } from '../../preload/schemas/experiments'
import type { Workload } from './spec'

export interface WorkloadStart {
  bootstrap: string
  topic: string
  /** Where the consumer group writes each processed record's output (consume-transform-produce). */
  outputTopic: string
  outputPartitions: number
  groupId: string
  workload: Workload
  partitions: number
  durationMs: number
}

export type WorkloadCommand =
  | { type: 'kill-member'; member: number }
  /** The killed member comes back: a new consumer, and (exactly once) a producer with the same transactional id, which fences its zombie. */
  | { type: 'restart-member'; member: number }
  /** The topic has more partitions now (the producers' next metadata refresh). */
  | { type: 'partitions'; count: number }
  /** Stop sending (if not yet), wait for what is outstanding, let the group catch up, and report. */
  | { type: 'finish'; settleMs: number; drainMs: number }

export type WorkloadEvent =
  | { type: 'ready'; t0: number }
  | { type: 'progress'; acked: number; failed: number; processed: number }
  | { type: 'member-killed'; member: number; at: number }
  | { type: 'member-restarted'; member: number; at: number }
  | { type: 'finished'; sends: SentRecord[]; processed: ProcessedRecord[]; commits: CommitRecord[]; committedAtEnd: Record<string, number> | null }
  | { type: 'error'; message: string }
