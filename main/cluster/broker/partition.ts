// Kafka's Partition: one replica of a topic partition on this broker, its leader epoch and
// ISR, and the high watermark a leader advances as the ISR's log end offsets do.
import { KafkaError } from '../errors'
import type { Acks, PartitionState } from './api'
import type { UnifiedLog } from './log/unifiedLog'
import type { LogAppendInfo } from './log/validator'

interface HighWatermarkWaiter {
  offset: number
  resolve: () => void
}

export class Partition {
  leader = -1
  leaderEpoch = -1
  replicas: number[] = []
  isr: number[] = []
  topicId = ''
  /** Log end offsets of the followers, as their fetches report them. */
  private readonly followerLogEndOffsets = new Map<number, number>()
  private waiters: HighWatermarkWaiter[] = []

  constructor(
    readonly brokerId: number,
    readonly log: UnifiedLog,
  ) {}

  get topic(): string {
    return this.log.topic
  }

  get partition(): number {
    return this.log.partition
  }

  get isLeader(): boolean {
    return this.leader === this.brokerId
  }

  /** Applies the controller's word on leader, epoch, replicas and ISR. */
  applyState(state: PartitionState): void {
    if (state.leaderEpoch < this.leaderEpoch) {
      throw new KafkaError('STALE_CONTROLLER_EPOCH', `Leader epoch ${state.leaderEpoch} for ${this.topic}-${this.partition} is older than the current ${this.leaderEpoch}`)
    }
    this.topicId = state.topicId
    this.leader = state.leader
    this.leaderEpoch = state.leaderEpoch
    this.replicas = [...state.replicas]
    this.isr = [...state.isr]
    for (const id of this.followerLogEndOffsets.keys()) if (!this.replicas.includes(id)) this.followerLogEndOffsets.delete(id)
    if (this.isLeader) this.maybeIncrementHighWatermark()
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

  /** A follower's fetch tells its log end offset; the ISR's minimum is the high watermark. */
  updateFollowerLogEndOffset(replicaId: number, logEndOffset: number): void {
    this.followerLogEndOffsets.set(replicaId, logEndOffset)
    this.maybeIncrementHighWatermark()
  }

  private maybeIncrementHighWatermark(): void {
    let hw = this.log.logEndOffset
    for (const id of this.isr) {
      if (id === this.brokerId) continue
      hw = Math.min(hw, this.followerLogEndOffsets.get(id) ?? this.log.highWatermark)
    }
    if (hw <= this.log.highWatermark) return
    this.log.updateHighWatermark(hw)
    const ready = this.waiters.filter((w) => w.offset <= hw)
    this.waiters = this.waiters.filter((w) => w.offset > hw)
    for (const w of ready) w.resolve()
  }

  /** Resolves once the high watermark reaches `offset` (acks=all), or rejects at the timeout. */
  waitForHighWatermark(offset: number, timeoutMs: number): Promise<void> {
    if (this.log.highWatermark >= offset) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const waiter: HighWatermarkWaiter = {
        offset,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(new KafkaError('REQUEST_TIMED_OUT', `The ISR of ${this.topic}-${this.partition} did not reach offset ${offset} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }
}
