// Metadata (key 3) and DescribeCluster (key 60): the brokers, the controller a client should
// use, and every requested topic with its partitions' leaders, replicas and ISRs. A request
// for an unknown topic auto-creates it when both the client and auto.create.topics.enable
// allow, answering LEADER_NOT_AVAILABLE until it has leaders, as Kafka does.
import { describeBrokerConfig, brokerConfigKey } from '../../config'
import { ErrorCode, KafkaError } from '../../errors'
import type { MetadataImage, TopicImage } from '../../metadata/image'
import { isInternalTopic, validateTopicName } from '../../metadata/topicName'
import { advertisedControllerId, type BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

function liveBrokers(image: MetadataImage) {
  return image.liveBrokerIds().flatMap((id) => {
    const endpoint = image.brokers.get(id)?.endPoints[0]
    return endpoint ? [{ id, host: endpoint.host, port: endpoint.port, rack: image.brokers.get(id)!.rack }] : []
  })
}

function topicMetadata(image: MetadataImage, topic: TopicImage): M.MetadataResponseTopic {
  const live = new Set(image.liveBrokerIds())
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions: topic.partitions.map((p, partitionIndex) => ({
      errorCode: p.leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: p.replicas.filter((id) => !live.has(id)),
    })),
    topicAuthorizedOperations: -2147483648,
  }
}

function missingTopic(name: string, errorCode: number): M.MetadataResponseTopic {
  return { errorCode, name, topicId: '00000000-0000-0000-0000-000000000000', isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 }
}

function autoCreateEnabled(context: BrokerContext): boolean {
  return describeBrokerConfig(brokerConfigKey('auto.create.topics.enable')!, context.brokerConfigs()).typedValue === true
}

export async function handleMetadata(context: BrokerContext, request: M.MetadataRequest, version: number): Promise<M.MetadataResponse> {
  const image = context.image()
  // v0 asks for every topic with an empty list; v1+ with null.
  const all = request.topics === null || (version === 0 && request.topics.length === 0)
  let topics: M.MetadataResponseTopic[]
  if (all) {
    topics = [...image.topicsByName.values()].map((t) => topicMetadata(image, t))
  } else {
    const allowAutoCreate = (version < 4 || request.allowAutoTopicCreation) && autoCreateEnabled(context)
    topics = await Promise.all(
      request.topics!.map(async (requested) => {
        const topic = requested.name !== null ? image.topicsByName.get(requested.name) : image.topicsById.get(requested.topicId)
        if (topic) return topicMetadata(image, topic)
        const name = requested.name ?? ''
        if (requested.name === null) return missingTopic(name, ErrorCode.UNKNOWN_TOPIC_ID)
        try {
          validateTopicName(name)
        } catch {
          return missingTopic(name, ErrorCode.INVALID_TOPIC_EXCEPTION)
        }
        if (!allowAutoCreate) return missingTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        const created = await context
          .forward('createTopics', { topics: [{ name, numPartitions: -1, replicationFactor: -1, configs: {} }], validateOnly: false })
          .catch((err: unknown) => ({ topics: [{ errorCode: err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR }] }))
        const code = created.topics[0].errorCode
        const stillComing = code === ErrorCode.NONE || code === ErrorCode.TOPIC_ALREADY_EXISTS
        return missingTopic(name, stillComing ? ErrorCode.LEADER_NOT_AVAILABLE : code)
      }),
    )
  }
  return {
    throttleTimeMs: 0,
    brokers: liveBrokers(image).map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: b.rack })),
    clusterId: context.clusterId,
    controllerId: advertisedControllerId(image),
    topics,
    clusterAuthorizedOperations: -2147483648,
    // v13's top-level error: Kafka's brokers always answer 0 (clients may see REBOOTSTRAP_REQUIRED, KIP-1102).
    errorCode: ErrorCode.NONE,
  }
}

/**
 * What DescribeCluster answers for includeClusterAuthorizedOperations. Without an authorizer
 * (Brokerlab has none, nor does a default Kafka) every operation on the cluster resource is
 * allowed: Kafka's AclEntry.supportedOperations(CLUSTER) as a bit field, AclOperation codes
 * CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11 and
 * IDEMPOTENT_WRITE 12.
 */
const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0)
const NOT_REQUESTED = -2147483648

/** v2 (KIP-1073) lists fenced brokers too when asked, marked isFenced, as Kafka's KafkaApis does. */
export function handleDescribeCluster(context: BrokerContext, request: M.DescribeClusterRequest, version: number): M.DescribeClusterResponse {
  const image = context.image()
  const withFenced = version >= 2 && request.includeFencedBrokers
  // Endpoint type 2 asks for controllers: Brokerlab's controller has no Kafka listener.
  const brokers =
    request.endpointType === 2
      ? []
      : [...image.brokers.values()]
          .filter((b) => withFenced || !b.fenced)
          .sort((a, b) => a.id - b.id)
          .flatMap((b) => (b.endPoints[0] ? [{ brokerId: b.id, host: b.endPoints[0].host, port: b.endPoints[0].port, rack: b.rack, isFenced: b.fenced }] : []))
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: request.endpointType,
    clusterId: context.clusterId,
    controllerId: advertisedControllerId(image),
    brokers,
    clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : NOT_REQUESTED,
  }
}
