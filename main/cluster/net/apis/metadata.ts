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
  }
}

export function handleDescribeCluster(context: BrokerContext, request: M.DescribeClusterRequest): M.DescribeClusterResponse {
  const image = context.image()
  // Endpoint type 2 asks for controllers: Brokerlab's controller has no Kafka listener.
  const brokers = request.endpointType === 2 ? [] : liveBrokers(image)
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: request.endpointType,
    clusterId: context.clusterId,
    controllerId: advertisedControllerId(image),
    brokers: brokers.map((b) => ({ brokerId: b.id, host: b.host, port: b.port, rack: b.rack })),
    clusterAuthorizedOperations: -2147483648,
  }
}
