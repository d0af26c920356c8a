// KIP-890 on the partition leader (Kafka's AddPartitionsToTxnManager and the verification in
// ReplicaManager.handleProduceAppend): before transactional batches are appended, the
// coordinator of the transactional id confirms each partition is in the producer's ongoing
// transaction (part 1), or, for a transaction version 2 client (Produce v12+), adds it there
// (part 2: the client sends no AddPartitionsToTxn); its errors become what producers expect.
import { brokerConfigKey, describeBrokerConfig } from '../../config'
import { ErrorCode, errorName } from '../../errors'
import { readBatchHeader, RECORD_BATCH_OVERHEAD, TRANSACTIONAL_FLAG_MASK, batchSizeAt } from '../../protocol/batchHeader'
import { TRANSACTION_ABORTABLE, tpKey } from '../../broker/transaction'
import type * as M from '../../protocol/messages'
import type { BrokerContext } from '../context'
import type { PartitionAnswer } from './produce'

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
export async function verifyTransactionalPartitions(context: BrokerContext, request: M.ProduceRequest, version: number): Promise<Map<string, PartitionAnswer>> {
  const refused = new Map<string, PartitionAnswer>()
  // A TV2 client's partitions are added here whatever the verification config: nothing else adds them.
  const addPartitions = version >= 12
  if (!addPartitions && describeBrokerConfig(brokerConfigKey('transaction.partition.verification.enable')!, context.brokerConfigs()).typedValue !== true) return refused
  const toVerify: Array<{ topic: string; partition: number }> = []
  const producers = new Map<string, { producerId: number; producerEpoch: number }>()
  for (const t of request.topicData) {
    for (const p of t.partitionData) {
      const producer = transactionalProducerOf(p.records)
      if (!producer) continue
      producers.set(`${producer.producerId}/${producer.producerEpoch}`, producer)
      // As Kafka: a partition this broker does not lead is answered by the replica manager
      // (NOT_LEADER_OR_FOLLOWER...), and one where this producer's transaction is already ongoing needs no check.
      if (!context.replicaManager.getPartition(t.name, p.index)?.isLeader) continue
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
    .verifyTxnPartitions({ transactionalId: request.transactionalId!, producerId: producer.producerId, producerEpoch: producer.producerEpoch, partitions: toVerify, addPartitions })
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
