// KIP-932's share groups over the groups of one __consumer_offsets partition (the share half of
// Kafka's GroupMetadataManager): ShareGroupHeartbeat joins, heartbeats and leaves;
// ShareGroupDescribe shows the groups; `tick` expires sessions. A share group has no
// revocation: its members may share a partition, so each takes its target assignment at once,
// and the records themselves are handed out by the partitions' leaders (broker/share/).
//
// Brokerlab keeps these groups in memory, as its consumer groups (consumerGroupManager.ts):
// after a coordinator moves, members learn UNKNOWN_MEMBER_ID and rejoin. docs/protocol.md.
import { ErrorCode, type ErrorName, KafkaError } from '../../errors'
import type { ShareGroupDescribeResponseDescribedGroup, ShareGroupHeartbeatRequest, ShareGroupHeartbeatResponse } from '../../protocol/messages'
import type { Assignment } from './consumerGroup'
import { heartbeatError, key, subscriptionMetadataOf, topicPartitions, type TopicsView, undescribedGroup } from './consumerGroupManager'
import { simpleAssignment } from './shareGroupAssignor'

export interface ShareGroupConfig {
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  maxSize: number
  /** group.share.assignment.interval.ms (KIP-1263): a group's target assignment is computed at most this often. */
  assignmentIntervalMs: number
}

export const DEFAULT_SHARE_GROUP_CONFIG: ShareGroupConfig = { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5000, maxSize: 200, assignmentIntervalMs: 1000 }

export interface ShareGroupMember {
  memberId: string
  rackId: string | null
  clientId: string
  clientHost: string
  subscribedTopicNames: string[]
  memberEpoch: number
  previousMemberEpoch: number
  assigned: Assignment
}

/** Kafka's ShareGroupState, as ListGroups and ShareGroupDescribe name it. */
export type ShareGroupState = 'Empty' | 'Stable'

export class ShareGroup {
  /** As Kafka 4.4's: a new group is at epoch 1, so its first member joins at 2. */
  groupEpoch = 1
  assignmentEpoch = 1
  readonly members = new Map<string, ShareGroupMember>()
  readonly targetAssignment = new Map<string, Assignment>()
  /** When the target assignment was last computed (group.share.assignment.interval.ms). */
  assignedAt = 0
  /** The subscribed topics with their ids and partition counts: a change bumps the group epoch. */
  subscriptionMetadata = ''
  /** Partitions by topic id whose share state is initialized: only these are assigned. */
  readonly initialized = new Map<string, number>()
  /** Partitions a heartbeat asked to initialize: done by the next one. */
  readonly initializing = new Map<string, number>()

  constructor(readonly groupId: string) {}

  get state(): ShareGroupState {
    return this.members.size === 0 ? 'Empty' : 'Stable'
  }
}

/** ListGroups' protocol type of a share group. */
export const SHARE_PROTOCOL_TYPE = 'share'

const LEAVE_GROUP_MEMBER_EPOCH = -1
const SIMPLE_ASSIGNOR = 'simple'

const fail = (name: ErrorName, message: string) => new KafkaError(name, message)

export class ShareGroupManager {
  readonly groups = new Map<string, ShareGroup>()
  /** Session deadlines by `${groupId}\0${memberId}`. */
  private readonly sessionDeadlines = new Map<string, number>()
  /** The topics as the latest heartbeat saw them (for assignments after a member leaves or expires). */
  private topics: TopicsView | null = null

  constructor(
    private readonly now: () => number,
    private readonly config: () => ShareGroupConfig,
    /** Whether a classic or consumer group has this id: group ids are one namespace. */
    private readonly otherGroupHas: (groupId: string) => boolean,
  ) {}

  heartbeat(request: ShareGroupHeartbeatRequest, client: { clientId: string; clientHost: string }, topics: TopicsView): ShareGroupHeartbeatResponse {
    // Kafka 4.4 refuses an empty member id before its coordinator sees it, without a message.
    if (request.memberId.trim() === '') return heartbeatError(ErrorCode.INVALID_REQUEST, null)
    try {
      validate(request)
      return request.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH ? this.leave(request) : this.join(request, client, topics)
    } catch (err) {
      const error = err instanceof KafkaError ? err : new KafkaError('UNKNOWN_SERVER_ERROR', String(err))
      return heartbeatError(error.errorCode, error.message)
    }
  }

  private groupFor(groupId: string, create: boolean): ShareGroup {
    const group = this.groups.get(groupId)
    if (group) return group
    if (this.otherGroupHas(groupId)) throw fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a share group.`)
    if (!create) throw fail('GROUP_ID_NOT_FOUND', `Share group ${groupId} not found.`)
    const created = new ShareGroup(groupId)
    this.groups.set(groupId, created)
    return created
  }

  private join(request: ShareGroupHeartbeatRequest, client: { clientId: string; clientHost: string }, topics: TopicsView): ShareGroupHeartbeatResponse {
    const joining = request.memberEpoch === 0
    this.topics = topics
    const group = this.groupFor(request.groupId, joining)
    const memberId = request.memberId
    const existing = group.members.get(memberId)
    if (joining && !existing && group.members.size >= this.config().maxSize) {
      throw fail('GROUP_MAX_SIZE_REACHED', `The share group has reached its maximum capacity of ${this.config().maxSize} members.`)
    }
    if (!joining) checkEpoch(group, memberId, existing, request.memberEpoch)
    const member: ShareGroupMember = existing ?? { memberId, rackId: null, clientId: '', clientHost: '', subscribedTopicNames: [], memberEpoch: 0, previousMemberEpoch: -1, assigned: new Map() }
    const updated: ShareGroupMember = {
      ...member,
      rackId: request.rackId ?? member.rackId,
      subscribedTopicNames: request.subscribedTopicNames ?? member.subscribedTopicNames,
      clientId: client.clientId,
      clientHost: client.clientHost,
    }
    const subscriptionChanged = !existing || updated.subscribedTopicNames.join('\0') !== member.subscribedTopicNames.join('\0') || updated.rackId !== member.rackId
    group.members.set(memberId, updated)
    const metadata = subscriptionMetadata(group, topics)
    if (subscriptionChanged || metadata !== group.subscriptionMetadata) {
      group.subscriptionMetadata = metadata
      group.groupEpoch++
    }
    initializeShareState(group, topics)
    this.maybeAssign(group, topics)
    // No revocation in a share group: a member takes its target assignment, and the epoch, at once.
    const target = group.targetAssignment.get(memberId) ?? new Map()
    const reconciled: ShareGroupMember =
      updated.memberEpoch === group.assignmentEpoch ? updated : { ...updated, previousMemberEpoch: updated.memberEpoch, memberEpoch: group.assignmentEpoch, assigned: target }
    group.members.set(memberId, reconciled)
    this.sessionDeadlines.set(key(group.groupId, memberId), this.now() + this.config().sessionTimeoutMs)
    const changed = joining || reconciled !== updated
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId,
      memberEpoch: reconciled.memberEpoch,
      heartbeatIntervalMs: this.config().heartbeatIntervalMs,
      assignment: changed ? { topicPartitions: topicPartitions(reconciled.assigned) } : null,
    }
  }

  private leave(request: ShareGroupHeartbeatRequest): ShareGroupHeartbeatResponse {
    const group = this.groupFor(request.groupId, false)
    if (!group.members.has(request.memberId)) throw fail('UNKNOWN_MEMBER_ID', `Member ${request.memberId} is not a member of group ${group.groupId}.`)
    this.removeMember(group, request.memberId)
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, memberId: request.memberId, memberEpoch: LEAVE_GROUP_MEMBER_EPOCH, heartbeatIntervalMs: 0, assignment: null }
  }

  /** As Kafka, the group's target assignment follows a departure at once, at the new group epoch. */
  private removeMember(group: ShareGroup, memberId: string): void {
    group.members.delete(memberId)
    this.sessionDeadlines.delete(key(group.groupId, memberId))
    group.groupEpoch++
    if (this.topics) this.assign(group, this.topics)
  }

  /**
   * A new target assignment once the group epoch is ahead of it, but not sooner than
   * group.share.assignment.interval.ms after the last (KIP-1263, as for consumer groups).
   */
  private maybeAssign(group: ShareGroup, topics: TopicsView): void {
    const now = this.now()
    if (group.groupEpoch <= group.assignmentEpoch || now < group.assignedAt + this.config().assignmentIntervalMs) return
    group.assignedAt = now
    this.assign(group, topics)
  }

  /** The simple assignor's target at the group epoch, over the initialized partitions. */
  private assign(group: ShareGroup, topics: TopicsView): void {
    const subscriptions = new Map<string, string[]>()
    const partitionCounts = new Map<string, number>()
    for (const m of group.members.values()) {
      const ids: string[] = []
      for (const name of m.subscribedTopicNames) {
        const topic = topics.byName(name)
        if (!topic) continue
        const initialized = group.initialized.get(topic.topicId) ?? 0
        if (initialized === 0) continue
        ids.push(topic.topicId)
        partitionCounts.set(topic.topicId, initialized)
      }
      subscriptions.set(m.memberId, ids)
    }
    group.targetAssignment.clear()
    for (const [memberId, assignment] of simpleAssignment(subscriptions, partitionCounts)) group.targetAssignment.set(memberId, assignment)
    group.assignmentEpoch = group.groupEpoch
  }

  tick(now: number): void {
    for (const [k, deadline] of this.sessionDeadlines) {
      if (now < deadline) continue
      const [groupId, memberId] = k.split('\0')
      const group = this.groups.get(groupId)
      if (group?.members.has(memberId)) this.removeMember(group, memberId)
      else this.sessionDeadlines.delete(k)
    }
  }

  deletable(groupId: string): number | null {
    const group = this.groups.get(groupId)
    if (!group) return null
    return group.members.size === 0 ? ErrorCode.NONE : ErrorCode.NON_EMPTY_GROUP
  }

  delete(groupId: string): void {
    this.groups.delete(groupId)
  }

  describe(groupId: string, topics: TopicsView): ShareGroupDescribeResponseDescribedGroup {
    const group = this.groups.get(groupId)
    if (!group) {
      const message = this.otherGroupHas(groupId) ? `Group ${groupId} is not a share group.` : `Group ${groupId} not found.`
      return undescribedGroup(groupId, ErrorCode.GROUP_ID_NOT_FOUND, message)
    }
    return {
      ...undescribedGroup(groupId, ErrorCode.NONE, null),
      groupState: group.state,
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: SIMPLE_ASSIGNOR,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        assignment: {
          topicPartitions: [...m.assigned].map(([topicId, partitions]) => ({ topicId, topicName: topics.byId(topicId)?.name ?? '', partitions: [...partitions].sort((a, b) => a - b) })),
        },
      })),
    }
  }

  /** A share group for its offsets' APIs (DescribeShareGroupOffsets and the others), or why there is none. */
  shareGroup(groupId: string): ShareGroup | KafkaError {
    const group = this.groups.get(groupId)
    if (group) return group
    return new KafkaError('GROUP_ID_NOT_FOUND', this.otherGroupHas(groupId) ? `Group ${groupId} is not a share group.` : `Group ${groupId} not found.`)
  }

  /** The partitions a group's members are assigned, by topic id (what its share partitions' leaders serve). */
  assignedPartitions(groupId: string): Assignment {
    const all: Assignment = new Map()
    for (const m of this.groups.get(groupId)?.members.values() ?? []) {
      for (const [topicId, partitions] of m.assigned) for (const p of partitions) all.set(topicId, (all.get(topicId) ?? new Set()).add(p))
    }
    return all
  }
}

/** Kafka's throwIfShareGroupHeartbeatRequestIsInvalid, with its messages. */
function validate(request: ShareGroupHeartbeatRequest): void {
  const empty = (value: string | null, message: string) => {
    if (value !== null && value.trim() === '') throw fail('INVALID_REQUEST', message)
  }
  empty(request.groupId, "GroupId can't be empty.")
  empty(request.rackId, "RackId can't be empty.")
  if (request.memberEpoch === 0) {
    if (request.subscribedTopicNames === null || request.subscribedTopicNames.length === 0) throw fail('INVALID_REQUEST', 'SubscribedTopicNames must be set in first request.')
  } else if (request.memberEpoch < LEAVE_GROUP_MEMBER_EPOCH) {
    throw fail('INVALID_REQUEST', 'MemberEpoch is invalid.')
  }
}

/** A known member at its epoch, or at the previous one (the answer that bumped it was lost). */
function checkEpoch(group: ShareGroup, memberId: string, member: ShareGroupMember | undefined, epoch: number): void {
  if (!member) throw fail('UNKNOWN_MEMBER_ID', `Member ${memberId} is not a member of group ${group.groupId}.`)
  if (epoch > member.memberEpoch) {
    throw fail('FENCED_MEMBER_EPOCH', `The share group member has a greater member epoch (${epoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`)
  }
  if (epoch < member.memberEpoch && epoch !== member.previousMemberEpoch) {
    throw fail('FENCED_MEMBER_EPOCH', `The share group member has a smaller member epoch (${epoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`)
  }
}

/**
 * Kafka's coordinator has the share coordinator initialize a newly subscribed partition's state
 * (InitializeShareGroupState) and, once done, bumps the group epoch so the partition is
 * assigned. Brokerlab's partition leaders keep that state themselves (broker/share/): the
 * initialization a heartbeat asks for completes on the group's next heartbeat, with the same
 * epoch bump, so members see the epochs and first (empty) assignments Kafka's see.
 */
function initializeShareState(group: ShareGroup, topics: TopicsView): void {
  if (group.initializing.size > 0) {
    for (const [topicId, partitions] of group.initializing) group.initialized.set(topicId, partitions)
    group.initializing.clear()
    group.groupEpoch++
  }
  for (const m of group.members.values()) {
    for (const name of m.subscribedTopicNames) {
      const topic = topics.byName(name)
      if (topic && (group.initialized.get(topic.topicId) ?? 0) < topic.partitions) group.initializing.set(topic.topicId, topic.partitions)
    }
  }
}

function subscriptionMetadata(group: ShareGroup, topics: TopicsView): string {
  return subscriptionMetadataOf([...group.members.values()].flatMap((m) => m.subscribedTopicNames), topics)
}
