// Kafka's TransactionCoordinator, one per broker: InitProducerId with a transactional id,
// AddPartitionsToTxn (and its VerifyOnly check, KIP-890), EndTxn, DescribeTransactions and
// ListTransactions, over the transactions of the __transaction_state partitions this broker
// leads (TransactionStateManager). After EndTxn writes PrepareCommit / PrepareAbort, the
// markers go out (TransactionMarkerChannelManager) and CompleteCommit / CompleteAbort follows.
// A background check aborts transactions open past their timeout, bumping the epoch so their
// producer is fenced, and removes transactional ids idle past transactional.id.expiration.ms.
import { ErrorCode, KafkaError, type ErrorName } from '../../errors'
import { TRANSACTION_VERSION } from '../../metadata/features'
import type { MetadataImage } from '../../metadata/image'
import type * as M from '../../protocol/messages'
import type { ReplicaManager } from '../replicaManager'
import { TRANSACTION_STATE_TOPIC } from './transactionLog'
import { TransactionMarkerChannelManager, type WriteTxnMarkers } from './transactionMarkerChannelManager'
import {
  byTopic,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  stateName,
  supportsEpochBump,
  TransactionMetadata,
  TransactionState,
  type TopicPartitionKey,
  type TransactionVersion,
  type TxnTransitMetadata,
} from './transactionMetadata'
import { TransactionStateManager, type TxnPartitionCache } from './transactionStateManager'
import { prepareEndTransactionV2 } from './endTransactionV2'

export interface TransactionCoordinatorConfig {
  transactionMaxTimeoutMs: number
  transactionalIdExpirationMs: number
  abortTimedOutTransactionsIntervalMs: number
  removeExpiredTransactionalIdsIntervalMs: number
  transactionStateNumPartitions: number
}

export interface TransactionCoordinatorOptions {
  replicaManager: ReplicaManager
  image(): MetadataImage
  config(): TransactionCoordinatorConfig
  generateProducerId(): Promise<number>
  writeTxnMarkers: WriteTxnMarkers
  now?: () => number
  log(message: string): void
}

export interface InitProducerIdResult {
  errorCode: number
  producerId: number
  producerEpoch: number
}

export interface EndTxnResult {
  errorCode: number
  producerId: number
  producerEpoch: number
}

/** A coordinator's answer that is not a success: Kafka's Left(error). */
class TxnError {
  constructor(readonly errorCode: number) {}
}
const fail = (name: ErrorName) => new TxnError(ErrorCode[name])

/** Kafka's request.timeout.ms, for writes to __transaction_state. */
const APPEND_TIMEOUT_MS = 30_000

function codeOf(err: unknown): number {
  if (err instanceof TxnError) return err.errorCode
  return err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
}

export class TransactionCoordinator {
  readonly stateManager: TransactionStateManager
  readonly markerChannel: TransactionMarkerChannelManager
  private readonly now: () => number
  private abortTimer: NodeJS.Timeout | null = null
  private expireTimer: NodeJS.Timeout | null = null

  constructor(private readonly options: TransactionCoordinatorOptions) {
    this.now = options.now ?? Date.now
    this.markerChannel = new TransactionMarkerChannelManager({ image: options.image, writeTxnMarkers: options.writeTxnMarkers, log: options.log })
    this.stateManager = new TransactionStateManager({
      replicaManager: options.replicaManager,
      image: options.image,
      numPartitionsConfig: () => options.config().transactionStateNumPartitions,
      requestTimeoutMs: APPEND_TIMEOUT_MS,
      now: this.now,
      log: options.log,
      onLoaded: (cache) => setImmediate(() => this.completePreparedTransactions(cache)),
    })
  }

  /** Starts the timeout and expiration checks. */
  startup(): void {
    const config = this.options.config()
    this.abortTimer = setInterval(() => this.abortTimedOutTransactions(), config.abortTimedOutTransactionsIntervalMs)
    this.abortTimer.unref()
    this.expireTimer = setInterval(() => void this.removeExpiredTransactionalIds(), config.removeExpiredTransactionalIdsIntervalMs)
    this.expireTimer.unref()
  }

  shutdown(): void {
    if (this.abortTimer) clearInterval(this.abortTimer)
    if (this.expireTimer) clearInterval(this.expireTimer)
    this.markerChannel.shutdown()
    this.stateManager.shutdown()
  }

  partitionFor(transactionalId: string): number {
    return this.stateManager.partitionFor(transactionalId)
  }

  // ---------------------------------------------------------------- InitProducerId

  /** Kafka's handleInitProducerId for a transactional id (the caller handles a null one). */
  async handleInitProducerId(transactionalId: string, transactionTimeoutMs: number, expected?: { producerId: number; producerEpoch: number }): Promise<InitProducerIdResult> {
    const error = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH })
    if (transactionalId === '') return error(ErrorCode.INVALID_REQUEST)
    if (transactionTimeoutMs <= 0 || transactionTimeoutMs > this.options.config().transactionMaxTimeoutMs) return error(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    try {
      let existing = this.stateManager.getTransactionState(transactionalId)
      if (!existing) {
        const producerId = await this.options.generateProducerId()
        const created = new TransactionMetadata(transactionalId, {
          producerId,
          producerEpoch: NO_PRODUCER_EPOCH,
          txnTimeoutMs: transactionTimeoutMs,
          state: TransactionState.Empty,
          topicPartitions: new Set(),
          txnStartTimestamp: -1,
          txnLastUpdateTimestamp: this.now(),
        })
        existing = this.stateManager.putTransactionStateIfNotExists(created)
      }
      const { coordinatorEpoch, metadata } = existing
      const transit = await this.prepareInitProducerIdTransit(transactionTimeoutMs, metadata, expected)
      if (transit.state === TransactionState.PrepareEpochFence) {
        // Abort the ongoing transaction first; the client retries and gets a second bump.
        const ended = await this.abortWithFence(metadata, transit)
        return error(ended.errorCode !== ErrorCode.NONE ? ended.errorCode : ErrorCode.CONCURRENT_TRANSACTIONS)
      }
      await this.stateManager.appendTransactionToLog(transactionalId, coordinatorEpoch, transit)
      return { errorCode: ErrorCode.NONE, producerId: transit.producerId, producerEpoch: transit.producerEpoch }
    } catch (err) {
      return error(codeOf(err))
    }
  }

  private async prepareInitProducerIdTransit(timeoutMs: number, m: TransactionMetadata, expected?: { producerId: number; producerEpoch: number }): Promise<TxnTransitMetadata> {
    const isValidProducerId = (e: { producerId: number; producerEpoch: number }) =>
      m.producerEpoch === NO_PRODUCER_EPOCH || e.producerId === m.producerId || (e.producerId === m.lastProducerId && e.producerEpoch >= 32766)
    if (m.pendingTransitionInProgress) throw fail('CONCURRENT_TRANSACTIONS')
    if (expected && !isValidProducerId(expected)) throw fail('PRODUCER_FENCED')
    switch (m.state) {
      case TransactionState.PrepareAbort:
      case TransactionState.PrepareCommit:
        throw fail('CONCURRENT_TRANSACTIONS')
      case TransactionState.CompleteAbort:
      case TransactionState.CompleteCommit:
      case TransactionState.Empty: {
        if (m.isProducerEpochExhausted && (!expected || expected.producerEpoch === m.producerEpoch)) {
          const producerId = await this.options.generateProducerId()
          if (m.pendingTransitionInProgress) throw fail('CONCURRENT_TRANSACTIONS')
          return m.prepareProducerIdRotation(producerId, timeoutMs, this.now(), expected !== undefined)
        }
        const transit = m.prepareIncrementProducerEpoch(timeoutMs, expected?.producerEpoch, this.now())
        if (transit === 'PRODUCER_FENCED') throw fail('PRODUCER_FENCED')
        return transit
      }
      case TransactionState.Ongoing:
        return m.prepareFenceProducerEpoch()
      default:
        throw new Error(`Found transactional id ${m.transactionalId} in state ${stateName(m.state)}, which it should never be in`)
    }
  }

  // ---------------------------------------------------------------- AddPartitionsToTxn

  /**
   * Kafka's handleAddPartitionsToTransaction: one error for the whole transaction. A TV2
   * client's partitions come from their leaders (Produce v12, TxnOffsetCommit v5), which send
   * AddPartitionsToTxn v5 on the client's behalf.
   */
  async handleAddPartitionsToTransaction(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: TopicPartitionKey[],
    clientTransactionVersion: TransactionVersion = 0,
  ): Promise<number> {
    if (!transactionalId) return ErrorCode.INVALID_REQUEST
    try {
      const entry = this.stateManager.getTransactionState(transactionalId)
      if (!entry) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
      const m = entry.metadata
      if (m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
      if (m.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED
      if (m.pendingTransitionInProgress) return ErrorCode.CONCURRENT_TRANSACTIONS
      if (m.state === TransactionState.PrepareCommit || m.state === TransactionState.PrepareAbort) return ErrorCode.CONCURRENT_TRANSACTIONS
      if (m.state === TransactionState.Ongoing && partitions.every((p) => m.topicPartitions.has(p))) return ErrorCode.NONE
      await this.stateManager.appendTransactionToLog(transactionalId, entry.coordinatorEpoch, m.prepareAddPartitions(partitions, this.now(), clientTransactionVersion))
      return ErrorCode.NONE
    } catch (err) {
      return codeOf(err)
    }
  }

  /**
   * Kafka's handleVerifyPartitionsInTransaction (AddPartitionsToTxn v4+ VerifyOnly, KIP-890):
   * per partition, NONE when it is in the ongoing transaction, else TRANSACTION_ABORTABLE.
   */
  verifyPartitionsInTransaction(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartitionKey[]): Map<TopicPartitionKey, number> {
    const all = (code: number) => new Map(partitions.map((p) => [p, code]))
    if (!transactionalId) return all(ErrorCode.INVALID_REQUEST)
    try {
      const entry = this.stateManager.getTransactionState(transactionalId)
      if (!entry) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
      const m = entry.metadata
      if (m.producerId !== producerId) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
      if (m.producerEpoch !== producerEpoch) return all(ErrorCode.PRODUCER_FENCED)
      if (m.state === TransactionState.PrepareCommit || m.state === TransactionState.PrepareAbort) return all(ErrorCode.CONCURRENT_TRANSACTIONS)
      return new Map(partitions.map((p) => [p, m.topicPartitions.has(p) ? ErrorCode.NONE : TRANSACTION_ABORTABLE]))
    } catch (err) {
      return all(codeOf(err))
    }
  }

  // ---------------------------------------------------------------- EndTxn

  /** EndTxn; from v5 the client speaks transaction version 2 and gets its next producer id and epoch. */
  async handleEndTransaction(transactionalId: string, producerId: number, producerEpoch: number, committed: boolean, clientTransactionVersion: TransactionVersion = 0): Promise<EndTxnResult> {
    return this.endTransaction(transactionalId, producerId, producerEpoch, committed, true, clientTransactionVersion)
  }

  private async endTransaction(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    committed: boolean,
    isFromClient: boolean,
    clientTransactionVersion: TransactionVersion = 0,
  ): Promise<EndTxnResult> {
    const error = (errorCode: number): EndTxnResult => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH })
    if (!transactionalId) return error(ErrorCode.INVALID_REQUEST)
    let isEpochFence = false
    let coordinatorEpoch: number
    let m: TransactionMetadata
    let transit: TxnTransitMetadata
    try {
      const entry = this.stateManager.getTransactionState(transactionalId)
      if (!entry) return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
      ;({ coordinatorEpoch, metadata: m } = entry)
      if (supportsEpochBump(clientTransactionVersion)) {
        const decided = await prepareEndTransactionV2(m, { producerId, producerEpoch, committed, isFromClient }, this.options.generateProducerId, this.now())
        if (!('transit' in decided)) return decided
        ;({ transit, isEpochFence } = decided)
        return await this.completeEndTransaction(transactionalId, coordinatorEpoch, m, transit, isEpochFence, producerId, producerEpoch)
      }
      const isValidEpoch = (!isFromClient || producerEpoch === m.producerEpoch) && producerEpoch >= m.producerEpoch
      if (m.producerId !== producerId) return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
      // Kafka 4.0 (KAFKA-18464) checks a pending transition before the epoch.
      if (m.pendingTransitionInProgress && m.pendingState !== TransactionState.PrepareEpochFence) return error(ErrorCode.CONCURRENT_TRANSACTIONS)
      if (!isValidEpoch) return error(ErrorCode.PRODUCER_FENCED)
      switch (m.state) {
        case TransactionState.Ongoing: {
          const next = committed ? TransactionState.PrepareCommit : TransactionState.PrepareAbort
          if (next === TransactionState.PrepareAbort && m.pendingState === TransactionState.PrepareEpochFence) {
            // The fence's bumped epoch goes into the PrepareAbort it writes.
            isEpochFence = true
            m.pendingState = null
            m.producerEpoch = producerEpoch
            m.lastProducerEpoch = NO_PRODUCER_EPOCH
          }
          transit = m.prepareAbortOrCommit(next, this.now())
          break
        }
        case TransactionState.CompleteCommit:
          return committed ? { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch } : error(ErrorCode.INVALID_TXN_STATE)
        case TransactionState.CompleteAbort:
          return !committed ? { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch } : error(ErrorCode.INVALID_TXN_STATE)
        case TransactionState.PrepareCommit:
          return error(committed ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE)
        case TransactionState.PrepareAbort:
          return error(!committed ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE)
        case TransactionState.Empty:
          return error(ErrorCode.INVALID_TXN_STATE)
        default:
          throw new Error(`Found transactional id ${transactionalId} in state ${stateName(m.state)}, which it should never be in`)
      }
    } catch (err) {
      return error(codeOf(err))
    }
    return this.completeEndTransaction(transactionalId, coordinatorEpoch, m, transit, isEpochFence, producerId, producerEpoch)
  }

  /**
   * Writes the prepare state; once durable, answers and sends the markers. The answer carries
   * the producer id and epoch the client continues with: for TV2 those of the completion.
   */
  private async completeEndTransaction(
    transactionalId: string,
    coordinatorEpoch: number,
    m: TransactionMetadata,
    transit: TxnTransitMetadata,
    isEpochFence: boolean,
    producerId: number,
    producerEpoch: number,
  ): Promise<EndTxnResult> {
    const error = (errorCode: number): EndTxnResult => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH })
    try {
      await this.stateManager.appendTransactionToLog(transactionalId, coordinatorEpoch, transit)
    } catch (err) {
      if (isEpochFence && this.stateManager.cacheAt(transactionalId, coordinatorEpoch)) m.hasFailedEpochFence = true
      return error(codeOf(err))
    }
    const bumped = supportsEpochBump(transit.clientTransactionVersion)
    const still = this.stateManager.cacheAt(transactionalId, coordinatorEpoch)?.transactions.get(transactionalId)
    if (!still) return error(ErrorCode.NOT_COORDINATOR)
    if (still.producerId !== producerId) return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    if (still.producerEpoch !== producerEpoch && !(bumped && still.producerEpoch === producerEpoch + 1)) return error(ErrorCode.PRODUCER_FENCED)
    if (still.pendingTransitionInProgress) return error(ErrorCode.CONCURRENT_TRANSACTIONS)
    const next = bumped && still.nextProducerId !== NO_PRODUCER_ID ? { producerId: still.nextProducerId, producerEpoch: 0 } : { producerId: still.producerId, producerEpoch: still.producerEpoch }
    void this.sendMarkersAndComplete(still, coordinatorEpoch)
    return { errorCode: ErrorCode.NONE, ...next }
  }

  /** Kafka's transactionVersionLevel: the finalized transaction.version, for what the coordinator does on its own. */
  private transactionVersionLevel(): TransactionVersion {
    return Math.min(2, this.options.image().finalizedLevel(TRANSACTION_VERSION)) as TransactionVersion
  }

  /** Aborts the ongoing transaction at the fence's bumped epoch; a fence that went nowhere is dropped. */
  private async abortWithFence(m: TransactionMetadata, fence: TxnTransitMetadata): Promise<EndTxnResult> {
    // As Kafka, at the cluster's finalized transaction.version (transactionVersionLevel), whatever the client's.
    const ended = await this.endTransaction(m.transactionalId, fence.producerId, fence.producerEpoch, false, false, this.transactionVersionLevel())
    if (m.pendingState === TransactionState.PrepareEpochFence) m.pendingState = null
    return ended
  }

  /**
   * Kafka's addTxnMarkersToSend and what follows it: the markers of a transaction in
   * PrepareCommit / PrepareAbort, then CompleteCommit / CompleteAbort written (retried while
   * the coordinator is unavailable, given up once this broker no longer coordinates it).
   */
  private async sendMarkersAndComplete(m: TransactionMetadata, coordinatorEpoch: number): Promise<void> {
    const committed = m.state === TransactionState.PrepareCommit
    const complete = m.prepareComplete(this.now())
    const stillCoordinator = () => this.stateManager.cacheAt(m.transactionalId, coordinatorEpoch)?.transactions.get(m.transactionalId) === m
    const outcome = await this.markerChannel.send({
      transactionalId: m.transactionalId,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      transactionVersion: m.clientTransactionVersion,
      coordinatorEpoch,
      committed,
      partitions: m.topicPartitions,
      stillCoordinator,
    })
    if (outcome === 'abandoned') return
    complete.txnLastUpdateTimestamp = this.now()
    for (;;) {
      if (!stillCoordinator()) return
      try {
        // A completed transaction is routine (Kafka logs it at debug level): no line for it.
        await this.stateManager.appendTransactionToLog(m.transactionalId, coordinatorEpoch, complete)
        return
      } catch (err) {
        if (codeOf(err) !== ErrorCode.COORDINATOR_NOT_AVAILABLE) {
          this.options.log(`writing the completion of ${m.transactionalId} failed: ${(err as Error).message}`)
          return
        }
        // The failed append cleared the pending state; take it again and retry.
        if (m.pendingTransitionInProgress) return
        m.pendingState = complete.state
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  }

  /** After loading a partition: transactions left in PrepareCommit / PrepareAbort get their markers again. */
  private completePreparedTransactions(cache: TxnPartitionCache): void {
    for (const m of cache.transactions.values()) {
      if (m.pendingTransitionInProgress) continue
      if (m.state !== TransactionState.PrepareCommit && m.state !== TransactionState.PrepareAbort) continue
      this.options.log(`resuming the ${m.state === TransactionState.PrepareCommit ? 'commit' : 'abort'} of transactional id ${m.transactionalId} after loading ${TRANSACTION_STATE_TOPIC}-${cache.partition.partition}`)
      void this.sendMarkersAndComplete(m, cache.coordinatorEpoch)
    }
  }

  // ---------------------------------------------------------------- timeouts and expiration

  /** Kafka's abortTimedOutTransactions: fence the producer's epoch and abort. */
  abortTimedOutTransactions(): void {
    for (const t of this.stateManager.timedOutTransactions(this.now())) {
      let entry
      try {
        entry = this.stateManager.getTransactionState(t.transactionalId)
      } catch {
        continue
      }
      const m = entry?.metadata
      if (!m || m.producerId !== t.producerId || m.pendingTransitionInProgress) continue
      let fence: TxnTransitMetadata
      try {
        fence = m.prepareFenceProducerEpoch()
      } catch (err) {
        this.options.log(`cannot abort the timed out transaction of ${t.transactionalId}: ${(err as Error).message}`)
        continue
      }
      this.options.log(`aborting transactional id ${t.transactionalId} (producer id ${m.producerId}): open longer than its timeout of ${m.txnTimeoutMs} ms`)
      void this.abortWithFence(m, fence).then((r) => {
        if (r.errorCode !== ErrorCode.NONE) this.options.log(`rolling back the timed out transaction of ${t.transactionalId} failed with error ${r.errorCode}`)
      })
    }
  }

  /** Kafka's removeExpiredTransactionalIds: a tombstone for each id idle past transactional.id.expiration.ms. */
  async removeExpiredTransactionalIds(): Promise<void> {
    const expired = this.stateManager.expiredTransactionalIds(this.now(), this.options.config().transactionalIdExpirationMs)
    for (const { coordinatorEpoch, metadata } of expired) {
      if (metadata.pendingTransitionInProgress) continue
      try {
        await this.stateManager.appendTransactionToLog(metadata.transactionalId, coordinatorEpoch, metadata.prepareDead())
        this.options.log(`removed expired transactional id ${metadata.transactionalId}`)
      } catch (err) {
        this.options.log(`removing expired transactional id ${metadata.transactionalId} failed: ${(err as Error).message}`)
      }
    }
  }

  // ---------------------------------------------------------------- Describe and List

  /** Kafka's handleDescribeTransactions: one transactional id's state, here. */
  describeTransaction(transactionalId: string): M.DescribeTransactionsResponseTransactionState {
    // Kafka leaves an error's fields at their schema defaults (0), as the reference answers.
    const none = { transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: 0n, producerId: 0n, producerEpoch: 0, topics: [] }
    if (transactionalId === '') return { ...none, errorCode: ErrorCode.INVALID_REQUEST }
    try {
      const entry = this.stateManager.getTransactionState(transactionalId)
      if (!entry || entry.metadata.state === TransactionState.Dead) return { ...none, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND }
      const m = entry.metadata
      return {
        errorCode: ErrorCode.NONE,
        transactionalId,
        transactionState: stateName(m.state),
        transactionTimeoutMs: m.txnTimeoutMs,
        transactionStartTimeMs: BigInt(m.txnStartTimestamp),
        producerId: BigInt(m.producerId),
        producerEpoch: m.producerEpoch,
        topics: byTopic(m.topicPartitions),
      }
    } catch (err) {
      return { ...none, errorCode: codeOf(err) }
    }
  }

  /** Kafka's handleListTransactions: the transactions of every partition this broker coordinates. */
  listTransactions(stateFilters: string[], producerIdFilters: number[], durationFilterMs: number) {
    return this.stateManager.listTransactionStates(stateFilters, producerIdFilters, durationFilterMs, this.now())
  }
}

/** KIP-890's TRANSACTION_ABORTABLE (not yet in errors.ts's table). */
export const TRANSACTION_ABORTABLE = 120
