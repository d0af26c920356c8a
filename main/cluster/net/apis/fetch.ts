// Fetch (key 1): consumers and outside followers read through the replica manager's long
// poll. Incremental fetch sessions (KIP-227) are not kept: every answer says session 0, which
// tells a client to send full fetches, as a broker out of session slots would.
import { ErrorCode } from '../../errors'
import { IsolationLevel, type FetchPartitionResponse } from '../../broker/api'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

const NO_SESSION = 0

export async function handleFetch(context: BrokerContext, request: M.FetchRequest, version: number): Promise<M.FetchResponse> {
  if (request.sessionId !== NO_SESSION && request.sessionEpoch > 0) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: NO_SESSION, responses: [], nodeEndpoints: [] }
  }
  const image = context.image()
  // v13+ names topics by id.
  const nameOf = (t: M.FetchTopic) => (version >= 13 ? (image.topicsById.get(t.topicId)?.name ?? null) : t.topic)
  const known = request.topics.filter((t) => nameOf(t) !== null)
  const replicaId = version >= 15 ? request.replicaState.replicaId : request.replicaId
  const fetched = await context.replicaManager.fetch({
    replicaId,
    fetchOnlyFromLeader: version < 11,
    maxWaitMs: request.maxWaitMs,
    minBytes: request.minBytes,
    maxBytes: request.maxBytes,
    isolationLevel: request.isolationLevel as IsolationLevel,
    topics: known.map((t) => ({
      name: nameOf(t)!,
      partitions: t.partitions.map((p) => ({
        index: p.partition,
        fetchOffset: Number(p.fetchOffset),
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      })),
    })),
  })
  const unknown = request.topics
    .filter((t) => nameOf(t) === null)
    .map((t) => ({ topic: '', topicId: t.topicId, partitions: t.partitions.map((p) => partitionError(p.partition, ErrorCode.UNKNOWN_TOPIC_ID)) }))
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    sessionId: NO_SESSION,
    responses: [
      ...fetched.topics.map((t) => ({
        topic: t.name,
        topicId: image.topicsByName.get(t.name)?.topicId ?? '00000000-0000-0000-0000-000000000000',
        partitions: t.partitions.map((p) => ({
          ...partitionError(p.index, p.errorCode),
          highWatermark: BigInt(p.highWatermark),
          lastStableOffset: BigInt(p.lastStableOffset),
          logStartOffset: BigInt(p.logStartOffset),
          abortedTransactions: abortedTransactions(p, request.isolationLevel),
          records: Buffer.from(p.records.buffer, p.records.byteOffset, p.records.byteLength),
        })),
      })),
      ...unknown,
    ],
    nodeEndpoints: [],
  }
}

/**
 * As Kafka: a partition it knows and read carries, for read_committed, the aborted transactions
 * overlapping the returned batches (the consumer drops their records); null otherwise; a
 * partition unknown to the metadata is answered before reading, with an empty list.
 */
function abortedTransactions(p: FetchPartitionResponse, isolationLevel: number): M.AbortedTransaction[] | null {
  if (p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) return []
  if (p.errorCode !== ErrorCode.NONE || isolationLevel !== IsolationLevel.READ_COMMITTED) return null
  return (p.abortedTransactions ?? []).map((t) => ({ producerId: BigInt(t.producerId), firstOffset: BigInt(t.firstOffset) }))
}

function partitionError(partitionIndex: number, errorCode: number): M.PartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: Buffer.alloc(0),
  }
}
