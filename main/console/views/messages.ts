// Reading records for the console's message browser: from a partition's earliest, latest,
// an offset or a timestamp, a page of records decoded for display (keys, values and header
// values as text when they are UTF-8, else base64), forwards or backwards, over the Kafka
// protocol (ListOffsets, then Fetch from each partition's leader). Pages over several
// partitions are read as a merged cursor (browse/mergedPage.ts); records of
// __consumer_offsets carry their decoding in Kafka's layouts.
import { errorName } from '../../cluster/errors'
import type { AbortedTransaction, FetchedBatch, IsolationLevel, KafkaConnection } from '../connections/kafkaConnection'
import { ContractValidationError, type BrowseFrom, type BrowsedRecord, type BrowsePage, type BrowsePageRequest } from '../../../preload/contract'
import { decodeCoordinatorRecords } from './browse/coordinatorRecords'
import { readPage } from './browse/mergedPage'
import { needsAbortedList } from './browse/transactionOutcomes'

export interface BrowseSource {
  listOffset(topic: string, partition: number, spec: number): Promise<number>
  /** Record batches of one partition from `offset`, decoded, with what tells their transactions' outcomes. */
  fetch(topic: string, partition: number, offset: number): Promise<BrowseFetch>
  /** How many partitions the topic has. */
  partitions(topic: string): Promise<number>
  /** Whether pages show transaction markers (control records) among the records; skipped when not. */
  readonly markers?: boolean
  /** read_committed: the end is the LSO, and records of aborted transactions are left out, as a consumer skips them. */
  readonly readCommitted?: boolean
}

export interface BrowseFetch {
  errorCode: number
  errorMessage: string | null
  batches: FetchedBatch[]
  /** -1 where the broker does not say (before Fetch v4). */
  lastStableOffset?: number
  /** A read_committed Fetch's aborted transactions for the range; null when not asked. */
  abortedTransactions?: AbortedTransaction[] | null
}

/**
 * The browser's source over a Kafka connection, read_uncommitted unless `readCommitted`.
 * Under read_uncommitted, when a transactional batch below the LSO comes without its marker,
 * the same range is fetched once more under read_committed for its aborted transactions.
 */
export function kafkaBrowseSource(kafka: KafkaConnection, options: { markers?: boolean; readCommitted?: boolean } = {}): BrowseSource {
  const isolation: IsolationLevel = options.readCommitted ? 1 : 0
  return {
    ...options,
    listOffset: (topic, partition, spec) => kafka.listOffset(topic, partition, spec, isolation),
    fetch: async (topic, partition, offset) => {
      const fetched = await kafka.fetch(topic, partition, offset, undefined, isolation)
      const errorMessage = fetched.errorCode ? `Fetch of ${topic}-${partition} failed: ${errorName(fetched.errorCode)}` : null
      let abortedTransactions: AbortedTransaction[] | null = isolation === 1 ? fetched.abortedTransactions : null
      if (options.markers && isolation === 0 && !fetched.errorCode && needsAbortedList(fetched.batches, fetched.lastStableOffset)) {
        abortedTransactions = (await kafka.fetch(topic, partition, offset, undefined, 1)).abortedTransactions
      }
      return { errorCode: fetched.errorCode, errorMessage, batches: fetched.batches, lastStableOffset: fetched.lastStableOffset, abortedTransactions }
    },
    partitions: async (topic) => (await kafka.topic(topic)).partitions.length,
  }
}

/** The partitions a request reads: the one named, or all of them; a partition the topic lacks is the request's error. */
export async function partitionsToRead(source: BrowseSource, method: string, topic: string, partition: number | undefined, cursor: { partition: number }[] = []): Promise<number[]> {
  const count = await source.partitions(topic)
  const beyond = [partition, ...cursor.map((p) => p.partition)].find((p) => p !== undefined && p >= count)
  if (beyond !== undefined) {
    throw new ContractValidationError({ kind: 'invalid-request', message: `${method}: partition: ${topic} has no partition ${beyond} (it has ${count})`, field: 'partition' })
  }
  return partition !== undefined ? [partition] : Array.from({ length: count }, (_, i) => i)
}

/** A page of records and the cursors of the pages before and after it. */
export async function browsePage(source: BrowseSource, request: BrowsePageRequest): Promise<BrowsePage> {
  const cursor = request.from.kind === 'before' || request.from.kind === 'after' ? request.from.cursor : []
  const partitions = await partitionsToRead(source, 'message:page', request.topic, request.partition, cursor)
  const page = await readPage(source, request.topic, partitions, request.from, request.limit)
  return { ...page, records: decodeCoordinatorRecords(request.topic, page.records) }
}

/** A page of records of one partition, or of every partition (merged by timestamp). */
export async function browseMessages(source: BrowseSource, topic: string, from: BrowseFrom, limit: number, partition?: number): Promise<BrowsedRecord[]> {
  const partitions = await partitionsToRead(source, 'message:browse', topic, partition)
  return (await readPage(source, topic, partitions, from, limit)).records
}
