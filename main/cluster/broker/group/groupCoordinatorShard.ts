// All groups of ONE __consumer_offsets partition, as Kafka's GroupCoordinatorShard: the
// broker that leads the partition owns one, loads it from the partition's records, answers
// the group APIs for the groups that hash to it, and writes their changes back as records
// (in Kafka's layout: see coordinatorRecords.ts). It is pure: the owner injects the clock and
// the write, and calls `tick` (every 100 ms or so) to fire timeouts.
import { randomUUID } from 'node:crypto'
import { ErrorCode, type ErrorName, KafkaError, isKafkaError } from '../../errors'
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  DescribedGroup,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponseTopics,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../protocol/messages'
import type { GroupRebalance } from '../../../../preload/contract'
import { type ClassicGroup, ClassicGroupState as S } from './classicGroup'
import { type CoordinatorRecord, decodeCoordinatorRecord, groupMetadataRecord, type GroupMetadataValue } from './coordinatorRecords'
import { type GroupView, groupView } from './groupView'
import {
  type ClientInfo,
  type CoordinatorContext,
  type GroupCoordinatorConfig,
  GroupMetadataManager,
  errorCodeOf,
} from './groupMetadataManager'
import { type OffsetAndMetadata, OffsetMetadataManager } from './offsetMetadataManager'

export interface GroupCoordinatorShardOptions {
  /** The __consumer_offsets partition this shard owns. */
  partition: number
  now: () => number
  /** Read on every use, so dynamic config changes apply at once. */
  config: () => GroupCoordinatorConfig
  /** Writes the records to the partition with acks=all; a rejection means they were not written. */
  append: (records: CoordinatorRecord[]) => Promise<void>
  /** Member ids are `${clientId or group.instance.id}-${uuid}`, as Kafka's; tests may pin the uuid. */
  uuid?: () => string
  /** Told when a group completes a rebalance. */
  onRebalanced?: (rebalance: GroupRebalance) => void
}

export type { GroupRebalance }

/** Kafka's offset.metadata.max.bytes default. */
const OFFSET_METADATA_MAX_BYTES = 4096

export interface LoadRecord {
  key: Buffer | null
  value: Buffer | null
  offset: number
  timestamp: number
}

/** Kafka's GroupCoordinatorShard: what failed to append is answered as Kafka answers it. */
function appendError(err: unknown): KafkaError {
  const name: ErrorName = isKafkaError(err, 'NOT_LEADER_OR_FOLLOWER') || isKafkaError(err, 'NOT_COORDINATOR') ? 'NOT_COORDINATOR' : 'COORDINATOR_NOT_AVAILABLE'
  return new KafkaError(name, `Writing to __consumer_offsets failed: ${err instanceof Error ? err.message : String(err)}`)
}

export class GroupCoordinatorShard {
  readonly partition: number
  private readonly ctx: CoordinatorContext
  private readonly classic: GroupMetadataManager
  private readonly offsets = new OffsetMetadataManager()
  private nextOffsetsCleanupMs: number

  constructor(options: GroupCoordinatorShardOptions) {
    this.partition = options.partition
    const uuid = options.uuid ?? randomUUID
    this.ctx = {
      now: options.now,
      config: options.config,
      write: (records) => (records.length === 0 ? Promise.resolve() : options.append(records).catch((err) => Promise.reject(appendError(err)))),
      newMemberId: (prefix) => `${prefix}-${uuid()}`,
      onRebalanced: (group) => options.onRebalanced?.({ groupId: group.groupId, generationId: group.generationId, protocol: group.protocolName, members: group.members.size }),
    }
    this.classic = new GroupMetadataManager(this.ctx)
    this.nextOffsetsCleanupMs = options.now() + options.config().offsetsRetentionCheckIntervalMs
  }

  private get groupMap(): Map<string, ClassicGroup> {
    return this.classic.groups
  }

  /**
   * Replays the partition (a new leader does this before it answers): the last record of a key
   * wins and a tombstone deletes it. Groups with members come back Stable, and each member must
   * heartbeat within its session timeout from now, as in Kafka after a coordinator failover.
   */
  load(records: Iterable<LoadRecord>): void {
    const groups = new Map<string, { value: GroupMetadataValue; timestamp: number } | null>()
    for (const record of records) {
      if (record.key === null) continue
      const decoded = decodeCoordinatorRecord(record.key, record.value)
      if (decoded.type === 'offsetCommit') this.offsets.replay(decoded.group, decoded.topic, decoded.partition, decoded.value)
      else if (decoded.type === 'groupMetadata') groups.set(decoded.group, decoded.value && { value: decoded.value, timestamp: record.timestamp })
    }
    this.groupMap.clear()
    for (const [groupId, loaded] of groups) if (loaded) this.classic.loadGroup(groupId, loaded.value, loaded.timestamp)
    // Offsets committed without group management (or whose group record was deleted) still belong to an Empty group.
    for (const groupId of this.offsets.groupIds()) if (!this.groupMap.has(groupId)) this.simpleGroup(groupId)
  }

  /** Fires timeouts (call it every 100 ms or so with the injected clock's time) and, every offsets.retention.check.interval.ms, expires offsets. */
  tick(now: number = this.ctx.now()): void {
    this.classic.tick(now)
    if (now < this.nextOffsetsCleanupMs) return
    this.nextOffsetsCleanupMs = now + this.ctx.config().offsetsRetentionCheckIntervalMs
    void this.cleanupGroupMetadata(now)
  }

  // --- The classic group protocol ---

  joinGroup(request: JoinGroupRequest, version: number, client: ClientInfo = { clientId: '', clientHost: '' }): Promise<JoinGroupResponse> {
    return this.classic.joinGroup(request, version, client)
  }

  syncGroup(request: SyncGroupRequest, version: number): Promise<SyncGroupResponse> {
    return this.classic.syncGroup(request, version)
  }

  heartbeat(request: HeartbeatRequest, _version: number): HeartbeatResponse {
    return this.classic.heartbeat(request)
  }

  leaveGroup(request: LeaveGroupRequest, version: number): LeaveGroupResponse {
    return this.classic.leaveGroup(request, version)
  }

  // --- Offsets ---

  async offsetCommit(request: OffsetCommitRequest, version: number): Promise<OffsetCommitResponse> {
    const error = this.validateOffsetCommit(request)
    const now = this.ctx.now()
    const retentionMs = this.ctx.config().offsetsRetentionMinutes * 60_000
    const commits: { topic: string; partition: number; offset: OffsetAndMetadata }[] = []
    const codes = request.topics.map((t) =>
      t.partitions.map((p) => {
        if (error !== ErrorCode.NONE) return error
        const metadata = p.committedMetadata ?? ''
        if (Buffer.byteLength(metadata) > OFFSET_METADATA_MAX_BYTES) return ErrorCode.OFFSET_METADATA_TOO_LARGE
        // v1 may set the commit time, v2-v4 a retention time: either gives the offset its own expiry.
        const commitTimestamp = version === 1 && p.commitTimestamp >= 0n ? Number(p.commitTimestamp) : now
        const expireTimestamp =
          version === 1 && p.commitTimestamp >= 0n ? commitTimestamp + retentionMs : request.retentionTimeMs >= 0n ? now + Number(request.retentionTimeMs) : null
        commits.push({ topic: t.name, partition: p.partitionIndex, offset: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp, expireTimestamp } })
        return ErrorCode.NONE
      }),
    )
    let writeError: number = ErrorCode.NONE
    try {
      await this.commit(request.groupId, commits)
    } catch (err) {
      writeError = errorCodeOf(err)
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t, i) => ({
        name: t.name,
        partitions: t.partitions.map((p, j) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i][j] === ErrorCode.NONE ? writeError : codes[i][j] })),
      })),
    }
  }

  /** Kafka's ClassicGroup.validateOffsetCommit; an unknown group is created only for a commit outside group management. */
  private validateOffsetCommit(request: OffsetCommitRequest): number {
    const generation = request.generationIdOrMemberEpoch
    let group = this.groupMap.get(request.groupId)
    if (!group) {
      if (generation >= 0) return ErrorCode.ILLEGAL_GENERATION
      group = this.simpleGroup(request.groupId)
    }
    if (group.is(S.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    // Generation -1: an admin tool or a consumer without group management; allowed only while nobody consumes.
    if (generation < 0 && group.is(S.Empty)) return ErrorCode.NONE
    if (generation >= 0 || request.memberId !== '' || request.groupInstanceId !== null) {
      const error = this.classic.validateMember(group, request.memberId, request.groupInstanceId)
      if (error !== ErrorCode.NONE) return error
      if (generation !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    } else if (!group.is(S.Empty)) {
      return ErrorCode.UNKNOWN_MEMBER_ID
    }
    // The member has its new generation but not its assignment yet: let it finish the rebalance first.
    if (group.is(S.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS
    const member = group.member(request.memberId)!
    member.sessionDeadline = this.ctx.now() + member.sessionTimeoutMs
    return ErrorCode.NONE
  }

  /** Writes the commits and applies them once written. */
  private async commit(groupId: string, commits: { topic: string; partition: number; offset: OffsetAndMetadata }[]): Promise<void> {
    await this.ctx.write(commits.map((c) => OffsetMetadataManager.commitRecord(groupId, c.topic, c.partition, c.offset)))
    for (const c of commits) this.offsets.put(groupId, c.topic, c.partition, c.offset)
  }

  offsetFetch(request: OffsetFetchRequest, version: number): OffsetFetchResponse {
    if (version >= 8) {
      const groups = request.groups.map((g) => ({ groupId: g.groupId, topics: this.fetchOffsets(g.groupId, g.topics, version), errorCode: ErrorCode.NONE }))
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups }
    }
    const topics = this.fetchOffsets(request.groupId, request.topics, version)
    return { throttleTimeMs: 0, topics, errorCode: ErrorCode.NONE, groups: [] }
  }

  /** Null topics: every committed offset of the group; listed partitions without one get offset -1. */
  private fetchOffsets(groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, version: number): OffsetFetchResponseTopics[] {
    const entry = (partitionIndex: number, o: OffsetAndMetadata | undefined) => ({
      partitionIndex,
      committedOffset: o?.offset ?? -1n,
      committedLeaderEpoch: version >= 5 ? (o?.leaderEpoch ?? -1) : -1,
      metadata: o?.metadata ?? '',
      errorCode: ErrorCode.NONE,
    })
    if (topics !== null) {
      return topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => entry(p, this.offsets.get(groupId, t.name, p))) }))
    }
    const byTopic = new Map<string, OffsetFetchResponseTopics>()
    for (const { topic, partition, offset } of this.offsets.list(groupId)) {
      let t = byTopic.get(topic)
      if (!t) byTopic.set(topic, (t = { name: topic, partitions: [] }))
      t.partitions.push(entry(partition, offset))
    }
    return [...byTopic.values()]
  }

  // --- Admin APIs ---

  describeGroups(request: DescribeGroupsRequest, _version: number): DescribeGroupsResponse {
    return { throttleTimeMs: 0, groups: request.groups.map((groupId) => this.describe(groupId)) }
  }

  private describe(groupId: string): DescribedGroup {
    const group = this.groupMap.get(groupId)
    const described: DescribedGroup = { errorCode: ErrorCode.NONE, groupId, groupState: S.Dead, protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 }
    if (!group) return described
    // As Kafka: metadata and assignments only once the group is Stable, and the protocol with them.
    const stable = group.is(S.Stable)
    return {
      ...described,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadata(group.protocolName!) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    }
  }

  listGroups(request: ListGroupsRequest, version: number): ListGroupsResponse {
    const states = version >= 4 ? request.statesFilter.map((s) => s.toLowerCase()) : []
    const types = version >= 5 ? request.typesFilter.map((t) => t.toLowerCase()) : []
    const groups = [...this.groupMap.values()]
      .filter((g) => !g.is(S.Dead))
      .filter((g) => states.length === 0 || states.includes(g.state.toLowerCase()))
      .filter(() => types.length === 0 || types.includes('classic'))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' }))
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups }
  }

  async deleteGroups(request: DeleteGroupsRequest, _version: number): Promise<DeleteGroupsResponse> {
    const results = []
    for (const groupId of request.groupsNames) results.push({ groupId, errorCode: await this.deleteGroup(groupId) })
    return { throttleTimeMs: 0, results }
  }

  private async deleteGroup(groupId: string): Promise<number> {
    const group = this.groupMap.get(groupId)
    if (!group || group.is(S.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND
    if (!group.is(S.Empty)) return ErrorCode.NON_EMPTY_GROUP
    const offsets = this.offsets.list(groupId)
    try {
      await this.ctx.write([...this.offsets.deleteAllRecords(groupId), groupMetadataRecord(groupId, null)])
    } catch (err) {
      return errorCodeOf(err)
    }
    // The tombstones are written; the offsets go from memory too, as after a replay of them.
    for (const { topic, partition } of offsets) this.offsets.remove(groupId, topic, partition)
    this.removeGroup(group)
    return ErrorCode.NONE
  }

  async offsetDelete(request: OffsetDeleteRequest, _version: number): Promise<OffsetDeleteResponse> {
    const respond = (errorCode: number, partitionError: (topic: string) => number): OffsetDeleteResponse => ({
      errorCode,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: partitionError(t.name) })) })),
    })
    const group = this.groupMap.get(request.groupId)
    if (!group || group.is(S.Dead)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, throttleTimeMs: 0, topics: [] }
    // A live group that is not a consumer group: nobody can tell which of its offsets are in use.
    const subscribed = group.is(S.Empty) ? new Set<string>() : group.subscribedTopics()
    if (subscribed === null) return { errorCode: ErrorCode.NON_EMPTY_GROUP, throttleTimeMs: 0, topics: [] }
    const deleted = request.topics
      .filter((t) => !subscribed.has(t.name))
      .flatMap((t) => t.partitions.filter((p) => this.offsets.get(group.groupId, t.name, p.partitionIndex)).map((p) => ({ topic: t.name, partition: p.partitionIndex })))
    try {
      await this.ctx.write(deleted.map((d) => OffsetMetadataManager.tombstone(group.groupId, d.topic, d.partition)))
    } catch (err) {
      return { errorCode: errorCodeOf(err), throttleTimeMs: 0, topics: [] }
    }
    for (const d of deleted) this.offsets.remove(group.groupId, d.topic, d.partition)
    return respond(ErrorCode.NONE, (topic) => (subscribed.has(topic) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE))
  }

  // --- Offset expiry ---

  /**
   * Kafka 2.1+ (KIP-211): a group's offsets expire offsets.retention.minutes after it became
   * Empty (a group without a protocol type: after each commit); a Stable consumer group's
   * offsets of topics it no longer subscribes to expire after their commit. A group left
   * Empty without offsets is deleted.
   */
  private async cleanupGroupMetadata(now: number): Promise<void> {
    const retentionMs = this.ctx.config().offsetsRetentionMinutes * 60_000
    const records: CoordinatorRecord[] = []
    for (const group of [...this.groupMap.values()]) {
      const condition = this.expirationCondition(group)
      if (condition) records.push(...this.offsets.expire(group.groupId, now, retentionMs, condition.base, condition.keep))
      if (group.is(S.Empty) && !this.offsets.hasOffsets(group.groupId)) {
        this.removeGroup(group)
        records.push(groupMetadataRecord(group.groupId, null))
      }
    }
    // Kafka logs and moves on: a tombstone not written now is written by the next cleanup or a new leader's.
    await this.ctx.write(records).catch(() => {})
  }

  private expirationCondition(group: ClassicGroup): { base: (o: OffsetAndMetadata) => number; keep: (topic: string) => boolean } | null {
    const none = () => false
    if (group.protocolType === null) return { base: (o) => o.commitTimestamp, keep: none }
    if (group.is(S.Empty)) return { base: (o) => group.currentStateTimestamp ?? o.commitTimestamp, keep: none }
    const subscribed = group.is(S.Stable) ? group.subscribedTopics() : null
    return subscribed && { base: (o) => o.commitTimestamp, keep: (topic) => subscribed.has(topic) }
  }

  /** A group that only commits offsets (no members, no protocol type): Kafka's "simple" consumer group. */
  private simpleGroup(groupId: string): ClassicGroup {
    return this.classic.createGroup(groupId)
  }

  private removeGroup(group: ClassicGroup): void {
    group.transitionTo(S.Dead, this.ctx.now())
    this.groupMap.delete(group.groupId)
  }

  // --- Console ---

  /** Every live group of this partition, with members, decoded assignments and committed offsets. */
  groups(): GroupView[] {
    return [...this.groupMap.values()].map((g) => groupView(g, this.offsets.list(g.groupId)))
  }

  /** The console's offset reset: as kafka-consumer-groups --reset-offsets, only while nobody consumes. */
  async resetOffsets(groupId: string, plan: { topic: string; partition: number; offset: bigint | number }[]): Promise<void> {
    const group = this.groupMap.get(groupId) ?? this.simpleGroup(groupId)
    if (!group.is(S.Empty)) {
      throw new KafkaError('NON_EMPTY_GROUP', `Group ${groupId} is ${group.state} with ${group.members.size} member(s): stop its consumers before resetting offsets`)
    }
    const now = this.ctx.now()
    await this.commit(
      groupId,
      plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: { offset: BigInt(p.offset), leaderEpoch: -1, metadata: '', commitTimestamp: now, expireTimestamp: null } })),
    )
  }
}
