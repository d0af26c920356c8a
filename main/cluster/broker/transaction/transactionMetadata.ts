// Kafka's TransactionMetadata: one transactional id's producer id and epoch, its state, the
// partitions of its ongoing transaction and its timestamps. A change is prepared first (the
// pending state, which makes concurrent requests wait with CONCURRENT_TRANSACTIONS), written
// to __transaction_state, and only then completed in memory.

/** Kafka's TransactionState, with the ids __transaction_state stores. */
export enum TransactionState {
  Empty = 0,
  Ongoing = 1,
  PrepareCommit = 2,
  PrepareAbort = 3,
  CompleteCommit = 4,
  CompleteAbort = 5,
  Dead = 6,
  PrepareEpochFence = 7,
}

/** The names Kafka's tools and DescribeTransactions / ListTransactions use. */
export function stateName(state: TransactionState): string {
  return TransactionState[state]
}

export function stateFromName(name: string): TransactionState | undefined {
  const value = (TransactionState as unknown as Record<string, number | undefined>)[name]
  return typeof value === 'number' ? value : undefined
}

/** States a transactional id may expire in (transactional.id.expiration.ms). */
export function isExpirationAllowed(state: TransactionState): boolean {
  return state === TransactionState.Empty || state === TransactionState.CompleteCommit || state === TransactionState.CompleteAbort
}

export const NO_PRODUCER_ID = -1
export const NO_PRODUCER_EPOCH = -1
/** Short.MaxValue: the coordinator keeps the last epoch to itself so it can always fence. */
const MAX_EPOCH = 32767

export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_EPOCH - 1
}

/**
 * Kafka's TransactionVersion as a client uses it: 0 and 1 end a transaction at the epoch it
 * ran in; 2 (KIP-890 part 2: EndTxn v5, Produce v12, TxnOffsetCommit v5) bumps the epoch at
 * every EndTxn, so a zombie's late writes of the ended transaction are fenced.
 */
export type TransactionVersion = 0 | 1 | 2

export function supportsEpochBump(version: TransactionVersion): boolean {
  return version >= 2
}

/** A partition of a transaction, as "topic:partition" (topic names never hold ':'). */
export type TopicPartitionKey = string

export function tpKey(topic: string, partition: number): TopicPartitionKey {
  return `${topic}:${partition}`
}

export function tpOf(key: TopicPartitionKey): { topic: string; partition: number } {
  const at = key.lastIndexOf(':')
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) }
}

/** Partitions grouped by topic, in the order first seen. */
export function byTopic(keys: Iterable<TopicPartitionKey>): Array<{ topic: string; partitions: number[] }> {
  const topics = new Map<string, number[]>()
  for (const key of keys) {
    const { topic, partition } = tpOf(key)
    topics.set(topic, [...(topics.get(topic) ?? []), partition])
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }))
}

/** Kafka's TxnTransitMetadata: what a transition writes and then makes current. */
export interface TxnTransitMetadata {
  producerId: number
  lastProducerId: number
  /** The producer id a TV2 EndTxn that used up the epochs hands over at completion (Kafka's nextProducerId), else -1. */
  nextProducerId: number
  producerEpoch: number
  lastProducerEpoch: number
  txnTimeoutMs: number
  state: TransactionState
  topicPartitions: Set<TopicPartitionKey>
  txnStartTimestamp: number
  txnLastUpdateTimestamp: number
  /** The version of the client that made the last transition (Kafka's clientTransactionVersion). */
  clientTransactionVersion: TransactionVersion
}

export class TransactionMetadata {
  producerId: number
  lastProducerId: number
  nextProducerId: number
  producerEpoch: number
  lastProducerEpoch: number
  txnTimeoutMs: number
  state: TransactionState
  topicPartitions: Set<TopicPartitionKey>
  txnStartTimestamp: number
  txnLastUpdateTimestamp: number
  clientTransactionVersion: TransactionVersion
  /** The state being written; set while a write is in flight. */
  pendingState: TransactionState | null = null
  /** An epoch fence whose write failed: the next fence reuses the bumped epoch instead of bumping again. */
  hasFailedEpochFence = false

  constructor(
    readonly transactionalId: string,
    init: Omit<TxnTransitMetadata, 'lastProducerId' | 'lastProducerEpoch' | 'nextProducerId' | 'clientTransactionVersion'> & Partial<TxnTransitMetadata>,
  ) {
    this.producerId = init.producerId
    this.lastProducerId = init.lastProducerId ?? NO_PRODUCER_ID
    this.nextProducerId = init.nextProducerId ?? NO_PRODUCER_ID
    this.clientTransactionVersion = init.clientTransactionVersion ?? 0
    this.producerEpoch = init.producerEpoch
    this.lastProducerEpoch = init.lastProducerEpoch ?? NO_PRODUCER_EPOCH
    this.txnTimeoutMs = init.txnTimeoutMs
    this.state = init.state
    this.topicPartitions = new Set(init.topicPartitions)
    this.txnStartTimestamp = init.txnStartTimestamp
    this.txnLastUpdateTimestamp = init.txnLastUpdateTimestamp
  }

  get pendingTransitionInProgress(): boolean {
    return this.pendingState !== null
  }

  get isProducerEpochExhausted(): boolean {
    return isEpochExhausted(this.producerEpoch)
  }

  /** Kafka's prepareFenceProducerEpoch: a bumped epoch that will abort the ongoing transaction. */
  prepareFenceProducerEpoch(): TxnTransitMetadata {
    if (this.producerEpoch === MAX_EPOCH) throw new Error(`Cannot fence producer ${this.producerId} with epoch ${MAX_EPOCH}`)
    const bumped = this.hasFailedEpochFence ? this.producerEpoch : this.producerEpoch + 1
    return this.prepareTransitionTo(TransactionState.PrepareEpochFence, {
      producerEpoch: bumped,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
    })
  }

  /**
   * Kafka's prepareIncrementProducerEpoch. `expectedEpoch` is the epoch an InitProducerId
   * v3+ named (KIP-360): the current one bumps, the last one is a retry, any other is fenced.
   */
  prepareIncrementProducerEpoch(newTxnTimeoutMs: number, expectedEpoch: number | undefined, now: number): TxnTransitMetadata | 'PRODUCER_FENCED' {
    if (this.isProducerEpochExhausted) throw new Error(`Cannot allocate any more producer epochs for producerId ${this.producerId}`)
    const bumped = this.producerEpoch + 1
    let next: [number, number]
    if (expectedEpoch === undefined) next = [bumped, NO_PRODUCER_EPOCH]
    else if (this.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === this.producerEpoch) next = [bumped, this.producerEpoch]
    else if (expectedEpoch === this.lastProducerEpoch) next = [this.producerEpoch, this.lastProducerEpoch]
    else return 'PRODUCER_FENCED'
    return this.prepareTransitionTo(TransactionState.Empty, {
      producerEpoch: next[0],
      lastProducerEpoch: next[1],
      txnTimeoutMs: newTxnTimeoutMs,
      topicPartitions: new Set(),
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: now,
    })
  }

  /** Kafka's prepareProducerIdRotation: the epochs of this producer id are used up, a new id starts at 0. */
  prepareProducerIdRotation(newProducerId: number, newTxnTimeoutMs: number, now: number, recordLastEpoch: boolean): TxnTransitMetadata {
    return this.prepareTransitionTo(TransactionState.Empty, {
      producerId: newProducerId,
      lastProducerId: this.producerId,
      producerEpoch: 0,
      lastProducerEpoch: recordLastEpoch ? this.producerEpoch : NO_PRODUCER_EPOCH,
      txnTimeoutMs: newTxnTimeoutMs,
      topicPartitions: new Set(),
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: now,
    })
  }

  /** Kafka's prepareAddPartitions: a transaction starts with its first partition. */
  prepareAddPartitions(added: Iterable<TopicPartitionKey>, now: number, clientTransactionVersion: TransactionVersion = 0): TxnTransitMetadata {
    const starts = this.state === TransactionState.Empty || this.state === TransactionState.CompleteCommit || this.state === TransactionState.CompleteAbort
    return this.prepareTransitionTo(TransactionState.Ongoing, {
      topicPartitions: new Set([...this.topicPartitions, ...added]),
      txnStartTimestamp: starts ? now : this.txnStartTimestamp,
      txnLastUpdateTimestamp: now,
      clientTransactionVersion,
    })
  }

  /**
   * Kafka's prepareAbortOrCommit. A TV2 client's transaction ends at the next epoch (the
   * markers carry it); `nextProducerId` is the new producer id when that used up the epochs.
   * TV2 may abort with no partition added: the start time is then now.
   */
  prepareAbortOrCommit(
    state: TransactionState.PrepareCommit | TransactionState.PrepareAbort,
    now: number,
    tv2: { clientTransactionVersion: TransactionVersion; nextProducerId: number; noPartitionAdded: boolean } = { clientTransactionVersion: 0, nextProducerId: NO_PRODUCER_ID, noPartitionAdded: false },
  ): TxnTransitMetadata {
    const bump = supportsEpochBump(tv2.clientTransactionVersion)
    return this.prepareTransitionTo(state, {
      producerEpoch: bump ? this.producerEpoch + 1 : this.producerEpoch,
      lastProducerEpoch: bump ? this.producerEpoch : this.lastProducerEpoch,
      nextProducerId: tv2.nextProducerId,
      txnStartTimestamp: tv2.noPartitionAdded ? now : this.txnStartTimestamp,
      txnLastUpdateTimestamp: now,
      clientTransactionVersion: tv2.clientTransactionVersion,
    })
  }

  /**
   * Kafka's prepareComplete: every marker is written. A TV2 transaction that used up its
   * producer id's epochs completes under the next producer id at epoch 0.
   */
  prepareComplete(now: number): TxnTransitMetadata {
    this.hasFailedEpochFence = false
    const state = this.state === TransactionState.PrepareCommit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort
    if (supportsEpochBump(this.clientTransactionVersion)) {
      const rotate = this.nextProducerId !== NO_PRODUCER_ID
      return this.prepareTransitionTo(state, {
        producerId: rotate ? this.nextProducerId : this.producerId,
        lastProducerId: rotate ? this.producerId : this.lastProducerId,
        producerEpoch: rotate ? 0 : this.producerEpoch,
        nextProducerId: NO_PRODUCER_ID,
        topicPartitions: new Set(),
        txnLastUpdateTimestamp: now,
      })
    }
    return this.prepareTransitionTo(state, { lastProducerEpoch: this.producerEpoch, topicPartitions: new Set(), txnLastUpdateTimestamp: now })
  }

  /** The tombstone of an expired transactional id. */
  prepareDead(): TxnTransitMetadata {
    return this.prepareTransitionTo(TransactionState.Dead, { topicPartitions: new Set() })
  }

  private prepareTransitionTo(state: TransactionState, changes: Partial<TxnTransitMetadata>): TxnTransitMetadata {
    if (this.pendingState !== null) {
      throw new Error(`Preparing transaction state transition to ${stateName(state)} while it already has a pending state ${stateName(this.pendingState)}`)
    }
    this.pendingState = state
    return { ...this.snapshot(), ...changes, state }
  }

  snapshot(): TxnTransitMetadata {
    return {
      producerId: this.producerId,
      lastProducerId: this.lastProducerId,
      nextProducerId: this.nextProducerId,
      producerEpoch: this.producerEpoch,
      lastProducerEpoch: this.lastProducerEpoch,
      txnTimeoutMs: this.txnTimeoutMs,
      state: this.state,
      topicPartitions: new Set(this.topicPartitions),
      txnStartTimestamp: this.txnStartTimestamp,
      txnLastUpdateTimestamp: this.txnLastUpdateTimestamp,
      clientTransactionVersion: this.clientTransactionVersion,
    }
  }

  /** The write of `transit` succeeded: it becomes the current state. */
  completeTransitionTo(transit: TxnTransitMetadata): void {
    this.producerId = transit.producerId
    this.lastProducerId = transit.lastProducerId
    this.nextProducerId = transit.nextProducerId
    this.clientTransactionVersion = transit.clientTransactionVersion
    this.producerEpoch = transit.producerEpoch
    this.lastProducerEpoch = transit.lastProducerEpoch
    this.txnTimeoutMs = transit.txnTimeoutMs
    this.state = transit.state
    this.topicPartitions = new Set(transit.topicPartitions)
    this.txnStartTimestamp = transit.txnStartTimestamp
    this.txnLastUpdateTimestamp = transit.txnLastUpdateTimestamp
    this.pendingState = null
  }
}
