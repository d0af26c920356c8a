// The Transactions page's types (preload/contract.ts re-exports them): each transactional id as
// its coordinator describes it (KIP-664's ListTransactions and DescribeTransactions), each
// partition whose last stable offset (LSO) stands behind its high watermark with the open
// transactions that hold it there (DescribeProducers), the hanging ones among them, and the
// abort of one, as kafka-transactions --abort.
import { z } from 'zod'
import { TopicName } from './data'
import { MAX_TOPIC_PARTITIONS } from './rules'

/** Kafka's TransactionState names, as ListTransactions and DescribeTransactions answer them. */
export const TRANSACTION_STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'PrepareEpochFence', 'Dead'] as const

export const TopicPartitionRef = z.object({ topic: z.string(), partition: z.number() })

export const TransactionView = z.object({
  transactionalId: z.string(),
  /** One of TRANSACTION_STATES (a newer broker may answer another). */
  state: z.string(),
  producerId: z.number(),
  producerEpoch: z.number(),
  /** The broker that coordinates it (the leader of its __transaction_state partition). */
  coordinator: z.number(),
  /** transaction.timeout.ms the producer asked for. */
  timeoutMs: z.number(),
  /** When the open transaction began; null when none is open. */
  startTimeMs: z.number().nullable(),
  partitions: z.array(TopicPartitionRef),
  /** Ongoing for longer than its timeout: the coordinator should have aborted it. */
  pastTimeout: z.boolean(),
})
export type TransactionView = z.infer<typeof TransactionView>

/** Why the console takes an open transaction for a hanging one (kafka-transactions find-hanging's reasons, and the timeout). */
export const HangingReason = z.enum(['past-timeout', 'unknown-to-coordinator', 'older-than-max-timeout'])
export type HangingReason = z.infer<typeof HangingReason>

/** A producer's open transaction in one partition, as the partition's leader sees it (DescribeProducers). */
export const OpenPartitionTransaction = z.object({
  producerId: z.number(),
  producerEpoch: z.number(),
  coordinatorEpoch: z.number(),
  /** currentTxnStartOffset: the LSO cannot pass it until a marker ends the transaction. */
  firstOffset: z.number(),
  /** The timestamp of the producer's latest batch here. */
  lastTimestamp: z.number(),
  /** The transactional id whose coordinator knows this transaction here, null when none does. */
  transactionalId: z.string().nullable(),
  hanging: z.object({ reason: HangingReason, message: z.string() }).nullable(),
})
export type OpenPartitionTransaction = z.infer<typeof OpenPartitionTransaction>

/** A partition whose LSO stands behind its high watermark. */
export const PartitionStability = z.object({
  topic: z.string(),
  partition: z.number(),
  leader: z.number(),
  highWatermark: z.number(),
  lastStableOffset: z.number(),
  /** highWatermark - lastStableOffset: offsets read_committed consumers cannot read yet. */
  unstable: z.number(),
  openTransactions: z.array(OpenPartitionTransaction),
})
export type PartitionStability = z.infer<typeof PartitionStability>

export const TransactionsOverview = z.object({
  transactions: z.array(TransactionView),
  /** Only partitions with an LSO behind the high watermark, the largest gap first. */
  unstablePartitions: z.array(PartitionStability),
  /** How many partitions were looked at. */
  partitionsChecked: z.number(),
  /** transaction.max.timeout.ms of the cluster (Kafka's default where it does not say). */
  maxTimeoutMs: z.number(),
  /** Brokers that did not answer ListTransactions: their transactions are missing, and no open transaction is called unknown to the coordinators. */
  unansweredCoordinators: z.array(z.number()),
  readAt: z.number(),
})
export type TransactionsOverview = z.infer<typeof TransactionsOverview>

const ProducerId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

/** kafka-transactions abort --topic --partition --producer-id --producer-epoch --coordinator-epoch. */
export const AbortTransactionRequest = z
  .object({
    topic: TopicName,
    partition: z.number().int().nonnegative().max(MAX_TOPIC_PARTITIONS - 1),
    producerId: ProducerId,
    producerEpoch: z.number().int().nonnegative().max(32767),
    coordinatorEpoch: z.number().int().min(-1).max(2147483647),
  })
  .strict()
export type AbortTransactionRequest = z.infer<typeof AbortTransactionRequest>

export const AbortTransactionResult = z.object({
  topic: z.string(),
  partition: z.number(),
  /** The partition's LSO and high watermark once the ABORT marker is written. */
  lastStableOffset: z.number().nullable(),
  highWatermark: z.number().nullable(),
})
export type AbortTransactionResult = z.infer<typeof AbortTransactionResult>

/** A transaction run by hand from the Produce page. */
export const ManualTransaction = z.object({
  transactionalId: z.string(),
  transactionTimeoutMs: z.number(),
  state: z.enum(['open', 'committed', 'aborted']),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  /** What was sent in it, in order, where each record landed. */
  records: z.array(z.object({ topic: z.string(), partition: z.number(), offset: z.number(), value: z.string().nullable() })),
})
export type ManualTransaction = z.infer<typeof ManualTransaction>

/** Kafka's transactional.id: any non-empty string. */
const TransactionalId = z.string().min(1).max(249)

export const BeginTransactionRequest = z
  .object({
    transactionalId: TransactionalId,
    /** transaction.timeout.ms: the coordinator aborts the transaction once it has been open this long (at most transaction.max.timeout.ms). */
    transactionTimeoutMs: z.number().int().min(1000).max(3_600_000).default(60_000),
  })
  .strict()

export const SendInTransactionRequest = z
  .object({
    transactionalId: TransactionalId,
    topic: TopicName,
    partition: z.number().int().nonnegative().max(MAX_TOPIC_PARTITIONS - 1).optional(),
    key: z.string().nullable().optional(),
    value: z.string().nullable(),
  })
  .strict()

export const EndTransactionRequest = z.object({ transactionalId: TransactionalId, commit: z.boolean() }).strict()
