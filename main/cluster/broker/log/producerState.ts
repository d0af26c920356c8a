// Kafka's ProducerStateManager: the state of each idempotent producer of one partition. A
// leader checks a produced batch against it (ProducerAppendInfo's checks); every append, leader
// or follower, updates it; it is snapshotted at segment roll and clean shutdown and rebuilt from
// the latest snapshot plus the batch headers after it. Transactions are not tracked yet:
// transactional batches are kept as written and count as idempotent ones.
import { KafkaError } from '../../errors'
import { CONTROL_FLAG_MASK } from '../../protocol/batchHeader'
import type { ProducerSnapshotStore } from './checkpoints'
import type { BatchInfo } from './segment'
import {
  type BatchMetadata,
  NO_PRODUCER_EPOCH,
  ProducerStateEntry,
  inSequence,
  incrementSequence,
} from './producerStateEntry'

/** Kafka's producer.id.expiration.ms default (1 day); LogConfig does not carry it yet. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000
const SNAPSHOT_VERSION = 1

interface Snapshot {
  version: number
  producers: Array<{ producerId: number; producerEpoch: number; lastTimestamp: number; batches: BatchMetadata[] }>
}

function lastSequenceOf(batch: BatchInfo): number {
  return incrementSequence(batch.baseSequence, batch.lastOffset - batch.baseOffset)
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>()
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

  /** Records appended batches (offsets assigned), unchecked: leader, follower and replay alike. */
  update(batches: Iterable<BatchInfo>, mapEndOffset: number): void {
    for (const batch of batches) if (batch.producerId >= 0) this.append(batch)
    this.mapEndOffset = mapEndOffset
  }

  private append(batch: BatchInfo): void {
    let entry = this.producers.get(batch.producerId)
    if (!entry) {
      entry = new ProducerStateEntry(batch.producerId)
      this.producers.set(batch.producerId, entry)
    }
    if (batch.attributes & CONTROL_FLAG_MASK) {
      // A transaction marker carries the producer's epoch but no sequence.
      entry.maybeUpdateProducerEpoch(batch.producerEpoch)
      entry.lastTimestamp = batch.maxTimestamp
      return
    }
    entry.addBatch(batch.producerEpoch, {
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch),
      firstOffset: batch.baseOffset,
      lastOffset: batch.lastOffset,
      timestamp: batch.maxTimestamp,
    })
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

  private isExpired(entry: { lastTimestamp: number }, now: number): boolean {
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
    this.producers.clear()
    this.mapEndOffset = firstOffset
    for (let offset = this.snapshotOffsets.at(-1); offset !== undefined; offset = this.snapshotOffsets.at(-1)) {
      const snapshot = this.readSnapshot(offset)
      if (snapshot) {
        for (const p of snapshot.producers) {
          if (!this.isExpired(p, now)) this.producers.set(p.producerId, new ProducerStateEntry(p.producerId, p.producerEpoch, p.lastTimestamp, p.batches))
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
      return snapshot?.version === SNAPSHOT_VERSION && Array.isArray(snapshot.producers) ? snapshot : null
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

  truncateFullyAndStartAt(offset: number): void {
    this.producers.clear()
    for (const s of this.snapshotOffsets) this.deleteSnapshot(s)
    this.mapEndOffset = offset
  }

  private deleteSnapshot(offset: number): void {
    this.snapshots.delete(offset)
    this.snapshotOffsets = this.snapshotOffsets.filter((o) => o !== offset)
  }
}
