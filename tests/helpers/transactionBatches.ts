// Fetched batches of a transactional log, as the console decodes a Fetch answer: data batches
// (transactional or not) and control batches carrying Kafka's EndTransactionMarker, for tests
// of what the console reads of transactions.
import type { AbortedTransaction, FetchedBatch } from '../../main/console/connections/kafkaConnection'
import type { BrowseSource } from '../../main/console/views/messages'
import { markerOf } from '../../main/console/views/browse/transactionOutcomes'

export function dataBatch(baseOffset: number, producerId: number, count = 1, transactional = true): FetchedBatch {
  return {
    baseOffset,
    lastOffsetDelta: count - 1,
    isControl: false,
    isTransactional: transactional,
    producerId,
    producerEpoch: 3,
    baseSequence: 0,
    records: Array.from({ length: count }, (_, i) => ({ offset: baseOffset + i, timestamp: 1000, key: null, value: Buffer.from(`v${baseOffset + i}`), headers: [] })),
  }
}

/** A control batch as Kafka writes it: key version 0 + type (0 ABORT, 1 COMMIT), value version 0 + coordinator epoch. */
export function markerBatch(baseOffset: number, producerId: number, commit: boolean, coordinatorEpoch = 7): FetchedBatch {
  const key = Buffer.alloc(4)
  key.writeInt16BE(commit ? 1 : 0, 2)
  const value = Buffer.alloc(6)
  value.writeInt32BE(coordinatorEpoch, 2)
  return { ...dataBatch(baseOffset, producerId), isControl: true, records: [{ offset: baseOffset, timestamp: 1000, key, value, headers: [] }] }
}

/**
 * Partitions' logs as a broker serves them read_committed, `perFetch` batches at a time: from
 * an offset up to the LSO (every partition's the same), with the aborted transactions the
 * fetched range overlaps, as Kafka lists them (in the order they were aborted). `fetches`
 * counts the Fetch requests.
 */
export function readCommittedLog(partitions: FetchedBatch[][], lastStableOffset: number, perFetch: number): BrowseSource & { fetches: number } {
  const source = {
    markers: true,
    readCommitted: true,
    fetches: 0,
    listOffset: async (_topic: string, _partition: number, spec: number) => (spec === -2 ? 0 : lastStableOffset),
    partitions: async () => partitions.length,
    fetch: async (_topic: string, partition: number, offset: number) => {
      source.fetches++
      const log = partitions[partition]
      const batches = log.filter((b) => b.baseOffset + b.lastOffsetDelta >= offset && b.baseOffset < lastStableOffset).slice(0, perFetch)
      const last = batches.at(-1)
      const end = last ? last.baseOffset + last.lastOffsetDelta : offset
      const aborted: AbortedTransaction[] = []
      for (const m of log.filter((b) => markerOf(b)?.type === 'ABORT' && b.baseOffset < lastStableOffset)) {
        const first = log.find((b) => !b.isControl && b.producerId === m.producerId && b.baseOffset < m.baseOffset)!.baseOffset
        if (first <= end && m.baseOffset >= offset) aborted.push({ producerId: m.producerId, firstOffset: first })
      }
      return { errorCode: 0, errorMessage: null, batches, lastStableOffset, abortedTransactions: aborted }
    },
  }
  return source
}
