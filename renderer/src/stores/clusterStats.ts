// Pure derivations of a ClusterSnapshot (and of a topic's partitions) that the pages show.
import type { ClusterSnapshot, PartitionSnapshot, TopicSummary } from '../../../preload/contract'

/** Under-replicated: fewer in-sync replicas than assigned ones. */
export const isUnderReplicated = (p: PartitionSnapshot) => p.isr.length < p.replicas.length
/** Offline: no leader at all (-1). */
export const isOffline = (p: PartitionSnapshot) => p.leader === -1

/** A topic list line: the snapshot's summary. */
export type TopicRow = TopicSummary

export interface ClusterStats {
  topics: number
  partitions: number
  underReplicated: number
  offline: number
}

/** The operator's topics by name, Kafka's internal ones last. */
export function topicRows(snapshot: ClusterSnapshot): TopicRow[] {
  return [...snapshot.topics].sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name))
}

export function clusterStats(rows: TopicRow[]): ClusterStats {
  const sum = (pick: (row: TopicRow) => number) => rows.reduce((total, row) => total + pick(row), 0)
  return { topics: rows.length, partitions: sum((r) => r.partitions), underReplicated: sum((r) => r.underReplicated), offline: sum((r) => r.offline) }
}
