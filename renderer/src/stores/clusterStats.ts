// Pure derivations of a ClusterSnapshot that the overview shows.
import type { ClusterSnapshot, PartitionSnapshot } from '../../../main/cluster/cluster'

/** Under-replicated: fewer in-sync replicas than assigned ones. */
export const isUnderReplicated = (p: PartitionSnapshot) => p.isr.length < p.replicas.length
/** Offline: no leader at all (-1). */
export const isOffline = (p: PartitionSnapshot) => p.leader === -1

export interface TopicRow {
  name: string
  partitions: number
  replicationFactor: number
  underReplicated: number
  offline: number
  /** Kafka's own topics (__consumer_offsets) */
  internal: boolean
}

export interface ClusterStats {
  topics: number
  partitions: number
  underReplicated: number
  offline: number
}

export function topicRows(snapshot: ClusterSnapshot): TopicRow[] {
  return snapshot.topics
    .map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
      underReplicated: topic.partitions.filter(isUnderReplicated).length,
      offline: topic.partitions.filter(isOffline).length,
      internal: topic.name.startsWith('__'),
    }))
    .sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name))
}

export function clusterStats(rows: TopicRow[]): ClusterStats {
  const sum = (pick: (row: TopicRow) => number) => rows.reduce((total, row) => total + pick(row), 0)
  return { topics: rows.length, partitions: sum((r) => r.partitions), underReplicated: sum((r) => r.underReplicated), offline: sum((r) => r.offline) }
}
