// The message browser's own types (preload/contract.ts re-exports them): pages read as a
// merged cursor, and __consumer_offsets records decoded in Kafka's layouts.
import { z } from 'zod'
import { BrowseFrom, BrowsedRecord, TopicName } from './data'
import { MAX_TOPIC_PARTITIONS } from './rules'

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

export const PagedRecord = BrowsedRecord.extend({ decoded: CoordinatorRecordView.optional() })
export type PagedRecord = z.infer<typeof PagedRecord>

export const BrowsePageRequest = z
  .object({ topic: TopicName, partition: PartitionIndex.optional(), from: PageFrom, limit: z.number().int().min(1).max(1000) })
  .strict()
export type BrowsePageRequest = z.infer<typeof BrowsePageRequest>

export const BrowsePage = z.object({
  /** Oldest first: by timestamp, then partition, then offset. */
  records: z.array(PagedRecord),
  before: BrowseCursor,
  after: BrowseCursor,
})
export type BrowsePage = z.infer<typeof BrowsePage>
