// The transaction APIs the console reads and the one it writes, each sent to the broker Kafka
// routes it to: ListTransactions to every broker (each answers for the transactional ids it
// coordinates), DescribeTransactions to that coordinator, DescribeProducers to each partition's
// leader (the library's codecs), and WriteTxnMarkers to a partition's leader, in Brokerlab's own
// codec (the library has none), as kafka-transactions --abort does.
import type * as library from '@platformatic/kafka'
import { KafkaError } from '../../cluster/errors'
import { ApiKey } from '../../cluster/protocol/messages'
import type { WriteTxnMarkersResponse } from '../../cluster/protocol/messages/writeTxnMarkers'
import type { ClusterMetadata, KafkaConnection } from './kafkaConnection'
import { kafkaErrorOf } from './kafkaErrors'

type ListTransactionsResponse = library.listTransactionsV1.ListTransactionsResponse
type DescribeTransactionsResponse = library.describeTransactionsV0.DescribeTransactionsResponse
type DescribeProducersResponse = library.describeProducersV0.DescribeProducersResponse

/** A transaction as its coordinator lists it (ListTransactions). */
export interface ListedTransaction {
  transactionalId: string
  producerId: number
  state: string
  coordinator: number
}

/** A transaction as its coordinator describes it (DescribeTransactions). */
export interface DescribedTransaction extends ListedTransaction {
  producerEpoch: number
  timeoutMs: number
  /** -1 when no transaction is open. */
  startTimeMs: number
  partitions: Array<{ topic: string; partition: number }>
}

/** A producer a partition's leader knows (DescribeProducers). */
export interface ActiveProducer {
  producerId: number
  producerEpoch: number
  lastSequence: number
  lastTimestamp: number
  coordinatorEpoch: number
  /** The first offset of its open transaction in this partition, -1 when none is open. */
  currentTxnStartOffset: number
}

/** ListTransactions of every broker: the transactions, and the brokers that did not answer. */
export async function listTransactions(kafka: KafkaConnection, metadata: ClusterMetadata): Promise<{ transactions: ListedTransaction[]; unanswered: number[] }> {
  const transactions: ListedTransaction[] = []
  const unanswered: number[] = []
  await Promise.all(
    [...metadata.brokers.keys()].map(async (nodeId) => {
      // Not v2: the library's 1.35 decoder reads an error_message that ListTransactionsResponse v2 does not have.
      const answer = await kafka.send<ListTransactionsResponse>(nodeId, 'ListTransactions', [0, 1], () => [[], [], -1n, null]).catch(() => null)
      if (!answer || answer.response.errorCode !== 0) return void unanswered.push(nodeId)
      for (const t of answer.response.transactionStates) transactions.push({ transactionalId: t.transactionalId, producerId: Number(t.producerId), state: t.transactionState, coordinator: nodeId })
    }),
  )
  return { transactions, unanswered: unanswered.sort((a, b) => a - b) }
}

/** DescribeTransactions of the ids a coordinator listed, to that coordinator; an id it no longer knows is left out. */
export async function describeTransactions(kafka: KafkaConnection, coordinator: number, transactionalIds: string[]): Promise<DescribedTransaction[]> {
  if (transactionalIds.length === 0) return []
  const { response } = await kafka.send<DescribeTransactionsResponse>(coordinator, 'DescribeTransactions', [0], () => [transactionalIds])
  return response.transactionStates
    .filter((t) => t.errorCode === 0)
    .map((t) => ({
      transactionalId: t.transactionalId,
      producerId: Number(t.producerId),
      producerEpoch: t.producerEpoch,
      state: t.transactionState,
      coordinator,
      timeoutMs: t.transactionTimeoutMs,
      startTimeMs: Number(t.transactionStartTimeMs),
      partitions: t.topics.flatMap((topic) => topic.partitions.map((partition) => ({ topic: topic.topic, partition }))).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
    }))
}

/** DescribeProducers of partitions, one request per leader: each partition's active producers, keyed "topic\0partition". */
export async function describeProducers(kafka: KafkaConnection, metadata: ClusterMetadata, partitions: Array<{ topic: string; partition: number }>): Promise<Map<string, ActiveProducer[]>> {
  const byLeader = new Map<number, Map<string, number[]>>()
  for (const { topic, partition } of partitions) {
    const leader = metadata.topics.get(topic)?.partitions[partition]?.leader ?? -1
    if (leader < 0) continue
    const topics = byLeader.get(leader) ?? byLeader.set(leader, new Map()).get(leader)!
    topics.set(topic, [...(topics.get(topic) ?? []), partition])
  }
  const out = new Map<string, ActiveProducer[]>()
  await Promise.all(
    [...byLeader].map(async ([leader, topics]) => {
      const request = [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
      const answer = await kafka.send<DescribeProducersResponse>(leader, 'DescribeProducers', [0], () => [request]).catch(() => null)
      for (const t of answer?.response.topics ?? []) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) continue
          out.set(
            partitionKey(t.name, p.partitionIndex),
            p.activeProducers.map((a) => ({
              producerId: Number(a.producerId),
              producerEpoch: a.producerEpoch,
              lastSequence: a.lastSequence,
              lastTimestamp: Number(a.lastTimestamp),
              coordinatorEpoch: a.coordinatorEpoch,
              currentTxnStartOffset: Number(a.currentTxnStartOffset),
            })),
          )
        }
      }
    }),
  )
  return out
}

export const partitionKey = (topic: string, partition: number) => `${topic}\0${partition}`

/**
 * One marker (COMMIT or ABORT) of a producer's transaction in one partition, written by that
 * partition's leader (WriteTxnMarkers v0-1), as Admin.abortTransaction sends it; the
 * partition's error is thrown in Kafka's words.
 */
export async function writeTxnMarker(
  kafka: KafkaConnection,
  metadata: ClusterMetadata,
  marker: { topic: string; partition: number; producerId: number; producerEpoch: number; coordinatorEpoch: number; commit: boolean },
): Promise<void> {
  const { topic, partition } = marker
  const p = kafka.topicOf(metadata, topic).partitions[partition]
  if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${topic}" has no partition ${partition}`)
  if (p.leader < 0) throw new KafkaError('LEADER_NOT_AVAILABLE', `Partition ${topic}-${partition} has no leader`)
  const leader = p.leader
  const response: WriteTxnMarkersResponse = await kafka.sendWithOwnCodec(leader, ApiKey.WriteTxnMarkers, {
    markers: [
      {
        producerId: BigInt(marker.producerId),
        producerEpoch: marker.producerEpoch,
        transactionResult: marker.commit,
        topics: [{ name: topic, partitionIndexes: [partition] }],
        coordinatorEpoch: marker.coordinatorEpoch,
        // As Kafka's Admin.abortTransaction: a marker at the producer's own epoch, not a bumped one.
        transactionVersion: 0,
      },
    ],
  })
  const answered = response.markers[0]?.topics[0]?.partitions[0]
  if (!answered) throw new KafkaError('UNKNOWN_SERVER_ERROR', `WriteTxnMarkers answered nothing for ${topic}-${partition}`)
  if (answered.errorCode !== 0) throw kafkaErrorOf(answered.errorCode, `WriteTxnMarkers to ${topic}-${partition}`)
}
