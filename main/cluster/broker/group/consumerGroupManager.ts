// KIP-848's consumer group protocol over the groups of one __consumer_offsets partition (the
// consumer half of Kafka's GroupMetadataManager): ConsumerGroupHeartbeat joins, heartbeats,
// reconciles and leaves; ConsumerGroupDescribe shows the groups; offset commits and fetches of
// a consumer group are checked against its members' epochs; `tick` expires sessions and fences
// members that do not revoke partitions within their rebalance timeout.
//
// Brokerlab keeps these groups in memory, not as records in __consumer_offsets (their offsets
// are records, as for every group): after a coordinator moves, members learn UNKNOWN_MEMBER_ID
// and rejoin with epoch 0, as after a session timeout. docs/protocol.md records this.
import { ErrorCode, type ErrorName, KafkaError } from '../../errors'
import type {
  ConsumerGroupDescribeResponseAssignment,
  ConsumerGroupDescribeResponseDescribedGroup,
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/messages'
import { type Assignment, ConsumerGroup, type ConsumerGroupMember, isSubset, newMember, reconcile, sameAssignment } from './consumerGroup'
import { ASSIGNORS, type AssignorMember } from './consumerGroupAssignors'

export interface ConsumerGroupConfig {
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  maxSize: number
  /** group.consumer.assignors: the first is the default. */
  assignors: string[]
  /** group.consumer.assignment.interval.ms (KIP-1263): a group's target assignment is computed at most this often. */
  assignmentIntervalMs: number
}

export const DEFAULT_CONSUMER_GROUP_CONFIG: ConsumerGroupConfig = { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5000, maxSize: 2147483647, assignors: ['uniform', 'range'], assignmentIntervalMs: 1000 }

/** The cluster's topics as the metadata image has them. */
export interface TopicsView {
  byName(name: string): { topicId: string; partitions: number } | undefined
  byId(topicId: string): { name: string; partitions: number } | undefined
  names(): string[]
}

/** Another kind of group with that id: the classic protocol's, Empty or not. */
export interface ClassicGroups {
  kindOf(groupId: string): 'empty' | 'live' | undefined
  /** Drops an Empty classic group whose id a consumer group takes (Kafka's maybeDeleteEmptyClassicGroup). */
  drop(groupId: string): void
}

const LEAVE_GROUP_MEMBER_EPOCH = -1
const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2
/** KIP-1082: from v1 the consumer names itself. */
const CONSUMER_GENERATED_MEMBER_ID_VERSION = 1

const fail = (name: ErrorName, message: string) => new KafkaError(name, message)

export class ConsumerGroupManager {
  readonly groups = new Map<string, ConsumerGroup>()
  /** The topics as the latest heartbeat saw them (for a commit's partitions named without their topic id). */
  private topics: TopicsView | null = null
  /** Deadlines by `${groupId}\0${memberId}`. */
  private readonly sessionDeadlines = new Map<string, number>()
  private readonly revocationDeadlines = new Map<string, { deadline: number; epoch: number }>()

  constructor(
    private readonly now: () => number,
    private readonly config: () => ConsumerGroupConfig,
    private readonly classic: ClassicGroups,
    private readonly newMemberId: () => string,
  ) {}

  heartbeat(request: ConsumerGroupHeartbeatRequest, version: number, client: { clientId: string; clientHost: string }, topics: TopicsView): ConsumerGroupHeartbeatResponse {
    try {
      this.validate(request, version)
      return request.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH
        ? this.leave(request)
        : this.join(request, client, topics)
    } catch (err) {
      const error = err instanceof KafkaError ? err : new KafkaError('UNKNOWN_SERVER_ERROR', String(err))
      return heartbeatError(error.errorCode, error.message)
    }
  }

  /** Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid, with its messages. */
  private validate(request: ConsumerGroupHeartbeatRequest, version: number): void {
    const empty = (value: string | null, message: string) => {
      if (value !== null && value.trim() === '') throw fail('INVALID_REQUEST', message)
    }
    if (version >= CONSUMER_GENERATED_MEMBER_ID_VERSION || request.memberEpoch > 0 || request.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) empty(request.memberId, "MemberId can't be empty.")
    empty(request.groupId, "GroupId can't be empty.")
    empty(request.instanceId, "InstanceId can't be empty.")
    empty(request.rackId, "RackId can't be empty.")
    if (request.memberEpoch === 0) {
      if (request.rebalanceTimeoutMs === -1) throw fail('INVALID_REQUEST', 'RebalanceTimeoutMs must be provided in first request.')
      if (request.topicPartitions === null || request.topicPartitions.length > 0) throw fail('INVALID_REQUEST', 'TopicPartitions must be empty when (re-)joining.')
      // An empty list is a subscription (to nothing), as Kafka 4.4 takes it.
      if (request.subscribedTopicNames === null && request.subscribedTopicRegex === null) throw fail('INVALID_REQUEST', 'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.')
    } else if (request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (request.instanceId === null) throw fail('INVALID_REQUEST', "InstanceId can't be null.")
    } else if (request.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      throw fail('INVALID_REQUEST', 'MemberEpoch is invalid.')
    }
    if (request.serverAssignor !== null && !this.config().assignors.includes(request.serverAssignor)) {
      throw fail('UNSUPPORTED_ASSIGNOR', `ServerAssignor ${request.serverAssignor} is not supported. Supported assignors: ${this.config().assignors.join(', ')}.`)
    }
    if (request.subscribedTopicRegex) compileRegex(request.subscribedTopicRegex)
  }

  private groupFor(groupId: string, create: boolean): ConsumerGroup {
    const group = this.groups.get(groupId)
    if (group) return group
    const classic = this.classic.kindOf(groupId)
    if (classic === 'live' || (classic === 'empty' && !create)) throw fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group`)
    if (!create) throw fail('GROUP_ID_NOT_FOUND', `Consumer group ${groupId} not found.`)
    if (classic === 'empty') this.classic.drop(groupId)
    const created = new ConsumerGroup(groupId)
    this.groups.set(groupId, created)
    return created
  }

  private join(request: ConsumerGroupHeartbeatRequest, client: { clientId: string; clientHost: string }, topics: TopicsView): ConsumerGroupHeartbeatResponse {
    const joining = request.memberEpoch === 0
    const group = this.groupFor(request.groupId, joining)
    const memberId = request.memberId || this.newMemberId()
    const { member, replaced } = this.memberFor(group, memberId, request, joining)
    if (joining && !group.members.has(member.memberId) && group.members.size >= this.config().maxSize) {
      throw fail('GROUP_MAX_SIZE_REACHED', `The consumer group has reached its maximum capacity of ${this.config().maxSize} members.`)
    }
    const updated: ConsumerGroupMember = {
      ...member,
      instanceId: request.instanceId ?? member.instanceId,
      rackId: request.rackId ?? member.rackId,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs !== -1 ? request.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignor: request.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: request.subscribedTopicNames ?? member.subscribedTopicNames,
      subscribedTopicRegex: request.subscribedTopicRegex ?? member.subscribedTopicRegex,
      clientId: client.clientId,
      clientHost: client.clientHost,
    }
    const isNew = !group.members.has(updated.memberId)
    // A static member's next incarnation subscribes as it did: the group epoch stays.
    const subscriptionChanged =
      (isNew && !replaced) ||
      updated.subscribedTopicNames.join('\0') !== member.subscribedTopicNames.join('\0') ||
      updated.subscribedTopicRegex !== member.subscribedTopicRegex ||
      updated.serverAssignor !== member.serverAssignor ||
      updated.rackId !== member.rackId
    // The member counts with its subscription before the metadata is compared, as Kafka computes it.
    group.updateMember(updated)
    const metadata = this.subscriptionMetadata(group, topics)
    if (subscriptionChanged || metadata !== group.subscriptionMetadata) {
      group.subscriptionMetadata = metadata
      group.groupEpoch++
    }
    this.topics = topics
    this.maybeAssign(group, topics)
    const target = group.targetAssignment.get(updated.memberId) ?? new Map()
    const reconciled = reconcile(updated, group.assignmentEpoch, target, (topicId, p) => this.otherOwnerEpoch(group, updated.memberId, topicId, p), request.topicPartitions)
    group.updateMember(reconciled)
    this.trackRevocation(group, reconciled)
    this.sessionDeadlines.set(key(group.groupId, reconciled.memberId), this.now() + this.config().sessionTimeoutMs)

    const full = joining || (request.rebalanceTimeoutMs !== -1 && request.subscribedTopicNames !== null && request.topicPartitions !== null)
    const changed = isNew || !sameAssignment(member.assigned, reconciled.assigned)
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: reconciled.memberId,
      memberEpoch: reconciled.memberEpoch,
      heartbeatIntervalMs: this.config().heartbeatIntervalMs,
      assignment: full || changed ? { topicPartitions: topicPartitions(reconciled.assigned) } : null,
    }
  }

  /** The member the heartbeat is from: a new one joining, a static one replacing its previous incarnation, or a known one at the right epoch. */
  private memberFor(group: ConsumerGroup, memberId: string, request: ConsumerGroupHeartbeatRequest, joining: boolean): { member: ConsumerGroupMember; replaced: boolean } {
    const found = (member: ConsumerGroupMember, replaced = false) => ({ member, replaced })
    const instanceId = request.instanceId
    if (instanceId !== null) {
      const staticId = group.staticMembers.get(instanceId)
      const previous = staticId !== undefined ? group.members.get(staticId) : undefined
      if (joining) {
        if (!previous) return found(newMember(memberId, { instanceId }))
        if (previous.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH && previous.memberId !== memberId) {
          throw fail('UNRELEASED_INSTANCE_ID', `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${previous.memberId} member.`)
        }
        // The new incarnation takes over the previous one's assignment and epoch (Kafka's static member replacement).
        group.removeMember(previous.memberId)
        this.forget(group.groupId, previous.memberId)
        const epoch = previous.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH ? previous.previousMemberEpoch : previous.memberEpoch
        return found({ ...previous, memberId, memberEpoch: epoch, previousMemberEpoch: -1 }, true)
      }
      if (!previous) throw fail('UNKNOWN_MEMBER_ID', `Instance id ${instanceId} is unknown.`)
      if (previous.memberId !== memberId) throw fail('FENCED_INSTANCE_ID', `Static member ${memberId} with instance id ${instanceId} was fenced by member ${previous.memberId}.`)
    }
    const existing = group.members.get(memberId)
    if (joining) {
      // A consumer rejoining with its own id (KIP-1082) starts over: what it owned goes back to the group.
      if (existing) group.removeMember(memberId)
      return found(newMember(memberId))
    }
    if (!existing) throw fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${group.groupId}.`)
    if (request.memberEpoch > existing.memberEpoch) {
      throw fail('FENCED_MEMBER_EPOCH', `The consumer group member has a greater member epoch (${request.memberEpoch}) than the one known by the group coordinator (${existing.memberEpoch}). The member must abandon all its partitions and rejoin.`)
    }
    // The previous epoch with a subset of the assignment: the answer that bumped it was lost.
    if (request.memberEpoch < existing.memberEpoch && (request.memberEpoch !== existing.previousMemberEpoch || !isSubset(request.topicPartitions, existing.assigned))) {
      throw fail('FENCED_MEMBER_EPOCH', `The consumer group member has a smaller member epoch (${request.memberEpoch}) than the one known by the group coordinator (${existing.memberEpoch}). The member must abandon all its partitions and rejoin.`)
    }
    return found(existing)
  }

  private leave(request: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse {
    const group = this.groupFor(request.groupId, false)
    const staticId = request.instanceId !== null ? group.staticMembers.get(request.instanceId) : undefined
    const memberId = staticId ?? request.memberId
    const member = group.members.get(memberId)
    if (!member) throw fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${group.groupId}.`)
    if (request.instanceId !== null && memberId !== request.memberId) {
      throw fail('FENCED_INSTANCE_ID', `Static member ${request.memberId} with instance id ${request.instanceId} was fenced by member ${memberId}.`)
    }
    if (request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // A static member that will be back keeps its partitions until its session ends.
      group.updateMember({ ...member, previousMemberEpoch: member.memberEpoch, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH })
    } else {
      this.removeMember(group, memberId)
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, memberId: request.memberId, memberEpoch: request.memberEpoch, heartbeatIntervalMs: 0, assignment: null }
  }

  private removeMember(group: ConsumerGroup, memberId: string): void {
    group.removeMember(memberId)
    this.forget(group.groupId, memberId)
    group.groupEpoch++
  }

  private forget(groupId: string, memberId: string): void {
    this.sessionDeadlines.delete(key(groupId, memberId))
    this.revocationDeadlines.delete(key(groupId, memberId))
  }

  /** The epoch of the member other than `memberId` that still owns the partition, or -1. */
  private otherOwnerEpoch(group: ConsumerGroup, memberId: string, topicId: string, partition: number): number {
    const member = group.members.get(memberId)
    if (member?.assigned.get(topicId)?.has(partition) || member?.pendingRevocation.get(topicId)?.has(partition)) return -1
    return group.currentPartitionEpoch(topicId, partition)
  }

  /** A member asked to revoke partitions must do so within its rebalance timeout, or it is fenced. */
  private trackRevocation(group: ConsumerGroup, member: ConsumerGroupMember): void {
    const k = key(group.groupId, member.memberId)
    if (member.state !== 'unrevoked_partitions') this.revocationDeadlines.delete(k)
    else if (this.revocationDeadlines.get(k)?.epoch !== member.memberEpoch) this.revocationDeadlines.set(k, { deadline: this.now() + member.rebalanceTimeoutMs, epoch: member.memberEpoch })
  }

  /** The subscribed topics that exist, with their ids and partition counts: a change bumps the group epoch. */
  private subscriptionMetadata(group: ConsumerGroup, topics: TopicsView): string {
    const names = new Set<string>()
    for (const m of group.members.values()) for (const name of subscribedTopics(m, topics)) names.add(name)
    return subscriptionMetadataOf(names, topics)
  }

  /**
   * A new target assignment at the group epoch once the group epoch is ahead of it, but not
   * sooner than group.consumer.assignment.interval.ms after the last (Kafka 4.4's batching,
   * KIP-1263): members joining meanwhile wait at the current assignment epoch, and the first
   * heartbeat after the interval computes it, as Kafka's group converges on its next heartbeat.
   */
  private maybeAssign(group: ConsumerGroup, topics: TopicsView): void {
    const now = this.now()
    if (group.groupEpoch <= group.assignmentEpoch || now < group.assignedAt + this.config().assignmentIntervalMs) return
    group.assignedAt = now
    this.assign(group, topics)
  }

  /** A new target assignment at the group epoch, from the assignor most members prefer (or the default). */
  private assign(group: ConsumerGroup, topics: TopicsView): void {
    const members = [...group.members.values()]
    const preferred = members.map((m) => m.serverAssignor).filter((a): a is string => a !== null)
    const name = preferred.sort((a, b) => preferred.filter((x) => x === b).length - preferred.filter((x) => x === a).length)[0] ?? this.config().assignors[0] ?? 'uniform'
    const assignor = ASSIGNORS.get(name) ?? ASSIGNORS.get('uniform')!
    const partitionCounts = new Map<string, number>()
    const assignorMembers: AssignorMember[] = members.map((m) => {
      const topicIds = new Set<string>()
      for (const topicName of subscribedTopics(m, topics)) {
        const topic = topics.byName(topicName)
        if (!topic) continue
        topicIds.add(topic.topicId)
        partitionCounts.set(topic.topicId, topic.partitions)
      }
      return { memberId: m.memberId, topicIds, current: group.targetAssignment.get(m.memberId) ?? new Map() }
    })
    const result = assignor(assignorMembers, partitionCounts)
    group.targetAssignment.clear()
    for (const [memberId, assignment] of result) group.targetAssignment.set(memberId, assignment)
    group.assignmentEpoch = group.groupEpoch
    group.assignorName = name
  }

  /** Expired sessions leave their group; members that kept partitions past their rebalance timeout are fenced. */
  tick(now: number): void {
    for (const [k, deadline] of this.sessionDeadlines) if (now >= deadline) this.expire(k)
    for (const [k, { deadline }] of this.revocationDeadlines) if (now >= deadline) this.expire(k)
  }

  private expire(k: string): void {
    const [groupId, memberId] = k.split('\0')
    const group = this.groups.get(groupId)
    if (group?.members.has(memberId)) this.removeMember(group, memberId)
    else this.forget(groupId, memberId)
  }

  // --- Offsets of consumer groups (Kafka's ConsumerGroup.validateOffsetCommit and validateOffsetFetch) ---

  /**
   * The error for a commit to a consumer group; null when `groupId` is not one. At the member's
   * epoch, or (KIP-1251, Kafka 4.3+) at an older one for partitions it was given at or before
   * that epoch: a member whose epoch was bumped by a heartbeat it has not read yet still commits.
   */
  validateOffsetCommit(groupId: string, memberId: string, memberEpoch: number, transactional: boolean, version: number, partitions: () => CommittedPartition[] = () => []): number | null {
    const group = this.groups.get(groupId)
    if (!group) return null
    // Epoch -1: an admin tool or a consumer without group management, allowed while the group is empty.
    if (memberEpoch < 0 && group.members.size === 0) return ErrorCode.NONE
    const member = group.members.get(memberId)
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID
    if (!transactional && version < 9) return ErrorCode.UNSUPPORTED_VERSION
    if (memberEpoch === member.memberEpoch) return ErrorCode.NONE
    if (memberEpoch > member.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH
    const givenBy = (p: CommittedPartition) => {
      const topicId = p.topicId ?? this.topics?.byName(p.topic)?.topicId
      return topicId === undefined ? undefined : member.assignmentEpochs.get(`${topicId}:${p.partition}`)
    }
    const committed = partitions()
    const relaxed = committed.length > 0 && committed.every((p) => (givenBy(p) ?? Infinity) <= memberEpoch)
    return relaxed ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH
  }

  validateOffsetFetch(groupId: string, memberId: string | null, memberEpoch: number): number | null {
    const group = this.groups.get(groupId)
    if (!group) return null
    if (memberId === null && memberEpoch < 0) return ErrorCode.NONE
    const member = memberId === null ? undefined : group.members.get(memberId)
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID
    return memberEpoch === member.memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH
  }

  /** Deletes an Empty consumer group (DeleteGroups); NON_EMPTY_GROUP otherwise. */
  deletable(groupId: string): number | null {
    const group = this.groups.get(groupId)
    if (!group) return null
    return group.members.size === 0 ? ErrorCode.NONE : ErrorCode.NON_EMPTY_GROUP
  }

  delete(groupId: string): void {
    this.groups.delete(groupId)
  }

  // --- ConsumerGroupDescribe ---

  describe(groupId: string, topics: TopicsView): ConsumerGroupDescribeResponseDescribedGroup {
    const group = this.groups.get(groupId)
    if (!group) {
      const message = this.classic.kindOf(groupId) ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`
      return undescribedGroup(groupId, ErrorCode.GROUP_ID_NOT_FOUND, message)
    }
    const base = undescribedGroup(groupId, ErrorCode.NONE, null)
    const described = (assignment: Assignment): ConsumerGroupDescribeResponseAssignment => ({
      topicPartitions: [...assignment].map(([topicId, partitions]) => ({ topicId, topicName: topics.byId(topicId)?.name ?? '', partitions: [...partitions].sort((a, b) => a - b) })),
    })
    return {
      ...base,
      groupState: group.state,
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: group.assignorName || (this.config().assignors[0] ?? 'uniform'),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        // Kafka 4.4 describes a member without a regex with "".
        subscribedTopicRegex: m.subscribedTopicRegex ?? '',
        assignment: described(m.assigned),
        targetAssignment: described(group.targetAssignment.get(m.memberId) ?? new Map()),
        // KIP-1099: 1, a member of the consumer protocol (0 would be a classic one).
        memberType: 1,
      })),
    }
  }
}

/** A member's key in the deadline maps. */
export const key = (groupId: string, memberId: string) => `${groupId}\0${memberId}`

/** The subscribed topics that exist, with their ids and partition counts, as one string: a change bumps a group's epoch. */
export function subscriptionMetadataOf(names: Iterable<string>, topics: TopicsView): string {
  return [...new Set(names)]
    .sort()
    .flatMap((name) => {
      const topic = topics.byName(name)
      return topic ? [`${name}:${topic.topicId}:${topic.partitions}`] : []
    })
    .join(',')
}

/**
 * A ConsumerGroupDescribe or ShareGroupDescribe group without state: one that is not there
 * (Kafka 4.4 leaves it without a state), not served, or not coordinated here.
 */
export function undescribedGroup(groupId: string, errorCode: number, errorMessage: string | null) {
  return { errorCode, errorMessage, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [] as never[], authorizedOperations: -2147483648 }
}

/** A partition an OffsetCommit names: by topic id from v10, by name before. */
export interface CommittedPartition {
  topicId: string | undefined
  topic: string
  partition: number
}

/** A ConsumerGroupHeartbeat (or ShareGroupHeartbeat) answer with an error: no member, epoch or assignment. */
export function heartbeatError(errorCode: number, errorMessage: string | null): ConsumerGroupHeartbeatResponse {
  return { throttleTimeMs: 0, errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null }
}

export function topicPartitions(assignment: Assignment): { topicId: string; partitions: number[] }[] {
  return [...assignment].map(([topicId, partitions]) => ({ topicId, partitions: [...partitions].sort((a, b) => a - b) }))
}

/** A subscription's regex as Kafka's RE2J matches it: the whole topic name. */
function compileRegex(regex: string): RegExp {
  try {
    return new RegExp(`^(?:${regex})$`)
  } catch (err) {
    throw fail('INVALID_REGULAR_EXPRESSION', `SubscribedTopicRegex \`${regex}\` is not a valid regular expression: ${(err as Error).message}.`)
  }
}

/** The topic names a member subscribes to: its names, and the topics its regex matches (internal ones never). */
function subscribedTopics(member: ConsumerGroupMember, topics: TopicsView): string[] {
  if (!member.subscribedTopicRegex) return member.subscribedTopicNames
  const regex = compileRegex(member.subscribedTopicRegex)
  return [...new Set([...member.subscribedTopicNames, ...topics.names().filter((name) => !name.startsWith('__') && regex.test(name))])]
}

