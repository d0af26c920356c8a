// Reading records for the console's message browser: from a partition's earliest, latest,
// an offset or a timestamp, a page of records decoded for display (keys, values and header
// values as text when they are UTF-8, else base64), forwards or backwards, over the Kafka
// protocol (ListOffsets, then Fetch from each partition's leader). Pages over several
// partitions are read as a merged cursor (browse/mergedPage.ts); records of
// __consumer_offsets carry their decoding in Kafka's layouts.
import { errorName } from '../../cluster/errors'
import type { FetchedBatch, KafkaConnection } from '../connections/kafkaConnection'
import { ContractValidationError, type BrowseFrom, type BrowsedRecord, type BrowsePage, type BrowsePageRequest } from '../../../preload/contract'
import { decodeCoordinatorRecords } from './browse/coordinatorRecords'
import { readPage } from './browse/mergedPage'

export interface BrowseSource {
  listOffset(topic: string, partition: number, spec: number): Promise<number>
  /** Record batches of one partition from `offset`, decoded. */
  fetch(topic: string, partition: number, offset: number): Promise<{ errorCode: number; errorMessage: string | null; batches: FetchedBatch[] }>
  /** How many partitions the topic has. */
  partitions(topic: string): Promise<number>
}

/** The browser's source over a Kafka connection. */
export function kafkaBrowseSource(kafka: KafkaConnection): BrowseSource {
  return {
    listOffset: (topic, partition, spec) => kafka.listOffset(topic, partition, spec),
    fetch: async (topic, partition, offset) => {
      const fetched = await kafka.fetch(topic, partition, offset)
      return { errorCode: fetched.errorCode, errorMessage: fetched.errorCode ? `Fetch of ${topic}-${partition} failed: ${errorName(fetched.errorCode)}` : null, batches: fetched.batches }
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
