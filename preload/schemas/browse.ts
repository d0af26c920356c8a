// The message browser's own types (preload/contract.ts re-exports them): pages read as a
// merged cursor, server-side filter scans over a bounded range, __consumer_offsets records
// decoded in Kafka's layouts, and replays of records to a topic.
import { z } from 'zod'
import { BrowseFrom, BrowsedRecord, ProducedRecord, TopicName } from './data'
import { MAX_TOPIC_PARTITIONS } from './rules'
import { SchemaDecoded } from './schemaRegistry'

const Offset = z.number().int().nonnegative()
const PartitionIndex = z.number().int().nonnegative().max(MAX_TOPIC_PARTITIONS - 1)

/** One position per partition: where the next page in that direction starts. */
export const BrowseCursor = z.array(z.object({ partition: PartitionIndex, offset: Offset }).strict()).min(1).max(MAX_TOPIC_PARTITIONS)
export type BrowseCursor = z.infer<typeof BrowseCursor>

/** BrowseFrom, or a page's own cursor: `before` reads the older page, `after` the newer one. */
export const PageFrom = z.discriminatedUnion('kind', [
  ...BrowseFrom.options,
  z.object({ kind: z.literal('before'), cursor: BrowseCursor }).strict(),
  z.object({ kind: z.literal('after'), cursor: BrowseCursor }).strict(),
])
export type PageFrom = z.infer<typeof PageFrom>

/** A record of __consumer_offsets as Kafka's coordinator wrote it: key and value as JSON text. */
export const CoordinatorRecordView = z.object({
  type: z.enum(['offsetCommit', 'groupMetadata', 'other']),
  key: z.string(),
  /** null: a tombstone (the offset or group was deleted). */
  value: z.string().nullable(),
})
export type CoordinatorRecordView = z.infer<typeof CoordinatorRecordView>

export const PagedRecord = BrowsedRecord.extend({
  decoded: CoordinatorRecordView.optional(),
  /** A key or value in Confluent's wire format (magic byte 0, schema id), decoded through the registry. */
  keySchema: SchemaDecoded.optional(),
  valueSchema: SchemaDecoded.optional(),
})
export type PagedRecord = z.infer<typeof PagedRecord>

/** Kafka's isolation.level: read_committed reads up to the last stable offset and leaves out aborted transactions' records. */
export const IsolationLevelName = z.enum(['read_uncommitted', 'read_committed'])
export type IsolationLevelName = z.infer<typeof IsolationLevelName>

export const BrowsePageRequest = z
  .object({ topic: TopicName, partition: PartitionIndex.optional(), from: PageFrom, limit: z.number().int().min(1).max(1000), isolationLevel: IsolationLevelName.optional() })
  .strict()
export type BrowsePageRequest = z.infer<typeof BrowsePageRequest>

export const BrowsePage = z.object({
  /** Oldest first, in the merged order: by timestamp, then partition, then offset, each partition's in offset order. */
  records: z.array(PagedRecord),
  before: BrowseCursor,
  after: BrowseCursor,
})
export type BrowsePage = z.infer<typeof BrowsePage>

/** The most records one scan reads, and the most matches it keeps (for the table and exports). */
export const MAX_SCAN_RECORDS = 10_000_000
export const MAX_SCAN_MATCHES = 100_000

/** A scan over a bounded range of a topic, with an optional CEL filter: every record when there is none. */
export const ScanRequest = z
  .object({
    topic: TopicName,
    partition: PartitionIndex.optional(),
    /** Each partition's range runs from here to its end as the scan starts. */
    from: BrowseFrom,
    /** Stops after reading this many records over all partitions. */
    maxRecords: z.number().int().min(1).max(MAX_SCAN_RECORDS),
    /** Stops after this many matches. */
    maxMatches: z.number().int().min(1).max(MAX_SCAN_MATCHES),
    /** A CEL expression over key, value, json, headers, partition, offset, timestamp. */
    filter: z.string().max(10_000).optional(),
  })
  .strict()
export type ScanRequest = z.infer<typeof ScanRequest>

export const ScanId = z.string().min(1).max(64)

export const ScanStatus = z.object({
  scanId: ScanId,
  state: z.enum(['running', 'done', 'stopped', 'failed']),
  /** Records read so far, of `total` (the range's size, bounded by maxRecords). */
  scanned: z.number(),
  total: z.number(),
  matched: z.number(),
  /** Matches from the request's `since` on, in the order found. */
  matches: z.array(PagedRecord),
  /** Why it failed or stopped early, or the first record the filter could not evaluate on (counted as no match). */
  error: z.string().nullable(),
  /** How many records the filter could not evaluate on. */
  filterErrors: z.number(),
})
export type ScanStatus = z.infer<typeof ScanStatus>

export const ScanStatusRequest = z.object({ scanId: ScanId, since: z.number().int().nonnegative().optional() }).strict()

/** The most records one replay re-produces. */
export const MAX_REPLAY_RECORDS = 10_000

/** Re-produces records of `topic` (read again on the server) to `target`, in the merged order. */
export const ReplayRequest = z
  .object({
    topic: TopicName,
    records: z.array(z.object({ partition: PartitionIndex, offset: Offset }).strict()).min(1).max(MAX_REPLAY_RECORDS),
    target: TopicName,
    /** true: each record to its own partition number; false: the built-in partitioner (by key). */
    keepPartition: z.boolean(),
  })
  .strict()
export type ReplayRequest = z.infer<typeof ReplayRequest>

export const ReplayResult = z.object({
  written: z.number(),
  /** Records not re-produced, and why (the first reason). */
  skipped: z.number(),
  reason: z.string().nullable(),
  /** Where the last record went. */
  last: ProducedRecord.nullable(),
})
export type ReplayResult = z.infer<typeof ReplayResult>
