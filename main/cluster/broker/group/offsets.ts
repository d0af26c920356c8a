// The offsets of one __consumer_offsets partition's groups as plain data: by group, then
// topic, then partition. The OffsetMetadataManager keeps one of these for committed offsets
// and one per producer for the offsets of its ongoing transaction.
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
export class Offsets {
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
