// The transaction coordinator's APIs: InitProducerId (22) with a transactional id,
// AddPartitionsToTxn (24, v4+ batched by transactional id and VerifyOnly), AddOffsetsToTxn
// (25), EndTxn (26), DescribeTransactions (65) and ListTransactions (66). A transactional id
// goes to the coordinator of its __transaction_state partition; another broker answers
// NOT_COORDINATOR and the client looks it up again (FindCoordinator key type 1).
import { ErrorCode } from '../../errors'
import { OFFSETS_TOPIC } from '../../broker/coordinatorRuntime'
import { partitionFor } from '../../broker/group'
import { tpKey, tpOf, type TopicPartitionKey } from '../../broker/transaction'
import type * as M from '../../protocol/messages'
import type { BrokerContext } from '../context'
import { brokerConfigNumber } from '../../broker/brokerConfig'
import { handleInitProducerId as handleIdempotentInitProducerId } from './admin'

/** Clients before these versions know INVALID_PRODUCER_EPOCH, not PRODUCER_FENCED (Kafka's KafkaApis). */
function fencedFor(errorCode: number, version: number, firstVersionKnowingFenced: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && version < firstVersionKnowingFenced ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode
}

export async function handleInitProducerId(context: BrokerContext, request: M.InitProducerIdRequest, version: number): Promise<M.InitProducerIdResponse> {
  if (request.transactionalId === null) return handleIdempotentInitProducerId(context, request)
  const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 })
  if ((request.producerId === -1n) !== (request.producerEpoch === -1)) return fail(ErrorCode.INVALID_REQUEST)
  const expected = request.producerId === -1n ? undefined : { producerId: Number(request.producerId), producerEpoch: request.producerEpoch }
  const result = await context.transactionCoordinator.handleInitProducerId(request.transactionalId, request.transactionTimeoutMs, expected)
  return { throttleTimeMs: 0, errorCode: fencedFor(result.errorCode, version, 4), producerId: BigInt(result.producerId), producerEpoch: result.producerEpoch }
}

type TxnTopicResults = M.AddPartitionsToTxnTopicResult[]

function topicResults(errors: Map<TopicPartitionKey, number>): TxnTopicResults {
  const topics = new Map<string, M.AddPartitionsToTxnPartitionResult[]>()
  for (const [key, partitionErrorCode] of errors) {
    const { topic, partition } = tpOf(key)
    topics.set(topic, [...(topics.get(topic) ?? []), { partitionIndex: partition, partitionErrorCode }])
  }
  return [...topics].map(([name, resultsByPartition]) => ({ name, resultsByPartition }))
}

/** One transaction of an AddPartitionsToTxn request, answered per partition. */
async function addPartitions(context: BrokerContext, txn: M.AddPartitionsToTxnTransaction, version: number): Promise<TxnTopicResults> {
  const image = context.image()
  const keys = txn.topics.flatMap((t) => t.partitions.map((p) => tpKey(t.name, p)))
  const unknown = keys.filter((k) => {
    const { topic, partition } = tpOf(k)
    return !image.partition(topic, partition)
  })
  if (unknown.length) {
    // As Kafka: one bad partition fails the transaction's request; the others were not attempted.
    return topicResults(new Map(keys.map((k) => [k, unknown.includes(k) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED])))
  }
  const coordinator = context.transactionCoordinator
  if (txn.verifyOnly) return topicResults(coordinator.verifyPartitionsInTransaction(txn.transactionalId, Number(txn.producerId), txn.producerEpoch, keys))
  // Clients send v3 at most: v5 comes from a partition leader adding a TV2 client's partitions (KIP-890 part 2).
  const errorCode = await coordinator.handleAddPartitionsToTransaction(txn.transactionalId, Number(txn.producerId), txn.producerEpoch, keys, version >= 5 ? 2 : 1)
  return topicResults(new Map(keys.map((k) => [k, fencedFor(errorCode, version, 2)])))
}

export async function handleAddPartitionsToTxn(context: BrokerContext, request: M.AddPartitionsToTxnRequest, version: number): Promise<M.AddPartitionsToTxnResponse> {
  if (version < 4) {
    const txn = {
      transactionalId: request.v3AndBelowTransactionalId,
      producerId: request.v3AndBelowProducerId,
      producerEpoch: request.v3AndBelowProducerEpoch,
      verifyOnly: false,
      topics: request.v3AndBelowTopics,
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow: await addPartitions(context, txn, version) }
  }
  const resultsByTransaction = await Promise.all(
    request.transactions.map(async (txn) => ({ transactionalId: txn.transactionalId, topicResults: await addPartitions(context, txn, version) })),
  )
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction, resultsByTopicV3AndBelow: [] }
}

/** The group's __consumer_offsets partition joins the transaction, so its offsets get the markers. */
export async function handleAddOffsetsToTxn(context: BrokerContext, request: M.AddOffsetsToTxnRequest, version: number): Promise<M.AddOffsetsToTxnResponse> {
  const offsets = context.image().topicsByName.get(OFFSETS_TOPIC)
  const numPartitions = offsets ? offsets.partitions.length : brokerConfigNumber(context.brokerConfigs(), 'offsets.topic.num.partitions')
  const key = tpKey(OFFSETS_TOPIC, partitionFor(request.groupId, numPartitions))
  const errorCode = await context.transactionCoordinator.handleAddPartitionsToTransaction(request.transactionalId, Number(request.producerId), request.producerEpoch, [key])
  return { throttleTimeMs: 0, errorCode: fencedFor(errorCode, version, 2) }
}

/** EndTxn; v5 is a transaction version 2 client's: the epoch is bumped, and the answer names the producer id and epoch to go on with. */
export async function handleEndTxn(context: BrokerContext, request: M.EndTxnRequest, version: number): Promise<M.EndTxnResponse> {
  const tv = version >= 5 ? 2 : 1
  const result = await context.transactionCoordinator.handleEndTransaction(request.transactionalId, Number(request.producerId), request.producerEpoch, request.committed, tv)
  return { throttleTimeMs: 0, errorCode: fencedFor(result.errorCode, version, 2), producerId: BigInt(result.producerId), producerEpoch: result.producerEpoch }
}

export function handleDescribeTransactions(context: BrokerContext, request: M.DescribeTransactionsRequest): M.DescribeTransactionsResponse {
  return { throttleTimeMs: 0, transactionStates: request.transactionalIds.map((id) => context.transactionCoordinator.describeTransaction(id)) }
}

export function handleListTransactions(context: BrokerContext, request: M.ListTransactionsRequest, version: number): M.ListTransactionsResponse {
  const duration = version >= 1 ? Number(request.durationFilter) : -1
  // v2 (KIP-1152): ids matching the pattern as a whole, as Java's Pattern.matches; empty or null is all.
  const pattern = request.transactionalIdPattern
  let matches: ((id: string) => boolean) | null = null
  if (pattern) {
    try {
      const regex = new RegExp(`^(?:${pattern})$`)
      matches = (id) => regex.test(id)
    } catch {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, unknownStateFilters: [], transactionStates: [] }
    }
  }
  const answer = context.transactionCoordinator.listTransactions(request.stateFilters, request.producerIdFilters.map(Number), duration)
  return { throttleTimeMs: 0, ...answer, transactionStates: matches ? answer.transactionStates.filter((t) => matches(t.transactionalId)) : answer.transactionStates }
}
