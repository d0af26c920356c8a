// DescribeQuorum (55): the metadata log's quorum, asked of the controller as Kafka's brokers
// forward it. Brokerlab's controller is one voter without a Kafka listener (so its node has no
// endpoints) and no directory ids (so they are all zero); docs/protocol.md.
import { ErrorCode, KafkaError } from '../../errors'
import type { QuorumReplicaState } from '../../controller/api'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

const METADATA_TOPIC = '__cluster_metadata'
const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
/** Kafka's default message of UNKNOWN_TOPIC_OR_PARTITION. */
const UNKNOWN_PARTITION = 'This server does not host this topic-partition.'

/** Kafka's KafkaRaftClient: only the one partition of the metadata log, alone, can be described. */
function asksForMetadataLog(request: M.DescribeQuorumRequest): boolean {
  const [topic] = request.topics
  return request.topics.length === 1 && topic.topicName === METADATA_TOPIC && topic.partitions.length === 1 && topic.partitions[0].partitionIndex === 0
}

function replica(state: QuorumReplicaState): M.DescribeQuorumResponseReplicaState {
  return {
    replicaId: state.replicaId,
    replicaDirectoryId: ZERO_UUID,
    logEndOffset: BigInt(state.logEndOffset),
    lastFetchTimestamp: BigInt(state.lastFetchTimestamp),
    lastCaughtUpTimestamp: BigInt(state.lastCaughtUpTimestamp),
  }
}

const partitionAnswer = (partitionIndex: number, errorCode: number, errorMessage = ''): M.DescribeQuorumResponsePartitionData => ({
  partitionIndex,
  errorCode,
  errorMessage,
  leaderId: 0,
  leaderEpoch: 0,
  highWatermark: 0n,
  currentVoters: [],
  observers: [],
})

export async function handleDescribeQuorum(context: BrokerContext, request: M.DescribeQuorumRequest): Promise<M.DescribeQuorumResponse> {
  if (!asksForMetadataLog(request)) {
    const topics = request.topics.map((t) => ({ topicName: t.topicName, partitions: t.partitions.map((p) => partitionAnswer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_PARTITION)) }))
    return { errorCode: ErrorCode.NONE, errorMessage: '', topics, nodes: [] }
  }
  try {
    const quorum = await context.forward('describeQuorum', {})
    const partition = { ...partitionAnswer(0, ErrorCode.NONE), leaderId: quorum.leaderId, leaderEpoch: quorum.leaderEpoch, highWatermark: BigInt(quorum.highWatermark) }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: '',
      topics: [{ topicName: METADATA_TOPIC, partitions: [{ ...partition, currentVoters: quorum.voters.map(replica), observers: quorum.observers.map(replica) }] }],
      nodes: quorum.voters.map((v) => ({ nodeId: v.replicaId, listeners: [] })),
    }
  } catch (err) {
    return { errorCode: err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: (err as Error).message, topics: [], nodes: [] }
  }
}
