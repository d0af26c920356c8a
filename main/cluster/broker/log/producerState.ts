// Kafka's ProducerStateManager: the state of each idempotent producer of one partition. A
// leader checks a produced batch against it (ProducerAppendInfo's checks); every append, leader
// or follower, updates it; it is snapshotted at segment roll and clean shutdown and rebuilt from
// the latest snapshot plus the batch headers after it. Transactions: a transactional batch
// starts its producer's ongoing transaction (currentTxnFirstOffset), a COMMIT or ABORT control
// batch completes it; the ongoing transactions, and the completed ones whose marker is not yet
// below the high watermark, give the partition's first unstable offset (hence its LSO).
import { KafkaError } from '../../errors'
import { CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from '../../protocol/batchHeader'
import type { ProducerSnapshotStore } from './checkpoints'
import type { BatchInfo } from './segment'
import type { TxnMarker } from './txnMarker'
import {
  type BatchMetadata,
  NO_PRODUCER_EPOCH,
  ProducerStateEntry,
  inSequence,
  incrementSequence,
} from './producerStateEntry'

/** Kafka's producer.id.expiration.ms default (1 day); LogConfig does not carry it yet. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000
/** v2 adds each producer's coordinator epoch and ongoing transaction; v1 snapshots still load. */
const SNAPSHOT_VERSION = 2

interface Snapshot {
  version: number
  producers: Array<{
    producerId: number
    producerEpoch: number
    lastTimestamp: number
    batches: BatchMetadata[]
    coordinatorEpoch?: number
    currentTxnFirstOffset?: number
  }>
}

/** A transaction a marker completed (Kafka's CompletedTxn): from its first offset to the marker's. */
export interface CompletedTxn {
  producerId: number
  firstOffset: number
  /** The marker's offset. */
  lastOffset: number
  isAborted: boolean
  /** Kafka's lastStableOffset(completedTxn): the LSO once this transaction is complete. */
  lastStableOffset: number
}

/** An open transaction of one producer in this partition (Kafka's TxnMetadata). */
export interface OngoingTxn {
  producerId: number
  firstOffset: number
}

function lastSequenceOf(batch: BatchInfo): number {
  return incrementSequence(batch.baseSequence, batch.lastOffset - batch.baseOffset)
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>()
  /** Ongoing transactions by first offset (Kafka's ongoingTxns). */
  private readonly ongoingTxns = new Map<number, OngoingTxn>()
  /** Completed transactions whose marker is not yet below the high watermark (Kafka's unreplicatedTxns). */
  private readonly unreplicatedTxns = new Map<number, CompletedTxn>()
  /** The offset up to which the state covers the log (Kafka's lastMapOffset). */
  mapEndOffset = 0
  private snapshotOffsets: number[]

  constructor(
    private readonly topicPartition: string,
    private readonly snapshots: ProducerSnapshotStore,
    private readonly producerIdExpirationMs = DEFAULT_PRODUCER_ID_EXPIRATION_MS,
  ) {
    this.snapshotOffsets = snapshots.offsets()
  }

  get activeProducers(): ReadonlyMap<number, ProducerStateEntry> {
    return this.producers
  }

  lastEntry(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId)
  }

  /**
   * A leader's checks of a produce before anything is stamped: returns the cached metadata of
   * the batch this one retries (nothing must be written then), or null; throws on a fenced
   * epoch or a sequence gap. `nextOffset` only names the offset in error messages.
   */
  analyzeLeaderAppend(batches: readonly BatchInfo[], nextOffset: number): BatchMetadata | null {
    for (const batch of batches) {
      if (batch.producerId < 0) continue
      if (batches.length > 1) {
        // Kafka refuses these in ProduceRequest (v3+): a retry is recognised only as a whole request.
        throw new KafkaError(
          'INVALID_RECORD',
          `A produce request with batches of producer ${batch.producerId} must hold exactly one record batch for ${this.topicPartition}, not ${batches.length}`,
        )
      }
      const entry = this.producers.get(batch.producerId)
      const duplicate = entry?.findDuplicateBatch(batch.producerEpoch, batch.baseSequence, lastSequenceOf(batch))
      if (duplicate) return duplicate
      this.checkProducerEpoch(entry, batch, nextOffset)
      this.checkSequence(entry, batch, nextOffset)
      if (entry && entry.currentTxnFirstOffset >= 0 && !(batch.attributes & TRANSACTIONAL_FLAG_MASK)) {
        // Kafka's appendDataBatch: a non-transactional write while the producer's transaction is open.
        throw new KafkaError('INVALID_TXN_STATE', `Expected transactional write from producer ${batch.producerId} at offset ${nextOffset} in partition ${this.topicPartition}`)
      }
    }
    return null
  }

  private checkProducerEpoch(entry: ProducerStateEntry | undefined, batch: BatchInfo, offset: number): void {
    const current = entry?.producerEpoch ?? NO_PRODUCER_EPOCH
    if (batch.producerEpoch >= current) return
    // Kafka answers a produce with INVALID_PRODUCER_EPOCH, never PRODUCER_FENCED (KAFKA-10687).
    throw new KafkaError(
      'INVALID_PRODUCER_EPOCH',
      `Epoch of producer ${batch.producerId} at offset ${offset} in ${this.topicPartition} is ${batch.producerEpoch}, older than its current epoch ${current}`,
    )
  }

  private checkSequence(entry: ProducerStateEntry | undefined, batch: BatchInfo, offset: number): void {
    // An unknown producer (never seen, or expired) may continue at any sequence (KIP-360).
    if (!entry || entry.producerEpoch === NO_PRODUCER_EPOCH) return
    const received = batch.baseSequence
    if (batch.producerEpoch !== entry.producerEpoch) {
      if (received === 0) return
      throw new KafkaError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Invalid sequence number for new epoch ${batch.producerEpoch} of producer ${batch.producerId} at offset ${offset} in ${this.topicPartition}: expected sequence 0, received ${received} (current epoch ${entry.producerEpoch})`,
      )
    }
    if (inSequence(entry.lastSeq, received)) return
    throw new KafkaError(
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      `Out of order sequence number for producer ${batch.producerId} at offset ${offset} in ${this.topicPartition}: expected sequence ${incrementSequence(entry.lastSeq, 1)}, received ${received}`,
    )
  }

  /**
   * A leader's checks of a transaction marker (Kafka's appendEndTxnMarker checks): an epoch
   * older than the producer's is INVALID_PRODUCER_EPOCH, a coordinator epoch older than the
   * last marker's is TRANSACTION_COORDINATOR_FENCED. A transaction version 2 marker carries the
   * epoch the coordinator bumped past the transaction's, so it must be newer than the
   * producer's; the same epoch is only a retry of a marker already written (no transaction
   * open, or the last epoch of the producer id), written again as Kafka 4.4 does.
   */
  checkMarker(producerId: number, producerEpoch: number, coordinatorEpoch: number, offset: number, transactionVersion = 0): void {
    const entry = this.producers.get(producerId)
    if (!entry) return
    const bumped = transactionVersion >= 2
    const retry = bumped && producerEpoch === entry.producerEpoch && (entry.currentTxnFirstOffset < 0 || producerEpoch === 32767)
    if (bumped ? producerEpoch <= entry.producerEpoch && !retry : producerEpoch < entry.producerEpoch) {
      throw new KafkaError(
        'INVALID_PRODUCER_EPOCH',
        `Transaction marker of producer ${producerId} at offset ${offset} in ${this.topicPartition} has epoch ${producerEpoch}, ${bumped ? 'not newer than' : 'older than'} the producer's current epoch ${entry.producerEpoch}`,
      )
    }
    if (coordinatorEpoch < entry.coordinatorEpoch) {
      throw new KafkaError(
        'TRANSACTION_COORDINATOR_FENCED',
        `Transaction marker of producer ${producerId} at offset ${offset} in ${this.topicPartition} has coordinator epoch ${coordinatorEpoch}, older than the last marker's ${entry.coordinatorEpoch}`,
      )
    }
  }

  /**
   * Records appended batches (offsets assigned), unchecked: leader, follower and replay alike.
   * Returns the transactions their markers completed, in log order.
   */
  update(batches: Iterable<BatchInfo>, mapEndOffset: number): CompletedTxn[] {
    const completed: CompletedTxn[] = []
    for (const batch of batches) {
      if (batch.producerId < 0) continue
      const txn = this.append(batch)
      if (txn) completed.push(txn)
    }
    this.mapEndOffset = mapEndOffset
    return completed
  }

  private append(batch: BatchInfo): CompletedTxn | null {
    let entry = this.producers.get(batch.producerId)
    if (!entry) {
      entry = new ProducerStateEntry(batch.producerId)
      this.producers.set(batch.producerId, entry)
    }
    if (batch.attributes & CONTROL_FLAG_MASK) {
      // A transaction marker carries the producer's epoch but no sequence.
      entry.maybeUpdateProducerEpoch(batch.producerEpoch)
      entry.lastTimestamp = batch.maxTimestamp
      return batch.marker ? this.completeTxn(entry, batch.baseOffset, batch.marker) : null
    }
    if (batch.attributes & TRANSACTIONAL_FLAG_MASK && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = batch.baseOffset
      this.ongoingTxns.set(batch.baseOffset, { producerId: batch.producerId, firstOffset: batch.baseOffset })
    }
    entry.addBatch(batch.producerEpoch, {
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch),
      firstOffset: batch.baseOffset,
      lastOffset: batch.lastOffset,
      timestamp: batch.maxTimestamp,
    })
    return null
  }

  /**
   * A marker ends the producer's transaction here. Only a transaction with data in this
   * partition is reported: an empty one does not affect the LSO or the index (as Kafka).
   */
  private completeTxn(entry: ProducerStateEntry, markerOffset: number, marker: TxnMarker): CompletedTxn | null {
    entry.coordinatorEpoch = marker.coordinatorEpoch
    const firstOffset = entry.currentTxnFirstOffset
    if (firstOffset < 0) return null
    entry.currentTxnFirstOffset = -1
    this.ongoingTxns.delete(firstOffset)
    const txn: CompletedTxn = {
      producerId: entry.producerId,
      firstOffset,
      lastOffset: markerOffset,
      isAborted: !marker.committed,
      lastStableOffset: this.firstOngoingOffset() ?? markerOffset + 1,
    }
    this.unreplicatedTxns.set(firstOffset, txn)
    return txn
  }

  private firstOngoingOffset(): number | null {
    let first: number | null = null
    for (const offset of this.ongoingTxns.keys()) if (first === null || offset < first) first = offset
    return first
  }

  /** The ongoing transactions, oldest first. */
  get ongoingTransactions(): OngoingTxn[] {
    return [...this.ongoingTxns.values()].sort((a, b) => a.firstOffset - b.firstOffset)
  }

  /**
   * Kafka's firstUnstableOffset: the first offset of the earliest transaction that is ongoing,
   * or complete but with its marker not yet below the high watermark; null when none.
   */
  firstUnstableOffset(): number | null {
    let first = this.firstOngoingOffset()
    for (const offset of this.unreplicatedTxns.keys()) if (first === null || offset < first) first = offset
    return first
  }

  /** Kafka's onHighWatermarkUpdated: completed transactions whose marker is below it are stable. */
  onHighWatermarkUpdated(highWatermark: number): void {
    for (const [offset, txn] of this.unreplicatedTxns) if (txn.lastOffset < highWatermark) this.unreplicatedTxns.delete(offset)
  }

  /** Kafka's removeExpiredProducers: producers idle for producer.id.expiration.ms are forgotten. */
  removeExpiredProducers(now: number): number {
    let removed = 0
    for (const [producerId, entry] of this.producers) {
      if (this.isExpired(entry, now)) {
        this.producers.delete(producerId)
        removed++
      }
    }
    return removed
  }

  /** A producer with an ongoing transaction never expires (Kafka's isProducerExpired). */
  private isExpired(entry: { lastTimestamp: number; currentTxnFirstOffset?: number }, now: number): boolean {
    if ((entry.currentTxnFirstOffset ?? -1) >= 0) return false
    return now - entry.lastTimestamp >= this.producerIdExpirationMs
  }

  /** Snapshots the state at mapEndOffset, unless one exists there already. */
  takeSnapshot(): void {
    if (this.snapshotOffsets.includes(this.mapEndOffset)) return
    const snapshot: Snapshot = {
      version: SNAPSHOT_VERSION,
      producers: [...this.producers.values()].map((e) => ({
        producerId: e.producerId,
        producerEpoch: e.producerEpoch,
        lastTimestamp: e.lastTimestamp,
        batches: e.batchMetadata,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnFirstOffset: e.currentTxnFirstOffset,
      })),
    }
    this.snapshots.write(this.mapEndOffset, JSON.stringify(snapshot))
    this.snapshotOffsets = [...this.snapshotOffsets, this.mapEndOffset].sort((a, b) => a - b)
  }

  /**
   * Kafka's truncateAndReload: drops snapshots outside [firstOffset, logEndOffset], loads the
   * latest remaining one (or starts empty at firstOffset), and returns mapEndOffset, from where
   * the caller replays the log's batches up to logEndOffset.
   */
  truncateAndReload(firstOffset: number, logEndOffset: number, now: number): number {
    for (const offset of this.snapshotOffsets) if (offset < firstOffset || offset > logEndOffset) this.deleteSnapshot(offset)
    this.clear()
    this.mapEndOffset = firstOffset
    for (let offset = this.snapshotOffsets.at(-1); offset !== undefined; offset = this.snapshotOffsets.at(-1)) {
      const snapshot = this.readSnapshot(offset)
      if (snapshot) {
        for (const p of snapshot.producers) {
          if (this.isExpired(p, now)) continue
          const firstOffset = p.currentTxnFirstOffset ?? -1
          this.producers.set(p.producerId, new ProducerStateEntry(p.producerId, p.producerEpoch, p.lastTimestamp, p.batches, p.coordinatorEpoch ?? -1, firstOffset))
          if (firstOffset >= 0) this.ongoingTxns.set(firstOffset, { producerId: p.producerId, firstOffset })
        }
        this.mapEndOffset = offset
        break
      }
      this.deleteSnapshot(offset)
    }
    return this.mapEndOffset
  }

  private readSnapshot(offset: number): Snapshot | null {
    try {
      const snapshot = JSON.parse(this.snapshots.read(offset) ?? 'null') as Snapshot | null
      return (snapshot?.version === 1 || snapshot?.version === SNAPSHOT_VERSION) && Array.isArray(snapshot.producers) ? snapshot : null
    } catch {
      return null
    }
  }

  /**
   * Kafka's removeStraySnapshots: keeps the snapshots at segment base offsets, where replay of a
   * segment starts, and the latest one (a clean shutdown's); the rest would only accumulate.
   */
  removeStraySnapshots(segmentBaseOffsets: readonly number[]): void {
    const latest = this.snapshotOffsets.at(-1)
    const bases = new Set(segmentBaseOffsets)
    for (const offset of this.snapshotOffsets) if (offset !== latest && !bases.has(offset)) this.deleteSnapshot(offset)
  }

  /** After segments below `offset` were deleted: their snapshots can never be replayed from. */
  deleteSnapshotsBefore(offset: number): void {
    for (const s of this.snapshotOffsets) if (s < offset) this.deleteSnapshot(s)
  }

  private clear(): void {
    this.producers.clear()
    this.ongoingTxns.clear()
    this.unreplicatedTxns.clear()
  }

  truncateFullyAndStartAt(offset: number): void {
    this.clear()
    for (const s of this.snapshotOffsets) this.deleteSnapshot(s)
    this.mapEndOffset = offset
  }

  private deleteSnapshot(offset: number): void {
    this.snapshots.delete(offset)
    this.snapshotOffsets = this.snapshotOffsets.filter((o) => o !== offset)
  }
}
