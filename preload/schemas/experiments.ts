// Experiments (issue 19): a run's history, the checker's result and the saved A/B runs, as the
// console shows them. The spec itself travels as JSON text and is validated in main
// (main/experiments/spec.ts), which names every bad field.
import { z } from 'zod'

export const SendOutcome = z.enum(['acked', 'failed', 'unknown'])

/** One record a producer sent, with what became of it. Times are ms from the run's start. */
export const SentRecord = z.object({
  /** "producer-seq", also the record's value prefix, so the checker finds it in the log. */
  id: z.string(),
  producer: z.number().int(),
  seq: z.number().int(),
  key: z.string().nullable(),
  sentAt: z.number(),
  outcome: SendOutcome,
  partition: z.number().int().nullable(),
  offset: z.number().nullable(),
  doneAt: z.number().nullable(),
  error: z.string().nullable(),
})
export type SentRecord = z.infer<typeof SentRecord>

/** A record a consumer member finished processing. */
export const ProcessedRecord = z.object({ member: z.number().int(), partition: z.number().int(), offset: z.number(), id: z.string(), at: z.number() })
export type ProcessedRecord = z.infer<typeof ProcessedRecord>

export const CommitRecord = z.object({ member: z.number().int(), partition: z.number().int(), offset: z.number(), at: z.number(), ok: z.boolean() })
export type CommitRecord = z.infer<typeof CommitRecord>

export const FaultRecord = z.object({
  id: z.number().int(),
  kind: z.string(),
  /** In words: "crash broker 2 (leader of partition 0)". */
  label: z.string(),
  brokers: z.array(z.number().int()),
  startMs: z.number(),
  endMs: z.number(),
  error: z.string().nullable(),
})
export type FaultRecord = z.infer<typeof FaultRecord>

/** A record read back from the log after the run (what is readable). */
export const LogRecord = z.object({ partition: z.number().int(), offset: z.number(), id: z.string() })
export type LogRecord = z.infer<typeof LogRecord>

/**
 * A record of the output topic (consume-transform-produce): `id` is the input record's id and
 * `source` its partition:offset in the input topic, so an input record written twice is seen
 * even when the producer had put the input itself in the log twice.
 */
export const OutputRecord = z.object({ partition: z.number().int(), offset: z.number(), id: z.string(), source: z.string() })
export type OutputRecord = z.infer<typeof OutputRecord>

/** The output topic read back after the run, as read_committed and as read_uncommitted readers see it. */
export const OutputLog = z.object({
  topic: z.string(),
  /** read_committed: up to each partition's last stable offset, aborted transactions left out. */
  committed: z.array(OutputRecord),
  /** read_uncommitted: everything below the high watermark, aborted transactions' records included. */
  uncommitted: z.array(OutputRecord),
})
export type OutputLog = z.infer<typeof OutputLog>

export const History = z.object({
  variant: z.string(),
  startedAt: z.number(),
  durationMs: z.number(),
  partitions: z.number().int(),
  sends: z.array(SentRecord),
  processed: z.array(ProcessedRecord),
  commits: z.array(CommitRecord),
  faults: z.array(FaultRecord),
  log: z.array(LogRecord),
  /** The consumer group's committed offsets at the end (partition -> offset), if there was a group. */
  committedAtEnd: z.record(z.string(), z.number()).nullable(),
  /** What happened that a reader of the results should know (a partition without a leader at the end...). */
  notes: z.array(z.string()),
  /** The consumer group's commit mode, if there was a group. */
  commitMode: z.enum(['at_most_once', 'at_least_once', 'exactly_once']).nullable().optional(),
  /** The consumer group's output topic read back, if there was a group. */
  output: OutputLog.nullable().optional(),
})
export type History = z.infer<typeof History>

export const AnomalyType = z.enum(['lost', 'duplicated', 'reordered', 'offsetMismatch', 'processedTwice', 'neverProcessed', 'keyMoved', 'outputDuplicated', 'outputMissing'])
export type AnomalyType = z.infer<typeof AnomalyType>

export const Anomaly = z.object({
  type: AnomalyType,
  partition: z.number().int().nullable(),
  count: z.number().int(),
  /** Up to 20 record ids, with partition:offset where known. */
  records: z.array(z.string()),
  firstAt: z.number(),
  lastAt: z.number(),
  /** The faults around it (ids into the history's faults). */
  faults: z.array(z.number().int()),
  detail: z.string(),
})
export type Anomaly = z.infer<typeof Anomaly>

export const SeriesPoint = z.object({ t: z.number(), acked: z.number(), failed: z.number(), p50: z.number().nullable(), p99: z.number().nullable(), max: z.number().nullable() })
export type SeriesPoint = z.infer<typeof SeriesPoint>

export const CheckResult = z.object({
  variant: z.string(),
  totals: z.object({
    sent: z.number().int(),
    acked: z.number().int(),
    failed: z.number().int(),
    unknown: z.number().int(),
    readable: z.number().int(),
    lost: z.number().int(),
    duplicated: z.number().int(),
    reordered: z.number().int(),
    offsetMismatch: z.number().int(),
    processed: z.number().int(),
    processedTwice: z.number().int(),
    neverProcessed: z.number().int(),
    keyMoved: z.number().int(),
    /** The output topic (consume-transform-produce): records readable with read_committed, and with read_uncommitted. */
    output: z.number().int().default(0),
    outputUncommitted: z.number().int().default(0),
    /** Output records of aborted transactions: seen by read_uncommitted readers only. */
    outputAborted: z.number().int().default(0),
    /** Input records whose output read_committed readers see more than once; and read_uncommitted readers. */
    outputDuplicated: z.number().int().default(0),
    outputDuplicatedUncommitted: z.number().int().default(0),
    /** Input records the group committed past whose output read_committed readers never see. */
    outputMissing: z.number().int().default(0),
    faults: z.number().int(),
  }),
  latency: z.object({ p50: z.number().nullable(), p99: z.number().nullable(), max: z.number().nullable() }),
  /** One point a second. */
  series: z.array(SeriesPoint),
  unavailable: z.array(z.object({ startMs: z.number(), endMs: z.number(), faults: z.array(z.number().int()) })),
  anomalies: z.array(Anomaly),
  /** Bounds from the spec's expect that were broken: "lost: 214 > 0". */
  violations: z.array(z.string()),
  /** In plain words: "acks=1: 214 acknowledged records lost when broker 2 crashed at 5.1 s". */
  verdict: z.string(),
})
export type CheckResult = z.infer<typeof CheckResult>

export const VariantRun = z.object({ check: CheckResult, faults: z.array(FaultRecord), notes: z.array(z.string()) })
export type VariantRun = z.infer<typeof VariantRun>

export const ExperimentRunId = z.string().min(1).max(64)

export const ExperimentRun = z.object({
  id: ExperimentRunId,
  name: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  /** The spec as JSON text. */
  spec: z.string(),
  variants: z.array(VariantRun),
  verdict: z.string(),
  error: z.string().nullable(),
  /** What the run is doing now, while running ("variant 1 of 2: 4.0 of 10 s"). */
  progress: z.string().nullable(),
})
export type ExperimentRun = z.infer<typeof ExperimentRun>

export const ExperimentRunSummary = ExperimentRun.pick({ id: true, name: true, startedAt: true, finishedAt: true, status: true, verdict: true })
export type ExperimentRunSummary = z.infer<typeof ExperimentRunSummary>

export const ReadyMadeExperiment = z.object({ file: z.string(), name: z.string(), claim: z.string(), spec: z.string() })
export type ReadyMadeExperiment = z.infer<typeof ReadyMadeExperiment>

export const SpecCheck = z.object({ ok: z.boolean(), errors: z.array(z.object({ path: z.string(), message: z.string() })) })
export type SpecCheck = z.infer<typeof SpecCheck>
