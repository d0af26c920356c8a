// Produce (key 0): the topic data goes to the replica manager as it is; the answer carries
// base offsets, log append times, log start offsets and, on a leadership error, the current
// leader (v10+) so a client need not wait for a metadata refresh. acks=0 gets no answer.
import { ErrorCode } from '../../errors'
import type { Acks } from '../../broker/api'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

export async function handleProduce(context: BrokerContext, request: M.ProduceRequest): Promise<M.ProduceResponse | null> {
  const acks = request.acks as Acks
  const image = context.image()
  if (request.transactionalId !== null) {
    // Transactions are not supported: refuse the data rather than store it outside one.
    const refuse = (index: number) => ({
      index,
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      errorMessage: 'Brokerlab does not support transactions',
    })
    return respond(request.topicData.map((t) => ({ name: t.name, partitions: t.partitionData.map((p) => refuse(p.index)) })))
  }
  const response = await context.replicaManager.produce({
    acks,
    timeoutMs: request.timeoutMs,
    topics: request.topicData.map((t) => ({
      name: t.name,
      partitions: t.partitionData.map((p) => ({ index: p.index, records: p.records ?? Buffer.alloc(0) })),
    })),
  }).catch((err: Error & { errorCode?: number }) => {
    // A whole-request refusal (INVALID_REQUIRED_ACKS) answers every partition with it.
    const errorCode = err.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
    return { topics: request.topicData.map((t) => ({ name: t.name, partitions: t.partitionData.map((p) => ({ index: p.index, errorCode, errorMessage: err.message })) })) }
  })
  if (acks === 0 || response === null) return null
  const answer = respond(
    response.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const leader = image.partition(t.name, p.index)
        // Kafka sends a message only with a record validation error (it names the records); other errors go without.
        const errorMessage = MESSAGE_CARRYING.has(p.errorCode) ? p.errorMessage : null
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
