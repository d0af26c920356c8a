// Committed offsets of the groups of one __consumer_offsets partition (Kafka's
// OffsetMetadataManager): what the log says, applied record by record, and the records that
// commit, delete or expire offsets. Whether a member may commit is the group's business.
//
// Transactional offsets (TxnOffsetCommit, written in a transactional batch of a producer) are
// kept apart, pending per producer id, until that producer's transaction marker reaches the
// partition: COMMIT makes them the group's committed offsets, ABORT drops them. Until then a
// plain OffsetFetch answers the committed offset and one with RequireStable answers
// UNSTABLE_OFFSET_COMMIT for the partition.
import { type CoordinatorRecord, type OffsetCommitValue, offsetCommitRecord } from './coordinatorRecords'

export interface OffsetAndMetadata {
  offset: bigint
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  /** Set by OffsetCommit v2-v4's retention time; otherwise offsets.retention.minutes decides. */
  expireTimestamp: number | null
  /**
   * Where the record that committed it sits in __consumer_offsets (-1: not known). When a
   * transaction commits, its offset replaces a committed one only if written after it, as the
   * log (and a compacted replay of it) would have it.
   */
  recordOffset: number
}

export interface TopicPartitionOffset {
  topic: string
  partition: number
  offset: OffsetAndMetadata
}

/** No producer: an offset committed outside a transaction. */
export const NO_PRODUCER_ID = -1

/** Offsets by group, then topic, then partition. */
class Offsets {
  readonly groups = new Map<string, Map<string, Map<number, OffsetAndMetadata>>>()

  put(group: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    let topics = this.groups.get(group)
    if (!topics) this.groups.set(group, (topics = new Map()))
    let partitions = topics.get(topic)
    if (!partitions) topics.set(topic, (partitions = new Map()))
    partitions.set(partition, offset)
  }

  remove(group: string, topic: string, partition: number): void {
    const topics = this.groups.get(group)
    const partitions = topics?.get(topic)
    if (!topics || !partitions) return
    partitions.delete(partition)
    if (partitions.size === 0) topics.delete(topic)
    if (topics.size === 0) this.groups.delete(group)
  }

  get(group: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition)
  }

  list(group: string): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = []
    for (const [topic, partitions] of this.groups.get(group) ?? []) {
      for (const [partition, offset] of partitions) out.push({ topic, partition, offset })
    }
    return out
  }
}

export class OffsetMetadataManager {
  private readonly offsets = new Offsets()
  /** Offsets of ongoing transactions, by producer id. */
  private readonly pendingTransactionalOffsets = new Map<number, Offsets>()
  /** The producers with pending offsets in each group. */
  private readonly openTransactionsByGroup = new Map<string, Set<number>>()

  /** Applies a record of the log: `producerId` is its batch's when the batch is transactional, else NO_PRODUCER_ID. */
  replay(group: string, topic: string, partition: number, value: OffsetCommitValue | null, producerId = NO_PRODUCER_ID, recordOffset = -1): void {
    if (value === null) return this.remove(group, topic, partition)
    const expire = Number(value.expireTimestamp)
    const offset: OffsetAndMetadata = {
      offset: value.offset,
      leaderEpoch: value.leaderEpoch,
      metadata: value.metadata,
      commitTimestamp: Number(value.commitTimestamp),
      expireTimestamp: expire >= 0 ? expire : null,
      recordOffset,
    }
    if (producerId === NO_PRODUCER_ID) this.put(group, topic, partition, offset)
    else this.putPending(producerId, group, topic, partition, offset)
  }

  put(group: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    this.offsets.put(group, topic, partition, offset)
  }

  /** A transactional offset, written; it waits for its producer's transaction marker. Returns the one it replaced. */
  putPending(producerId: number, group: string, topic: string, partition: number, offset: OffsetAndMetadata): OffsetAndMetadata | undefined {
    let pending = this.pendingTransactionalOffsets.get(producerId)
    if (!pending) this.pendingTransactionalOffsets.set(producerId, (pending = new Offsets()))
    const previous = pending.get(group, topic, partition)
    pending.put(group, topic, partition, offset)
    let open = this.openTransactionsByGroup.get(group)
    if (!open) this.openTransactionsByGroup.set(group, (open = new Set()))
    open.add(producerId)
    return previous
  }

  /** Undoes putPending of a write that failed (back to `previous`), unless something replaced the offset since. */
  revertPending(producerId: number, group: string, topic: string, partition: number, offset: OffsetAndMetadata, previous: OffsetAndMetadata | undefined): void {
    const pending = this.pendingTransactionalOffsets.get(producerId)
    if (!pending || pending.get(group, topic, partition) !== offset) return
    if (previous) return pending.put(group, topic, partition, previous)
    pending.remove(group, topic, partition)
    if (!pending.groups.has(group)) this.closeTransaction(group, producerId)
    if (pending.groups.size === 0) this.pendingTransactionalOffsets.delete(producerId)
  }

  private closeTransaction(group: string, producerId: number): void {
    const open = this.openTransactionsByGroup.get(group)
    open?.delete(producerId)
    if (open?.size === 0) this.openTransactionsByGroup.delete(group)
  }

  /** A tombstone deletes the committed offset and the pending ones of every open transaction of the group. */
  remove(group: string, topic: string, partition: number): void {
    this.offsets.remove(group, topic, partition)
    for (const producerId of this.openTransactionsByGroup.get(group) ?? []) this.pendingTransactionalOffsets.get(producerId)?.remove(group, topic, partition)
  }

  /**
   * The producer's transaction marker reached the partition: on COMMIT its pending offsets
   * become committed (each only if written after the committed one), on ABORT they go.
   */
  replayEndTransactionMarker(producerId: number, committed: boolean): void {
    const pending = this.pendingTransactionalOffsets.get(producerId)
    if (!pending) return
    this.pendingTransactionalOffsets.delete(producerId)
    // Every group the transaction touched, even one whose pending offsets a tombstone took since.
    for (const [group, open] of [...this.openTransactionsByGroup]) if (open.has(producerId)) this.closeTransaction(group, producerId)
    if (!committed) return
    for (const group of pending.groups.keys()) {
      for (const { topic, partition, offset } of pending.list(group)) {
        const existing = this.offsets.get(group, topic, partition)
        if (!existing || offset.recordOffset > existing.recordOffset || offset.recordOffset < 0) this.offsets.put(group, topic, partition, offset)
      }
    }
  }

  get(group: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(group, topic, partition)
  }

  /** The pending offset of one producer's transaction, if any. */
  pendingOffset(producerId: number, group: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.pendingTransactionalOffsets.get(producerId)?.get(group, topic, partition)
  }

  hasPendingTransactionalOffsets(group: string, topic: string, partition: number): boolean {
    for (const producerId of this.openTransactionsByGroup.get(group) ?? []) {
      if (this.pendingTransactionalOffsets.get(producerId)?.get(group, topic, partition)) return true
    }
    return false
  }

  /** Producers whose transactions hold offsets of the group. */
  openTransactions(group: string): number[] {
    return [...(this.openTransactionsByGroup.get(group) ?? [])]
  }

  hasOffsets(group: string): boolean {
    return this.offsets.groups.has(group)
  }

  groupIds(): string[] {
    return [...new Set([...this.offsets.groups.keys(), ...this.openTransactionsByGroup.keys()])]
  }

  /** Every committed offset of the group, topics and partitions in commit order. */
  list(group: string): TopicPartitionOffset[] {
    return this.offsets.list(group)
  }

  static commitRecord(group: string, topic: string, partition: number, o: OffsetAndMetadata): CoordinatorRecord {
    return offsetCommitRecord(group, topic, partition, {
      offset: o.offset,
      leaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      commitTimestamp: BigInt(o.commitTimestamp),
      expireTimestamp: BigInt(o.expireTimestamp ?? -1),
    })
  }

  static tombstone(group: string, topic: string, partition: number): CoordinatorRecord {
    return offsetCommitRecord(group, topic, partition, null)
  }

  /** The partitions whose tombstones DeleteGroups writes: committed ones, then those only pending (one tombstone each). */
  allPartitions(group: string): { topic: string; partition: number }[] {
    const seen = new Set<string>()
    const out: { topic: string; partition: number }[] = []
    const add = (topic: string, partition: number) => {
      const key = `${topic}\u0000${partition}`
      if (!seen.has(key)) out.push({ topic, partition }), seen.add(key)
    }
    for (const { topic, partition } of this.list(group)) add(topic, partition)
    for (const producerId of this.openTransactionsByGroup.get(group) ?? []) {
      for (const { topic, partition } of this.pendingTransactionalOffsets.get(producerId)?.list(group) ?? []) add(topic, partition)
    }
    return out
  }

  /** Tombstones for every offset of the group, committed or pending (DeleteGroups). */
  deleteAllRecords(group: string): CoordinatorRecord[] {
    return this.allPartitions(group).map(({ topic, partition }) => OffsetMetadataManager.tombstone(group, topic, partition))
  }

  /**
   * Kafka 2.1+ expiry (KIP-211): an offset expires at its own expire timestamp if it has one,
   * else `retentionMs` after `base(offset)`; `keep` spares a topic (one the group still consumes),
   * and an offset with a pending transactional one waits for that transaction.
   * Removes what expired and returns the tombstones to write.
   */
  expire(group: string, now: number, retentionMs: number, base: (o: OffsetAndMetadata) => number, keep: (topic: string) => boolean): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = []
    for (const { topic, partition, offset } of this.list(group)) {
      if (keep(topic) || this.hasPendingTransactionalOffsets(group, topic, partition)) continue
      const expired = offset.expireTimestamp !== null ? now >= offset.expireTimestamp : now - base(offset) >= retentionMs
      if (!expired) continue
      this.offsets.remove(group, topic, partition)
      records.push(OffsetMetadataManager.tombstone(group, topic, partition))
    }
    return records
  }
}
