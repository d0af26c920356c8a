// Kafka's CleanedTransactionMetadata: what one cleaning pass knows of transactions while it
// reads batches in offset order. The aborted transactions (from the .txnindex of the segments
// read) start when the pass reaches their first offset; a transactional batch of a producer
// with an aborted transaction under way is dropped (and its keys never enter the offset map);
// an ABORT marker stays while the pass saw data of its transaction (that data goes now: the
// index entry is carried into the cleaned segment), a COMMIT marker stays while the pass saw
// data of its transaction. A marker that may go is first stamped with a delete horizon and
// removed by a later round once delete.retention.ms has passed, as tombstones are (KIP-534).
import type { AbortedTxn, TransactionIndex } from '../transactionIndex'
import type { TxnMarker } from '../txnMarker'

interface AbortedTxnMetadata {
  txn: AbortedTxn
  /** The last batch of the transaction this pass saw (and dropped), if any. */
  lastObservedBatchOffset: number | null
}

export class CleanedTransactionMetadata {
  /** Not yet reached, by first offset. */
  private pending: AbortedTxn[] = []
  private readonly known = new Set<string>()
  private readonly ongoingAborted = new Map<number, AbortedTxnMetadata>()
  private readonly ongoingCommitted = new Set<number>()
  /** The cleaned segment being written: aborted transactions whose marker stays are indexed in it. */
  cleanedIndex: TransactionIndex | null = null

  addAbortedTransactions(txns: readonly AbortedTxn[]): void {
    for (const txn of txns) {
      const key = `${txn.producerId}:${txn.firstOffset}`
      if (this.known.has(key)) continue
      this.known.add(key)
      this.pending.push(txn)
    }
    this.pending.sort((a, b) => a.firstOffset - b.firstOffset)
  }

  private consumeAbortedTxnsUpTo(offset: number): void {
    while (this.pending.length > 0 && this.pending[0].firstOffset <= offset) {
      const txn = this.pending.shift()!
      if (!this.ongoingAborted.has(txn.producerId)) this.ongoingAborted.set(txn.producerId, { txn, lastObservedBatchOffset: null })
    }
  }

  /** A data batch: true when it belongs to an aborted transaction and goes. */
  onBatchRead(batch: { lastOffset: number; producerId: number; isTransactional: boolean }): boolean {
    this.consumeAbortedTxnsUpTo(batch.lastOffset)
    if (!batch.isTransactional) return false
    const aborted = this.ongoingAborted.get(batch.producerId)
    if (aborted) {
      aborted.lastObservedBatchOffset = batch.lastOffset
      return true
    }
    this.ongoingCommitted.add(batch.producerId)
    return false
  }

  /** A control batch: true when its marker may go (once its delete horizon has passed). */
  onControlBatchRead(batch: { lastOffset: number; producerId: number; marker?: TxnMarker | null }): boolean {
    this.consumeAbortedTxnsUpTo(batch.lastOffset)
    if (!batch.marker) return false
    if (!batch.marker.committed) {
      const aborted = this.ongoingAborted.get(batch.producerId)
      this.ongoingAborted.delete(batch.producerId)
      if (aborted && aborted.lastObservedBatchOffset !== null) {
        // Retain the marker until all batches from the transaction have been removed.
        this.cleanedIndex?.append(aborted.txn)
        return false
      }
      return true
    }
    return !this.ongoingCommitted.delete(batch.producerId)
  }
}
