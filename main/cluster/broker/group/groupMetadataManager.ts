// The classic rebalance protocol over the groups of one __consumer_offsets partition (the
// classic half of Kafka's GroupMetadataManager, formerly GroupCoordinator.scala): JoinGroup,
// SyncGroup, Heartbeat and LeaveGroup move a ClassicGroup between its states, and `tick`
// fires what Kafka's purgatories time out: the initial rebalance delay, the rebalance
// timeout, session expiry and the pending-sync timeout. Nothing here waits on a clock; a
// JoinGroup or SyncGroup that must wait is a pending Promise that a later call resolves.
import { ErrorCode, type ErrorName, KafkaError } from '../../errors'
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  MemberResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../protocol/messages'
import { ClassicGroup, ClassicGroupMember, ClassicGroupState as S, type JoinResult, type Protocol } from './classicGroup'
import { type CoordinatorRecord, type GroupMetadataValue, groupMetadataRecord } from './coordinatorRecords'
import type { ConsumerGroupConfig } from './consumerGroupManager'
import type { ShareGroupConfig } from './shareGroupManager'

export interface GroupCoordinatorConfig {
  groupInitialRebalanceDelayMs: number
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  offsetsRetentionMinutes: number
  offsetsRetentionCheckIntervalMs: number
  groupMaxSize: number
  /** KIP-848's consumer groups (group.consumer.*); Kafka's defaults where absent. */
  consumerGroup?: ConsumerGroupConfig
  /** KIP-932's share groups (group.share.*); Kafka's defaults where absent. */
  shareGroup?: ShareGroupConfig
}

/** Kafka's defaults. */
export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = {
  groupInitialRebalanceDelayMs: 3000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1800000,
  offsetsRetentionMinutes: 10080,
  offsetsRetentionCheckIntervalMs: 600000,
  groupMaxSize: 2147483647,
}

/** What the managers share: the clock, the config, and writing to the partition. */
export interface CoordinatorContext {
  now(): number
  config(): GroupCoordinatorConfig
  /** Resolves once the records are committed; rejects with the KafkaError to answer. */
  write(records: CoordinatorRecord[]): Promise<void>
  newMemberId(prefix: string): string
  /** Told when a rebalance completes: the group is Stable in a new generation (the console's timeline). */
  onRebalanced?(group: ClassicGroup): void
}

/** Who sent a JoinGroup: Kafka keeps it with the member and shows it in DescribeGroups. */
export interface ClientInfo {
  clientId: string
  clientHost: string
}

interface Join {
  version: number
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: Protocol[]
}

const EMPTY = Buffer.alloc(0)

export function errorCodeOf(err: unknown): number {
  return err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
}

export class GroupMetadataManager {
  readonly groups = new Map<string, ClassicGroup>()

  constructor(private readonly ctx: CoordinatorContext) {}

  createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, this.ctx.now())
    this.groups.set(groupId, group)
    return group
  }

  // --- JoinGroup ---

  async joinGroup(request: JoinGroupRequest, version: number, client: ClientInfo): Promise<JoinGroupResponse> {
    const result = await this.join(request, version, client)
    const group = this.groups.get(request.groupId)
    const ok = result.errorCode === ErrorCode.NONE
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId ?? -1,
      protocolType: version >= 7 && ok ? (group?.protocolType ?? null) : null,
      protocolName: result.protocolName ?? (version >= 7 ? null : ''),
      leader: result.leader ?? '',
      skipAssignment: false,
      memberId: result.memberId ?? request.memberId,
      members: result.members ?? [],
    }
  }

  private join(request: JoinGroupRequest, version: number, client: ClientInfo): Promise<JoinResult> | JoinResult {
    const config = this.ctx.config()
    const error = (name: ErrorName): JoinResult => ({ errorCode: ErrorCode[name] })
    if (request.groupId === '') return error('INVALID_GROUP_ID')
    if (request.sessionTimeoutMs < config.groupMinSessionTimeoutMs || request.sessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
      return error('INVALID_SESSION_TIMEOUT')
    }
    const join: Join = {
      version,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      ...client,
      sessionTimeoutMs: request.sessionTimeoutMs,
      // v0 has no rebalance timeout: the session timeout served as both.
      rebalanceTimeoutMs: version === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
    }
    let group = this.groups.get(request.groupId)
    if (!group) {
      if (join.memberId !== '') return error('UNKNOWN_MEMBER_ID')
      group = new ClassicGroup(request.groupId, this.ctx.now())
    }
    if (group.is(S.Dead)) return error('COORDINATOR_NOT_AVAILABLE')
    if (!group.supportsProtocols(join.protocolType, join.protocols)) return error('INCONSISTENT_GROUP_PROTOCOL')
    this.groups.set(group.groupId, group)
    return join.memberId === '' ? this.joinUnknownMember(group, join) : this.joinKnownMember(group, join)
  }

  private joinUnknownMember(group: ClassicGroup, join: Join): Promise<JoinResult> | JoinResult {
    const staticMemberId = join.groupInstanceId === null ? undefined : group.staticMembers.get(join.groupInstanceId)
    const memberId = this.ctx.newMemberId(join.groupInstanceId ?? join.clientId)
    if (staticMemberId !== undefined) return this.replaceStaticMember(group, staticMemberId, memberId, join)
    if (group.size() >= this.ctx.config().groupMaxSize) return { errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED }
    // KIP-394: from v4 a dynamic member first gets its id, so a client that times out and
    // retries rejoins as itself instead of leaving a ghost member behind.
    if (join.groupInstanceId === null && join.version >= 4) {
      group.pendingMembers.set(memberId, this.ctx.now() + join.sessionTimeoutMs)
      return { errorCode: ErrorCode.MEMBER_ID_REQUIRED, memberId }
    }
    return this.addMemberAndRebalance(group, memberId, join)
  }

  private joinKnownMember(group: ClassicGroup, join: Join): Promise<JoinResult> | JoinResult {
    if (group.pendingMembers.delete(join.memberId)) return this.addMemberAndRebalance(group, join.memberId, join)
    const error = this.validateMember(group, join.memberId, join.groupInstanceId)
    if (error !== ErrorCode.NONE) return { errorCode: error }
    const member = group.member(join.memberId)!
    member.sessionDeadline = this.ctx.now() + join.sessionTimeoutMs
    switch (group.state) {
      case S.PreparingRebalance:
        return this.updateMemberAndRebalance(group, member, join)
      case S.CompletingRebalance:
        // A retried join: answer it again, unless the member changed its protocols.
        return member.matches(join.protocols) ? this.joinResult(group, member) : this.updateMemberAndRebalance(group, member, join)
      case S.Stable:
        // A follower rejoining unchanged gets the current generation; the leader rejoining means it wants a rebalance.
        if (group.leaderId !== member.memberId && member.matches(join.protocols)) return this.joinResult(group, member)
        return this.updateMemberAndRebalance(group, member, join)
      default:
        return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
    }
  }

  /** A static member restarted (same group.instance.id, no member id): it takes its old place. */
  private async replaceStaticMember(group: ClassicGroup, oldMemberId: string, newMemberId: string, join: Join): Promise<JoinResult> {
    const member = group.member(oldMemberId)!
    // Whoever still waits under the old id is the instance that was replaced.
    this.answerRemoved(member, ErrorCode.FENCED_INSTANCE_ID)
    group.replaceStaticMember(oldMemberId, newMemberId)
    if (!group.is(S.Stable) || !member.matches(join.protocols)) return this.updateMemberAndRebalance(group, member, join)
    // Stable and unchanged: no rebalance (KIP-345), only the new member id to persist.
    const previous = { clientId: member.clientId, clientHost: member.clientHost }
    this.updateMember(member, join)
    try {
      await this.ctx.write([this.groupRecord(group)])
    } catch (err) {
      if (group.member(newMemberId) === member) {
        group.replaceStaticMember(newMemberId, oldMemberId)
        Object.assign(member, previous)
      }
      return { errorCode: errorCodeOf(err) }
    }
    return this.joinResult(group, member, false)
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, join: Join): Promise<JoinResult> {
    const member = new ClassicGroupMember(memberId, join.groupInstanceId, join.clientId, join.clientHost, join.rebalanceTimeoutMs, join.sessionTimeoutMs, join.protocolType, join.protocols)
    if (group.initialDelay) group.initialDelay.newMemberAdded = true
    group.add(member)
    return this.awaitJoin(group, member)
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: ClassicGroupMember, join: Join): Promise<JoinResult> {
    this.updateMember(member, join)
    return this.awaitJoin(group, member)
  }

  private updateMember(member: ClassicGroupMember, join: Join): void {
    member.protocols = join.protocols
    member.rebalanceTimeoutMs = join.rebalanceTimeoutMs
    member.sessionTimeoutMs = join.sessionTimeoutMs
    member.clientId = join.clientId
    member.clientHost = join.clientHost
  }

  private awaitJoin(group: ClassicGroup, member: ClassicGroupMember): Promise<JoinResult> {
    return new Promise((resolve) => {
      // A second join from the same member replaces the first, which learns to retry.
      member.awaitingJoin?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, memberId: member.memberId })
      member.awaitingJoin = resolve
      if (group.is(S.Stable) || group.is(S.CompletingRebalance) || group.is(S.Empty)) this.prepareRebalance(group)
      this.maybeCompleteJoin(group)
    })
  }

  /** The current generation as a member sees it; the leader also gets every member's metadata. */
  private joinResult(group: ClassicGroup, member: ClassicGroupMember, withMembers = true): JoinResult {
    const protocol = group.protocolName!
    const isLeader = withMembers && group.leaderId === member.memberId
    return {
      errorCode: ErrorCode.NONE,
      memberId: member.memberId,
      generationId: group.generationId,
      protocolName: protocol,
      leader: group.leaderId ?? '',
      members: isLeader ? [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(protocol) })) : [],
    }
  }

  private prepareRebalance(group: ClassicGroup): void {
    const now = this.ctx.now()
    // Followers waiting for the old generation's assignment must rejoin.
    if (group.is(S.CompletingRebalance)) this.propagateAssignment(group, ErrorCode.REBALANCE_IN_PROGRESS, true)
    group.pendingSync.clear()
    const delayMs = this.ctx.config().groupInitialRebalanceDelayMs
    // An Empty group waits group.initial.rebalance.delay.ms for more members before its first generation.
    group.initialDelay = group.is(S.Empty) ? { deadline: now + delayMs, remainingMs: Math.max(group.rebalanceTimeoutMs() - delayMs, 0), newMemberAdded: false } : null
    group.rebalanceDeadline = now + group.rebalanceTimeoutMs()
    group.transitionTo(S.PreparingRebalance, now)
  }

  /** Ends the join phase when it can: the initial delay is over, or every member rejoined, or the rebalance timeout passed. */
  private maybeCompleteJoin(group: ClassicGroup): void {
    if (!group.is(S.PreparingRebalance)) return
    const now = this.ctx.now()
    const delay = group.initialDelay
    if (delay) {
      if (now < delay.deadline) return
      if (delay.newMemberAdded && delay.remainingMs > 0) {
        // Kafka's InitialDelayedJoin: members keep arriving, so wait another delay, within the rebalance timeout.
        const delayMs = this.ctx.config().groupInitialRebalanceDelayMs
        group.initialDelay = { deadline: now + Math.min(delayMs, delay.remainingMs), remainingMs: Math.max(delay.remainingMs - delayMs, 0), newMemberAdded: false }
        return
      }
    } else if (!group.hasAllMembersJoined() && now < group.rebalanceDeadline) {
      return
    }
    this.completeJoin(group)
  }

  private completeJoin(group: ClassicGroup): void {
    const now = this.ctx.now()
    group.initialDelay = null
    // Members that did not rejoin within the rebalance timeout are out of the new generation.
    for (const member of [...group.members.values()]) if (member.awaitingJoin === null) this.removeMember(group, member.memberId, ErrorCode.UNKNOWN_MEMBER_ID)
    group.pendingMembers.clear()
    group.generationId++
    if (group.members.size === 0) {
      group.protocolName = null
      group.transitionTo(S.Empty, now)
      this.writeInBackground(group)
      return
    }
    group.protocolName = group.selectProtocol()
    group.transitionTo(S.CompletingRebalance, now)
    group.rebalanceDeadline = now + group.rebalanceTimeoutMs()
    for (const member of group.members.values()) {
      group.pendingSync.add(member.memberId)
      const answer = member.awaitingJoin!
      member.awaitingJoin = null
      member.sessionDeadline = now + member.sessionTimeoutMs
      answer(this.joinResult(group, member))
    }
  }

  // --- SyncGroup ---

  async syncGroup(request: SyncGroupRequest, version: number): Promise<SyncGroupResponse> {
    const [errorCode, assignment] = await this.sync(request)
    const group = this.groups.get(request.groupId)
    const ok = errorCode === ErrorCode.NONE && version >= 5
    return { throttleTimeMs: 0, errorCode, protocolType: ok ? (group?.protocolType ?? null) : null, protocolName: ok ? (group?.protocolName ?? null) : null, assignment }
  }

  private async sync(request: SyncGroupRequest): Promise<[number, Buffer]> {
    const group = this.groups.get(request.groupId)
    if (!group) return [ErrorCode.UNKNOWN_MEMBER_ID, EMPTY]
    if (group.is(S.Dead)) return [ErrorCode.COORDINATOR_NOT_AVAILABLE, EMPTY]
    const error = this.validateMember(group, request.memberId, request.groupInstanceId)
    if (error !== ErrorCode.NONE) return [error, EMPTY]
    if (request.generationId !== group.generationId) return [ErrorCode.ILLEGAL_GENERATION, EMPTY]
    if ((request.protocolType !== null && request.protocolType !== group.protocolType) || (request.protocolName !== null && request.protocolName !== group.protocolName)) {
      return [ErrorCode.INCONSISTENT_GROUP_PROTOCOL, EMPTY]
    }
    const member = group.member(request.memberId)!
    member.sessionDeadline = this.ctx.now() + member.sessionTimeoutMs
    group.pendingSync.delete(member.memberId)
    if (group.is(S.PreparingRebalance)) return [ErrorCode.REBALANCE_IN_PROGRESS, EMPTY]
    if (group.is(S.Stable)) return [ErrorCode.NONE, member.assignment]
    if (!group.is(S.CompletingRebalance)) return [ErrorCode.UNKNOWN_MEMBER_ID, EMPTY]
    const answer = new Promise<[number, Buffer]>((resolve) => {
      member.awaitingSync?.(ErrorCode.REBALANCE_IN_PROGRESS, EMPTY)
      member.awaitingSync = (code, assignment) => resolve([code, assignment])
    })
    if (group.leaderId === member.memberId) void this.storeAssignment(group, request)
    return answer
  }

  /** The leader's assignment is written with the group, then handed to every member (Kafka's storeGroup). */
  private async storeAssignment(group: ClassicGroup, request: SyncGroupRequest): Promise<void> {
    const generation = group.generationId
    const assignments = new Map(request.assignments.map((a) => [a.memberId, a.assignment]))
    const current = () => group.is(S.CompletingRebalance) && group.generationId === generation
    try {
      await this.ctx.write([this.groupRecord(group, assignments)])
    } catch (err) {
      if (!current()) return
      for (const m of group.members.values()) m.assignment = EMPTY
      this.propagateAssignment(group, errorCodeOf(err), true)
      this.prepareRebalance(group)
      this.maybeCompleteJoin(group)
      return
    }
    if (!current()) return
    for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY
    this.propagateAssignment(group, ErrorCode.NONE, false)
    group.transitionTo(S.Stable, this.ctx.now())
    this.ctx.onRebalanced?.(group)
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number, clear: boolean): void {
    const now = this.ctx.now()
    for (const m of group.members.values()) {
      if (clear) m.assignment = EMPTY
      const answer = m.awaitingSync
      if (!answer) continue
      m.awaitingSync = null
      m.sessionDeadline = now + m.sessionTimeoutMs
      answer(errorCode, m.assignment)
    }
  }

  // --- Heartbeat and LeaveGroup ---

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    return { throttleTimeMs: 0, errorCode: this.beat(request) }
  }

  private beat(request: HeartbeatRequest): number {
    const group = this.groups.get(request.groupId)
    if (!group || group.is(S.Empty)) return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.is(S.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const error = this.validateMember(group, request.memberId, request.groupInstanceId)
    if (error !== ErrorCode.NONE) return error
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    const member = group.member(request.memberId)!
    member.sessionDeadline = this.ctx.now() + member.sessionTimeoutMs
    // The heartbeat is how a member of a Stable group learns it must rejoin.
    return group.is(S.PreparingRebalance) ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  leaveGroup(request: LeaveGroupRequest, version: number): LeaveGroupResponse {
    const leaving = version <= 2 ? [{ memberId: request.memberId, groupInstanceId: null, reason: null }] : request.members
    const group = this.groups.get(request.groupId)
    const topLevel = !group ? ErrorCode.UNKNOWN_MEMBER_ID : group.is(S.Dead) ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.NONE
    if (!group || topLevel !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: topLevel, members: [] }
    const members: MemberResponse[] = leaving.map(({ memberId, groupInstanceId }) => ({ memberId, groupInstanceId, errorCode: this.leave(group, memberId, groupInstanceId) }))
    if (members.some((m) => m.errorCode === ErrorCode.NONE)) this.afterRemoval(group)
    if (version <= 2) return { throttleTimeMs: 0, errorCode: members[0].errorCode, members: [] }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members }
  }

  private leave(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId)
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
      if (memberId !== '' && memberId !== current) return ErrorCode.FENCED_INSTANCE_ID
      this.removeMember(group, current, ErrorCode.UNKNOWN_MEMBER_ID)
      return ErrorCode.NONE
    }
    if (group.pendingMembers.delete(memberId)) return ErrorCode.NONE
    if (!group.member(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID
    this.removeMember(group, memberId, ErrorCode.UNKNOWN_MEMBER_ID)
    return ErrorCode.NONE
  }

  // --- Members ---

  /** Kafka's ClassicGroup.validateMember: a stale static member is fenced, an unknown one refused. */
  validateMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId)
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
      if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID
    }
    return group.member(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
  }

  private removeMember(group: ClassicGroup, memberId: string, errorCode: number): void {
    const member = group.remove(memberId)
    if (member) this.answerRemoved(member, errorCode)
  }

  private answerRemoved(member: ClassicGroupMember, errorCode: number): void {
    const join = member.awaitingJoin
    const sync = member.awaitingSync
    member.awaitingJoin = null
    member.awaitingSync = null
    join?.({ errorCode, memberId: member.memberId })
    sync?.(errorCode, EMPTY)
  }

  /** After members left or expired: the rest must rebalance, or the join phase may now be complete. */
  private afterRemoval(group: ClassicGroup): void {
    if (group.is(S.Stable) || group.is(S.CompletingRebalance)) this.prepareRebalance(group)
    this.maybeCompleteJoin(group)
  }

  // --- Time ---

  /** Fires every deadline that has passed: pending members, sessions, pending syncs, join phases. */
  tick(now: number): void {
    for (const group of this.groups.values()) {
      let removed = false
      for (const [memberId, deadline] of group.pendingMembers) {
        if (now >= deadline) removed = group.pendingMembers.delete(memberId)
      }
      for (const member of [...group.members.values()]) {
        // A member waiting in JoinGroup or SyncGroup is alive: its request is the heartbeat.
        if (member.awaitingJoin || member.awaitingSync || now < member.sessionDeadline) continue
        this.removeMember(group, member.memberId, ErrorCode.UNKNOWN_MEMBER_ID)
        removed = true
      }
      if ((group.is(S.CompletingRebalance) || group.is(S.Stable)) && group.pendingSync.size > 0 && now >= group.rebalanceDeadline) {
        // Joined but never synced within the rebalance timeout: out, and the rest rebalance.
        for (const memberId of [...group.pendingSync]) this.removeMember(group, memberId, ErrorCode.REBALANCE_IN_PROGRESS)
        removed = true
      }
      if (removed) this.afterRemoval(group)
      else this.maybeCompleteJoin(group)
    }
  }

  // --- Records ---

  groupRecord(group: ClassicGroup, assignments?: Map<string, Buffer>): CoordinatorRecord {
    return groupMetadataRecord(group.groupId, groupMetadataValue(group, assignments))
  }

  private writeInBackground(group: ClassicGroup): void {
    // An Empty generation has nobody to answer; a failed write only loses the empty state's timestamp.
    this.ctx.write([this.groupRecord(group)]).catch(() => {})
  }

  /** Rebuilds a group from its GroupMetadataValue; its members must heartbeat within their session from now. */
  loadGroup(groupId: string, value: GroupMetadataValue, recordTimestamp: number): ClassicGroup {
    const now = this.ctx.now()
    const group = this.createGroup(groupId)
    const stateTimestamp = Number(value.currentStateTimestamp)
    group.currentStateTimestamp = stateTimestamp >= 0 ? stateTimestamp : recordTimestamp
    group.generationId = value.generation
    group.protocolName = value.protocol
    for (const m of value.members) {
      const protocols = value.protocol === null ? [] : [{ name: value.protocol, metadata: m.subscription }]
      const rebalanceTimeout = m.rebalanceTimeout < 0 ? m.sessionTimeout : m.rebalanceTimeout
      const member = new ClassicGroupMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, rebalanceTimeout, m.sessionTimeout, value.protocolType, protocols)
      member.assignment = m.assignment
      member.sessionDeadline = now + m.sessionTimeout
      group.add(member)
    }
    group.leaderId = value.leader
    group.protocolType = value.protocolType === '' ? null : value.protocolType
    group.state = group.members.size > 0 ? S.Stable : S.Empty
    return group
  }
}

function groupMetadataValue(group: ClassicGroup, assignments?: Map<string, Buffer>): GroupMetadataValue {
  const protocol = group.protocolName
  return {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol,
    leader: group.leaderId,
    currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: protocol === null ? EMPTY : m.metadata(protocol),
      assignment: assignments?.get(m.memberId) ?? m.assignment,
    })),
  }
}
