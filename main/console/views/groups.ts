// The console's view of consumer groups, built on the host from what the coordinators report:
// each group with its members and assignments, and per partition the committed offset, the
// log end offset and the lag; lag history for charts; offset resets (with a dry run) and
// group deletion, both through the group's coordinator.
import { ErrorCode, errorName, KafkaError, kafkaErrorFor } from '../../cluster/errors'
import { OffsetSpec } from '../../cluster/broker/api'
import { partitionFor, type GroupView } from '../../cluster/broker/group'
import { OFFSETS_TOPIC } from '../../cluster/broker/coordinatorRuntime'
import type { Cluster } from '../../cluster/cluster'
import type { GroupPartitionLag, GroupSnapshot, LagPoint, ResetPlanEntry, ResetTarget } from '../../../preload/contract'

/** Lag history: a point every 5 seconds, an hour of them kept per group. */
const LAG_SAMPLE_MS = 5000
const LAG_HISTORY_POINTS = 720

/** What the group view needs of the cluster. */
export interface GroupSource {
  coordinatorGroups(): Promise<Array<{ coordinator: number; groups: GroupView[] }>>
  listOffset(topic: string, partition: number, spec: number): Promise<number>
  partitionCount(topic: string): number
  topicExists(topic: string): boolean
}

/**
 * One partition of a group: its committed offset and lag, or, for an assigned partition with
 * no commit yet, the lag from the log start (all a consumer starting from the earliest offset
 * has to read); a committed offset on a topic that no longer exists has no lag.
 */
async function partitionLag(source: GroupSource, topic: string, partition: number, committed: number | null): Promise<GroupPartitionLag> {
  if (!source.topicExists(topic)) return { topic, partition, status: 'topic-deleted', committedOffset: committed, logStartOffset: null, logEndOffset: null, lag: null }
  const logEndOffset = await source.listOffset(topic, partition, OffsetSpec.LATEST).catch(() => null)
  if (committed !== null) {
    return { topic, partition, status: 'committed', committedOffset: committed, logStartOffset: null, logEndOffset, lag: logEndOffset === null ? null : Math.max(0, logEndOffset - committed) }
  }
  const logStartOffset = await source.listOffset(topic, partition, OffsetSpec.EARLIEST).catch(() => null)
  const lag = logEndOffset === null || logStartOffset === null ? null : Math.max(0, logEndOffset - logStartOffset)
  return { topic, partition, status: 'no-commit', committedOffset: null, logStartOffset, logEndOffset, lag }
}

export async function groupSnapshots(source: GroupSource): Promise<GroupSnapshot[]> {
  const out: GroupSnapshot[] = []
  for (const { coordinator, groups } of await source.coordinatorGroups()) {
    for (const g of groups) {
      // Every partition with a commit, and every partition a member is assigned, committed or not.
      const committed = new Map<string, { topic: string; partition: number; offset: number | null }>()
      for (const o of g.offsets) committed.set(`${o.topic}\0${o.partition}`, { topic: o.topic, partition: o.partition, offset: Number(o.offset) })
      for (const m of g.members) {
        for (const a of m.assignment ?? []) {
          for (const partition of a.partitions) {
            const key = `${a.topic}\0${partition}`
            if (!committed.has(key)) committed.set(key, { topic: a.topic, partition, offset: null })
          }
        }
      }
      const partitions = await Promise.all([...committed.values()].map((p) => partitionLag(source, p.topic, p.partition, p.offset)))
      partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
      out.push({
        groupId: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        protocol: g.protocol,
        generation: g.generation,
        coordinator,
        members: g.members,
        partitions,
        totalLag: partitions.reduce((n, p) => n + (p.lag ?? 0), 0),
      })
    }
  }
  return out.sort((a, b) => a.groupId.localeCompare(b.groupId))
}

/** The offsets a reset would commit, clamped to each partition's earliest..latest as Kafka's tool does. */
export async function planReset(source: GroupSource, group: GroupSnapshot | undefined, topic: string, partitions: number[] | null, target: ResetTarget): Promise<ResetPlanEntry[]> {
  const indexes = partitions ?? Array.from({ length: source.partitionCount(topic) }, (_, i) => i)
  return Promise.all(
    indexes.map(async (partition) => {
      const current = group?.partitions.find((p) => p.topic === topic && p.partition === partition)?.committedOffset ?? null
      const earliest = await source.listOffset(topic, partition, OffsetSpec.EARLIEST)
      const latest = await source.listOffset(topic, partition, OffsetSpec.LATEST)
      let wanted: number
      switch (target.kind) {
        case 'earliest':
          wanted = earliest
          break
        case 'latest':
          wanted = latest
          break
        case 'offset':
          wanted = target.offset
          break
        case 'shift':
          wanted = (current ?? latest) + target.by
          break
        case 'timestamp': {
          const found = await source.listOffset(topic, partition, target.timestamp)
          wanted = found < 0 ? latest : found
          break
        }
      }
      return { topic, partition, currentOffset: current, newOffset: Math.min(Math.max(wanted, earliest), latest) }
    }),
  )
}

/** Kafka's rule for the reset tool: only a group without members may be moved. */
export function requireInactive(group: GroupSnapshot | undefined, groupId: string): void {
  if (group && group.state !== 'Empty' && group.state !== 'Dead') {
    throw new KafkaError(
      'NON_EMPTY_GROUP',
      `Offsets can only be reset when group "${groupId}" is inactive, but its state is ${group.state} with ${group.members.length} member(s): stop its consumers first`,
    )
  }
}

export function deleteGroupError(groupId: string, errorCode: number): KafkaError | null {
  if (errorCode === ErrorCode.NONE) return null
  const why = errorCode === ErrorCode.NON_EMPTY_GROUP ? 'it still has members' : errorCode === ErrorCode.GROUP_ID_NOT_FOUND ? 'there is no such group' : errorName(errorCode)
  return kafkaErrorFor(errorCode, `Group "${groupId}" cannot be deleted: ${why}`)
}

/** The groups of one cluster, through their coordinators, with each group's lag over time. */
export class GroupsView {
  private readonly lagHistory = new Map<string, LagPoint[]>()
  private lagSampler: NodeJS.Timeout | null = null

  constructor(private readonly cluster: Cluster) {}

  /** Samples every group's lag every 5 seconds, once the cluster has __consumer_offsets. */
  startSampling(): void {
    this.lagSampler ??= setInterval(() => {
      if (this.cluster.image.topicsByName.has(OFFSETS_TOPIC)) void this.groups().catch(() => undefined)
    }, LAG_SAMPLE_MS)
    this.lagSampler.unref()
  }

  stopSampling(): void {
    if (this.lagSampler) clearInterval(this.lagSampler)
    this.lagSampler = null
  }

  private source(): GroupSource {
    const cluster = this.cluster
    return {
      coordinatorGroups: async () =>
        Promise.all(cluster.runningBrokers().map(async ({ id, client }) => ({ coordinator: id, groups: await client.call('listGroupViews', {}, [], 5000).catch(() => []) }))),
      listOffset: async (topic, partition, spec) => (await cluster.listOffsets(topic, partition, spec)).offset,
      partitionCount: (topic) => cluster.topic(topic).partitions.length,
      topicExists: (topic) => cluster.image.topicsByName.has(topic),
    }
  }

  /** Every group with its members, assignments, committed offsets and lag. */
  async groups(): Promise<GroupSnapshot[]> {
    const snapshots = await groupSnapshots(this.source())
    this.recordLag(snapshots)
    return snapshots
  }

  private recordLag(snapshots: GroupSnapshot[]): void {
    const now = Date.now()
    for (const g of snapshots) {
      const history = this.lagHistory.get(g.groupId) ?? []
      history.push({ timestamp: now, totalLag: g.totalLag })
      if (history.length > LAG_HISTORY_POINTS) history.splice(0, history.length - LAG_HISTORY_POINTS)
      this.lagHistory.set(g.groupId, history)
    }
  }

  /** Total lag over time: a point every 5 seconds, and one at every groups() call. */
  lagHistoryOf(groupId: string): LagPoint[] {
    return [...(this.lagHistory.get(groupId) ?? [])]
  }

  private coordinatorOf(groupId: string) {
    const offsets = this.cluster.image.topicsByName.get(OFFSETS_TOPIC)
    const leader = offsets?.partitions[partitionFor(groupId, offsets.partitions.length)]?.leader ?? -1
    if (leader < 0) throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `Group "${groupId}" has no coordinator yet`)
    return this.cluster.broker(leader).client
  }

  /**
   * Resets an inactive group's offsets on `topic` (every partition, or `partitions`). With
   * dryRun the plan is returned and nothing changes; otherwise the plan is committed.
   */
  async resetOffsets(groupId: string, topic: string, target: ResetTarget, options: { partitions?: number[]; dryRun?: boolean } = {}): Promise<ResetPlanEntry[]> {
    const group = (await this.groups()).find((g) => g.groupId === groupId)
    requireInactive(group, groupId)
    const plan = await planReset(this.source(), group, topic, options.partitions ?? null, target)
    if (options.dryRun) return plan
    await this.coordinatorOf(groupId).call('resetGroupOffsets', { groupId, plan: plan.map(({ topic: t, partition, newOffset }) => ({ topic: t, partition, offset: newOffset })) })
    return plan
  }

  async deleteGroup(groupId: string): Promise<void> {
    const { errorCode } = await this.coordinatorOf(groupId).call('deleteGroup', { groupId })
    const error = deleteGroupError(groupId, errorCode)
    if (error) throw error
  }
}
