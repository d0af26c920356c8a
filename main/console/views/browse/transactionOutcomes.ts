// What the message browser knows of transactions in fetched batches: each control batch's
// marker (COMMIT or ABORT, Kafka's EndTransactionMarker: key version and type, value version
// and coordinator epoch), and for each transactional data batch whether its transaction
// committed, aborted or is still open. A batch's own marker, when it was fetched too, decides;
// below the last stable offset, the aborted transactions a read_committed Fetch lists decide,
// as Kafka's consumer skips them (a producer's records are aborted from the listed first
// offset until that producer's ABORT marker); at or above the LSO it is undecided ("open").
import type { AbortedTransaction, FetchedBatch } from '../../connections/kafkaConnection'

export type TransactionOutcome = 'committed' | 'aborted' | 'open'

export interface TransactionMarker {
  type: 'COMMIT' | 'ABORT'
  producerId: number
  producerEpoch: number
  coordinatorEpoch: number
}

/** The marker a control batch carries; null for a control record of a type Kafka has not defined. */
export function markerOf(batch: FetchedBatch): TransactionMarker | null {
  const key = batch.records[0]?.key
  if (!batch.isControl || !key || key.length < 4) return null
  const type = key.readInt16BE(2)
  if (type !== 0 && type !== 1) return null
  const value = batch.records[0].value
  const coordinatorEpoch = value && value.length >= 6 ? value.readInt32BE(2) : -1
  return { type: type === 1 ? 'COMMIT' : 'ABORT', producerId: batch.producerId, producerEpoch: batch.producerEpoch, coordinatorEpoch }
}

const lastOffsetOf = (b: FetchedBatch) => b.baseOffset + b.lastOffsetDelta

/** Whether some transactional data batch below the LSO has no marker among the batches: only a read_committed Fetch's aborted list can tell its outcome. */
export function needsAbortedList(batches: FetchedBatch[], lastStableOffset: number): boolean {
  const decided = new Set<number>()
  for (let i = batches.length - 1; i >= 0; i--) {
    const b = batches[i]
    if (b.isControl) decided.add(b.producerId)
    else if (b.isTransactional && !decided.has(b.producerId) && lastOffsetOf(b) < lastStableOffset) return true
  }
  return false
}

/**
 * The outcome of each transactional data batch, by base offset. `aborted` is a read_committed
 * Fetch's list for the same range (null when not asked: batches below the LSO without their
 * marker are then taken for committed only if no list could say otherwise, so ask for it).
 */
export function transactionOutcomes(batches: FetchedBatch[], aborted: AbortedTransaction[] | null, lastStableOffset: number): Map<number, TransactionOutcome> {
  // Forwards, as Kafka's consumer: producers inside an aborted transaction.
  const abortedFrom = [...(aborted ?? [])].sort((a, b) => a.firstOffset - b.firstOffset)
  const inAborted = new Set<number>()
  const byList = new Map<number, boolean>()
  let next = 0
  for (const b of batches) {
    while (next < abortedFrom.length && abortedFrom[next].firstOffset <= lastOffsetOf(b)) inAborted.add(abortedFrom[next++].producerId)
    if (b.isControl) {
      if (markerOf(b)?.type === 'ABORT') inAborted.delete(b.producerId)
    } else if (b.isTransactional) byList.set(b.baseOffset, inAborted.has(b.producerId))
  }
  // Backwards: each producer's next marker.
  const nextMarker = new Map<number, TransactionMarker['type']>()
  const outcomes = new Map<number, TransactionOutcome>()
  for (let i = batches.length - 1; i >= 0; i--) {
    const b = batches[i]
    const marker = b.isControl ? markerOf(b) : null
    if (marker) nextMarker.set(b.producerId, marker.type)
    if (b.isControl || !b.isTransactional) continue
    const seen = nextMarker.get(b.producerId)
    if (seen) outcomes.set(b.baseOffset, seen === 'COMMIT' ? 'committed' : 'aborted')
    else if (lastOffsetOf(b) < lastStableOffset) outcomes.set(b.baseOffset, byList.get(b.baseOffset) ? 'aborted' : 'committed')
    else outcomes.set(b.baseOffset, 'open')
  }
  return outcomes
}
