// Kafka's TransactionStateManager: the transactions of every __transaction_state partition
// this broker leads, one cache per partition, loaded by replaying the partition when this
// broker becomes its leader (requests meanwhile answer COORDINATOR_LOAD_IN_PROGRESS), and
// every change written to the partition with acks=all before it takes effect. The
// coordinator epoch of a partition's transactions is the partition's leader epoch.
import { ErrorCode, KafkaError } from '../../errors'
import { encodeRecordBatch } from '../../protocol/recordBatch'
import { logBatches } from '../log/logBatches'
import type { MetadataImage } from '../../metadata/image'
import { partitionFor } from '../group/partitionFor'
import type { Partition } from '../partition'
import type { ReplicaManager } from '../replicaManager'
import { decodeTransactionLogRecord, TRANSACTION_STATE_TOPIC, transactionLogRecord } from './transactionLog'
import { isExpirationAllowed, stateFromName, stateName, TransactionMetadata, TransactionState, type TxnTransitMetadata } from './transactionMetadata'

export interface TxnPartitionCache {
  partition: Partition
  coordinatorEpoch: number
  transactions: Map<string, TransactionMetadata>
}

type CacheState = { kind: 'loading'; coordinatorEpoch: number } | ({ kind: 'ready' } & TxnPartitionCache)

export interface CoordinatorEpochAndMetadata {
  coordinatorEpoch: number
  metadata: TransactionMetadata
}

export interface TransactionStateManagerOptions {
  replicaManager: ReplicaManager
  image(): MetadataImage
  /** transaction.state.log.num.partitions, for a transactional id before the topic exists. */
  numPartitionsConfig(): number
  requestTimeoutMs: number
  now(): number
  log(message: string): void
  /** A partition finished loading: transactions found in PrepareCommit / PrepareAbort need their markers again. */
  onLoaded(cache: TxnPartitionCache): void
}

export class TransactionStateManager {
  private readonly caches = new Map<number, CacheState>()

  constructor(private readonly options: TransactionStateManagerOptions) {
    options.replicaManager.onLeadershipChange((partition, isLeader) => {
      if (partition.topic !== TRANSACTION_STATE_TOPIC) return
      if (isLeader) this.load(partition)
      else this.caches.delete(partition.partition)
    })
  }

  /** Kafka's partitionFor: abs(hashCode) % the partition count of __transaction_state. */
  partitionFor(transactionalId: string): number {
    const topic = this.options.image().topicsByName.get(TRANSACTION_STATE_TOPIC)
    return partitionFor(transactionalId, topic ? topic.partitions.length : this.options.numPartitionsConfig())
  }

  private load(partition: Partition): void {
    const index = partition.partition
    const coordinatorEpoch = partition.leaderEpoch
    const loading: CacheState = { kind: 'loading', coordinatorEpoch }
    this.caches.set(index, loading)
    const transactions = new Map<string, TransactionMetadata>()
    try {
      for (const { key, value } of this.readRecords(partition)) {
        const loaded = decodeTransactionLogRecord(key, value)
        if (loaded.value === null) transactions.delete(loaded.transactionalId)
        else transactions.set(loaded.transactionalId, new TransactionMetadata(loaded.transactionalId, loaded.value))
      }
    } catch (err) {
      this.options.log(`loading transactions from ${TRANSACTION_STATE_TOPIC}-${index} failed: ${(err as Error).message}`)
    }
    // Leadership may have moved on while loading (loading is synchronous today, but keep the check).
    if (this.caches.get(index) !== loading) return
    const cache: CacheState = { kind: 'ready', partition, coordinatorEpoch, transactions }
    this.caches.set(index, cache)
    // One line per partition with transactions to carry on, not one for each of the 50.
    if (transactions.size > 0) this.options.log(`loaded ${transactions.size} transactional id(s) from ${TRANSACTION_STATE_TOPIC}-${index} at coordinator epoch ${coordinatorEpoch}`)
    this.options.onLoaded(cache)
  }

  private *readRecords(partition: Partition): Generator<{ key: Buffer; value: Buffer | null }> {
    for (const batch of logBatches(partition.log)) {
      if (batch.isControl) continue
      for (const r of batch.records) if (r.key) yield { key: r.key, value: r.value }
    }
  }

  /**
   * The transactional id's metadata here: undefined when unknown; Kafka's NOT_COORDINATOR or
   * COORDINATOR_LOAD_IN_PROGRESS (thrown) when another broker, or no one yet, coordinates it.
   */
  getTransactionState(transactionalId: string): CoordinatorEpochAndMetadata | undefined {
    const cache = this.readyCache(transactionalId)
    const metadata = cache.transactions.get(transactionalId)
    return metadata && { coordinatorEpoch: cache.coordinatorEpoch, metadata }
  }

  private readyCache(transactionalId: string): TxnPartitionCache {
    const state = this.caches.get(this.partitionFor(transactionalId))
    if (!state) throw new KafkaError('NOT_COORDINATOR', `This broker is not the coordinator of transactional id "${transactionalId}"`)
    if (state.kind === 'loading') throw new KafkaError('COORDINATOR_LOAD_IN_PROGRESS', `The coordinator of transactional id "${transactionalId}" is still loading it`)
    return state
  }

  /** Kafka's putTransactionStateIfNotExists: the one already there wins. */
  putTransactionStateIfNotExists(metadata: TransactionMetadata): CoordinatorEpochAndMetadata {
    const cache = this.readyCache(metadata.transactionalId)
    const existing = cache.transactions.get(metadata.transactionalId)
    if (existing) return { coordinatorEpoch: cache.coordinatorEpoch, metadata: existing }
    cache.transactions.set(metadata.transactionalId, metadata)
    return { coordinatorEpoch: cache.coordinatorEpoch, metadata }
  }

  /** The cache of a partition, if this broker still coordinates it at `coordinatorEpoch`. */
  cacheAt(transactionalId: string, coordinatorEpoch: number): TxnPartitionCache | undefined {
    const state = this.caches.get(this.partitionFor(transactionalId))
    return state?.kind === 'ready' && state.coordinatorEpoch === coordinatorEpoch ? state : undefined
  }

  /**
   * Kafka's appendTransactionToLog: writes `transit` with acks=all, then makes it current.
   * Throws the error the client should see: COORDINATOR_NOT_AVAILABLE (retry here) or
   * NOT_COORDINATOR (look the coordinator up again). The pending state is cleared on failure.
   */
  async appendTransactionToLog(transactionalId: string, coordinatorEpoch: number, transit: TxnTransitMetadata): Promise<void> {
    const cache = this.cacheAt(transactionalId, coordinatorEpoch)
    if (!cache) throw new KafkaError('NOT_COORDINATOR', `This broker no longer coordinates transactional id "${transactionalId}"`)
    const record = transactionLogRecord(transactionalId, transit)
    const now = this.options.now()
    const batch = encodeRecordBatch({ records: [{ key: record.key, value: record.value, timestamp: BigInt(now) }] })
    let errorCode: number = ErrorCode.NONE
    let message = ''
    try {
      const response = await this.options.replicaManager.produce({
        acks: -1,
        timeoutMs: this.options.requestTimeoutMs,
        topics: [{ name: TRANSACTION_STATE_TOPIC, partitions: [{ index: cache.partition.partition, records: batch }] }],
      })
      const result = response!.topics[0].partitions[0]
      errorCode = result.errorCode
      message = result.errorMessage ?? ''
    } catch (err) {
      errorCode = err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
      message = (err as Error).message
    }
    const still = this.cacheAt(transactionalId, coordinatorEpoch)
    const metadata = still?.transactions.get(transactionalId)
    if (errorCode !== ErrorCode.NONE) {
      if (metadata && metadata.pendingState === transit.state) metadata.pendingState = null
      throw appendError(errorCode, `Writing transactional id "${transactionalId}" to ${TRANSACTION_STATE_TOPIC}-${cache.partition.partition} failed: ${message}`)
    }
    if (!still || !metadata) throw new KafkaError('NOT_COORDINATOR', `The coordinator of transactional id "${transactionalId}" moved while writing its state`)
    if (transit.state === TransactionState.Dead) {
      still.transactions.delete(transactionalId)
      return
    }
    metadata.completeTransitionTo(transit)
  }

  /** Every ready partition's cache. */
  readyCaches(): TxnPartitionCache[] {
    return [...this.caches.values()].flatMap((s) => (s.kind === 'ready' ? [s] : []))
  }

  get loading(): boolean {
    return [...this.caches.values()].some((s) => s.kind === 'loading')
  }

  /** Kafka's timedOutTransactions: Ongoing past txnStartTimestamp + timeout, nothing pending. */
  timedOutTransactions(now: number): Array<{ transactionalId: string; producerId: number; producerEpoch: number }> {
    return this.readyCaches().flatMap((c) =>
      [...c.transactions.values()]
        .filter((m) => !m.pendingTransitionInProgress && m.state === TransactionState.Ongoing && m.txnStartTimestamp + m.txnTimeoutMs < now)
        .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch })),
    )
  }

  /** Transactional ids idle longer than transactional.id.expiration.ms, with their coordinator epoch. */
  expiredTransactionalIds(now: number, expirationMs: number): CoordinatorEpochAndMetadata[] {
    return this.readyCaches().flatMap((c) =>
      [...c.transactions.values()]
        .filter((m) => !m.pendingTransitionInProgress && isExpirationAllowed(m.state) && m.txnLastUpdateTimestamp <= now - expirationMs)
        .map((metadata) => ({ coordinatorEpoch: c.coordinatorEpoch, metadata })),
    )
  }

  /** Kafka's listTransactionStates: filtered by state name (unknown names listed back), producer id and duration. */
  listTransactionStates(stateFilters: string[], producerIdFilters: number[], durationFilterMs: number, now: number) {
    if (this.loading) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, unknownStateFilters: [] as string[], transactionStates: [] }
    const unknownStateFilters: string[] = []
    const states = new Set<TransactionState>()
    for (const name of stateFilters) {
      const state = stateFromName(name)
      if (state === undefined) unknownStateFilters.push(name)
      else states.add(state)
    }
    const pids = new Set(producerIdFilters)
    const transactionStates = this.readyCaches()
      .flatMap((c) => [...c.transactions.values()])
      .filter(
        (m) =>
          // Dead is an id being expired.
          m.state !== TransactionState.Dead &&
          (pids.size === 0 || pids.has(m.producerId)) &&
          (stateFilters.length === 0 || states.has(m.state)) &&
          !(durationFilterMs >= 0 && now - m.txnStartTimestamp <= durationFilterMs),
      )
      .map((m) => ({ transactionalId: m.transactionalId, producerId: BigInt(m.producerId), transactionState: stateName(m.state) }))
    return { errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates }
  }

  shutdown(): void {
    this.caches.clear()
  }
}

/** Kafka's mapping of a failed write to __transaction_state onto what the client is told. */
function appendError(code: number, message: string): KafkaError {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return new KafkaError('COORDINATOR_NOT_AVAILABLE', message)
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return new KafkaError('NOT_COORDINATOR', message)
    default:
      return new KafkaError('UNKNOWN_SERVER_ERROR', message)
  }
}
