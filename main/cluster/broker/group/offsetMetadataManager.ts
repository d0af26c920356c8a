// Kafka's OffsetMetadataManager for one __consumer_offsets partition: OffsetCommit,
// TxnOffsetCommit and OffsetFetch for its groups (whether a member may commit is checked
// against its ClassicGroup, as Kafka's validateOffsetCommit), the records that commit, delete
// or expire offsets, and the offsets as the log says, applied record by record.
//
// Transactional offsets (TxnOffsetCommit, written in a transactional batch of a producer) are
// kept apart, pending per producer id, until that producer's transaction marker reaches the
// partition: COMMIT makes them the group's committed offsets, ABORT drops them. Until then a
// plain OffsetFetch answers the committed offset and one with RequireStable answers
// UNSTABLE_OFFSET_COMMIT for the partition.
import { ErrorCode } from '../../errors'
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponseTopics,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from '../../protocol/messages'
import { ZERO_UUID } from '../../protocol/messages'
import { ClassicGroupState as S } from './classicGroup'
import { type CoordinatorRecord, type OffsetCommitValue, offsetCommitRecord } from './coordinatorRecords'
import { type CoordinatorContext, type GroupMetadataManager, errorCodeOf } from './groupMetadataManager'
import type { ConsumerGroupManager } from './consumerGroupManager'
import { NO_PRODUCER_ID, type OffsetAndMetadata, Offsets, type TopicPartitionOffset } from './offsets'

/** Kafka's offset.metadata.max.bytes default. */
const OFFSET_METADATA_MAX_BYTES = 4096

/** The producer of a transactional write. */
export interface TransactionalProducer {
  producerId: number
  producerEpoch: number
}

/** Writes records (with a producer: in its transactional batch) and resolves with the first one's offset. */
export type OffsetsAppend = (records: CoordinatorRecord[], producer?: TransactionalProducer) => Promise<number>

/**
 * KIP-890 part 1 (Kafka 3.6+'s transaction verification): asks the coordinator of the
 * transactional id whether this __consumer_offsets partition is in the producer's ongoing
 * transaction (as AddPartitionsToTxn VerifyOnly). Resolves with its error code: NONE, or
 * TRANSACTION_ABORTABLE when the partition was not added (AddOffsetsToTxn), or another error.
 */
/** Verifies the offsets partition is in the transaction, or (addPartition, a TV2 client's TxnOffsetCommit v5+) adds it. */
export type VerifyTransaction = (transactionalId: string, producer: TransactionalProducer, addPartition: boolean) => Promise<number>

/** Kafka's TRANSACTION_ABORTABLE (KIP-890), which TxnOffsetCommit v4+ clients know. */
const TRANSACTION_ABORTABLE = 120

/**
 * A verification's error as TxnOffsetCommit answers it (Kafka's AddPartitionsToTxnManager, then
 * handleOperationException): a fenced producer is INVALID_PRODUCER_EPOCH, TRANSACTION_ABORTABLE
 * before v4 is INVALID_TXN_STATE, a coordinator out of reach a coordinator error to retry on.
 */
function verificationError(code: number, version: number): number {
  switch (code) {
    case ErrorCode.PRODUCER_FENCED:
      return ErrorCode.INVALID_PRODUCER_EPOCH
    case TRANSACTION_ABORTABLE:
      return version >= 4 ? code : ErrorCode.INVALID_TXN_STATE
    case ErrorCode.NETWORK_EXCEPTION:
      return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.REQUEST_TIMED_OUT:
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      return ErrorCode.NOT_COORDINATOR
    default:
      return code
  }
}

export { NO_PRODUCER_ID, type OffsetAndMetadata, type TopicPartitionOffset } from './offsets'

function commitRecord(group: string, topic: string, partition: number, o: OffsetAndMetadata): CoordinatorRecord {
  return offsetCommitRecord(group, topic, partition, {
    offset: o.offset,
    leaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    commitTimestamp: BigInt(o.commitTimestamp),
    expireTimestamp: BigInt(o.expireTimestamp ?? -1),
  })
}

export class OffsetMetadataManager {
  private readonly offsets = new Offsets()
  /** Offsets of ongoing transactions, by producer id. */
  private readonly pendingTransactionalOffsets = new Map<number, Offsets>()
  /** The producers with pending offsets in each group. */
  private readonly openTransactionsByGroup = new Map<string, Set<number>>()

  constructor(
    private readonly ctx: CoordinatorContext,
    /** The groups: whether a member may commit is theirs to say. */
    private readonly classic: GroupMetadataManager,
    private readonly append: OffsetsAppend,
    /** Absent: TxnOffsetCommit is not verified (as Kafka with transaction.partition.verification.enable=false). */
    private readonly verifyTransaction?: VerifyTransaction,
    /** KIP-848's consumer groups, whose commits and fetches are checked against member epochs. */
    private readonly consumer?: ConsumerGroupManager,
  ) {}

  // --- Requests: OffsetCommit, TxnOffsetCommit, OffsetFetch ---

  async offsetCommit(request: OffsetCommitRequest, version: number): Promise<OffsetCommitResponse> {
    const error = this.validateOffsetCommit(request, version)
    const now = this.ctx.now()
    const commits: { topic: string; partition: number; offset: OffsetAndMetadata }[] = []
    const codes = request.topics.map((t) =>
      t.partitions.map((p) => {
        if (error !== ErrorCode.NONE) return error
        const metadata = p.committedMetadata ?? ''
        if (Buffer.byteLength(metadata) > OFFSET_METADATA_MAX_BYTES) return ErrorCode.OFFSET_METADATA_TOO_LARGE
        // v2-v4 may set a retention time, which gives the offset its own expiry.
        const expireTimestamp = request.retentionTimeMs >= 0n ? now + Number(request.retentionTimeMs) : null
        commits.push({ topic: t.name, partition: p.partitionIndex, offset: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: now, expireTimestamp, recordOffset: -1 } })
        return ErrorCode.NONE
      }),
    )
    let writeError: number = ErrorCode.NONE
    try {
      await this.commit(request.groupId, commits)
    } catch (err) {
      writeError = errorCodeOf(err)
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t, i) => ({
        name: t.name,
        topicId: t.topicId,
        partitions: t.partitions.map((p, j) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i][j] === ErrorCode.NONE ? writeError : codes[i][j] })),
      })),
    }
  }

  private validateOffsetCommit(request: OffsetCommitRequest, version: number): number {
    // From v9 a commit within group management to a group that does not exist is GROUP_ID_NOT_FOUND.
    const unknownGroup = version >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION
    // Listed only for a consumer group's member committing at an older epoch (KIP-1251).
    const partitions = () => request.topics.flatMap((t) => t.partitions.map((p) => ({ topicId: version >= 10 ? t.topicId : undefined, topic: t.name, partition: p.partitionIndex })))
    const modern = this.consumer?.validateOffsetCommit(request.groupId, request.memberId, request.generationIdOrMemberEpoch, false, version, partitions)
    if (modern !== undefined && modern !== null) return modern
    return this.validateCommit(request.groupId, request.generationIdOrMemberEpoch, request.memberId, request.groupInstanceId, false, unknownGroup)
  }

  /**
   * Kafka's ClassicGroup.validateOffsetCommit; an unknown group is created only for a commit
   * outside group management. A transactional commit is not held to the group's state: before
   * TxnOffsetCommit v3 it carries no member at all, and a member may commit mid-rebalance.
   */
  private validateCommit(
    groupId: string,
    generation: number,
    memberId: string,
    groupInstanceId: string | null,
    transactional: boolean,
    unknownGroup: number = ErrorCode.ILLEGAL_GENERATION,
  ): number {
    let group = this.classic.groups.get(groupId)
    if (!group) {
      if (generation >= 0) return unknownGroup
      group = this.classic.createGroup(groupId)
    }
    if (group.is(S.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    // Generation -1: an admin tool or a consumer without group management; allowed only while nobody consumes.
    if (generation < 0 && group.is(S.Empty)) return ErrorCode.NONE
    if (generation >= 0 || memberId !== '' || groupInstanceId !== null) {
      const error = this.classic.validateMember(group, memberId, groupInstanceId)
      if (error !== ErrorCode.NONE) return error
      if (generation !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    } else if (!transactional && !group.is(S.Empty)) {
      return ErrorCode.UNKNOWN_MEMBER_ID
    }
    if (transactional) return ErrorCode.NONE
    // The member has its new generation but not its assignment yet: let it finish the rebalance first.
    if (group.is(S.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS
    const member = group.member(memberId)!
    member.sessionDeadline = this.ctx.now() + member.sessionTimeoutMs
    return ErrorCode.NONE
  }

  /** Writes the commits and applies them once written. */
  async commit(groupId: string, commits: { topic: string; partition: number; offset: OffsetAndMetadata }[]): Promise<void> {
    if (commits.length === 0) return
    const first = await this.append(commits.map((c) => commitRecord(groupId, c.topic, c.partition, c.offset)))
    commits.forEach((c, i) => this.put(groupId, c.topic, c.partition, { ...c.offset, recordOffset: first + i }))
  }

  /**
   * TxnOffsetCommit (Kafka's commitTransactionalOffset): the offsets go to the log in a
   * transactional batch of the producer and stay pending, per producer id, until its
   * transaction's marker reaches this partition (replayEndTransactionMarker). As Kafka's
   * scheduleTransactionalWriteOperation, the transaction is verified first (when a verifier is
   * given), then the member. A failed write answers its error for every partition, as Kafka does.
   */
  async txnOffsetCommit(request: TxnOffsetCommitRequest, version: number): Promise<TxnOffsetCommitResponse> {
    type Partition = TxnOffsetCommitRequest['topics'][number]['partitions'][number]
    const respond = (code: (partition: Partition) => number): TxnOffsetCommitResponse => ({
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code(p) })) })),
    })
    const producer = { producerId: Number(request.producerId), producerEpoch: request.producerEpoch }
    if (this.verifyTransaction) {
      const verified = await this.verifyTransaction(request.transactionalId, producer, version >= 5).catch((err: unknown) => errorCodeOf(err))
      if (verified !== ErrorCode.NONE) return respond(() => verificationError(verified, version))
    }
    const error =
      this.consumer?.validateOffsetCommit(request.groupId, request.memberId, request.generationId, true, version) ??
      this.validateCommit(request.groupId, request.generationId, request.memberId, request.groupInstanceId, true)
    if (error !== ErrorCode.NONE) return respond(() => error)
    const now = this.ctx.now()
    const tooLarge = (p: { committedMetadata: string | null }) => Buffer.byteLength(p.committedMetadata ?? '') > OFFSET_METADATA_MAX_BYTES
    const commits = request.topics.flatMap((t) =>
      t.partitions
        .filter((p) => !tooLarge(p))
        .map((p) => ({
          topic: t.name,
          partition: p.partitionIndex,
          offset: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata ?? '', commitTimestamp: now, expireTimestamp: null, recordOffset: -1 } as OffsetAndMetadata,
        })),
    )
    if (commits.length > 0) {
      const written = this.append(
        commits.map((c) => commitRecord(request.groupId, c.topic, c.partition, c.offset)),
        producer,
      )
      // Pending from the append on (as Kafka's uncommitted state), so a marker right behind it finds them.
      const previous = commits.map((c) => this.putPending(producer.producerId, request.groupId, c.topic, c.partition, c.offset))
      try {
        const first = await written
        commits.forEach((c, i) => (c.offset.recordOffset = first + i))
      } catch (err) {
        commits.forEach((c, i) => this.revertPending(producer.producerId, request.groupId, c.topic, c.partition, c.offset, previous[i]))
        const code = errorCodeOf(err)
        return respond(() => code)
      }
    }
    return respond((p) => (tooLarge(p) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE))
  }

  /**
   * OffsetFetch answers committed offsets. With RequireStable (v7+), a partition that has a
   * pending transactional offset answers UNSTABLE_OFFSET_COMMIT (offset -1) instead, as Kafka
   * does in every version, v8's groups included: the error is the partition's, not the group's.
   */
  offsetFetch(request: OffsetFetchRequest, version: number): OffsetFetchResponse {
    const requireStable = version >= 7 && request.requireStable
    if (version >= 8) {
      const groups = request.groups.map((g) => {
        // v9: a consumer group's member fetches at its epoch (Kafka's validateOffsetFetch); the error is the group's.
        const error = version >= 9 ? (this.consumer?.validateOffsetFetch(g.groupId, g.memberId, g.memberEpoch) ?? ErrorCode.NONE) : ErrorCode.NONE
        return { groupId: g.groupId, topics: error === ErrorCode.NONE ? this.fetchOffsets(g.groupId, g.topics, version, requireStable) : [], errorCode: error }
      })
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups }
    }
    const topics = this.fetchOffsets(request.groupId, request.topics, version, requireStable)
    return { throttleTimeMs: 0, topics, errorCode: ErrorCode.NONE, groups: [] }
  }

  /** Null topics: every committed offset of the group; listed partitions without one get offset -1. */
  private fetchOffsets(groupId: string, topics: { name: string; topicId?: string; partitionIndexes: number[] }[] | null, version: number, requireStable: boolean): OffsetFetchResponseTopics[] {
    const entry = (topic: string, partitionIndex: number, committed: OffsetAndMetadata | undefined) => {
      const unstable = requireStable && this.hasPendingTransactionalOffsets(groupId, topic, partitionIndex)
      const o = unstable ? undefined : committed
      return {
        partitionIndex,
        committedOffset: o?.offset ?? -1n,
        committedLeaderEpoch: version >= 5 ? (o?.leaderEpoch ?? -1) : -1,
        metadata: o?.metadata ?? '',
        errorCode: unstable ? ErrorCode.UNSTABLE_OFFSET_COMMIT : ErrorCode.NONE,
      }
    }
    if (topics !== null) {
      return topics.map((t) => ({ name: t.name, topicId: t.topicId ?? ZERO_UUID, partitions: t.partitionIndexes.map((p) => entry(t.name, p, this.get(groupId, t.name, p))) }))
    }
    const byTopic = new Map<string, OffsetFetchResponseTopics>()
    for (const { topic, partition, offset } of this.list(groupId)) {
      let t = byTopic.get(topic)
      if (!t) byTopic.set(topic, (t = { name: topic, topicId: ZERO_UUID, partitions: [] }))
      t.partitions.push(entry(topic, partition, offset))
    }
    return [...byTopic.values()]
  }

  // --- The offsets, as the log says ---

  /** Applies a record of the log: `producerId` is its batch's when the batch is transactional, else NO_PRODUCER_ID. */
  replay(group: string, topic: string, partition: number, value: OffsetCommitValue | null, producerId = NO_PRODUCER_ID, recordOffset = -1): void {
    if (value === null) return this.remove(group, topic, partition)
    const expire = Number(value.expireTimestamp)
    const offset: OffsetAndMetadata = {
      offset: value.offset,
      leaderEpoch: value.leaderEpoch,
      metadata: value.metadata,
      commitTimestamp: Number(value.commitTimestamp),
      expireTimestamp: expire >= 0 ? expire : null,
      recordOffset,
    }
    if (producerId === NO_PRODUCER_ID) this.put(group, topic, partition, offset)
    else this.putPending(producerId, group, topic, partition, offset)
  }

  put(group: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    this.offsets.put(group, topic, partition, offset)
  }

  /** A transactional offset, written; it waits for its producer's transaction marker. Returns the one it replaced. */
  putPending(producerId: number, group: string, topic: string, partition: number, offset: OffsetAndMetadata): OffsetAndMetadata | undefined {
    let pending = this.pendingTransactionalOffsets.get(producerId)
    if (!pending) this.pendingTransactionalOffsets.set(producerId, (pending = new Offsets()))
    const previous = pending.get(group, topic, partition)
    pending.put(group, topic, partition, offset)
    let open = this.openTransactionsByGroup.get(group)
    if (!open) this.openTransactionsByGroup.set(group, (open = new Set()))
    open.add(producerId)
    return previous
  }

  /** Undoes putPending of a write that failed (back to `previous`), unless something replaced the offset since. */
  revertPending(producerId: number, group: string, topic: string, partition: number, offset: OffsetAndMetadata, previous: OffsetAndMetadata | undefined): void {
    const pending = this.pendingTransactionalOffsets.get(producerId)
    if (!pending || pending.get(group, topic, partition) !== offset) return
    if (previous) return pending.put(group, topic, partition, previous)
    pending.remove(group, topic, partition)
    if (!pending.groups.has(group)) this.closeTransaction(group, producerId)
    if (pending.groups.size === 0) this.pendingTransactionalOffsets.delete(producerId)
  }

  private closeTransaction(group: string, producerId: number): void {
    const open = this.openTransactionsByGroup.get(group)
    open?.delete(producerId)
    if (open?.size === 0) this.openTransactionsByGroup.delete(group)
  }

  /** A tombstone deletes the committed offset and the pending ones of every open transaction of the group. */
  remove(group: string, topic: string, partition: number): void {
    this.offsets.remove(group, topic, partition)
    for (const producerId of this.openTransactionsByGroup.get(group) ?? []) this.pendingTransactionalOffsets.get(producerId)?.remove(group, topic, partition)
  }

  /**
   * The producer's transaction marker reached the partition: on COMMIT its pending offsets
   * become committed (each only if written after the committed one), on ABORT they go.
   */
  replayEndTransactionMarker(producerId: number, committed: boolean): void {
    const pending = this.pendingTransactionalOffsets.get(producerId)
    if (!pending) return
    this.pendingTransactionalOffsets.delete(producerId)
    // Every group the transaction touched, even one whose pending offsets a tombstone took since.
    for (const [group, open] of [...this.openTransactionsByGroup]) if (open.has(producerId)) this.closeTransaction(group, producerId)
    if (!committed) return
    for (const group of pending.groups.keys()) {
      for (const { topic, partition, offset } of pending.list(group)) {
        const existing = this.offsets.get(group, topic, partition)
        if (!existing || offset.recordOffset > existing.recordOffset || offset.recordOffset < 0) this.offsets.put(group, topic, partition, offset)
      }
    }
  }

  get(group: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(group, topic, partition)
  }

  /** The pending offset of one producer's transaction, if any. */
  pendingOffset(producerId: number, group: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.pendingTransactionalOffsets.get(producerId)?.get(group, topic, partition)
  }

  hasPendingTransactionalOffsets(group: string, topic: string, partition: number): boolean {
    for (const producerId of this.openTransactionsByGroup.get(group) ?? []) {
      if (this.pendingTransactionalOffsets.get(producerId)?.get(group, topic, partition)) return true
    }
    return false
  }

  /** Producers whose transactions hold offsets of the group. */
  openTransactions(group: string): number[] {
    return [...(this.openTransactionsByGroup.get(group) ?? [])]
  }

  hasOffsets(group: string): boolean {
    return this.offsets.groups.has(group)
  }

  groupIds(): string[] {
    return [...new Set([...this.offsets.groups.keys(), ...this.openTransactionsByGroup.keys()])]
  }

  /** Every committed offset of the group, topics and partitions in commit order. */
  list(group: string): TopicPartitionOffset[] {
    return this.offsets.list(group)
  }

  static tombstone(group: string, topic: string, partition: number): CoordinatorRecord {
    return offsetCommitRecord(group, topic, partition, null)
  }

  /** The partitions whose tombstones DeleteGroups writes: committed ones, then those only pending (one tombstone each). */
  allPartitions(group: string): { topic: string; partition: number }[] {
    const seen = new Set<string>()
    const out: { topic: string; partition: number }[] = []
    const add = (topic: string, partition: number) => {
      const key = `${topic}\u0000${partition}`
      if (!seen.has(key)) out.push({ topic, partition }), seen.add(key)
    }
    for (const { topic, partition } of this.list(group)) add(topic, partition)
    for (const producerId of this.openTransactionsByGroup.get(group) ?? []) {
      for (const { topic, partition } of this.pendingTransactionalOffsets.get(producerId)?.list(group) ?? []) add(topic, partition)
    }
    return out
  }

  /** Tombstones for every offset of the group, committed or pending (DeleteGroups). */
  deleteAllRecords(group: string): CoordinatorRecord[] {
    return this.allPartitions(group).map(({ topic, partition }) => OffsetMetadataManager.tombstone(group, topic, partition))
  }

  /**
   * Kafka 2.1+ expiry (KIP-211): an offset expires at its own expire timestamp if it has one,
   * else `retentionMs` after `base(offset)`; `keep` spares a topic (one the group still consumes),
   * and an offset with a pending transactional one waits for that transaction.
   * Removes what expired and returns the tombstones to write.
   */
  expire(group: string, now: number, retentionMs: number, base: (o: OffsetAndMetadata) => number, keep: (topic: string) => boolean): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = []
    for (const { topic, partition, offset } of this.list(group)) {
      if (keep(topic) || this.hasPendingTransactionalOffsets(group, topic, partition)) continue
      const expired = offset.expireTimestamp !== null ? now >= offset.expireTimestamp : now - base(offset) >= retentionMs
      if (!expired) continue
      this.offsets.remove(group, topic, partition)
      records.push(OffsetMetadataManager.tombstone(group, topic, partition))
    }
    return records
  }
}
