// The log cleaner as the lab console sees it (the embedded cluster only): Kafka's cleaner
// metrics per broker, and each compacted log's dirty ratio, last round and segments. Defined
// once here; the broker worker's logCleaner RPC answers these types.
import { z } from 'zod'
import { BrokerId, TopicName } from './data'

/** Kafka's LogCleaner and LogCleanerManager metrics, by their Kafka names. */
export const LogCleanerMetrics = z.object({
  'max-buffer-utilization-percent': z.number(),
  'cleaner-recopy-percent': z.number(),
  'max-clean-time-secs': z.number(),
  'max-compaction-delay-secs': z.number(),
  DeadThreadCount: z.number(),
  'max-dirty-percent': z.number(),
  'time-since-last-run-ms': z.number(),
  'uncleanable-partitions-count': z.number(),
})
export type LogCleanerMetrics = z.infer<typeof LogCleanerMetrics>

export const LogSegmentState = z.object({
  baseOffset: z.number(),
  size: z.number(),
  records: z.number(),
  /** Wholly below the first dirty offset: already cleaned. */
  clean: z.boolean(),
  active: z.boolean(),
})
export type LogSegmentState = z.infer<typeof LogSegmentState>

export const CleaningRound = z.object({
  endTime: z.number(),
  /** Where the round's dirty section ended: the next round starts there. */
  endOffset: z.number(),
  elapsedMs: z.number(),
  bytesRead: z.number(),
  bytesWritten: z.number(),
  recordsRead: z.number(),
  recordsWritten: z.number(),
  recordsRemoved: z.number(),
  /** Share of the offset map's slots used. */
  bufferUtilization: z.number(),
})
export type CleaningRound = z.infer<typeof CleaningRound>

export const CleanedLogState = z.object({
  topic: z.string(),
  partition: z.number(),
  firstDirtyOffset: z.number(),
  firstUncleanableOffset: z.number(),
  cleanBytes: z.number(),
  cleanableBytes: z.number(),
  /** Kafka's cleanable ratio: dirty bytes over clean plus dirty bytes. */
  dirtyRatio: z.number(),
  minCleanableRatio: z.number(),
  compactionDelayMs: z.number(),
  inProgress: z.boolean(),
  uncleanable: z.boolean(),
  lastRun: CleaningRound.nullable(),
  segments: z.array(LogSegmentState),
})
export type CleanedLogState = z.infer<typeof CleanedLogState>

export const LogCleanerState = z.object({
  enabled: z.boolean(),
  running: z.boolean(),
  /** Cleaners running (log.cleaner.threads). */
  threads: z.number(),
  metrics: LogCleanerMetrics,
  logs: z.array(CleanedLogState),
})
export type LogCleanerState = z.infer<typeof LogCleanerState>

/** One broker's cleaner, as logCleaner:state answers it. */
export const BrokerLogCleanerState = LogCleanerState.extend({ brokerId: BrokerId })
export type BrokerLogCleanerState = z.infer<typeof BrokerLogCleanerState>

/** Every running broker's cleaner, or one broker's; the logs of every compacted topic, or of one. */
export const LogCleanerStateRequest = z.object({ brokerId: BrokerId.optional(), topic: TopicName.optional() }).strict()

/** Wakes every running broker's cleaners, or one broker's. */
export const LogCleanerWakeRequest = z.object({ brokerId: BrokerId.optional() }).strict()

/**
 * The compaction experiment: `updates` keyed records over `keys` keys (key-0, key-1...) to one
 * partition, each key's values numbered in order, then a tombstone for each of the last
 * `tombstones` keys.
 */
export const CompactionExperimentRequest = z
  .object({
    topic: TopicName,
    partition: z.number().int().nonnegative(),
    updates: z.number().int().min(1).max(200_000),
    keys: z.number().int().min(1).max(100_000),
    tombstones: z.number().int().nonnegative(),
  })
  .strict()
  .refine((r) => r.keys <= r.updates, { message: 'there must be at least one update per key', path: ['keys'] })
  .refine((r) => r.tombstones <= r.keys, { message: 'at most one tombstone per key', path: ['tombstones'] })

export const CompactionExperimentResult = z.object({
  records: z.number(),
  /** The offsets the experiment wrote, first and last. */
  firstOffset: z.number(),
  lastOffset: z.number(),
})
export type CompactionExperimentResult = z.infer<typeof CompactionExperimentResult>
