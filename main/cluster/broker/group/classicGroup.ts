// A classic group (Kafka's ClassicGroup and ClassicGroupMember): its members, generation,
// protocol and state. It only holds state and answers questions about it; the rebalance
// protocol that moves it between states lives in GroupMetadataManager.
import { decodeConsumerProtocolSubscription } from '../../protocol/messages/consumerProtocol'
import { Reader } from '../../protocol/messages'
import type { JoinGroupResponseMember } from '../../protocol/messages'

export const ClassicGroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const
export type ClassicGroupState = (typeof ClassicGroupState)[keyof typeof ClassicGroupState]

export const CONSUMER_PROTOCOL_TYPE = 'consumer'

export interface Protocol {
  name: string
  metadata: Buffer
}

/** What a waiting JoinGroup is answered with; the handler fills in the rest for its version. */
export interface JoinResult {
  errorCode: number
  memberId?: string
  generationId?: number
  protocolName?: string | null
  leader?: string
  members?: JoinGroupResponseMember[]
}

export class ClassicGroupMember {
  assignment: Buffer = Buffer.alloc(0)
  /** Set while the member's JoinGroup waits for the join phase to end. */
  awaitingJoin: ((result: JoinResult) => void) | null = null
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  awaitingSync: ((errorCode: number, assignment: Buffer) => void) | null = null
  /** When the member's session ends unless it heartbeats (or joins or syncs) first. */
  sessionDeadline = 0

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    public protocolType: string,
    public protocols: Protocol[],
  ) {}

  metadata(protocol: string): Buffer {
    const found = this.protocols.find((p) => p.name === protocol)
    if (!found) throw new Error(`Member ${this.memberId} does not support protocol ${protocol}`)
    return found.metadata
  }

  /** Same protocols, same metadata, same order: a rejoin that changes nothing need not rebalance. */
  matches(protocols: Protocol[]): boolean {
    return protocols.length === this.protocols.length && protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
  }
}

export class ClassicGroup {
  state: ClassicGroupState = ClassicGroupState.Empty
  /** When the group entered its state; an Empty group's offsets expire counting from it. */
  currentStateTimestamp: number | null
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  readonly members = new Map<string, ClassicGroupMember>()
  readonly staticMembers = new Map<string, string>()
  /** Member ids handed out with MEMBER_ID_REQUIRED, each with the deadline of its rejoin. */
  readonly pendingMembers = new Map<string, number>()
  /** Members that got their JoinGroup answer but have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>()
  /** PreparingRebalance: when the join phase ends anyway. CompletingRebalance: when pending syncs are kicked out. */
  rebalanceDeadline = 0
  /** The initial delay of an Empty group's first join phase: the deadline and what is left of the rebalance timeout. */
  initialDelay: { deadline: number; remainingMs: number; newMemberAdded: boolean } | null = null

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.currentStateTimestamp = now
  }

  transitionTo(state: ClassicGroupState, now: number): void {
    this.state = state
    this.currentStateTimestamp = now
  }

  is(state: ClassicGroupState): boolean {
    return this.state === state
  }

  size(): number {
    return this.members.size + this.pendingMembers.size
  }

  member(memberId: string): ClassicGroupMember | undefined {
    return this.members.get(memberId)
  }

  add(member: ClassicGroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    this.members.set(member.memberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    if (this.leaderId === null) this.leaderId = member.memberId
  }

  remove(memberId: string): ClassicGroupMember | undefined {
    const member = this.members.get(memberId)
    if (!member) return undefined
    this.members.delete(memberId)
    this.pendingSync.delete(memberId)
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) this.staticMembers.delete(member.groupInstanceId)
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null
    return member
  }

  /** A static member restarted: it keeps its place (and assignment) under a new member id. */
  replaceStaticMember(oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const member = this.members.get(oldMemberId)!
    this.members.delete(oldMemberId)
    member.memberId = newMemberId
    this.members.set(newMemberId, member)
    this.staticMembers.set(member.groupInstanceId!, newMemberId)
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId
    if (this.pendingSync.delete(oldMemberId)) this.pendingSync.add(newMemberId)
    return member
  }

  /** Kafka's rule: the same protocol type, and at least one protocol every member supports. */
  supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0
    return this.protocolType === protocolType && this.candidateProtocols().some((c) => protocols.some((p) => p.name === c))
  }

  private candidateProtocols(): string[] {
    const members = [...this.members.values()]
    return members[0].protocols.map((p) => p.name).filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)))
  }

  /** Each member votes for the first of its protocols that all support; the most votes wins (ties: the earliest candidate). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols()
    const votes = new Map(candidates.map((c) => [c, 0]))
    for (const m of this.members.values()) {
      const vote = m.protocols.find((p) => votes.has(p.name))!.name
      votes.set(vote, votes.get(vote)! + 1)
    }
    return candidates.reduce((best, c) => (votes.get(c)! > votes.get(best)! ? c : best))
  }

  hasAllMembersJoined(): boolean {
    return this.pendingMembers.size === 0 && [...this.members.values()].every((m) => m.awaitingJoin !== null)
  }

  rebalanceTimeoutMs(): number {
    return Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs))
  }

  /** The topics the consumer-protocol members subscribe to; null when not known (another protocol, unreadable metadata). */
  subscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) return null
    const topics = new Set<string>()
    for (const m of this.members.values()) {
      const subscription = readSubscription(m.metadata(this.protocolName))
      if (!subscription) return null
      for (const t of subscription) topics.add(t)
    }
    return topics
  }
}

/** Topics of a ConsumerProtocolSubscription (version int16 then the struct); a newer version reads as our newest, as Kafka does. */
export function readSubscription(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata)
    return decodeConsumerProtocolSubscription(Math.min(r.int16(), 3), r).topics
  } catch {
    return null
  }
}
