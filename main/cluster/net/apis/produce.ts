// Produce (key 0): the topic data goes to the replica manager as it is; the answer carries
// base offsets, log append times, log start offsets and, on a leadership error, the current
// leader (v10+) so a client need not wait for a metadata refresh. acks=0 gets no answer.
// Transactional batches are first checked with the transaction coordinator (KIP-890 part 1).
import { ErrorCode, errorName } from '../../errors'
import type { Acks } from '../../broker/api'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'
import { readBatchHeader, RECORD_BATCH_OVERHEAD, TRANSACTIONAL_FLAG_MASK, batchSizeAt } from '../../protocol/batchHeader'
import { TRANSACTION_ABORTABLE, tpKey } from '../../broker/transaction'

export async function handleProduce(context: BrokerContext, request: M.ProduceRequest, version: number): Promise<M.ProduceResponse | null> {
  const acks = request.acks as Acks
  const image = context.image()
  // KIP-890 part 1: transactional batches go in only to partitions of the producer's ongoing transaction.
  const refused = request.transactionalId !== null ? await verifyTransactionalPartitions(context, request, version) : new Map<string, PartitionAnswer>()
  if (refused.size === request.topicData.reduce((n, t) => n + t.partitionData.length, 0) && refused.size > 0) {
    return acks === 0 ? null : respond(request.topicData.map((t) => ({ name: t.name, partitions: t.partitionData.map((p) => refused.get(tpKey(t.name, p.index))!) })))
  }
  const appended = context.replicaManager.produce({
    acks,
    timeoutMs: request.timeoutMs,
    topics: request.topicData
      .map((t) => ({
        name: t.name,
        partitions: t.partitionData.filter((p) => !refused.has(tpKey(t.name, p.index))).map((p) => ({ index: p.index, records: p.records ?? Buffer.alloc(0) })),
      }))
      .filter((t) => t.partitions.length > 0),
  })
  const response = await appended.catch((err: Error & { errorCode?: number }) => {
    // A whole-request refusal (INVALID_REQUIRED_ACKS) answers every partition with it.
    const errorCode = err.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
    return { topics: request.topicData.map((t) => ({ name: t.name, partitions: t.partitionData.map((p) => ({ index: p.index, errorCode, errorMessage: err.message })) })) }
  })
  if (acks === 0 || response === null) return null
  // In the request's order, refused partitions with Kafka's message for them.
  const appendedAnswers = new Map(response.topics.flatMap((t) => t.partitions.map((p) => [tpKey(t.name, p.index), p] as const)))
  const answered = request.topicData.map((t) => ({
    name: t.name,
    partitions: t.partitionData.flatMap((p) => {
      const key = tpKey(t.name, p.index)
      const answer = refused.get(key) ?? appendedAnswers.get(key)
      return answer ? [answer] : []
    }),
  }))
  const answer = respond(
    answered.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const leader = image.partition(t.name, p.index)
        // Kafka sends a message only with a record validation error (it names the records) or a failed transaction check; other errors go without.
        const errorMessage = MESSAGE_CARRYING.has(p.errorCode) || refused.has(tpKey(t.name, p.index)) ? p.errorMessage : null
        return { ...p, errorMessage, currentLeader: p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER && leader ? { leaderId: leader.leader, leaderEpoch: leader.leaderEpoch } : undefined }
      }),
    })),
  )
  // KIP-951: the endpoints of the current leaders named above, so the client can go there at once.
  const leaders = new Set(answer.responses.flatMap((t) => t.partitionResponses.map((p) => p.currentLeader.leaderId)).filter((id) => id >= 0))
  for (const id of [...leaders].sort((a, b) => a - b)) {
    const broker = image.brokers.get(id)
    const endpoint = broker?.endPoints[0]
    if (broker && endpoint) answer.nodeEndpoints.push({ nodeId: id, host: endpoint.host, port: endpoint.port, rack: broker.rack })
  }
  return answer
}

const MESSAGE_CARRYING = new Set<number>([ErrorCode.INVALID_RECORD, ErrorCode.INVALID_TIMESTAMP])

interface PartitionAnswer {
  index: number
  errorCode: number
  errorMessage: string | null
  recordErrors?: Array<{ batchIndex: number; batchIndexErrorMessage: string | null }>
  baseOffset?: number
  logAppendTimeMs?: number
  logStartOffset?: number
  currentLeader?: { leaderId: number; leaderEpoch: number }
}

function respond(topics: Array<{ name: string; partitions: PartitionAnswer[] }>): M.ProduceResponse {
  return {
    responses: topics.map((t) => ({
      name: t.name,
      partitionResponses: t.partitions.map((p) => ({
        index: p.index,
        errorCode: p.errorCode,
        baseOffset: BigInt(p.baseOffset ?? -1),
        logAppendTimeMs: BigInt(p.logAppendTimeMs ?? -1),
        logStartOffset: BigInt(p.logStartOffset ?? -1),
        recordErrors: p.recordErrors ?? [],
        errorMessage: p.errorMessage,
        currentLeader: p.currentLeader ?? { leaderId: -1, leaderEpoch: -1 },
      })),
    })),
    throttleTimeMs: 0,
    nodeEndpoints: [],
  }
}

/** Verification errors a client may not retry well become NOT_ENOUGH_REPLICAS, which it retries without a metadata refresh (Kafka's ReplicaManager). */
const RETRIED_AS_NOT_ENOUGH_REPLICAS = new Set<number>([
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
])

/** The producer of a partition's transactional batches, if it has any. */
function transactionalProducerOf(records: Buffer | null): { producerId: number; producerEpoch: number } | null {
  if (!records) return null
  for (let pos = 0; pos + RECORD_BATCH_OVERHEAD <= records.length; pos += batchSizeAt(records, pos)) {
    const header = readBatchHeader(records, pos)
    if (header.magic === 2 && (header.attributes & TRANSACTIONAL_FLAG_MASK) !== 0 && header.producerId >= 0n) {
      return { producerId: Number(header.producerId), producerEpoch: header.producerEpoch }
    }
    if (header.batchLength <= 0) break
  }
  return null
}

/** Kafka's UnifiedLog.hasOngoingTransaction: this replica's log has the producer's transaction open, at this epoch. */
function hasOngoingTransaction(context: BrokerContext, topic: string, partition: number, producer: { producerId: number; producerEpoch: number }): boolean {
  const entry = context.replicaManager.getPartition(topic, partition)?.log.producerStateManager.activeProducers.get(producer.producerId)
  return entry !== undefined && entry.currentTxnFirstOffset >= 0 && entry.producerEpoch === producer.producerEpoch
}

/**
 * KIP-890 part 1 (Kafka's AddPartitionsToTxnManager): the coordinator of the transactional id
 * confirms each partition with transactional batches is in the producer's ongoing
 * transaction. Refused partitions, with Kafka's answer for this Produce version: a partition
 * not added is INVALID_TXN_STATE (TRANSACTION_ABORTABLE from v11, whose clients know it).
 */
async function verifyTransactionalPartitions(context: BrokerContext, request: M.ProduceRequest, version: number): Promise<Map<string, PartitionAnswer>> {
  const refused = new Map<string, PartitionAnswer>()
  const toVerify: Array<{ topic: string; partition: number }> = []
  const producers = new Map<string, { producerId: number; producerEpoch: number }>()
  for (const t of request.topicData) {
    for (const p of t.partitionData) {
      const producer = transactionalProducerOf(p.records)
      if (!producer) continue
      producers.set(`${producer.producerId}/${producer.producerEpoch}`, producer)
      // As Kafka: a partition where this producer's transaction is already ongoing needs no check.
      if (!hasOngoingTransaction(context, t.name, p.index, producer)) toVerify.push({ topic: t.name, partition: p.index })
    }
  }
  if (producers.size > 1) {
    for (const tp of request.topicData.flatMap((t) => t.partitionData.filter((p) => transactionalProducerOf(p.records)).map((p) => ({ topic: t.name, partition: p.index })))) refused.set(tpKey(tp.topic, tp.partition), { index: tp.partition, errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING, errorMessage: 'Transactional records contained more than one producer ID' })
    return refused
  }
  if (toVerify.length === 0) return refused
  const [producer] = producers.values()
  const answer = await context
    .verifyTxnPartitions({ transactionalId: request.transactionalId!, producerId: producer.producerId, producerEpoch: producer.producerEpoch, partitions: toVerify })
    .catch(() => ({ partitions: toVerify.map((tp) => ({ ...tp, errorCode: ErrorCode.NETWORK_EXCEPTION as number })) }))
  for (const p of answer.partitions) {
    if (p.errorCode === ErrorCode.NONE) continue
    let errorCode = p.errorCode
    let errorMessage: string | null = null
    if (errorCode === ErrorCode.PRODUCER_FENCED) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH
    else if (errorCode === TRANSACTION_ABORTABLE && version <= 10) errorCode = ErrorCode.INVALID_TXN_STATE
    if (errorCode === ErrorCode.INVALID_TXN_STATE) errorMessage = 'Partition was not added to the transaction'
    if (RETRIED_AS_NOT_ENOUGH_REPLICAS.has(errorCode)) {
      errorMessage = `Unable to verify the partition has been added to the transaction. Underlying error: ${errorName(errorCode)}`
      errorCode = ErrorCode.NOT_ENOUGH_REPLICAS
    }
    refused.set(tpKey(p.topic, p.partition), { index: p.partition, errorCode, errorMessage })
  }
  return refused
}
