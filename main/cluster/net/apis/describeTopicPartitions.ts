// DescribeTopicPartitions (key 75, KIP-966): what Metadata says of topics, plus the eligible
// leader replicas, paged by partitions. As Kafka's DescribeTopicPartitionsRequestHandler and
// KRaftMetadataCache.describeTopicResponse: topics sorted by name from the cursor's topic on,
// at most responsePartitionLimit partitions (capped by max.request.partition.size.limit,
// 2000), a nextCursor where the page stopped; an empty topic list means every topic, and
// then unknown ones are left out. ELR is disabled in Brokerlab as in Kafka 4.4's default, so
// both ELR lists are empty.
import { ErrorCode } from '../../errors'
import type { MetadataImage, TopicImage } from '../../metadata/image'
import { isInternalTopic, validateTopicName } from '../../metadata/topicName'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
/** Kafka's max.request.partition.size.limit default. */
const MAX_REQUEST_PARTITION_SIZE_LIMIT = 2000
/** Without an authorizer Kafka grants every topic operation: READ..ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
const ALL_TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0)

type Topic = M.DescribeTopicPartitionsResponseTopic

function partitionsOf(image: MetadataImage, topic: TopicImage, from: number, limit: number): M.DescribeTopicPartitionsResponsePartition[] {
  const live = new Set(image.liveBrokerIds())
  return topic.partitions.slice(from, from + limit).map((p, i) => ({
    errorCode: ErrorCode.NONE,
    partitionIndex: from + i,
    leaderId: live.has(p.leader) ? p.leader : -1,
    leaderEpoch: p.leaderEpoch,
    replicaNodes: p.replicas,
    isrNodes: p.isr,
    eligibleLeaderReplicas: [],
    lastKnownElr: [],
    offlineReplicas: p.replicas.filter((id) => !live.has(id)),
  }))
}

function missing(name: string): Topic {
  let errorCode: number = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  try {
    validateTopicName(name)
  } catch {
    errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION
  }
  return { errorCode, name, topicId: ZERO_UUID, isInternal: isInternalTopic(name), partitions: [], topicAuthorizedOperations: ALL_TOPIC_OPERATIONS }
}

/** Kafka's getErrorResponse: every requested topic with the request's error. */
function refused(request: M.DescribeTopicPartitionsRequest, errorCode: number): M.DescribeTopicPartitionsResponse {
  const topics = request.topics.map((t) => ({ errorCode, name: t.name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 }))
  return { throttleTimeMs: 0, topics, nextCursor: null }
}

export function handleDescribeTopicPartitions(context: BrokerContext, request: M.DescribeTopicPartitionsRequest): M.DescribeTopicPartitionsResponse {
  const image = context.image()
  const { cursor } = request
  const all = request.topics.length === 0
  const from = cursor?.topicName ?? ''
  const names = [...new Set(all ? image.topicsByName.keys() : request.topics.map((t) => t.name))].filter((n) => n >= from).sort()
  // The cursor's topic must be among those asked for, and its partition valid.
  if (cursor && ((!all && !names.includes(cursor.topicName)) || cursor.partitionIndex < 0)) return refused(request, ErrorCode.INVALID_REQUEST)

  let remaining = Math.max(Math.min(MAX_REQUEST_PARTITION_SIZE_LIMIT, request.responsePartitionLimit), 1)
  const topics: Topic[] = []
  let nextCursor: M.DescribeTopicPartitionsResponseCursor | null = null
  for (const name of names) {
    if (remaining === 0) {
      // The page ended with the previous topic: the next one starts from its first partition.
      nextCursor = { topicName: name, partitionIndex: 0 }
      break
    }
    const topic = image.topicsByName.get(name)
    if (!topic) {
      if (!all) topics.push(missing(name))
      continue
    }
    const start = name === cursor?.topicName ? cursor.partitionIndex : 0
    const partitions = partitionsOf(image, topic, start, remaining)
    topics.push({ errorCode: ErrorCode.NONE, name, topicId: topic.topicId, isInternal: isInternalTopic(name), partitions, topicAuthorizedOperations: ALL_TOPIC_OPERATIONS })
    const next = Math.min(topic.partitions.length, start + remaining)
    if (next < topic.partitions.length) {
      nextCursor = { topicName: name, partitionIndex: next }
      break
    }
    remaining -= partitions.length
  }
  return { throttleTimeMs: 0, topics, nextCursor }
}
