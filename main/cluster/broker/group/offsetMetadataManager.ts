// Committed offsets of the groups of one __consumer_offsets partition (Kafka's
// OffsetMetadataManager): what the log says, applied record by record, and the records that
// commit, delete or expire offsets. Whether a member may commit is the group's business.
import { type CoordinatorRecord, type OffsetCommitValue, offsetCommitRecord } from './coordinatorRecords'

export interface OffsetAndMetadata {
  offset: bigint
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  /** Set by OffsetCommit v2-v4's retention time; otherwise offsets.retention.minutes decides. */
  expireTimestamp: number | null
}

export interface TopicPartitionOffset {
  topic: string
  partition: number
  offset: OffsetAndMetadata
}

/** Offsets by group, then topic, then partition. */
export class OffsetMetadataManager {
  private readonly groups = new Map<string, Map<string, Map<number, OffsetAndMetadata>>>()

  replay(group: string, topic: string, partition: number, value: OffsetCommitValue | null): void {
    if (value === null) return this.remove(group, topic, partition)
    const expire = Number(value.expireTimestamp)
    this.put(group, topic, partition, {
      offset: value.offset,
      leaderEpoch: value.leaderEpoch,
      metadata: value.metadata,
      commitTimestamp: Number(value.commitTimestamp),
      expireTimestamp: expire >= 0 ? expire : null,
    })
  }

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

  hasOffsets(group: string): boolean {
    return this.groups.has(group)
  }

  groupIds(): string[] {
    return [...this.groups.keys()]
  }

  /** Every committed offset of the group, topics and partitions in commit order. */
  list(group: string): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = []
    for (const [topic, partitions] of this.groups.get(group) ?? []) {
      for (const [partition, offset] of partitions) out.push({ topic, partition, offset })
    }
    return out
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

  /** Tombstones for every offset of the group (DeleteGroups). */
  deleteAllRecords(group: string): CoordinatorRecord[] {
    return this.list(group).map(({ topic, partition }) => OffsetMetadataManager.tombstone(group, topic, partition))
  }

  /**
   * Kafka 2.1+ expiry (KIP-211): an offset expires at its own expire timestamp if it has one,
   * else `retentionMs` after `base(offset)`; `keep` spares a topic (one the group still consumes).
   * Removes what expired and returns the tombstones to write.
   */
  expire(group: string, now: number, retentionMs: number, base: (o: OffsetAndMetadata) => number, keep: (topic: string) => boolean): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = []
    for (const { topic, partition, offset } of this.list(group)) {
      if (keep(topic)) continue
      const expired = offset.expireTimestamp !== null ? now >= offset.expireTimestamp : now - base(offset) >= retentionMs
      if (!expired) continue
      this.remove(group, topic, partition)
      records.push(OffsetMetadataManager.tombstone(group, topic, partition))
    }
    return records
  }
}
