// A broker's share partitions (Kafka's SharePartitionManager, KIP-932): for each share group
// and each partition this broker leads, which records are in flight to which member. ShareFetch
// acquires records and ShareAcknowledge settles them; both come here through share sessions.
import { ErrorCode, KafkaError } from '../../errors'
import { CONTROL_FLAG_MASK } from '../../protocol/batchHeader'
import { batchInfoAt } from '../log/segment'
import type { Partition } from '../partition'
import type { ReplicaManager } from '../replicaManager'
import type { MetadataImage } from '../../metadata/image'
import { IsolationLevel, type ShareGroupStateRequest, type ShareGroupStateResponse } from '../api'
import { type AcquiredRange, type LogBatch, SharePartition, type SharePartitionConfig } from './sharePartition'
import { type ShareSession, ShareSessionCache, type SharePartitionKey, partitionKey } from './shareSessionCache'

export interface ShareConfig extends SharePartitionConfig {
  maxShareSessions: number
  /** group.share.session.timeout.ms: a share session unused this long may give its slot to a new one. */
  sessionIdleMs: number
}

/** How a partition answers: an error, or what was acquired and the batches that hold it. */
export interface SharePartitionResult extends SharePartitionKey {
  errorCode: number
  errorMessage: string | null
  leaderId: number
  leaderEpoch: number
  records: Uint8Array
  acquired: AcquiredRange[]
}

export interface AcknowledgeResult {
  errorCode: number
  errorMessage: string | null
}

export interface AcknowledgementBatch {
  firstOffset: number
  lastOffset: number
  acknowledgeTypes: number[]
}

/** The metadata a share partition's read needs: a topic's name by id, and a partition's leader. */
export interface ShareTopics {
  nameOf(topicId: string): string | undefined
  leaderOf(topicId: string, partition: number): { leaderId: number; leaderEpoch: number } | undefined
}

export function shareTopics(image: MetadataImage): ShareTopics {
  return {
    nameOf: (topicId) => image.topicsById.get(topicId)?.name,
    leaderOf: (topicId, partition) => {
      const p = image.topicsById.get(topicId)?.partitions[partition]
      return p && { leaderId: p.leader, leaderEpoch: p.leaderEpoch }
    },
  }
}

/** How often a long-polling ShareFetch that acquired nothing looks again (locks may have run out). */
const POLL_INTERVAL_MS = 100

export class SharePartitionManager {
  readonly sessions: ShareSessionCache
  /** By `${groupId}\0${topicId}:${partition}`. */
  private readonly partitions = new Map<string, { sharePartition: SharePartition; topic: string; partition: number }>()

  constructor(
    private readonly replicaManager: ReplicaManager,
    private readonly image: () => MetadataImage,
    private readonly config: () => ShareConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = new ShareSessionCache(
      () => this.config().maxShareSessions,
      () => this.config().sessionIdleMs,
      now,
      (session) => this.releaseSession(session),
    )
    // A partition this broker no longer leads: its share state goes with the leadership.
    replicaManager.onLeadershipChange((p, isLeader) => {
      if (isLeader) return
      for (const [k, entry] of this.partitions) if (entry.topic === p.topic && entry.partition === p.partition) this.partitions.delete(k)
    })
  }

  /** The leader's partition for a share group's read or acknowledgement, or the error to answer with. */
  private leaderPartition(key: SharePartitionKey): { topic: string; partition: Partition } | KafkaError {
    const topics = shareTopics(this.image())
    const topic = topics.nameOf(key.topicId)
    if (topic === undefined) return new KafkaError('UNKNOWN_TOPIC_ID', 'This server does not host this topic ID.')
    const partition = this.replicaManager.getPartition(topic, key.partition)
    if (partition?.isLeader) return { topic, partition }
    if (!topics.leaderOf(key.topicId, key.partition)) return new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.')
    return new KafkaError('NOT_LEADER_OR_FOLLOWER', 'For requests intended only for the leader, this error indicates that the broker is not the current leader.')
  }

  /** A group's share partition, made on first use at the log's end (share.auto.offset.reset=latest, Kafka's default). */
  private sharePartition(groupId: string, key: SharePartitionKey, topic: string, partition: Partition): SharePartition {
    const k = `${groupId}\0${partitionKey(key)}`
    let entry = this.partitions.get(k)
    if (!entry) {
      entry = { sharePartition: new SharePartition(partition.log.highWatermark, this.config), topic, partition: key.partition }
      this.partitions.set(k, entry)
    }
    entry.sharePartition.advanceToLogStart(partition.log.logStartOffset)
    return entry.sharePartition
  }

  /** Settles a member's acknowledgements for one partition: the partition's error, if any. */
  acknowledge(groupId: string, memberId: string, key: SharePartitionKey, batches: AcknowledgementBatch[]): AcknowledgeResult {
    const found = this.leaderPartition(key)
    if (found instanceof KafkaError) return { errorCode: found.errorCode, errorMessage: found.message }
    const sharePartition = this.sharePartition(groupId, key, found.topic, found.partition)
    const now = this.now()
    let result: AcknowledgeResult = { errorCode: ErrorCode.NONE, errorMessage: null }
    for (const b of batches) {
      const refused = sharePartition.acknowledge(memberId, b.firstOffset, b.lastOffset, b.acknowledgeTypes, now)
      if (refused) result = { errorCode: ErrorCode.INVALID_RECORD_STATE, errorMessage: refused }
    }
    return result
  }

  /**
   * Acquires up to `maxRecords` for a member from its session's partitions, waiting up to
   * `maxWaitMs` while there is nothing to acquire (Kafka's share fetch purgatory).
   */
  async fetch(groupId: string, memberId: string, keys: SharePartitionKey[], maxWaitMs: number, maxRecords: number, maxBytes: number, recordLimit = false): Promise<SharePartitionResult[]> {
    const deadline = this.now() + maxWaitMs
    for (;;) {
      const results = this.acquire(groupId, memberId, keys, maxRecords, maxBytes, recordLimit)
      const remaining = deadline - this.now()
      if (remaining <= 0 || results.some((r) => r.acquired.length > 0 || r.errorCode !== ErrorCode.NONE)) return results
      await this.waitForRecords(groupId, keys, Math.min(remaining, POLL_INTERVAL_MS))
    }
  }

  private acquire(groupId: string, memberId: string, keys: SharePartitionKey[], maxRecords: number, maxBytes: number, recordLimit: boolean): SharePartitionResult[] {
    const now = this.now()
    const topics = shareTopics(this.image())
    let budget = maxBytes
    let left = maxRecords
    return keys.map((key) => {
      const leader = topics.leaderOf(key.topicId, key.partition) ?? { leaderId: -1, leaderEpoch: -1 }
      const answer = { ...key, ...leader, errorCode: ErrorCode.NONE, errorMessage: null, records: new Uint8Array(0), acquired: [] as AcquiredRange[] }
      const found = this.leaderPartition(key)
      if (found instanceof KafkaError) return { ...answer, errorCode: found.errorCode, errorMessage: found.message }
      if (left <= 0) return answer
      const sharePartition = this.sharePartition(groupId, key, found.topic, found.partition)
      const log = found.partition.log
      const from = sharePartition.nextFetchOffset(now)
      if (from >= log.highWatermark) return answer
      let records: Uint8Array
      try {
        records = log.read(from, Math.max(Math.min(budget, maxBytes), 1), log.highWatermark).records
      } catch (err) {
        // A read that fails (a segment deleted under it) is this partition's error, not the request's.
        const error = err instanceof KafkaError ? err : new KafkaError('UNKNOWN_SERVER_ERROR', String(err))
        return { ...answer, errorCode: error.errorCode, errorMessage: error.message }
      }
      const batches = batchesIn(records)
      const acquired = sharePartition.acquire(memberId, batches.map((b) => b.batch), left, now, recordLimit)
      // Only the batches that hold acquired records go back (the consumer delivers only those records).
      const held = batches.filter(({ batch }) => acquired.some((r) => r.firstOffset <= batch.lastOffset && r.lastOffset >= batch.baseOffset))
      const bytes = held.length ? records.subarray(held[0].start, held[held.length - 1].end) : new Uint8Array(0)
      budget -= bytes.byteLength
      left -= acquired.reduce((n, r) => n + r.lastOffset - r.firstOffset + 1, 0)
      return { ...answer, records: bytes, acquired }
    })
  }

  /** Until a record is appended past a partition's in-flight window, or `ms` pass. */
  private async waitForRecords(groupId: string, keys: SharePartitionKey[], ms: number): Promise<void> {
    const started = this.now()
    const topics = shareTopics(this.image())
    const byTopic = new Map<string, Array<{ index: number; fetchOffset: number; partitionMaxBytes: number }>>()
    for (const key of keys) {
      const name = topics.nameOf(key.topicId)
      const entry = this.partitions.get(`${groupId}\0${partitionKey(key)}`)
      if (name === undefined || !entry) continue
      byTopic.set(name, [...(byTopic.get(name) ?? []), { index: key.partition, fetchOffset: entry.sharePartition.endOffset, partitionMaxBytes: 1 }])
    }
    if (byTopic.size > 0) {
      await this.replicaManager.fetch({ replicaId: -1, maxWaitMs: ms, minBytes: 1, maxBytes: 1, isolationLevel: IsolationLevel.READ_UNCOMMITTED, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) })
    }
    // Records past the window that cannot be acquired yet (the in-flight limit) answer at once: wait out the interval.
    const waited = this.now() - started
    if (waited < ms) await new Promise((resolve) => setTimeout(resolve, ms - waited))
  }

  /** A closed session or a departed member: what the member holds on this broker goes back. */
  releaseSession(session: ShareSession): void {
    for (const key of session.partitions.values()) this.partitions.get(`${session.groupId}\0${partitionKey(key)}`)?.sharePartition.releaseMember(session.memberId)
  }

  /**
   * The share coordinator's part (Kafka keeps it in __share_group_state; Brokerlab's leaders
   * keep it with the records): a summary of each partition's state (start offset and lag, or
   * -1 for a partition not read yet), a new start offset (records in flight are forgotten), or
   * the state deleted.
   */
  shareGroupState(request: ShareGroupStateRequest): ShareGroupStateResponse {
    return {
      partitions: request.partitions.map((key) => {
        const answer = { topicId: key.topicId, partition: key.partition, errorCode: ErrorCode.NONE, startOffset: -1, leaderEpoch: -1, lag: -1 }
        const found = this.leaderPartition(key)
        if (found instanceof KafkaError) return { ...answer, errorCode: found.errorCode }
        const k = `${request.groupId}\0${partitionKey(key)}`
        if (request.op === 'delete') {
          this.partitions.delete(k)
          return answer
        }
        if (request.op === 'alter') {
          this.partitions.set(k, { sharePartition: new SharePartition(key.startOffset ?? 0, this.config), topic: found.topic, partition: key.partition })
        }
        const entry = this.partitions.get(k)
        if (!entry) return answer
        const log = found.partition.log
        entry.sharePartition.advanceToLogStart(log.logStartOffset)
        return { ...answer, startOffset: entry.sharePartition.startOffset, leaderEpoch: found.partition.leaderEpoch, lag: entry.sharePartition.lag(log.highWatermark) }
      }),
    }
  }
}

/** The batches of a read, with where each starts and ends in it. */
function batchesIn(records: Uint8Array): Array<{ batch: LogBatch; start: number; end: number }> {
  const out: Array<{ batch: LogBatch; start: number; end: number }> = []
  for (let pos = 0; pos < records.byteLength; ) {
    const info = batchInfoAt(records, pos)
    out.push({ batch: { baseOffset: info.baseOffset, lastOffset: info.lastOffset, control: (info.attributes & CONTROL_FLAG_MASK) !== 0 }, start: pos, end: pos + info.size })
    pos += info.size
  }
  return out
}
