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
  SyncGroupRequest,
  SyncGroupResponse,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
  ConsumerGroupDescribeResponseDescribedGroup,
  ShareGroupDescribeResponseDescribedGroup,
  ShareGroupHeartbeatRequest,
  ShareGroupHeartbeatResponse,
} from '../../protocol/messages'
import { ConsumerGroupManager, DEFAULT_CONSUMER_GROUP_CONFIG, type TopicsView } from './consumerGroupManager'
import { DEFAULT_SHARE_GROUP_CONFIG, SHARE_PROTOCOL_TYPE, type ShareGroup, ShareGroupManager } from './shareGroupManager'
import type { GroupRebalance } from '../../../../preload/contract'
import { type ClassicGroup, ClassicGroupState as S, CONSUMER_PROTOCOL_TYPE } from './classicGroup'
import { type CoordinatorRecord, decodeCoordinatorRecord, groupMetadataRecord, type GroupMetadataValue } from './coordinatorRecords'
import { type GroupView, groupView } from './groupView'
import {
  type ClientInfo,
  type CoordinatorContext,
  type GroupCoordinatorConfig,
  GroupMetadataManager,
  errorCodeOf,
} from './groupMetadataManager'
import { NO_PRODUCER_ID, type OffsetAndMetadata, OffsetMetadataManager, type TransactionalProducer, type VerifyTransaction } from './offsetMetadataManager'

export type { TransactionalProducer, VerifyTransaction }

export interface GroupCoordinatorShardOptions {
  /** The __consumer_offsets partition this shard owns. */
  partition: number
  now: () => number
  /** Read on every use, so dynamic config changes apply at once. */
  config: () => GroupCoordinatorConfig
  /**
   * Writes the records to the partition with acks=all and resolves with the offset of the
   * first; a rejection means they were not written. With a producer, the records go in a
   * transactional batch of that producer (TxnOffsetCommit).
   */
  append: (records: CoordinatorRecord[], producer?: TransactionalProducer) => Promise<number>
  /** Member ids are `${clientId or group.instance.id}-${uuid}`, as Kafka's; tests may pin the uuid. */
  uuid?: () => string
  /** Told when a group completes a rebalance. */
  onRebalanced?: (rebalance: GroupRebalance) => void
  /** KIP-890 part 1 for TxnOffsetCommit: whether this partition is in the producer's transaction (absent: not verified). */
  verifyTransaction?: VerifyTransaction
}

export type { GroupRebalance }

export interface LoadRecord {
  key: Buffer | null
  value: Buffer | null
  offset: number
  timestamp: number
  /** The producer id of the record's batch when the batch is transactional (-1 or absent otherwise). */
  producerId?: number
}

/** A control batch of the partition: the end of a producer's transaction. */
export interface LoadMarker {
  marker: { producerId: number; committed: boolean }
  offset: number
}

export type LoadEntry = LoadRecord | LoadMarker

/** What a transactional write may answer as is: the producer's own errors. */
const PRODUCER_ERRORS: ErrorName[] = ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_TXN_STATE', 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_ID_MAPPING']

/** Kafka's GroupCoordinatorShard: what failed to append is answered as Kafka answers it. */
function appendError(err: unknown, transactional = false): KafkaError {
  if (transactional && err instanceof KafkaError && PRODUCER_ERRORS.includes(err.errorName)) return err
  const name: ErrorName = isKafkaError(err, 'NOT_LEADER_OR_FOLLOWER') || isKafkaError(err, 'NOT_COORDINATOR') ? 'NOT_COORDINATOR' : 'COORDINATOR_NOT_AVAILABLE'
  return new KafkaError(name, `Writing to __consumer_offsets failed: ${err instanceof Error ? err.message : String(err)}`)
}

export class GroupCoordinatorShard {
  readonly partition: number
  private readonly ctx: CoordinatorContext
  private readonly append: (records: CoordinatorRecord[], producer?: TransactionalProducer) => Promise<number>
  private readonly classic: GroupMetadataManager
  private readonly offsets: OffsetMetadataManager
  /** KIP-848's consumer groups; an id is either a classic group or a consumer group. */
  private readonly consumer: ConsumerGroupManager
  /** KIP-932's share groups, in the same namespace of group ids. */
  private readonly share: ShareGroupManager
  private nextOffsetsCleanupMs: number

  constructor(options: GroupCoordinatorShardOptions) {
    this.partition = options.partition
    const uuid = options.uuid ?? randomUUID
    this.append = (records, producer) => options.append(records, producer).catch((err) => Promise.reject(appendError(err, producer !== undefined)))
    this.ctx = {
      now: options.now,
      config: options.config,
      write: async (records) => {
        if (records.length > 0) await this.append(records)
      },
      newMemberId: (prefix) => `${prefix}-${uuid()}`,
      onRebalanced: (group) => options.onRebalanced?.({ groupId: group.groupId, generationId: group.generationId, protocol: group.protocolName, members: group.members.size }),
    }
    this.classic = new GroupMetadataManager(this.ctx)
    this.consumer = new ConsumerGroupManager(
      options.now,
      () => options.config().consumerGroup ?? DEFAULT_CONSUMER_GROUP_CONFIG,
      {
        kindOf: (groupId) => {
          if (this.share.groups.has(groupId)) return 'live'
          const group = this.groupMap.get(groupId)
          return !group || group.is(S.Dead) ? undefined : group.is(S.Empty) ? 'empty' : 'live'
        },
        drop: (groupId) => this.groupMap.delete(groupId),
      },
      uuid,
    )
    this.share = new ShareGroupManager(
      options.now,
      () => options.config().shareGroup ?? DEFAULT_SHARE_GROUP_CONFIG,
      (groupId) => this.consumer.groups.has(groupId) || (this.groupMap.has(groupId) && !this.groupMap.get(groupId)!.is(S.Dead)),
    )
    this.offsets = new OffsetMetadataManager(this.ctx, this.classic, this.append, options.verifyTransaction, this.consumer)
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
  load(records: Iterable<LoadEntry>): void {
    const groups = new Map<string, { value: GroupMetadataValue; timestamp: number } | null>()
    for (const record of records) {
      // A transaction's offsets stay pending until its marker: then committed, or dropped.
      if ('marker' in record) {
        this.offsets.replayEndTransactionMarker(record.marker.producerId, record.marker.committed)
        continue
      }
      if (record.key === null) continue
      const decoded = decodeCoordinatorRecord(record.key, record.value)
      const producerId = record.producerId ?? NO_PRODUCER_ID
      if (decoded.type === 'offsetCommit') this.offsets.replay(decoded.group, decoded.topic, decoded.partition, decoded.value, producerId, record.offset)
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
    this.consumer.tick(now)
    this.share.tick(now)
    if (now < this.nextOffsetsCleanupMs) return
    this.nextOffsetsCleanupMs = now + this.ctx.config().offsetsRetentionCheckIntervalMs
    void this.cleanupGroupMetadata(now)
  }

  // --- The classic group protocol ---

  joinGroup(request: JoinGroupRequest, version: number, client: ClientInfo = { clientId: '', clientHost: '' }): Promise<JoinGroupResponse> {
    // A consumer group's id: an Empty one turns classic; one with members refuses a classic member.
    const modern = this.consumer.groups.get(request.groupId)
    if (modern && modern.members.size > 0) {
      return Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, generationId: -1, protocolType: null, protocolName: version >= 7 ? null : '', leader: '', skipAssignment: false, memberId: request.memberId, members: [] })
    }
    if (modern) this.consumer.delete(request.groupId)
    return this.classic.joinGroup(request, version, client)
  }

  // --- KIP-848's consumer group protocol ---

  consumerGroupHeartbeat(request: ConsumerGroupHeartbeatRequest, version: number, client: ClientInfo, topics: TopicsView): ConsumerGroupHeartbeatResponse {
    return this.consumer.heartbeat(request, version, client, topics)
  }

  consumerGroupDescribe(groupIds: string[], topics: TopicsView): ConsumerGroupDescribeResponseDescribedGroup[] {
    return groupIds.map((groupId) => this.consumer.describe(groupId, topics))
  }

  // --- KIP-932's share groups ---

  shareGroupHeartbeat(request: ShareGroupHeartbeatRequest, client: ClientInfo, topics: TopicsView): ShareGroupHeartbeatResponse {
    return this.share.heartbeat(request, client, topics)
  }

  shareGroupDescribe(groupIds: string[], topics: TopicsView): ShareGroupDescribeResponseDescribedGroup[] {
    return groupIds.map((groupId) => this.share.describe(groupId, topics))
  }

  shareGroup(groupId: string): ShareGroup | KafkaError {
    return this.share.shareGroup(groupId)
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

  // --- Offsets (Kafka's OffsetMetadataManager) ---

  offsetCommit(request: OffsetCommitRequest, version: number): Promise<OffsetCommitResponse> {
    return this.offsets.offsetCommit(request, version)
  }

  txnOffsetCommit(request: TxnOffsetCommitRequest, version: number): Promise<TxnOffsetCommitResponse> {
    return this.offsets.txnOffsetCommit(request, version)
  }

  /**
   * The end of a producer's transaction reached this partition (its COMMIT or ABORT marker was
   * appended): its pending offsets become the groups' committed offsets, or are dropped.
   */
  replayEndTransactionMarker(producerId: number, committed: boolean): void {
    this.offsets.replayEndTransactionMarker(producerId, committed)
  }

  /** The offset a producer's ongoing transaction committed, not yet visible (tests and the console). */
  pendingTransactionalOffset(producerId: number, groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.pendingOffset(producerId, groupId, topic, partition)
  }

  offsetFetch(request: OffsetFetchRequest, version: number): OffsetFetchResponse {
    return this.offsets.offsetFetch(request, version)
  }

  // --- Admin APIs ---

  describeGroups(request: DescribeGroupsRequest, version: number): DescribeGroupsResponse {
    return { throttleTimeMs: 0, groups: request.groups.map((groupId) => this.describe(groupId, version)) }
  }

  private describe(groupId: string, version: number): DescribedGroup {
    const group = this.groupMap.get(groupId)
    const described: DescribedGroup = {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: S.Dead,
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: -2147483648,
    }
    // A group that does not exist (or is a consumer group) is Dead; from v6 also GROUP_ID_NOT_FOUND, with Kafka's message (KIP-1043).
    if (!group || group.is(S.Dead)) {
      const message = this.consumer.groups.has(groupId) ? `Group ${groupId} is not a classic group.` : `Group ${groupId} not found.`
      return version >= 6 ? { ...described, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: message } : described
    }
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
    const consumerGroups = [...this.consumer.groups.values()]
      .filter((g) => states.length === 0 || states.includes(g.state.toLowerCase()))
      .filter(() => types.length === 0 || types.includes('consumer'))
      .map((g) => ({ groupId: g.groupId, protocolType: CONSUMER_PROTOCOL_TYPE, groupState: g.state, groupType: 'consumer' }))
    const shareGroups = [...this.share.groups.values()]
      .filter((g) => states.length === 0 || states.includes(g.state.toLowerCase()))
      .filter(() => types.length === 0 || types.includes('share'))
      .map((g) => ({ groupId: g.groupId, protocolType: SHARE_PROTOCOL_TYPE, groupState: g.state, groupType: 'share' }))
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: [...groups, ...consumerGroups, ...shareGroups] }
  }

  async deleteGroups(request: DeleteGroupsRequest, _version: number): Promise<DeleteGroupsResponse> {
    const results = []
    // Kafka leaves a group's error message null; it fills one in only when the coordinator's write fails.
    for (const groupId of request.groupsNames) results.push({ groupId, errorCode: await this.deleteGroup(groupId), errorMessage: null })
    return { throttleTimeMs: 0, results }
  }

  private async deleteGroup(groupId: string): Promise<number> {
    const modern = this.consumer.deletable(groupId)
    if (modern !== null) {
      // A consumer group has no group record of its own, only its offsets.
      return modern === ErrorCode.NONE ? this.deleteWithOffsets(groupId, [], () => this.consumer.delete(groupId)) : modern
    }
    const share = this.share.deletable(groupId)
    if (share !== null) {
      if (share === ErrorCode.NONE) this.share.delete(groupId)
      return share
    }
    const group = this.groupMap.get(groupId)
    if (!group || group.is(S.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND
    if (!group.is(S.Empty)) return ErrorCode.NON_EMPTY_GROUP
    return this.deleteWithOffsets(groupId, [groupMetadataRecord(groupId, null)], () => this.removeGroup(group))
  }

  /** Writes the tombstones of every offset of the group, with `records`; once written, forgets the offsets and calls `forget`. */
  private async deleteWithOffsets(groupId: string, records: CoordinatorRecord[], forget: () => void): Promise<number> {
    // Committed offsets and those of ongoing transactions alike (one tombstone a partition).
    const offsets = this.offsets.allPartitions(groupId)
    try {
      await this.ctx.write([...this.offsets.deleteAllRecords(groupId), ...records])
    } catch (err) {
      return errorCodeOf(err)
    }
    // The tombstones are written; the offsets go from memory too, as after a replay of them.
    for (const { topic, partition } of offsets) this.offsets.remove(groupId, topic, partition)
    forget()
    return ErrorCode.NONE
  }

  async offsetDelete(request: OffsetDeleteRequest, _version: number): Promise<OffsetDeleteResponse> {
    const respond = (errorCode: number, partitionError: (topic: string) => number): OffsetDeleteResponse => ({
      errorCode,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: partitionError(t.name) })) })),
    })
    const modern = this.consumer.groups.get(request.groupId)
    const group = modern ?? this.groupMap.get(request.groupId)
    if (!group || (group !== modern && (group as ClassicGroup).is(S.Dead))) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, throttleTimeMs: 0, topics: [] }
    // A live group that is not a consumer group: nobody can tell which of its offsets are in use.
    const subscribed = modern ? modern.subscribedTopicNames() : (group as ClassicGroup).is(S.Empty) ? new Set<string>() : (group as ClassicGroup).subscribedTopics()
    if (subscribed === null) return { errorCode: ErrorCode.NON_EMPTY_GROUP, throttleTimeMs: 0, topics: [] }
    const deleted = request.topics
      .filter((t) => !subscribed.has(t.name))
      // A tombstone for a committed offset or a pending transactional one (which it deletes too).
      .flatMap((t) => t.partitions.filter((p) => this.hasOffset(group.groupId, t.name, p.partitionIndex)).map((p) => ({ topic: t.name, partition: p.partitionIndex })))
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
    for (const group of [...this.consumer.groups.values()]) {
      const empty = group.members.size === 0
      const subscribed = group.subscribedTopicNames()
      records.push(...this.offsets.expire(group.groupId, now, retentionMs, (o) => o.commitTimestamp, (topic) => !empty && subscribed.has(topic)))
      if (empty && this.withoutOffsets(group.groupId)) this.consumer.delete(group.groupId)
    }
    for (const group of [...this.groupMap.values()]) {
      const condition = this.expirationCondition(group)
      if (condition) records.push(...this.offsets.expire(group.groupId, now, retentionMs, condition.base, condition.keep))
      if (group.is(S.Empty) && this.withoutOffsets(group.groupId)) {
        this.removeGroup(group)
        records.push(groupMetadataRecord(group.groupId, null))
      }
    }
    // Kafka logs and moves on: a tombstone not written now is written by the next cleanup or a new leader's.
    await this.ctx.write(records).catch(() => {})
  }

  /** Nothing committed, and nothing pending in an ongoing transaction (such a group stays until the transaction ends). */
  private withoutOffsets(groupId: string): boolean {
    return !this.offsets.hasOffsets(groupId) && this.offsets.openTransactions(groupId).length === 0
  }

  private expirationCondition(group: ClassicGroup): { base: (o: OffsetAndMetadata) => number; keep: (topic: string) => boolean } | null {
    const none = () => false
    if (group.protocolType === null) return { base: (o) => o.commitTimestamp, keep: none }
    if (group.is(S.Empty)) return { base: (o) => group.currentStateTimestamp ?? o.commitTimestamp, keep: none }
    const subscribed = group.is(S.Stable) ? group.subscribedTopics() : null
    return subscribed && { base: (o) => o.commitTimestamp, keep: (topic) => subscribed.has(topic) }
  }

  private hasOffset(groupId: string, topic: string, partition: number): boolean {
    return this.offsets.get(groupId, topic, partition) !== undefined || this.offsets.hasPendingTransactionalOffsets(groupId, topic, partition)
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
    await this.offsets.commit(
      groupId,
      plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: { offset: BigInt(p.offset), leaderEpoch: -1, metadata: '', commitTimestamp: now, expireTimestamp: null, recordOffset: -1 } })),
    )
  }
}
