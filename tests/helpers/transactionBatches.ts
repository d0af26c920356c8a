// Fetched batches of a transactional log, as the console decodes a Fetch answer: data batches
// (transactional or not) and control batches carrying Kafka's EndTransactionMarker, for tests
// of what the console reads of transactions.
import type { FetchedBatch } from '../../main/console/connections/kafkaConnection'

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
