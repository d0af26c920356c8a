// DescribeProducers (key 61): per partition, the idempotent producers its log remembers (id,
// epoch, last sequence, last timestamp), as Kafka's handleDescribeProducersRequest answers:
// an invalid topic name is INVALID_TOPIC_EXCEPTION, an unknown topic or partition
// UNKNOWN_TOPIC_OR_PARTITION, a partition this broker has no replica of
// NOT_LEADER_OR_FOLLOWER. A transactional producer also shows the coordinator epoch of its
// last marker and the first offset of its ongoing transaction here (-1 when none).
import { ErrorCode, KafkaError } from '../../errors'
import { validateTopicName } from '../../metadata/topicName'
import { partitionError } from '../../broker/replicaManager'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

function topicError(context: BrokerContext, name: string): KafkaError | null {
  try {
    validateTopicName(name)
  } catch (err) {
    return err as KafkaError
  }
  return context.image().topicsByName.has(name) ? null : new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist`)
}

function partitionState(context: BrokerContext, topic: string, partitionIndex: number): M.PartitionResponse {
  try {
    const known = (context.image().topicsByName.get(topic)?.partitions.length ?? 0) > partitionIndex && partitionIndex >= 0
    if (!known) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${topic}-${partitionIndex} does not exist`)
    const activeProducers = context.replicaManager
      .activeProducerState(topic, partitionIndex)
      .map((p) => ({ producerId: BigInt(p.producerId), producerEpoch: p.producerEpoch, lastSequence: p.lastSequence, lastTimestamp: BigInt(p.lastTimestamp), coordinatorEpoch: p.coordinatorEpoch, currentTxnStartOffset: BigInt(p.currentTxnStartOffset) }))
    return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers }
  } catch (err) {
    // Kafka's getPartitionOrError gives the partition's error code without a message.
    return { partitionIndex, errorCode: partitionError(err).errorCode, errorMessage: null, activeProducers: [] }
  }
}

export function handleDescribeProducers(context: BrokerContext, request: M.DescribeProducersRequest): M.DescribeProducersResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => {
      const error = topicError(context, t.name)
      return {
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) =>
          error ? { partitionIndex, errorCode: error.errorCode, errorMessage: error.message, activeProducers: [] } : partitionState(context, t.name, partitionIndex),
        ),
      }
    }),
  }
}
