// A group of KIP-848's consumer group protocol (Kafka's ConsumerGroup and ConsumerGroupMember):
// the coordinator, not a leader member, computes each member's target assignment at every
// group epoch, and each member reconciles towards it on its own heartbeats (Kafka's
// CurrentAssignmentBuilder). A partition moves only once its previous owner has revoked it:
// until then it stays in that owner's partitions pending revocation, and the member it goes to
// waits in UNRELEASED_PARTITIONS.

/** Partitions by topic id. */
export type Assignment = Map<string, Set<number>>

/** Kafka's MemberState names, as ConsumerGroupDescribe does not show them but the console does. */
export type MemberState = 'stable' | 'unrevoked_partitions' | 'unreleased_partitions'

/** Kafka's ConsumerGroupState, as ListGroups and ConsumerGroupDescribe name it. */
export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead'

export interface ConsumerGroupMember {
  memberId: string
  instanceId: string | null
  rackId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  subscribedTopicNames: string[]
  subscribedTopicRegex: string | null
  serverAssignor: string | null
  memberEpoch: number
  previousMemberEpoch: number
  state: MemberState
  /** The partitions it may consume now. */
  assigned: Assignment
  /** KIP-1251: the member epoch at which it was given each of them ("topicId:partition"). */
  assignmentEpochs: Map<string, number>
  /** Partitions it must give up: it still owns them until it reports them revoked. */
  pendingRevocation: Assignment
}

/** The owned partitions a heartbeat reports (null: unchanged since the last one). */
export type OwnedPartitions = { topicId: string; partitions: number[] }[] | null

export function emptyAssignment(): Assignment {
  return new Map()
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  if (a.size !== b.size) return false
  for (const [topicId, partitions] of a) {
    const other = b.get(topicId)
    if (!other || other.size !== partitions.size) return false
    for (const p of partitions) if (!other.has(p)) return false
  }
  return true
}

/** Whether every partition of `owned` is in `assignment` (Kafka's isSubset). */
export function isSubset(owned: OwnedPartitions, assignment: Assignment): boolean {
  if (owned === null) return false
  return owned.every((t) => t.partitions.every((p) => assignment.get(t.topicId)?.has(p)))
}

export function newMember(memberId: string, fields: Partial<ConsumerGroupMember> = {}): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    state: 'stable',
    assigned: emptyAssignment(),
    assignmentEpochs: new Map(),
    pendingRevocation: emptyAssignment(),
    ...fields,
  }
}

export class ConsumerGroup {
  /** Kafka 4.4 starts a new group at epoch 1: its first member joins at epoch 2. */
  groupEpoch = 1
  /** The group epoch the target assignment was computed at. */
  assignmentEpoch = 1
  /** When the target assignment was last computed (group.consumer.assignment.interval.ms). */
  assignedAt = 0
  readonly members = new Map<string, ConsumerGroupMember>()
  /** group.instance.id → member id of the static members. */
  readonly staticMembers = new Map<string, string>()
  /** Each member's target assignment at assignmentEpoch. */
  readonly targetAssignment = new Map<string, Assignment>()
  /** The epoch of the member that owns each partition (assigned or pending revocation): Kafka's currentPartitionEpoch. */
  private readonly partitionEpochs = new Map<string, Map<number, number>>()
  /** The subscribed topics' ids and partition counts the target assignment was computed from. */
  subscriptionMetadata = ''
  /** The assignor of the last target assignment. */
  assignorName = ''

  constructor(readonly groupId: string) {}

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty'
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning'
    for (const m of this.members.values()) if (m.memberEpoch !== this.assignmentEpoch || m.state !== 'stable') return 'Reconciling'
    return 'Stable'
  }

  /** The epoch of the member that owns the partition, or -1 when nobody does. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1
  }

  /** Replaces a member (or adds it), moving the partition epochs from its old assignment to its new one. */
  updateMember(member: ConsumerGroupMember): void {
    const old = this.members.get(member.memberId)
    if (old) this.releasePartitions(old)
    this.members.set(member.memberId, member)
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId)
    for (const assignment of [member.assigned, member.pendingRevocation]) {
      for (const [topicId, partitions] of assignment) {
        let epochs = this.partitionEpochs.get(topicId)
        if (!epochs) this.partitionEpochs.set(topicId, (epochs = new Map()))
        for (const p of partitions) epochs.set(p, member.memberEpoch)
      }
    }
  }

  removeMember(memberId: string): void {
    const member = this.members.get(memberId)
    if (!member) return
    this.releasePartitions(member)
    this.members.delete(memberId)
    this.targetAssignment.delete(memberId)
    if (member.instanceId !== null && this.staticMembers.get(member.instanceId) === memberId) this.staticMembers.delete(member.instanceId)
  }

  private releasePartitions(member: ConsumerGroupMember): void {
    for (const assignment of [member.assigned, member.pendingRevocation]) {
      for (const [topicId, partitions] of assignment) {
        const epochs = this.partitionEpochs.get(topicId)
        for (const p of partitions) epochs?.delete(p)
      }
    }
  }

  /** The topics any member subscribes to by name, with how many members do. */
  subscribedTopicNames(): Set<string> {
    return new Set([...this.members.values()].flatMap((m) => m.subscribedTopicNames))
  }
}

/**
 * Kafka's CurrentAssignmentBuilder: the member's next state towards its target assignment.
 * A partition still owned by another member (its epoch not -1) is not given yet; partitions
 * leaving the member are held pending revocation until its heartbeat no longer reports them.
 */
export function reconcile(
  member: ConsumerGroupMember,
  targetEpoch: number,
  target: Assignment,
  currentPartitionEpoch: (topicId: string, partition: number) => number,
  owned: OwnedPartitions,
): ConsumerGroupMember {
  const ownsAny = (assignment: Assignment) => owned === null || owned.some((t) => t.partitions.some((p) => assignment.get(t.topicId)?.has(p)))
  switch (member.state) {
    case 'stable':
      return member.memberEpoch !== targetEpoch ? nextAssignment(member, member.memberEpoch, targetEpoch, target, currentPartitionEpoch, ownsAny) : member
    case 'unrevoked_partitions':
      if (ownsAny(member.pendingRevocation)) return member
      return nextAssignment(member, member.memberEpoch + 1, targetEpoch, target, currentPartitionEpoch, ownsAny)
    case 'unreleased_partitions':
      return nextAssignment(member, member.memberEpoch, targetEpoch, target, currentPartitionEpoch, ownsAny)
  }
}

function nextAssignment(
  member: ConsumerGroupMember,
  memberEpoch: number,
  targetEpoch: number,
  target: Assignment,
  currentPartitionEpoch: (topicId: string, partition: number) => number,
  ownsAny: (assignment: Assignment) => boolean,
): ConsumerGroupMember {
  let unreleased = false
  const assigned: Assignment = new Map()
  const revoking: Assignment = new Map()
  const adding: Assignment = new Map()
  for (const topicId of new Set([...target.keys(), ...member.assigned.keys()])) {
    const targetPartitions = target.get(topicId) ?? new Set<number>()
    const current = member.assigned.get(topicId) ?? new Set<number>()
    const kept = new Set([...current].filter((p) => targetPartitions.has(p)))
    const revoked = new Set([...current].filter((p) => !kept.has(p)))
    const pending = new Set<number>()
    for (const p of targetPartitions) {
      if (kept.has(p)) continue
      if (currentPartitionEpoch(topicId, p) !== -1) unreleased = true
      else pending.add(p)
    }
    if (kept.size) assigned.set(topicId, kept)
    if (revoked.size) revoking.set(topicId, revoked)
    if (pending.size) adding.set(topicId, pending)
  }
  // As Kafka's updateMemberEpoch: the previous epoch is the one it had, so a member whose answer was lost is still known.
  const withEpoch = (epoch: number, fields: Partial<ConsumerGroupMember>): ConsumerGroupMember => ({ ...member, previousMemberEpoch: member.memberEpoch, memberEpoch: epoch, ...fields })
  if (revoking.size && ownsAny(revoking)) return withEpoch(memberEpoch, { state: 'unrevoked_partitions', assigned, pendingRevocation: revoking })
  for (const [topicId, partitions] of adding) assigned.set(topicId, new Set([...(assigned.get(topicId) ?? []), ...partitions]))
  // A partition kept keeps the epoch it was given at; a new one is given at the target epoch.
  const assignmentEpochs = new Map<string, number>()
  for (const [topicId, partitions] of assigned) for (const p of partitions) assignmentEpochs.set(`${topicId}:${p}`, member.assignmentEpochs.get(`${topicId}:${p}`) ?? targetEpoch)
  return withEpoch(targetEpoch, { state: unreleased ? 'unreleased_partitions' : 'stable', assigned, assignmentEpochs, pendingRevocation: new Map() })
}
