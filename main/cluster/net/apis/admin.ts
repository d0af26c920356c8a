// The admin requests a broker forwards to the controller (Kafka's ForwardingManager):
// CreateTopics (19), DeleteTopics (20), CreatePartitions (37), ElectLeaders (43),
// UnregisterBroker (64); and
// InitProducerId (22) without a transactional id, answered from this broker's producer id block.
import { describeTopicConfigs } from '../../config'
import { ErrorCode, KafkaError } from '../../errors'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

/** A forwarded request that could not reach the controller fails every item with why. */
function unreachable(err: unknown): { errorCode: number; errorMessage: string } {
  return {
    errorCode: err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR,
    errorMessage: `The controller did not answer: ${(err as Error).message}`,
  }
}

/** A created topic's own configs (the controller refused any null value). */
function requestedConfigs(topics: Array<{ name: string; configs: Record<string, string | null> }>, name: string): Record<string, string> {
  return (topics.find((t) => t.name === name)?.configs ?? {}) as Record<string, string>
}

export async function handleCreateTopics(context: BrokerContext, request: M.CreateTopicsRequest): Promise<M.CreateTopicsResponse> {
  const topics = request.topics.map((t) => ({
    name: t.name,
    numPartitions: t.numPartitions,
    replicationFactor: t.replicationFactor,
    assignments: t.assignments.length ? t.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: a.brokerIds })) : undefined,
    configs: Object.fromEntries(t.configs.map((c) => [c.name, c.value])),
  }))
  const answer = await context.forward('createTopics', { topics, validateOnly: request.validateOnly }).catch((err) => {
    const failure = unreachable(err)
    return { topics: topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, ...failure })) }
  })
  return {
    throttleTimeMs: 0,
    topics: answer.topics.map((t) => ({
      name: t.name,
      topicId: t.topicId || ZERO_UUID,
      errorCode: t.errorCode,
      errorMessage: t.errorMessage,
      topicConfigErrorCode: 0,
      numPartitions: t.numPartitions,
      replicationFactor: t.replicationFactor,
      configs:
        t.errorCode === ErrorCode.NONE
          ? describeTopicConfigs(requestedConfigs(topics, t.name), context.brokerConfigs(), 'createTopics').map((c) => ({
              name: c.name,
              value: c.value,
              readOnly: c.readOnly,
              configSource: c.source,
              isSensitive: c.sensitive,
            }))
          : // Kafka answers a failed topic with no configs, as an empty list rather than null.
            [],
    })),
  }
}

export async function handleDeleteTopics(context: BrokerContext, request: M.DeleteTopicsRequest, version: number): Promise<M.DeleteTopicsResponse> {
  const image = context.image()
  // v6 names topics by name or by id; earlier versions by name only.
  const requested = version >= 6 ? request.topics.map((t) => ({ name: t.name ?? image.topicsById.get(t.topicId)?.name ?? null, topicId: t.topicId })) : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))
  const unknownIds = requested.filter((t) => t.name === null)
  const names = requested.flatMap((t) => (t.name === null ? [] : [t.name]))
  const answer = await context.forward('deleteTopics', { names }).catch((err) => ({ responses: names.map((name) => ({ name, topicId: ZERO_UUID, ...unreachable(err) })) }))
  return {
    throttleTimeMs: 0,
    responses: [
      ...answer.responses.map((r) => ({ name: r.name, topicId: r.topicId || ZERO_UUID, errorCode: r.errorCode, errorMessage: r.errorMessage })),
      ...unknownIds.map((t) => ({ name: null, topicId: t.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: `No topic has id ${t.topicId}` })),
    ],
  }
}

export async function handleCreatePartitions(context: BrokerContext, request: M.CreatePartitionsRequest): Promise<M.CreatePartitionsResponse> {
  const topics = request.topics.map((t) => ({ name: t.name, count: t.count, assignments: t.assignments ?? undefined }))
  const answer = await context.forward('createPartitions', { topics, validateOnly: request.validateOnly }).catch((err) => ({ results: topics.map((t) => ({ name: t.name, ...unreachable(err) })) }))
  return { throttleTimeMs: 0, results: answer.results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage })) }
}

export async function handleElectLeaders(context: BrokerContext, request: M.ElectLeadersRequest): Promise<M.ElectLeadersResponse> {
  const topicPartitions = request.topicPartitions?.map((t) => ({ topic: t.topic, partitions: t.partitions })) ?? null
  const answer = await context.forward('electLeaders', { electionType: request.electionType === 1 ? 1 : 0, topicPartitions }).catch((err) => {
    const failure = unreachable(err)
    return { replicaElectionResults: (topicPartitions ?? []).map((t) => ({ topic: t.topic, partitionResult: t.partitions.map((partitionId) => ({ partitionId, ...failure })) })) }
  })
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: answer.replicaElectionResults }
}

/** InitProducerId without a transactional id (an idempotent producer); net/apis/transactions.ts handles the transactional one. */
export async function handleInitProducerId(context: BrokerContext, request: M.InitProducerIdRequest): Promise<M.InitProducerIdResponse> {
  const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 })
  // As Kafka's KafkaApis: a producer id without an epoch (or the reverse) is malformed.
  if ((request.producerId === -1n) !== (request.producerEpoch === -1)) return fail(ErrorCode.INVALID_REQUEST)
  // Without a transactional id Kafka's TransactionCoordinator always hands out a new producer
  // id at epoch 0, whatever id and epoch the request names: an idempotent producer bumps its
  // epoch on its own (KIP-360), and clients that send 0/0 here get a fresh id.
  try {
    const { producerId, producerEpoch } = await context.initProducerId()
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(producerId), producerEpoch }
  } catch (err) {
    return fail(err instanceof KafkaError ? err.errorCode : ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }
}


/** BROKER_ID_NOT_REGISTERED for an id with no registration; success leaves the message empty, as Kafka's. */
export async function handleUnregisterBroker(context: BrokerContext, request: M.UnregisterBrokerRequest): Promise<M.UnregisterBrokerResponse> {
  return context.forward('unregisterBroker', { brokerId: request.brokerId }).then(
    () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '' }),
    (err) => ({ throttleTimeMs: 0, ...(err instanceof KafkaError ? { errorCode: err.errorCode, errorMessage: err.message } : unreachable(err)) }),
  )
}
