// Produce (key 0): the topic data goes to the replica manager as it is; the answer carries
// base offsets, log append times, log start offsets and, on a leadership error, the current
// leader (v10+) so a client need not wait for a metadata refresh. acks=0 gets no answer.
// Transactional batches are first checked with the transaction coordinator (KIP-890 part 1).
import { ErrorCode } from '../../errors'
import type { Acks } from '../../broker/api'
import type { BrokerContext } from '../context'
import type { MetadataImage } from '../../metadata/image'
import { ZERO_UUID } from '../../protocol/messages'
import type * as M from '../../protocol/messages'
import { tpKey } from '../../broker/transaction'
import { verifyTransactionalPartitions } from './txnVerification'

/**
 * From v13 topics come by id (KIP-516), as in Kafka's KafkaApis: each id is resolved through the
 * metadata image, the produce itself (and the transactional verification) goes by name, an id
 * the metadata does not know answers UNKNOWN_TOPIC_ID for each of its partitions, and the answer
 * names topics by id.
 */
export async function handleProduce(context: BrokerContext, request: M.ProduceRequest, version: number): Promise<M.ProduceResponse | null> {
  if (version < 13) return produceByName(context, request, version)
  const image = context.image()
  const named = request.topicData.map((t) => ({ ...t, name: image.topicsById.get(t.topicId)?.name ?? null }))
  const known = named.flatMap((t) => (t.name === null ? [] : [{ ...t, name: t.name }]))
  const ids = new Map(known.map((t) => [t.name, t.topicId]))
  const answer = known.length ? await produceByName(context, { ...request, topicData: known }, version) : null
  if (request.acks === 0) return null
  const unknown = named.filter((t) => t.name === null).map((t) => ({ name: '', topicId: t.topicId, partitions: t.partitionData.map((p) => ({ index: p.index, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: null })) }))
  const byId = answer ?? respond([])
  byId.responses = [...byId.responses.map((t) => ({ ...t, topicId: ids.get(t.name) ?? ZERO_UUID })), ...respond(unknown).responses]
  return byId
}

async function produceByName(context: BrokerContext, request: M.ProduceRequest, version: number): Promise<M.ProduceResponse | null> {
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
  answer.nodeEndpoints.push(...nodeEndpoints(image, answer.responses.flatMap((t) => t.partitionResponses.map((p) => p.currentLeader.leaderId))))
  return answer
}

/** KIP-951: the endpoints of the brokers named (each once, by id; -1 and unknown ids skipped). */
export function nodeEndpoints(image: MetadataImage, brokerIds: number[]): Array<{ nodeId: number; host: string; port: number; rack: string | null }> {
  return [...new Set(brokerIds.filter((id) => id >= 0))]
    .sort((a, b) => a - b)
    .flatMap((nodeId) => {
      const broker = image.brokers.get(nodeId)
      const endpoint = broker?.endPoints[0]
      return broker && endpoint ? [{ nodeId, host: endpoint.host, port: endpoint.port, rack: broker.rack }] : []
    })
}

const MESSAGE_CARRYING = new Set<number>([ErrorCode.INVALID_RECORD, ErrorCode.INVALID_TIMESTAMP])

export interface PartitionAnswer {
  index: number
  errorCode: number
  errorMessage: string | null
  recordErrors?: Array<{ batchIndex: number; batchIndexErrorMessage: string | null }>
  baseOffset?: number
  logAppendTimeMs?: number
  logStartOffset?: number
  currentLeader?: { leaderId: number; leaderEpoch: number }
}

function respond(topics: Array<{ name: string; topicId?: string; partitions: PartitionAnswer[] }>): M.ProduceResponse {
  return {
    responses: topics.map((t) => ({
      name: t.name,
      topicId: t.topicId ?? ZERO_UUID,
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
