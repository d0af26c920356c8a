// Kafka's Partition: one replica of a topic partition on this broker. As leader it tracks
// each follower's log end offset and when it last caught up, advances the high watermark to
// the minimum log end offset over the ISR, and proposes ISR shrinks and expansions to the
// controller. As follower it only holds its log; the fetcher feeds it.
import { KafkaError } from '../errors'
import type { Acks, PartitionState } from './api'
import type { UnifiedLog } from './log/unifiedLog'
import type { LogAppendInfo } from './log/validator'

/** What a partition needs from its broker. */
export interface PartitionContext {
  brokerId: number
  now(): number
  /** Proposes a new ISR to the controller; resolves with what it committed. */
  alterIsr(partition: Partition, newIsr: number[]): Promise<{ isr: number[]; leaderEpoch: number; partitionEpoch: number }>
}

/** The leader's view of a follower (Kafka's Replica state). */
interface FollowerState {
  /** -1 until the follower's first fetch under this leader epoch. */
  logEndOffset: number
  lastCaughtUpTimeMs: number
  lastFetchLeaderLogEndOffset: number
  lastFetchTimeMs: number
}

interface HighWatermarkWaiter {
  offset: number
  resolve: () => void
  reject: (err: Error) => void
}

export class Partition {
  leader = -1
  leaderEpoch = -1
  partitionEpoch = -1
  replicas: number[] = []
  isr: number[] = []
  topicId = ''
  /** An ISR proposal in flight to the controller (Kafka's PendingShrinkIsr / PendingExpandIsr). */
  pendingIsr: number[] | null = null
  /** Where this leader's epoch begins in the log: a follower below it cannot join the ISR. */
  private leaderEpochStartOffset = 0
  private readonly followers = new Map<number, FollowerState>()
  private waiters: HighWatermarkWaiter[] = []
  /** Told when the high watermark moves (the replica manager wakes read_committed long polls: the LSO may have moved). */
  onHighWatermarkIncrement: (() => void) | null = null

  constructor(
    private readonly context: PartitionContext,
    readonly log: UnifiedLog,
  ) {}

  get brokerId(): number {
    return this.context.brokerId
  }

  get topic(): string {
    return this.log.topic
  }

  get partition(): number {
    return this.log.partition
  }

  get isLeader(): boolean {
    return this.leader === this.brokerId
  }

  /** The ISR the high watermark must wait for: the committed one plus any member being added. */
  get maximalIsr(): number[] {
    return this.pendingIsr ? [...new Set([...this.isr, ...this.pendingIsr])] : this.isr
  }

  /** Applies the controller's word on leader, epochs, replicas and ISR. */
  applyState(state: PartitionState): void {
    if (state.leaderEpoch < this.leaderEpoch) {
      throw new KafkaError('STALE_CONTROLLER_EPOCH', `Leader epoch ${state.leaderEpoch} for ${this.topic}-${this.partition} is older than the current ${this.leaderEpoch}`)
    }
    const newEpoch = state.leaderEpoch > this.leaderEpoch
    const wasLeader = this.isLeader
    this.topicId = state.topicId
    this.leader = state.leader
    this.leaderEpoch = state.leaderEpoch
    this.partitionEpoch = state.partitionEpoch
    this.replicas = [...state.replicas]
    this.isr = [...state.isr]
    this.pendingIsr = null
    if (this.isLeader) {
      if (newEpoch || !wasLeader) this.becomeLeader()
      else this.updateFollowers()
      this.maybeIncrementHighWatermark()
    } else {
      this.followers.clear()
      this.failWaiters(new KafkaError('NOT_LEADER_OR_FOLLOWER', `Broker ${this.brokerId} is no longer the leader of ${this.topic}-${this.partition} (leader: ${this.leader})`))
    }
  }

  /** A new leader epoch begins at the log end, and every follower starts unknown. */
  private becomeLeader(): void {
    const now = this.context.now()
    this.log.leaderEpochCache.assign(this.leaderEpoch, this.log.logEndOffset)
    this.leaderEpochStartOffset = this.log.logEndOffset
    this.followers.clear()
    for (const id of this.replicas) {
      if (id === this.brokerId) continue
      // ISR members keep their place for replica.lag.time.max.ms from now, as in Kafka.
      const lastCaughtUpTimeMs = this.isr.includes(id) ? now : 0
      this.followers.set(id, { logEndOffset: -1, lastCaughtUpTimeMs, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 })
    }
  }

  /**
   * The replica set changed under the same leader epoch (a reassignment started, completed or
   * was cancelled): replicas being added start unknown and out of sync; removed ones are forgotten.
   */
  private updateFollowers(): void {
    for (const id of this.followers.keys()) if (!this.replicas.includes(id)) this.followers.delete(id)
    for (const id of this.replicas) {
      if (id === this.brokerId || this.followers.has(id)) continue
      this.followers.set(id, { logEndOffset: -1, lastCaughtUpTimeMs: 0, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 })
    }
  }

  private requireLeader(): void {
    if (!this.isLeader) {
      throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `Broker ${this.brokerId} is not the leader of ${this.topic}-${this.partition} (leader: ${this.leader})`)
    }
  }

  /** Kafka's appendRecordsToLeader: refuses acks=all below min.insync.replicas before writing. */
  appendRecordsToLeader(records: Uint8Array, acks: Acks): LogAppendInfo {
    this.requireLeader()
    const minIsr = this.log.config.minInsyncReplicas
    if (acks === -1 && this.isr.length < minIsr) {
      throw new KafkaError(
        'NOT_ENOUGH_REPLICAS',
        `The ISR of ${this.topic}-${this.partition} has ${this.isr.length} replica(s) [${this.isr.join(', ')}], fewer than min.insync.replicas=${minIsr}`,
      )
    }
    const info = this.log.appendAsLeader(records, this.leaderEpoch)
    this.maybeIncrementHighWatermark()
    return info
  }

  /** Kafka's appendRecordsToLeader with origin COORDINATOR: a transaction marker, always acks=all. */
  appendTxnMarkerToLeader(marker: { producerId: number; producerEpoch: number; committed: boolean; coordinatorEpoch: number; transactionVersion?: number }): LogAppendInfo {
    this.requireLeader()
    const minIsr = this.log.config.minInsyncReplicas
    if (this.isr.length < minIsr) {
      throw new KafkaError(
        'NOT_ENOUGH_REPLICAS',
        `The ISR of ${this.topic}-${this.partition} has ${this.isr.length} replica(s) [${this.isr.join(', ')}], fewer than min.insync.replicas=${minIsr}`,
      )
    }
    const info = this.log.appendMarkerAsLeader(marker, this.leaderEpoch)
    this.maybeIncrementHighWatermark()
    return info
  }

  /** Kafka's lastStableOffset: read_committed consumers read below it. */
  get lastStableOffset(): number {
    return this.log.lastStableOffset
  }

  /** Kafka's checkEnoughReplicasReachOffset, once the high watermark passed a produced batch. */
  checkEnoughReplicas(): void {
    const minIsr = this.log.config.minInsyncReplicas
    if (this.isr.length < minIsr) {
      throw new KafkaError(
        'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
        `The batch was written, but the ISR of ${this.topic}-${this.partition} shrank to ${this.isr.length} replica(s) [${this.isr.join(', ')}], fewer than min.insync.replicas=${minIsr}`,
      )
    }
  }

  /** A follower's fetch at `fetchOffset` (its log end offset), as Kafka's updateFollowerFetchState. */
  updateFollowerFetchState(replicaId: number, fetchOffset: number): void {
    const follower = this.followers.get(replicaId)
    if (!follower) {
      throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `Broker ${replicaId} is not a replica of ${this.topic}-${this.partition} (replicas: ${this.replicas.join(', ')})`)
    }
    const now = this.context.now()
    const leaderEnd = this.log.logEndOffset
    if (fetchOffset >= leaderEnd) follower.lastCaughtUpTimeMs = Math.max(follower.lastCaughtUpTimeMs, now)
    else if (fetchOffset >= follower.lastFetchLeaderLogEndOffset) follower.lastCaughtUpTimeMs = Math.max(follower.lastCaughtUpTimeMs, follower.lastFetchTimeMs)
    follower.logEndOffset = fetchOffset
    follower.lastFetchLeaderLogEndOffset = leaderEnd
    follower.lastFetchTimeMs = now
    this.maybeExpandIsr(replicaId, follower)
    this.maybeIncrementHighWatermark()
  }

  /** Followers of this leader, for snapshots: their log end offsets and lag. */
  followerLogEndOffsets(): Map<number, number> {
    return new Map([...this.followers].map(([id, f]) => [id, f.logEndOffset]))
  }

  private maybeExpandIsr(replicaId: number, follower: FollowerState): void {
    if (this.pendingIsr || this.isr.includes(replicaId)) return
    const caughtUp = follower.logEndOffset >= this.log.highWatermark && follower.logEndOffset >= this.leaderEpochStartOffset
    if (caughtUp) this.proposeIsr([...this.isr, replicaId])
  }

  /** The periodic check: followers not caught up for replica.lag.time.max.ms leave the ISR. */
  maybeShrinkIsr(replicaLagTimeMaxMs: number): void {
    if (!this.isLeader || this.pendingIsr) return
    const now = this.context.now()
    const outOfSync = this.isr.filter((id) => {
      if (id === this.brokerId) return false
      const follower = this.followers.get(id)
      return !follower || now - follower.lastCaughtUpTimeMs > replicaLagTimeMaxMs
    })
    if (outOfSync.length > 0) this.proposeIsr(this.isr.filter((id) => !outOfSync.includes(id)))
  }

  private proposeIsr(newIsr: number[]): void {
    this.pendingIsr = newIsr
    const epoch = this.leaderEpoch
    this.context.alterIsr(this, newIsr).then(
      (committed) => {
        if (!this.isLeader || this.leaderEpoch !== epoch || committed.partitionEpoch < this.partitionEpoch) return
        this.isr = committed.isr
        this.partitionEpoch = committed.partitionEpoch
        this.pendingIsr = null
        this.maybeIncrementHighWatermark()
      },
      () => {
        // Refused or lost: the metadata push carries the truth; the next check proposes again.
        if (this.leaderEpoch === epoch) this.pendingIsr = null
      },
    )
  }

  private maybeIncrementHighWatermark(): void {
    if (!this.isLeader) return
    let hw = this.log.logEndOffset
    for (const id of this.maximalIsr) {
      if (id === this.brokerId) continue
      const follower = this.followers.get(id)
      hw = Math.min(hw, follower && follower.logEndOffset >= 0 ? follower.logEndOffset : this.log.highWatermark)
    }
    if (hw <= this.log.highWatermark) return
    this.log.updateHighWatermark(hw)
    this.onHighWatermarkIncrement?.()
    const ready = this.waiters.filter((w) => w.offset <= hw)
    this.waiters = this.waiters.filter((w) => w.offset > hw)
    for (const w of ready) w.resolve()
  }

  /** A follower learns the high watermark from its leader's fetch responses. */
  updateFollowerHighWatermark(leaderHighWatermark: number): void {
    const before = this.log.highWatermark
    this.log.updateHighWatermark(Math.min(leaderHighWatermark, this.log.logEndOffset))
    if (this.log.highWatermark > before) this.onHighWatermarkIncrement?.()
  }

  /** Resolves once the high watermark reaches `offset` (acks=all), or rejects at the timeout. */
  waitForHighWatermark(offset: number, timeoutMs: number): Promise<void> {
    if (this.log.highWatermark >= offset) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(new KafkaError('REQUEST_TIMED_OUT', `The ISR of ${this.topic}-${this.partition} did not reach offset ${offset} within ${timeoutMs} ms`))
      }, timeoutMs)
      const waiter: HighWatermarkWaiter = {
        offset,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (err) => {
          clearTimeout(timer)
          reject(err)
        },
      }
      this.waiters.push(waiter)
    })
  }

  private failWaiters(err: Error): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w.reject(err)
  }
}
