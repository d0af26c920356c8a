// The Transactions page's data, over the Kafka protocol: every transactional id its coordinator
// lists and describes (ListTransactions to every broker, DescribeTransactions to each
// coordinator), every partition's high watermark and last stable offset (ListOffsets LATEST
// under read_uncommitted and read_committed), and for the partitions whose LSO stands behind
// the high watermark, the open transactions holding it there (DescribeProducers) and whether
// each hangs (hanging.ts). The abort writes an ABORT marker as kafka-transactions --abort does.
import { OffsetSpec } from '../../../cluster/broker/api'
import type { AbortTransactionRequest, AbortTransactionResult, PartitionStability, TransactionsOverview, TransactionView } from '../../../../preload/contract'
import type { ClusterMetadata, KafkaConnection } from '../../connections/kafkaConnection'
import { describeProducers, describeTransactions, listTransactions, partitionKey, writeTxnMarker, type DescribedTransaction } from '../../connections/transactionRequests'
import { brokerConfigs } from '../configs'
import { openTransactions } from './hanging'

/** Kafka's default transaction.max.timeout.ms. */
const DEFAULT_MAX_TIMEOUT_MS = 900_000

/** Every transaction its coordinator describes, by coordinator; ids a coordinator no longer knows are left out. */
async function allTransactions(kafka: KafkaConnection, metadata: ClusterMetadata): Promise<{ transactions: DescribedTransaction[]; unanswered: number[] }> {
  const listed = await listTransactions(kafka, metadata)
  const byCoordinator = new Map<number, string[]>()
  for (const t of listed.transactions) byCoordinator.set(t.coordinator, [...(byCoordinator.get(t.coordinator) ?? []), t.transactionalId])
  const unanswered = new Set(listed.unanswered)
  const described = await Promise.all(
    [...byCoordinator].map(([coordinator, ids]) =>
      describeTransactions(kafka, coordinator, ids).catch(() => {
        unanswered.add(coordinator)
        return []
      }),
    ),
  )
  return { transactions: described.flat(), unanswered: [...unanswered].sort((a, b) => a - b) }
}

/** A broker config changes rarely: it is read again once a minute, not at every 2 s poll of the page. */
const MAX_TIMEOUT_READ_MS = 60_000
const maxTimeoutRead = new WeakMap<KafkaConnection, { value: number; at: number }>()

/** transaction.max.timeout.ms of a broker, or Kafka's default when the cluster does not say. */
async function maxTimeoutMs(kafka: KafkaConnection, metadata: ClusterMetadata): Promise<number> {
  const known = maxTimeoutRead.get(kafka)
  if (known && Date.now() - known.at < MAX_TIMEOUT_READ_MS) return known.value
  const value = await brokersMaxTimeoutMs(kafka, metadata)
  maxTimeoutRead.set(kafka, { value, at: Date.now() })
  return value
}

async function brokersMaxTimeoutMs(kafka: KafkaConnection, metadata: ClusterMetadata): Promise<number> {
  const broker = [...metadata.brokers.keys()][0]
  if (broker === undefined) return DEFAULT_MAX_TIMEOUT_MS
  const configs = await brokerConfigs(kafka, broker).catch(() => [])
  const value = Number(configs.find((c) => c.name === 'transaction.max.timeout.ms')?.value)
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_TIMEOUT_MS
}

function transactionView(t: DescribedTransaction, now: number): TransactionView {
  const startTimeMs = t.startTimeMs >= 0 ? t.startTimeMs : null
  return { ...t, startTimeMs, pastTimeout: t.state === 'Ongoing' && startTimeMs !== null && now - startTimeMs > t.timeoutMs }
}

export async function transactionsOverview(kafka: KafkaConnection): Promise<TransactionsOverview> {
  const metadata = await kafka.metadata()
  const topics = [...metadata.topics.values()].filter((t) => t.errorCode === 0)
  const [{ transactions, unanswered }, highWatermarks, stableOffsets, maxTimeout] = await Promise.all([
    allTransactions(kafka, metadata),
    kafka.listOffsets(topics, OffsetSpec.LATEST, 0),
    kafka.listOffsets(topics, OffsetSpec.LATEST, 1),
    maxTimeoutMs(kafka, metadata),
  ])
  const unstable: Array<Omit<PartitionStability, 'openTransactions'>> = []
  let partitionsChecked = 0
  for (const t of topics) {
    for (const p of t.partitions) {
      const highWatermark = highWatermarks.get(t.name)?.[p.partition]
      const lastStableOffset = stableOffsets.get(t.name)?.[p.partition]
      if (highWatermark === undefined || lastStableOffset === undefined) continue
      partitionsChecked++
      if (lastStableOffset < highWatermark) unstable.push({ topic: t.name, partition: p.partition, leader: p.leader, highWatermark, lastStableOffset, unstable: highWatermark - lastStableOffset })
    }
  }
  const producers = await describeProducers(kafka, metadata, unstable)
  const now = Date.now()
  const inputs = { transactions, everyCoordinatorAnswered: unanswered.length === 0, maxTimeoutMs: maxTimeout, now }
  return {
    transactions: transactions.map((t) => transactionView(t, now)).sort((a, b) => a.transactionalId.localeCompare(b.transactionalId)),
    unstablePartitions: unstable
      .map((p) => ({ ...p, openTransactions: openTransactions(producers.get(partitionKey(p.topic, p.partition)) ?? [], { ...inputs, topic: p.topic, partition: p.partition }) }))
      .sort((a, b) => b.unstable - a.unstable || a.topic.localeCompare(b.topic) || a.partition - b.partition),
    partitionsChecked,
    maxTimeoutMs: maxTimeout,
    unansweredCoordinators: unanswered,
    readAt: now,
  }
}

/**
 * Aborts a producer's open transaction in one partition, as kafka-transactions --abort
 * (Admin.abortTransaction) does: an ABORT marker with the producer id and epoch and the
 * coordinator epoch DescribeProducers shows, written by the partition's leader. Answers the
 * partition's LSO and high watermark after it.
 */
export async function abortTransaction(kafka: KafkaConnection, request: AbortTransactionRequest): Promise<AbortTransactionResult> {
  const metadata = await kafka.metadata([request.topic])
  await writeTxnMarker(kafka, metadata, { ...request, commit: false })
  const [lastStableOffset, highWatermark] = await Promise.all([
    kafka.listOffset(request.topic, request.partition, OffsetSpec.LATEST, 1).catch(() => null),
    kafka.listOffset(request.topic, request.partition, OffsetSpec.LATEST, 0).catch(() => null),
  ])
  return { topic: request.topic, partition: request.partition, lastStableOffset, highWatermark }
}
