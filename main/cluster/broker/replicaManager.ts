// Kafka's ReplicaManager: the partitions this broker hosts, made leader or follower by the
// metadata the controller publishes, and the produce, fetch, list-offsets, delete-records
// and offset-for-leader-epoch paths through them, answering per partition with Kafka's
// error codes.
import { ErrorCode, KafkaError, RecordValidationError } from '../errors'
import type { MetadataChange, MetadataImage, PartitionRegistration } from '../metadata/image'
import { ConfigResourceType } from '../metadata/records'
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../protocol/messages'
import type { UnifiedLog } from './log/unifiedLog'
import { fetchUpperBoundOffset } from './log/transactionIndex'
import { TxnMarkerWriter, type TxnMarkerEvent } from './txnMarkers'
import {
  CONSUMER_REPLICA_ID,
  IsolationLevel,
  OffsetSpec,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
  type DescribeLogDirsResponse,
  type FetchPartitionResponse,
  type FetchRequest,
  type FetchResponse,
  type LeaderAndIsrRequest,
  type LeaderAndIsrResponse,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
  type PartitionError,
  type PartitionState,
  type ProducePartitionResponse,
  type ProduceRequest,
  type ProduceResponse,
  type StopReplicaRequest,
} from './api'
import { BrokerTopicMetrics } from './brokerTopicMetrics'
import { LogManager, partitionKey, type LogDirDescription } from './logManager'
import { Partition, type PartitionContext } from './partition'

const NONE: PartitionError = { errorCode: ErrorCode.NONE, errorMessage: null }

export type { TxnMarkerEvent } from './txnMarkers'

/** Kafka's addAbortedTransactions: the aborted transactions overlapping the fetched batches. */
function abortedTransactionsIn(log: UnifiedLog, fetchOffset: number, records: Uint8Array): Array<{ producerId: number; firstOffset: number }> {
  if (records.byteLength === 0) return []
  return log.collectAbortedTransactions(fetchOffset, fetchUpperBoundOffset(records, fetchOffset)).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }))
}
/** A producer as DescribeProducers shows it (Kafka's ProducerState). */
export interface ActiveProducerState {
  producerId: number
  producerEpoch: number
  lastSequence: number
  lastTimestamp: number
  coordinatorEpoch: number
  /** First offset of its ongoing transaction in this partition, -1 when none. */
  currentTxnStartOffset: number
}

/** A thrown error as Kafka's per-partition (errorCode, errorMessage). */
export function partitionError(err: unknown): PartitionError {
  if (err instanceof KafkaError) return { errorCode: err.errorCode, errorMessage: err.message }
  return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: err instanceof Error ? err.message : String(err) }
}

/** Maps each requested partition of each topic, in request order, to its answer. */
function perPartition<P extends { index: number }, R>(
  topics: Array<{ name: string; partitions: P[] }>,
  answer: (topic: string, p: P) => R,
): Array<{ name: string; partitions: R[] }> {
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => answer(t.name, p)) }))
}

async function perPartitionAsync<P extends { index: number }, R>(
  topics: Array<{ name: string; partitions: P[] }>,
  answer: (topic: string, p: P) => Promise<R>,
): Promise<Array<{ name: string; partitions: R[] }>> {
  return Promise.all(topics.map(async (t) => ({ name: t.name, partitions: await Promise.all(t.partitions.map((p) => answer(t.name, p))) })))
}

/** What the replica manager asks of the follower side (the replica fetchers). */
export interface FetcherControl {
  /** Follow `leader` for these partitions, truncating to the leader's log first. */
  follow(partition: Partition): void
  unfollow(partition: Partition): void
}

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>()
  /** Fetches waiting for data (Kafka's fetch purgatory), woken by every append. */
  private fetchWaiters = new Set<() => void>()
  fetchers: FetcherControl | null = null
  /** Told when this broker becomes or stops being a partition's leader (the coordinators listen). */
  private readonly leadershipListeners = new Set<(partition: Partition, isLeader: boolean) => void>()
  /** Writes transaction markers as leader, and tells the listeners of each. */
  private readonly txnMarkers = new TxnMarkerWriter({
    partitionOrError: (topic, partition) => this.partitionOrError(topic, partition),
    wakeFetches: () => this.wakeFetches(),
    errorCode: (err) => partitionError(err).errorCode,
  })

  constructor(
    private readonly context: PartitionContext,
    private readonly logManager: LogManager,
    /** Traffic counters (Kafka's BrokerTopicStats), shared with the replica fetchers. */
    readonly metrics = new BrokerTopicMetrics(),
  ) {}

  get brokerId(): number {
    return this.context.brokerId
  }

  allPartitions(): IterableIterator<Partition> {
    return this.partitions.values()
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(partitionKey(topic, partition))
  }

  private partitionOrError(topic: string, partition: number): Partition {
    const p = this.getPartition(topic, partition)
    if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This broker (${this.brokerId}) hosts no partition ${topic}-${partition}`)
    return p
  }

  private leaderPartition(topic: string, partition: number, currentLeaderEpoch = -1, leaderOnly = true): Partition {
    const p = this.partitionOrError(topic, partition)
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < p.leaderEpoch) {
      throw new KafkaError('FENCED_LEADER_EPOCH', `Leader epoch ${currentLeaderEpoch} of ${topic}-${partition} is older than the current ${p.leaderEpoch}`)
    }
    if (currentLeaderEpoch > p.leaderEpoch) {
      throw new KafkaError('UNKNOWN_LEADER_EPOCH', `Leader epoch ${currentLeaderEpoch} of ${topic}-${partition} is newer than this broker knows (${p.leaderEpoch})`)
    }
    if (leaderOnly && !p.isLeader) {
      throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `Broker ${this.brokerId} is not the leader of ${topic}-${partition} (leader: ${p.leader})`)
    }
    return p
  }

  /** Makes this broker leader or follower of one partition, as the controller decided. */
  private applyPartitionState(state: PartitionState): void {
    const key = partitionKey(state.topic, state.partition)
    let partition = this.partitions.get(key)
    if (!partition) {
      partition = new Partition(this.context, this.logManager.getOrCreateLog(state.topic, state.partition))
      partition.onHighWatermarkIncrement = () => this.wakeFetches()
      this.partitions.set(key, partition)
    }
    const before = { leader: partition.leader, epoch: partition.leaderEpoch, wasLeader: partition.isLeader }
    partition.applyState(state)
    if (before.wasLeader !== partition.isLeader || (partition.isLeader && before.epoch !== partition.leaderEpoch)) {
      for (const listener of this.leadershipListeners) listener(partition, partition.isLeader)
    }
    if (partition.isLeader) this.fetchers?.unfollow(partition)
    else if (partition.leader < 0) this.fetchers?.unfollow(partition)
    else if (before.leader !== partition.leader || before.epoch !== partition.leaderEpoch) this.fetchers?.follow(partition)
    this.wakeFetches()
  }

  /** Kafka's becomeLeaderOrFollower, for a caller that is its own controller (tests, tools). */
  leaderAndIsr(request: LeaderAndIsrRequest): LeaderAndIsrResponse {
    for (const [topic, overrides] of Object.entries(request.topicConfigs)) this.logManager.setTopicConfig(topic, overrides)
    const partitions = request.partitionStates.map((state) => {
      try {
        this.applyPartitionState(state)
        return { topic: state.topic, partition: state.partition, ...NONE }
      } catch (err) {
        return { topic: state.topic, partition: state.partition, ...partitionError(err) }
      }
    })
    return { partitions }
  }

  /** Acts on what a batch of metadata records changed (Kafka's applyDelta). */
  applyMetadataChanges(image: MetadataImage, changes: MetadataChange[], staticConfigs: Record<string, string>): void {
    for (const change of changes) {
      switch (change.kind) {
        case 'config':
          if (change.resourceType === ConfigResourceType.TOPIC) this.logManager.setTopicConfig(change.resourceName, image.topicConfigs(change.resourceName))
          else this.logManager.setBrokerConfigs(image.brokerConfigLayers(this.brokerId, staticConfigs))
          break
        case 'topic-removed':
          for (let p = 0; p < change.partitionCount; p++) this.stopPartition(change.topic, p, true)
          break
        case 'partition':
          this.applyRegistration(change.topic, change.topicId, change.partition, change.current, change.previous)
          break
        default:
          break
      }
    }
  }

  /** Brings every hosted partition in line with a whole image (at start and after catching up). */
  applyImage(image: MetadataImage): void {
    for (const topic of image.topicsByName.values()) {
      this.logManager.setTopicConfig(topic.name, image.topicConfigs(topic.name))
      topic.partitions.forEach((registration, partition) => this.applyRegistration(topic.name, topic.topicId, partition, registration, null))
    }
  }

  private applyRegistration(topic: string, topicId: string, partition: number, current: PartitionRegistration, previous: PartitionRegistration | null): void {
    if (!current.replicas.includes(this.brokerId)) {
      if (previous?.replicas.includes(this.brokerId)) this.stopPartition(topic, partition, true)
      return
    }
    this.applyPartitionState({ topic, topicId, partition, ...current })
  }

  onLeadershipChange(listener: (partition: Partition, isLeader: boolean) => void): () => void {
    this.leadershipListeners.add(listener)
    return () => this.leadershipListeners.delete(listener)
  }

  private stopPartition(topic: string, partition: number, deleteLog: boolean): void {
    const p = this.getPartition(topic, partition)
    if (p) this.fetchers?.unfollow(p)
    if (p?.isLeader) for (const listener of this.leadershipListeners) listener(p, false)
    this.partitions.delete(partitionKey(topic, partition))
    if (deleteLog) this.logManager.deleteLog(topic, partition)
  }

  stopReplica(request: StopReplicaRequest): void {
    for (const { topic, partition } of request.partitions) this.stopPartition(topic, partition, request.deletePartitions)
    this.wakeFetches()
  }

  /** The periodic ISR check of every partition this broker leads. */
  maybeShrinkIsr(replicaLagTimeMaxMs: number): void {
    for (const p of this.partitions.values()) p.maybeShrinkIsr(replicaLagTimeMaxMs)
  }

  async produce(request: ProduceRequest): Promise<ProduceResponse | null> {
    if (![-1, 0, 1].includes(request.acks)) {
      throw new KafkaError('INVALID_REQUIRED_ACKS', `acks must be -1 (all), 0 or 1, not ${request.acks}`)
    }
    const topics = await perPartitionAsync(request.topics, async (topic, p): Promise<ProducePartitionResponse> => {
      let logStartOffset = -1
      let partition: Partition | undefined
      try {
        partition = this.partitionOrError(topic, p.index)
        const info = partition.appendRecordsToLeader(p.records, request.acks)
        if (!info.duplicate) this.metrics.markProduced(info.recordCount, p.records.byteLength)
        logStartOffset = partition.log.logStartOffset
        this.wakeFetches()
        if (request.acks === -1) {
          await partition.waitForHighWatermark(info.lastOffset + 1, request.timeoutMs)
          partition.checkEnoughReplicas()
        }
        return { index: p.index, ...NONE, baseOffset: info.firstOffset, logAppendTimeMs: info.logAppendTime, logStartOffset }
      } catch (err) {
        // As Kafka: a record validation error names the records, and answers the log start offset.
        if (err instanceof RecordValidationError) {
          return { index: p.index, ...partitionError(err), recordErrors: err.recordErrors, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: partition?.log.logStartOffset ?? -1 }
        }
        return { index: p.index, ...partitionError(err), baseOffset: -1, logAppendTimeMs: -1, logStartOffset }
      }
    })
    return request.acks === 0 ? null : { topics }
  }

  /** Wakes long-polling fetches: new data, a new high watermark, or a leadership change. */
  wakeFetches(): void {
    const waiters = this.fetchWaiters
    this.fetchWaiters = new Set()
    for (const wake of waiters) wake()
  }

  private waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.fetchWaiters.delete(wake)
        resolve()
      }, ms)
      const wake = () => {
        clearTimeout(timer)
        resolve()
      }
      this.fetchWaiters.add(wake)
    })
  }

  /** Long poll: answers once minBytes are there, at an error, or when maxWaitMs runs out. */
  async fetch(request: FetchRequest): Promise<FetchResponse> {
    const deadline = Date.now() + request.maxWaitMs
    for (let arrival = true; ; arrival = false) {
      const response = this.readFromLocalLogs(request, arrival)
      let bytes = 0
      let failed = false
      for (const t of response.topics) {
        for (const p of t.partitions) {
          bytes += p.records.byteLength
          failed ||= p.errorCode !== ErrorCode.NONE
        }
      }
      const remaining = deadline - Date.now()
      if (bytes >= request.minBytes || failed || remaining <= 0) {
        this.markFetched(request, response)
        return response
      }
      // Every append and high watermark move on this broker wakes every parked fetch: re-read
      // only when one of this fetch's partitions moved, as Kafka's DelayedFetch checks offsets
      // before it reads (a follower's fetch names dozens of partitions).
      do {
        await this.waitForAppend(deadline - Date.now())
      } while (Date.now() < deadline && !this.fetchMayComplete(request))
    }
  }

  /** Whether a parked fetch may now answer: a partition with data past its fetch offset, or one whose leadership changed. */
  private fetchMayComplete(request: FetchRequest): boolean {
    const isFollower = request.replicaId !== CONSUMER_REPLICA_ID
    const readCommitted = !isFollower && request.isolationLevel === IsolationLevel.READ_COMMITTED
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const partition = this.getPartition(t.name, p.index)
        const epoch = p.currentLeaderEpoch ?? -1
        if (!partition || !partition.isLeader || (epoch >= 0 && epoch !== partition.leaderEpoch)) return true
        const log = partition.log
        const end = isFollower ? log.logEndOffset : readCommitted ? log.lastStableOffset : log.highWatermark
        if (end > p.fetchOffset || p.fetchOffset < log.logStartOffset) return true
      }
    }
    return false
  }

  /** Counts an answer once, as it leaves: a long poll reads the logs more than once. */
  private markFetched(request: FetchRequest, response: FetchResponse): void {
    const isFollower = request.replicaId !== CONSUMER_REPLICA_ID
    for (const t of response.topics) for (const p of t.partitions) this.metrics.markFetched(p.records, isFollower)
  }

  /** `arrival`: the fetch's first read, where a follower's fetch offset is recorded (once, as Kafka does per fetch). */
  private readFromLocalLogs(request: FetchRequest, arrival: boolean): FetchResponse {
    const isFollower = request.replicaId !== CONSUMER_REPLICA_ID
    let budget = request.maxBytes
    const topics = perPartition(request.topics, (topic, p): FetchPartitionResponse => {
      const empty = new Uint8Array(0)
      try {
        const partition = this.leaderPartition(topic, p.index, p.currentLeaderEpoch, isFollower || request.fetchOnlyFromLeader !== false)
        const log = partition.log
        if (isFollower && arrival) partition.updateFollowerFetchState(request.replicaId, p.fetchOffset)
        // Kafka's FetchIsolation: followers read to the log end, consumers to the HW or, read_committed, the LSO.
        const readCommitted = !isFollower && request.isolationLevel === IsolationLevel.READ_COMMITTED
        const lastStableOffset = log.lastStableOffset
        const maxOffset = isFollower ? log.logEndOffset : readCommitted ? lastStableOffset : log.highWatermark
        const answer = { index: p.index, ...NONE, highWatermark: log.highWatermark, lastStableOffset, logStartOffset: log.logStartOffset }
        // KIP-74: the first partition with data may exceed the budget by its first batch.
        const maxBytes = Math.min(p.partitionMaxBytes, budget)
        if (maxBytes <= 0 && budget < request.maxBytes) return { ...answer, records: empty, abortedTransactions: readCommitted ? [] : null }
        const { records } = log.read(p.fetchOffset, Math.max(maxBytes, 1), maxOffset)
        budget -= records.byteLength
        return { ...answer, records, abortedTransactions: readCommitted ? abortedTransactionsIn(log, p.fetchOffset, records) : null }
      } catch (err) {
        return { index: p.index, ...partitionError(err), highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: empty, abortedTransactions: null }
      }
    })
    return { topics }
  }

  offsetForLeaderEpoch(request: OffsetForLeaderEpochRequest): OffsetForLeaderEpochResponse {
    const topics = perPartition(request.topics, (topic, p) => {
      try {
        const log = this.leaderPartition(topic, p.index, p.currentLeaderEpoch).log
        const { epoch, endOffset } = log.leaderEpochCache.endOffsetFor(p.leaderEpoch, log.logEndOffset)
        return { index: p.index, ...NONE, leaderEpoch: epoch, endOffset }
      } catch (err) {
        return { index: p.index, ...partitionError(err), leaderEpoch: -1, endOffset: -1 }
      }
    })
    return { topics }
  }

  listOffsets(request: ListOffsetsRequest): ListOffsetsResponse {
    const topics = perPartition(request.topics, (topic, p): ListOffsetsPartitionResponse => {
      try {
        const partition = this.leaderPartition(topic, p.index, p.currentLeaderEpoch)
        const log = partition.log
        // Kafka's lastFetchableOffset: the LSO for read_committed consumers, the HW for others, the log end for replicas.
        const fetchable =
          request.replicaId !== CONSUMER_REPLICA_ID ? log.logEndOffset : request.isolationLevel === IsolationLevel.READ_COMMITTED ? log.lastStableOffset : log.highWatermark
        const found = (offset: number, timestamp = -1, leaderEpoch = partition.leaderEpoch) => ({ index: p.index, ...NONE, timestamp, offset, leaderEpoch })
        switch (p.timestamp) {
          case OffsetSpec.LATEST:
            return found(fetchable)
          case OffsetSpec.EARLIEST:
          case OffsetSpec.EARLIEST_LOCAL:
            return found(log.logStartOffset)
          case OffsetSpec.LATEST_TIERED:
          case OffsetSpec.EARLIEST_PENDING_UPLOAD:
            // Kafka's answers without remote storage (remote.log.storage.system.enable=false), which Brokerlab never has.
            return found(-1, -1, -1)
          case OffsetSpec.MAX_TIMESTAMP: {
            const max = log.maxTimestampAndOffset()
            return max && max.offset < fetchable ? found(max.offset, max.timestamp, max.leaderEpoch) : found(-1)
          }
          default: {
            if (p.timestamp < 0) throw new KafkaError('INVALID_REQUEST', `Unknown ListOffsets timestamp ${p.timestamp}`)
            const hit = log.offsetForTimestamp(p.timestamp)
            return hit && hit.offset < fetchable ? found(hit.offset, hit.timestamp, hit.leaderEpoch) : found(-1, -1, -1)
          }
        }
      } catch (err) {
        return { index: p.index, ...partitionError(err), timestamp: -1, offset: -1, leaderEpoch: -1 }
      }
    })
    return { topics }
  }

  deleteRecords(request: DeleteRecordsRequest): DeleteRecordsResponse {
    const topics = perPartition(request.topics, (topic, p) => {
      try {
        const log = this.leaderPartition(topic, p.index).log
        // -1 means "up to the high watermark", as in Kafka's DeleteRecords.
        const offset = p.offset === -1 ? log.highWatermark : p.offset
        return { index: p.index, ...NONE, lowWatermark: log.deleteRecordsBefore(offset) }
      } catch (err) {
        return { index: p.index, ...partitionError(err), lowWatermark: -1 }
      }
    })
    return { topics }
  }

  /** The log directory for Kafka's DescribeLogDirs. */
  describeLogDir(): LogDirDescription {
    return this.logManager.describeLogDir()
  }

  /**
   * Kafka's activeProducerState: the idempotent producers this replica's log remembers,
   * leader or follower alike; a partition not hosted here is NOT_LEADER_OR_FOLLOWER.
   */
  activeProducerState(topic: string, partition: number): ActiveProducerState[] {
    const p = this.getPartition(topic, partition)
    if (!p) throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `Broker ${this.brokerId} hosts no replica of ${topic}-${partition}`)
    return [...p.log.producerStateManager.activeProducers.values()].map((e) => ({
      producerId: e.producerId,
      producerEpoch: e.producerEpoch,
      lastSequence: e.lastSeq,
      lastTimestamp: e.lastTimestamp,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: e.currentTxnFirstOffset,
    }))
  }

  /**
   * Kafka's handleWriteTxnMarkersRequest, on the partition leaders (txnMarkers.ts): one COMMIT
   * or ABORT control batch per marker and partition, acks=all, Kafka's error codes per partition.
   */
  writeTxnMarkers(request: WriteTxnMarkersRequest): Promise<WriteTxnMarkersResponse> {
    return this.txnMarkers.write(request)
  }

  /** Seam 2 of the transactions work: called after a marker is appended on the leader and replicated. */
  onTxnMarker(listener: (event: TxnMarkerEvent) => void): () => void {
    return this.txnMarkers.onTxnMarker(listener)
  }

  describeLogDirs(): DescribeLogDirsResponse {
    const partitions = [...this.logManager.allLogs()].map((log) => {
      const p = this.getPartition(log.topic, log.partition)
      return {
        topic: log.topic,
        partition: log.partition,
        leader: p?.leader ?? -1,
        leaderEpoch: p?.leaderEpoch ?? -1,
        replicas: p?.replicas ?? [],
        isr: p?.isr ?? [],
        followerLogEndOffsets: p ? Object.fromEntries(p.followerLogEndOffsets()) : {},
        logStartOffset: log.logStartOffset,
        logEndOffset: log.logEndOffset,
        highWatermark: log.highWatermark,
        lastStableOffset: log.lastStableOffset,
        size: log.size,
        segments: log.segmentInfo(),
      }
    })
    return { brokerId: this.brokerId, dataDir: this.logManager.dataDir, partitions }
  }
}
