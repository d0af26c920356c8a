// The Topics views' data: list rows with message counts, the topic actions (create, delete,
// add partitions) and topic configs. Each action refetches the snapshot once it is done so the
// views show its result at once rather than at the next poll.
import { defineStore } from 'pinia'
import { computed, reactive } from 'vue'
import type { RequestOf } from '../../../preload/contract'
import type { ClusterSnapshot } from '../../../main/cluster/cluster'
import type { DescribedConfig } from '../../../main/cluster/config'
import { client } from '../api/client'
import { useClusterStore } from './cluster'
import type { TopicRow } from './clusterStats'

export interface TopicListRow extends TopicRow {
  /** Sum of highWatermark - logStartOffset over the partitions that report both; null when none does. */
  messages: number | null
}

/** Messages per topic, from the partitions whose offsets are known. */
export function messageCounts(snapshot: ClusterSnapshot): Map<string, number | null> {
  const counts = new Map<string, number | null>()
  for (const topic of snapshot.topics) {
    let total: number | null = null
    for (const p of topic.partitions) {
      if (p.highWatermark !== null && p.logStartOffset !== null) total = (total ?? 0) + p.highWatermark - p.logStartOffset
    }
    counts.set(topic.name, total)
  }
  return counts
}

export const useTopicsStore = defineStore('topics', () => {
  const cluster = useClusterStore()
  /** retention.ms by topic, read lazily (config:describeTopic) for the rows on screen; undefined while unread. */
  const retention = reactive(new Map<string, string | null>())
  const reading = new Set<string>()

  const rows = computed<TopicListRow[]>(() => {
    const counts = cluster.snapshot ? messageCounts(cluster.snapshot) : new Map<string, number | null>()
    return cluster.topics.map((row) => ({ ...row, messages: counts.get(row.name) ?? null }))
  })
  const liveBrokers = computed(() => cluster.snapshot?.brokers.filter((b) => b.status === 'running' && !b.fenced).length ?? 0)

  async function create(request: RequestOf<'topic:create'>): Promise<void> {
    await client.call('topic:create', request)
    await cluster.refresh()
  }

  async function remove(name: string): Promise<void> {
    await client.call('topic:delete', { name })
    retention.delete(name)
    await cluster.refresh()
  }

  async function addPartitions(name: string, count: number): Promise<void> {
    await client.call('topic:addPartitions', { name, count })
    await cluster.refresh()
  }

  /** The topic's configs; their retention.ms also refreshes the list's column. */
  async function describe(name: string): Promise<DescribedConfig[]> {
    const configs = await client.call('config:describeTopic', { name })
    retention.set(name, configs.find((c) => c.name === 'retention.ms')?.value ?? null)
    return configs
  }

  /** Reads retention.ms for the named topics not read yet; a failed read shows as unknown. */
  function loadRetention(names: readonly string[]): void {
    for (const name of names) {
      if (retention.has(name) || reading.has(name)) continue
      reading.add(name)
      describe(name)
        .catch(() => retention.set(name, null))
        .finally(() => reading.delete(name))
    }
  }

  return { rows, liveBrokers, retention, create, remove, addPartitions, describe, loadRetention }
})
