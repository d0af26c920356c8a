// Topic administration over the Kafka protocol, as kafka-topics does it: CreateTopics (the
// cluster's defaults where no count is given), DeleteTopics and CreatePartitions, each
// answered with the broker's own error and message (INVALID_TOPIC_EXCEPTION,
// TOPIC_ALREADY_EXISTS, INVALID_REPLICATION_FACTOR, TOPIC_DELETION_DISABLED...).
import { kafkaErrorOf } from '../connections/kafkaErrors'
import type { KafkaConnection } from '../connections/kafkaConnection'
import type { RequestOf } from '../../../preload/contract'

type CreateTopicsResponse = import('@platformatic/kafka').createTopicsV7.CreateTopicsResponse
type DeleteTopicsResponse = import('@platformatic/kafka').deleteTopicsV6.DeleteTopicsResponse
type CreatePartitionsResponse = import('@platformatic/kafka').createPartitionsV3.CreatePartitionsResponse

/** The error a topic-level result carries, as a KafkaError naming the topic. */
function check(what: string, result: { errorCode: number; errorMessage?: string | null } | undefined): void {
  if (result && result.errorCode !== 0) throw kafkaErrorOf(result.errorCode, what, result.errorMessage)
}

export async function createTopic(kafka: KafkaConnection, request: RequestOf<'topic:create'>): Promise<{ name: string; topicId: string }> {
  const topic = {
    name: request.name,
    numPartitions: request.partitions ?? -1,
    replicationFactor: request.replicationFactor ?? -1,
    assignments: [],
    configs: Object.entries(request.configs ?? {}).map(([name, value]) => ({ name, value })),
  }
  const { response } = await kafka.send<CreateTopicsResponse>('any', 'CreateTopics', [7], () => [[topic], kafka.settings.timeoutMs, false])
  const created = response.topics[0]
  check(`Creating topic "${request.name}"`, created)
  return { name: created.name, topicId: created.topicId }
}

export async function deleteTopic(kafka: KafkaConnection, name: string): Promise<void> {
  const { response } = await kafka.send<DeleteTopicsResponse>('any', 'DeleteTopics', [6], () => [[{ name }], kafka.settings.timeoutMs])
  check(`Deleting topic "${name}"`, response.responses[0])
}

/** CreatePartitions: grows the topic to `count` partitions. */
export async function addPartitions(kafka: KafkaConnection, name: string, count: number): Promise<void> {
  const { response } = await kafka.send<CreatePartitionsResponse>('any', 'CreatePartitions', [1, 2, 3], () => [[{ name, count, assignments: null }], kafka.settings.timeoutMs, false])
  check(`Adding partitions to "${name}"`, response.results[0])
}
