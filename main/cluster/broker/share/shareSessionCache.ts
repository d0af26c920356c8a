// Share sessions (KIP-932; Kafka's ShareSessionCache): a member's ShareFetch and ShareAcknowledge
// requests to one broker name, after the first, only what changed. Epoch 0 opens a session (a
// full request), -1 closes it, and each other request must carry the epoch the last one left.
import { KafkaError } from '../../errors'

export const INITIAL_EPOCH = 0
export const FINAL_EPOCH = -1

export interface SharePartitionKey {
  topicId: string
  partition: number
}

export interface ShareSession {
  groupId: string
  memberId: string
  /** The epoch the next request must carry. */
  epoch: number
  partitions: Map<string, SharePartitionKey>
  lastUsedMs: number
}

export const partitionKey = (p: SharePartitionKey) => `${p.topicId}:${p.partition}`

export class ShareSessionCache {
  private readonly sessions = new Map<string, ShareSession>()

  constructor(
    private readonly maxSessions: () => number,
    /** A session unused this long belongs to a member that is gone (its group's session timeout): a new one may take its slot. */
    private readonly idleMs: () => number,
    private readonly now: () => number = Date.now,
    /** What a session evicted for being idle still holds goes back. */
    private readonly onEvicted: (session: ShareSession) => void = () => {},
  ) {}

  get(groupId: string, memberId: string): ShareSession | undefined {
    return this.sessions.get(sessionKey(groupId, memberId))
  }

  /** Epoch 0: a new session with these partitions, replacing any the member had. */
  open(groupId: string, memberId: string, partitions: SharePartitionKey[]): ShareSession {
    const k = sessionKey(groupId, memberId)
    this.sessions.delete(k)
    if (this.sessions.size >= this.maxSessions()) this.evictIdle()
    if (this.sessions.size >= this.maxSessions()) throw new KafkaError('SHARE_SESSION_LIMIT_REACHED', 'The limit of share sessions has been reached.')
    const session: ShareSession = { groupId, memberId, epoch: 1, partitions: new Map(partitions.map((p) => [partitionKey(p), p])), lastUsedMs: this.now() }
    this.sessions.set(k, session)
    return session
  }

  /** A later request: its epoch must be the session's; it adds and forgets partitions and moves the epoch on. */
  next(groupId: string, memberId: string, epoch: number, added: SharePartitionKey[], forgotten: SharePartitionKey[]): ShareSession {
    const session = this.existing(groupId, memberId)
    if (session.epoch !== epoch) throw new KafkaError('INVALID_SHARE_SESSION_EPOCH', 'The share session epoch is invalid.')
    for (const p of added) session.partitions.set(partitionKey(p), p)
    for (const p of forgotten) session.partitions.delete(partitionKey(p))
    session.epoch = epoch === 0x7fffffff ? 1 : epoch + 1
    session.lastUsedMs = this.now()
    return session
  }

  /** Epoch -1: the session ends (after its last acknowledgements). */
  close(groupId: string, memberId: string): ShareSession {
    const session = this.existing(groupId, memberId)
    this.sessions.delete(sessionKey(groupId, memberId))
    return session
  }

  private evictIdle(): void {
    const cutoff = this.now() - this.idleMs()
    for (const [k, session] of this.sessions) {
      if (session.lastUsedMs > cutoff) continue
      this.sessions.delete(k)
      this.onEvicted(session)
    }
  }

  private existing(groupId: string, memberId: string): ShareSession {
    const session = this.sessions.get(sessionKey(groupId, memberId))
    if (!session) throw new KafkaError('SHARE_SESSION_NOT_FOUND', 'The share session was not found.')
    return session
  }
}

const sessionKey = (groupId: string, memberId: string) => `${groupId}\0${memberId}`
