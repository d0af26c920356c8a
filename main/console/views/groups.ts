// The console's view of consumer groups, over the Kafka protocol: ListGroups, FindCoordinator,
// DescribeGroups and OffsetFetch for each group with its members, assignments and committed
// offsets; ListOffsets for each partition's end, and the lag. Lag history for charts; offset
// resets (with a dry run, as kafka-consumer-groups --reset-offsets) and group deletion.
import { ErrorCode, errorName, KafkaError, kafkaErrorFor } from '../../cluster/errors'
import { OffsetSpec } from '../../cluster/broker/api'
import { readAssignment } from '../../cluster/broker/group/groupView'
import type { ClusterMetadata, IsolationLevel, KafkaConnection } from '../connections/kafkaConnection'
import { kafkaRecordCounter, type RecordCounter } from './recordLag'
import { kafkaCall } from '../connections/kafkaErrors'
import type { GroupMemberView, GroupPartitionLag, GroupSnapshot, LagPoint, ResetPlanEntry, ResetTarget } from '../../../preload/contract'

/** Lag history: a point every 5 seconds, an hour of them kept per group. */
const LAG_SAMPLE_MS = 5000
const LAG_HISTORY_POINTS = 720

/** A group as its coordinator describes it, with its committed offsets. */
export interface DescribedGroup {
  groupId: string
  state: string
  protocolType: string | null
  protocol: string | null
  /** DescribeGroups carries no generation: null unless the source knows it. */
  generation: number | null
  members: GroupMemberView[]
  offsets: Array<{ topic: string; partition: number; offset: bigint | number }>
}

/** What the group view needs of the cluster. */
export interface GroupSource {
  coordinatorGroups(): Promise<Array<{ coordinator: number; groups: DescribedGroup[] }>>
  /** Under read_committed (isolation 1), LATEST is the last stable offset. */
  listOffset(topic: string, partition: number, spec: number, isolation?: IsolationLevel): Promise<number>
  /** The records a read_committed consumer is handed in [from, to) (recordLag.ts); null when not counted. Without it, the lag is in offsets. */
  countRecords?(topic: string, partition: number, from: number, to: number): Promise<number | null>
  partitionCount(topic: string): number
  topicExists(topic: string): boolean
}

/**
 * One partition of a group: its committed offset and lag, or, for an assigned partition with
 * no commit yet, the lag from the log start (all a consumer starting from the earliest offset
 * has to read); a committed offset on a topic that no longer exists has no lag. The lag counts
 * records, not offsets (docs/consumer-lag.md): those a read_committed consumer would still be
 * handed up to the last stable offset, transaction markers and aborted records left out;
 * `offsetLag` is Kafka's tools' LAG (log end offset minus position) beside it.
 */
async function partitionLag(source: GroupSource, topic: string, partition: number, committed: number | null): Promise<GroupPartitionLag> {
  const none = { logStartOffset: null, logEndOffset: null, lastStableOffset: null, lag: null, offsetLag: null, lagCounted: false }
  if (!source.topicExists(topic)) return { topic, partition, status: 'topic-deleted', committedOffset: committed, ...none }
  const [logEndOffset, lastStableOffset, logStartOffset] = await Promise.all([
    source.listOffset(topic, partition, OffsetSpec.LATEST).catch(() => null),
    source.listOffset(topic, partition, OffsetSpec.LATEST, 1).catch(() => null),
    committed === null ? source.listOffset(topic, partition, OffsetSpec.EARLIEST).catch(() => null) : null,
  ])
  const status = committed !== null ? 'committed' : 'no-commit'
  const from = committed ?? logStartOffset
  if (from === null || logEndOffset === null) return { topic, partition, status, committedOffset: committed, ...none, logStartOffset, logEndOffset }
  const stable = lastStableOffset ?? logEndOffset
  const counted = stable > from && source.countRecords ? await source.countRecords(topic, partition, from, stable).catch(() => null) : null
  return {
    topic,
    partition,
    status,
    committedOffset: committed,
    logStartOffset,
    logEndOffset,
    lastStableOffset,
    lag: counted ?? Math.max(0, stable - from),
    offsetLag: Math.max(0, logEndOffset - from),
    lagCounted: counted !== null || stable <= from,
  }
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

/** The group states as Kafka names them (DescribeGroups' GroupState). */
const GROUP_STATES = ['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead']

/**
 * Groups over the Kafka protocol, as kafka-consumer-groups finds them: each live broker lists
 * the groups it coordinates (ListGroups), then describes them (DescribeGroups) and answers
 * their committed offsets (OffsetFetch). A broker that does not answer is left out, so one
 * broker down does not hide every other broker's groups.
 */
export function kafkaGroupSource(kafka: KafkaConnection, metadata: ClusterMetadata, counter?: RecordCounter): GroupSource {
  return {
    countRecords: counter && ((topic, partition, from, to) => counter.count(topic, partition, from, to)),
    coordinatorGroups: async () => {
      const answers = await Promise.all([...metadata.brokers.keys()].map((coordinator) => coordinatorGroups(kafka, coordinator).catch(() => null)))
      return answers.filter((a) => a !== null)
    },
    listOffset: (topic, partition, spec, isolation) => kafka.listOffset(topic, partition, spec, isolation),
    partitionCount: (topic) => {
      const t = metadata.topics.get(topic)
      if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${topic}" does not exist`)
      return t.partitions.length
    },
    topicExists: (topic) => metadata.topics.has(topic),
  }
}

/** The groups of one cluster, through their coordinators, with each group's lag over time. */
export class GroupsView {
  private readonly lagHistory = new Map<string, LagPoint[]>()
  private lagSampler: NodeJS.Timeout | null = null

  private readonly counter: RecordCounter

  constructor(private readonly kafka: KafkaConnection) {
    this.counter = kafkaRecordCounter(kafka)
  }

  /** Samples every group's lag every 5 seconds. */
  startSampling(): void {
    this.lagSampler ??= setInterval(() => void this.groups().catch(() => undefined), LAG_SAMPLE_MS)
    this.lagSampler.unref()
  }

  stopSampling(): void {
    if (this.lagSampler) clearInterval(this.lagSampler)
    this.lagSampler = null
  }

  /** A source over one Metadata answer, so topic lookups are synchronous. */
  private async source(): Promise<GroupSource> {
    return kafkaGroupSource(this.kafka, await this.kafka.metadata(), this.counter)
  }

  /** Every group with its members, assignments, committed offsets and lag. */
  async groups(): Promise<GroupSnapshot[]> {
    const snapshots = await groupSnapshots(await this.source())
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

  /**
   * Resets an inactive group's offsets on `topic` (every partition, or `partitions`), or
   * without a topic on every topic it has offsets on. With dryRun the plan is returned and
   * nothing changes; otherwise the plan is committed (OffsetCommit through the group's
   * coordinator, as kafka-consumer-groups --reset-offsets --execute).
   */
  async resetOffsets(groupId: string, topic: string | undefined, target: ResetTarget, options: { partitions?: number[]; dryRun?: boolean } = {}): Promise<ResetPlanEntry[]> {
    const group = (await this.groups()).find((g) => g.groupId === groupId)
    requireInactive(group, groupId)
    const topics = topic !== undefined ? [topic] : [...new Set(group?.partitions.filter((p) => p.status !== 'topic-deleted').map((p) => p.topic))].sort()
    if (topics.length === 0) throw new KafkaError('GROUP_ID_NOT_FOUND', `Group "${groupId}" has no offsets to reset`)
    const source = await this.source()
    const plan = (await Promise.all(topics.map((t) => planReset(source, group, t, topic !== undefined ? (options.partitions ?? null) : null, target)))).flat()
    if (options.dryRun) return plan
    const byTopic = new Map<string, ResetPlanEntry[]>()
    for (const entry of plan) byTopic.set(entry.topic, [...(byTopic.get(entry.topic) ?? []), entry])
    await kafkaCall(() =>
      this.kafka.admin.alterConsumerGroupOffsets({
        groupId,
        topics: [...byTopic].map(([name, entries]) => ({ name, partitionOffsets: entries.map((p) => ({ partition: p.partition, offset: BigInt(p.newOffset) })) })),
      }),
    )
    return plan
  }

  /** OffsetDelete: the group's committed offsets on `topic` go; Kafka refuses while a member is subscribed to it (GROUP_SUBSCRIBED_TO_TOPIC). */
  async deleteOffsets(groupId: string, topic: string): Promise<void> {
    const group = (await this.groups()).find((g) => g.groupId === groupId)
    const partitions = group?.partitions.filter((p) => p.topic === topic && p.committedOffset !== null).map((p) => p.partition) ?? []
    if (partitions.length === 0) throw new KafkaError('GROUP_ID_NOT_FOUND', `Group "${groupId}" has no committed offsets on ${topic}`)
    await kafkaCall(() => this.kafka.admin.deleteConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionIndexes: partitions }] }))
  }

  async deleteGroup(groupId: string): Promise<void> {
    try {
      await kafkaCall(() => this.kafka.admin.deleteGroups({ groups: [groupId] }))
    } catch (err) {
      throw (err instanceof KafkaError && deleteGroupError(groupId, err.errorCode)) || err
    }
  }
}

/**
 * The groups one broker coordinates, described, with their committed offsets: classic groups
 * with DescribeGroups, groups of KIP-848's consumer protocol (ListGroups v5's type "consumer")
 * with ConsumerGroupDescribe, as kafka-consumer-groups does; DescribeGroups answers those as Dead.
 * Share and streams groups are not consumer groups, and are left out as that tool leaves them.
 */
async function coordinatorGroups(kafka: KafkaConnection, coordinator: number): Promise<{ coordinator: number; groups: DescribedGroup[] }> {
  const listed = await kafka.send<ListGroupsResponse>(coordinator, 'ListGroups', [4, 5], (version) => (version >= 5 ? [[], []] : [[]]))
  // v4 carries no type: every group is classic.
  const typeOf = (g: { groupType?: string }) => (g.groupType || 'classic').toLowerCase()
  const consumerGroups = listed.response.groups.filter((g) => typeOf(g) === 'classic' || typeOf(g) === 'consumer')
  const ids = consumerGroups.map((g) => g.groupId).sort()
  if (ids.length === 0) return { coordinator, groups: [] }
  const consumerProtocol = new Set(consumerGroups.filter((g) => typeOf(g) === 'consumer').map((g) => g.groupId))
  const classic = ids.filter((id) => !consumerProtocol.has(id))
  const modern = ids.filter((id) => consumerProtocol.has(id))
  const [described, modernDescribed, fetched] = await Promise.all([
    classic.length ? kafka.send<DescribeGroupsResponse>(coordinator, 'DescribeGroups', [5], () => [classic, false]) : null,
    modern.length ? kafka.send<ConsumerGroupDescribeResponse>(coordinator, 'ConsumerGroupDescribe', [0], () => [modern, false]) : null,
    kafka.send<OffsetFetchResponse>(coordinator, 'OffsetFetch', [8, 9], () => [ids.map((groupId) => ({ groupId, memberId: null, memberEpoch: -1, topics: null })), false]),
  ])
  const committed = new Map(
    fetched.response.groups.map((g) => [
      g.groupId,
      g.topics.flatMap((t) => t.partitions.filter((p) => p.errorCode === 0 && p.committedOffset >= 0n).map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset }))),
    ]),
  )
  const classicGroups = (described?.response.groups ?? [])
    .filter((g) => g.errorCode === 0)
    .map((g): DescribedGroup => {
      const consumer = g.protocolType === 'consumer'
      return {
        groupId: g.groupId,
        state: GROUP_STATES.find((s) => s.toLowerCase() === g.groupState.toLowerCase()) ?? g.groupState,
        protocolType: g.protocolType || null,
        protocol: g.protocolData || null,
        generation: null,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId ?? null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment: consumer ? readAssignment(Buffer.from(m.memberAssignment)) : null,
        })),
        offsets: committed.get(g.groupId) ?? [],
      }
    })
  const modernGroups = (modernDescribed?.response.groups ?? [])
    .filter((g) => g.errorCode === 0)
    .map(
      (g): DescribedGroup => ({
        groupId: g.groupId,
        state: g.groupState,
        protocolType: 'consumer',
        protocol: g.assignorName || null,
        generation: null,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.instanceId ?? null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment: m.assignment.topicPartitions.map((t) => ({ topic: t.topicName, partitions: t.partitions })),
        })),
        offsets: committed.get(g.groupId) ?? [],
      }),
    )
  return { coordinator, groups: [...classicGroups, ...modernGroups] }
}

type ListGroupsResponse = import('@platformatic/kafka').listGroupsV5.ListGroupsResponse
type DescribeGroupsResponse = import('@platformatic/kafka').describeGroupsV5.DescribeGroupsResponse
type ConsumerGroupDescribeResponse = import('@platformatic/kafka').consumerGroupDescribeV0.ConsumerGroupDescribeResponse
type OffsetFetchResponse = import('@platformatic/kafka').offsetFetchV8.OffsetFetchResponse
