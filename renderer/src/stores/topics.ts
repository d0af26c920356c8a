// The Topics views' data: list rows with message counts, the topic actions (create, delete,
// add partitions, reassign replicas) and topic configs. Each action refetches the snapshot once it is done so the
// views show its result at once rather than at the next poll.
import { defineStore } from 'pinia'
import { computed, reactive } from 'vue'
import type { DescribedConfig, ElectionResult, GroupSnapshot, PurgeResult, RequestOf } from '../../../preload/contract'
import { client } from '../api/client'
import { useClusterStore } from './cluster'
import type { TopicRow } from './clusterStats'
import { useGroupsStore } from './groups'
import { useTrafficStore } from './traffic'

export interface TopicListRow extends TopicRow {
  /** The consumer groups with committed offsets on the topic. */
  groups: string[]
  /** Their lag on it, summed; null when no group consumes it. */
  lag: number | null
  /** Messages in per second, from the growth of its end offsets; null before two snapshots. */
  inRate: number | null
}

export function consumersByTopic(groups: readonly GroupSnapshot[]): Map<string, { groups: string[]; lag: number }> {
  const byTopic = new Map<string, { groups: string[]; lag: number }>()
  for (const group of groups) {
    for (const p of group.partitions) {
      if (p.status === 'topic-deleted') continue
      let entry = byTopic.get(p.topic)
      if (!entry) byTopic.set(p.topic, (entry = { groups: [], lag: 0 }))
      if (!entry.groups.includes(group.groupId)) entry.groups.push(group.groupId)
      entry.lag += p.lag ?? 0
    }
  }
  return byTopic
}

export const useTopicsStore = defineStore('topics', () => {
  const cluster = useClusterStore()
  /** retention.ms by topic, read lazily (config:describeTopic) for the rows on screen; undefined while unread. */
  const retention = reactive(new Map<string, string | null>())
  const reading = new Set<string>()

  const groups = useGroupsStore()
  /** Each topic's list line, with the groups that commit offsets for it and their lag. */
  const traffic = useTrafficStore()
  const rows = computed<TopicListRow[]>(() => {
    const consumers = consumersByTopic(groups.groups)
    const rates = traffic.byTopic
    return cluster.topics.map((row) => ({ ...row, groups: consumers.get(row.name)?.groups ?? [], lag: consumers.get(row.name)?.lag ?? null, inRate: rates.get(row.name) ?? null }))
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

  /** Partition reassignment (topic:reassign): target replicas per partition, null to cancel one in progress. */
  async function reassign(name: string, partitions: RequestOf<'topic:reassign'>['partitions']): Promise<void> {
    await client.call('topic:reassign', { name, partitions })
    await cluster.refresh()
  }

  /** Preferred leader election of one topic, or of every partition of the cluster. */
  async function electLeaders(name?: string): Promise<ElectionResult[]> {
    const results = await client.call('cluster:electLeaders', name === undefined ? {} : { topic: name })
    await cluster.refresh()
    return results
  }

  /** DeleteRecords below `offset` (all records without one), of one partition or all. */
  async function purge(name: string, partition?: number, offset?: number): Promise<PurgeResult[]> {
    const results = await client.call('topic:purge', { name, ...(partition !== undefined && { partition }), ...(offset !== undefined && { offset }) })
    await cluster.refresh()
    return results
  }

  /** The topic's configs; their retention.ms also refreshes the list's column. */
  async function describe(name: string): Promise<DescribedConfig[]> {
    const configs = await client.call('config:describeTopic', { name })
    retention.set(name, configs.find((c) => c.name === 'retention.ms')?.value ?? null)
    return configs
  }

  /** Reads retention.ms for the named topics not read yet; a failed read shows as unknown. */
  function loadRetention(names: readonly string[]): void {
    // retention.ms is a topic config: a cluster without DescribeConfigs shows none, unasked.
    if (cluster.unsupportedFor('config:describeTopic').length) return
    for (const name of names) {
      if (retention.has(name) || reading.has(name)) continue
      reading.add(name)
      describe(name)
        .catch(() => retention.set(name, null))
        .finally(() => reading.delete(name))
    }
  }

  return { rows, refreshGroups: groups.refresh, liveBrokers, retention, create, remove, addPartitions, reassign, electLeaders, purge, describe, loadRetention }
})
