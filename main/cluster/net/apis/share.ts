// KIP-932's share groups on the wire: ShareFetch (78) and ShareAcknowledge (79) go to the
// partitions' leaders (broker/share/), through the member's share session on that broker;
// ShareGroupHeartbeat (76) and ShareGroupDescribe (77) go to the group's coordinator. As
// Kafka 4.4, a request refused as a whole (its session unknown, its epoch wrong) carries no message.
import { ErrorCode, KafkaError } from '../../errors'
import type { MetadataImage } from '../../metadata/image'
import { heartbeatError, undescribedGroup } from '../../broker/group/consumerGroupManager'
import { type AcknowledgeResult, type AcknowledgementBatch, type SharePartitionResult, type ShareTopics, shareTopics } from '../../broker/share/sharePartitionManager'
import { FINAL_EPOCH, INITIAL_EPOCH, type ShareSession, type SharePartitionKey } from '../../broker/share/shareSessionCache'
import type * as M from '../../protocol/messages'
import type { BrokerContext } from '../context'
import { describeOnShards, route, topicsView } from './groups'
import { nodeEndpoints } from './produce'

/** ShareGroupHeartbeat (76): a share group's join, heartbeat and leave in one. */
export function handleShareGroupHeartbeat(context: BrokerContext, request: M.ShareGroupHeartbeatRequest, _version: number, client: { clientId: string; clientHost: string }): M.ShareGroupHeartbeatResponse {
  if (request.groupId.trim() === '') return heartbeatError(ErrorCode.INVALID_REQUEST, "GroupId can't be empty.")
  const shard = route(context, request.groupId)
  if (typeof shard === 'number') return heartbeatError(shard, null)
  return shard.shareGroupHeartbeat(request, { ...client, clientHost: `/${client.clientHost}` }, topicsView(context))
}

/** ShareGroupDescribe (77). */
export function handleShareGroupDescribe(context: BrokerContext, request: M.ShareGroupDescribeRequest): M.ShareGroupDescribeResponse {
  return { throttleTimeMs: 0, groups: describeOnShards(context, request.groupIds, (shard, ids, topics) => shard.shareGroupDescribe(ids, topics)) }
}

/** ShareFetch v2's acquire modes (KIP-1206): 0 batch-optimized, 1 record-limit. */
const RECORD_LIMIT_ACQUIRE_MODE = 1

type Acknowledgements = Array<{ key: SharePartitionKey; batches: AcknowledgementBatch[] }>

function acknowledgementsOf(topics: Array<{ topicId: string; partitions: Array<{ partitionIndex: number; acknowledgementBatches: M.ShareFetchRequestAcknowledgementBatch[] }> }>): Acknowledgements {
  return topics.flatMap((t) =>
    t.partitions
      .filter((p) => p.acknowledgementBatches.length > 0)
      .map((p) => ({
        key: { topicId: t.topicId, partition: p.partitionIndex },
        batches: p.acknowledgementBatches.map((b) => ({ firstOffset: Number(b.firstOffset), lastOffset: Number(b.lastOffset), acknowledgeTypes: b.acknowledgeTypes })),
      })),
  )
}

/** The session a request's epoch names: a new one (0), the last request of one (-1), or the next of one. */
function sessionFor(context: BrokerContext, groupId: string, memberId: string, epoch: number, keys: SharePartitionKey[], forgotten: SharePartitionKey[]): ShareSession {
  const sessions = context.sharePartitions.sessions
  if (epoch === INITIAL_EPOCH) return sessions.open(groupId, memberId, keys)
  if (epoch === FINAL_EPOCH) return sessions.close(groupId, memberId)
  return sessions.next(groupId, memberId, epoch, keys, forgotten)
}

/** A request's group and member ids: both must be named. */
function requireIds(groupId: string | null, memberId: string | null): { groupId: string; memberId: string } {
  if (!groupId) throw new KafkaError('INVALID_REQUEST', 'The group id is empty.')
  if (!memberId) throw new KafkaError('INVALID_REQUEST', 'The member id is empty.')
  return { groupId, memberId }
}

function acknowledgeAll(context: BrokerContext, groupId: string, memberId: string, acks: Acknowledgements): Map<string, AcknowledgeResult> {
  const results = new Map<string, AcknowledgeResult>()
  for (const { key, batches } of acks) results.set(`${key.topicId}:${key.partition}`, context.sharePartitions.acknowledge(groupId, memberId, key, batches))
  return results
}

/** ShareFetch (78): acknowledges what the request carries, then acquires records for the member. */
export async function handleShareFetch(context: BrokerContext, request: M.ShareFetchRequest): Promise<M.ShareFetchResponse> {
  const lockTimeout = context.shareConfig().recordLockDurationMs
  const image = context.image()
  const topics = shareTopics(image)
  const keys = request.topics.flatMap((t) => t.partitions.map((p) => ({ topicId: t.topicId, partition: p.partitionIndex })))
  const forgotten = request.forgottenTopicsData.flatMap((t) => t.partitions.map((partition) => ({ topicId: t.topicId, partition })))
  const acks = acknowledgementsOf(request.topics)
  let ids: { groupId: string; memberId: string }
  let session: ShareSession
  try {
    ids = requireIds(request.groupId, request.memberId)
    // As Kafka: the first request of a session has nothing to acknowledge yet.
    if (request.shareSessionEpoch === INITIAL_EPOCH && acks.length > 0) throw new KafkaError('INVALID_REQUEST', 'Acknowledge data present in the initial share fetch request.')
    session = sessionFor(context, ids.groupId, ids.memberId, request.shareSessionEpoch, keys, forgotten)
  } catch (err) {
    return refused(err)
  }
  const acknowledged = acknowledgeAll(context, ids.groupId, ids.memberId, acks)
  let fetched: SharePartitionResult[] = []
  if (request.shareSessionEpoch === FINAL_EPOCH) {
    context.sharePartitions.releaseSession(session)
  } else {
    const recordLimit = request.shareAcquireMode === RECORD_LIMIT_ACQUIRE_MODE
    fetched = await context.sharePartitions.fetch(ids.groupId, ids.memberId, [...session.partitions.values()], request.maxWaitMs, request.maxRecords > 0 ? request.maxRecords : 500, request.maxBytes, recordLimit)
  }
  // As Kafka, only partitions with records, errors or acknowledgements are answered for.
  const partitions = new Map<string, M.ShareFetchResponsePartitionData & { topicId: string }>()
  const answer = (key: SharePartitionKey, leaderId = -1, leaderEpoch = -1) => {
    const k = `${key.topicId}:${key.partition}`
    let p = partitions.get(k)
    if (!p) {
      p = { topicId: key.topicId, partitionIndex: key.partition, errorCode: 0, errorMessage: null, acknowledgeErrorCode: 0, acknowledgeErrorMessage: null, currentLeader: { leaderId, leaderEpoch }, records: Buffer.alloc(0), acquiredRecords: [] }
      partitions.set(k, p)
    }
    return p
  }
  for (const r of fetched) {
    if (r.errorCode === ErrorCode.NONE && r.acquired.length === 0) continue
    const p = answer(r, r.leaderId, r.leaderEpoch)
    p.errorCode = r.errorCode
    p.errorMessage = r.errorMessage
    p.records = Buffer.from(r.records.buffer, r.records.byteOffset, r.records.byteLength)
    p.acquiredRecords = r.acquired.map((a) => ({ firstOffset: BigInt(a.firstOffset), lastOffset: BigInt(a.lastOffset), deliveryCount: a.deliveryCount }))
  }
  for (const { key } of acks) {
    const leader = topics.leaderOf(key.topicId, key.partition)
    const p = answer(key, leader?.leaderId, leader?.leaderEpoch)
    const error = acknowledged.get(`${key.topicId}:${key.partition}`)
    p.acknowledgeErrorCode = error?.errorCode ?? ErrorCode.NONE
    p.acknowledgeErrorMessage = error?.errorMessage ?? null
  }
  const all = [...partitions.values()]
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    acquisitionLockTimeoutMs: lockTimeout,
    responses: byTopic(all),
    nodeEndpoints: leaderEndpoints(image, all),
  }
}

/** ShareAcknowledge (79): settles acquired records, within the member's share session. */
export function handleShareAcknowledge(context: BrokerContext, request: M.ShareAcknowledgeRequest, version: number): M.ShareAcknowledgeResponse {
  const image = context.image()
  const topics = shareTopics(image)
  const acks = acknowledgementsOf(request.topics)
  let ids: { groupId: string; memberId: string }
  let session: ShareSession
  try {
    ids = requireIds(request.groupId, request.memberId)
    // A session is opened by ShareFetch only.
    if (request.shareSessionEpoch === INITIAL_EPOCH) throw new KafkaError('INVALID_SHARE_SESSION_EPOCH', 'The share session epoch is invalid.')
    session = sessionFor(context, ids.groupId, ids.memberId, request.shareSessionEpoch, [], [])
  } catch (err) {
    return refused(err)
  }
  const acknowledged = acknowledgeAll(context, ids.groupId, ids.memberId, acks)
  if (request.shareSessionEpoch === FINAL_EPOCH) context.sharePartitions.releaseSession(session)
  const all = acks.map(({ key }) => {
    const { errorCode, errorMessage } = acknowledged.get(`${key.topicId}:${key.partition}`) ?? { errorCode: ErrorCode.NONE, errorMessage: null }
    const leader = topics.leaderOf(key.topicId, key.partition) ?? { leaderId: -1, leaderEpoch: -1 }
    return { topicId: key.topicId, partitionIndex: key.partition, errorCode, errorMessage, currentLeader: leader }
  })
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    acquisitionLockTimeoutMs: version >= 2 ? context.shareConfig().recordLockDurationMs : 0,
    responses: byTopic(all),
    nodeEndpoints: leaderEndpoints(image, all),
  }
}

/** A request refused as a whole: its error, without a message (as Kafka 4.4), and nothing else. */
function refused(err: unknown): M.ShareFetchResponse & M.ShareAcknowledgeResponse {
  const errorCode = err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
  return { throttleTimeMs: 0, errorCode, errorMessage: null, acquisitionLockTimeoutMs: 0, responses: [], nodeEndpoints: [] }
}

function byTopic<P extends { topicId: string }>(partitions: P[]): Array<{ topicId: string; partitions: Array<Omit<P, 'topicId'>> }> {
  const topics = new Map<string, Array<Omit<P, 'topicId'>>>()
  for (const { topicId, ...p } of partitions) topics.set(topicId, [...(topics.get(topicId) ?? []), p])
  return [...topics].map(([topicId, ps]) => ({ topicId, partitions: ps }))
}

/** KIP-951: the endpoints of the leaders of partitions answered NOT_LEADER_OR_FOLLOWER. */
function leaderEndpoints(image: MetadataImage, partitions: Array<{ errorCode: number; currentLeader: { leaderId: number } }>): M.ShareFetchResponseNodeEndpoint[] {
  return nodeEndpoints(image, partitions.filter((p) => p.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER).map((p) => p.currentLeader.leaderId))
}

/** The answers while share.version is 0 (featureGates.ts): UNSUPPORTED_VERSION, as Kafka 4.4. */
export const shareGroupsDisabled = {
  heartbeat: (): M.ShareGroupHeartbeatResponse => heartbeatError(ErrorCode.UNSUPPORTED_VERSION, null),
  describe: (request: M.ShareGroupDescribeRequest): M.ShareGroupDescribeResponse => ({
    throttleTimeMs: 0,
    groups: request.groupIds.map((groupId) => undescribedGroup(groupId, ErrorCode.UNSUPPORTED_VERSION, null)),
  }),
  fetchOrAcknowledge: (): M.ShareFetchResponse & M.ShareAcknowledgeResponse => refused(new KafkaError('UNSUPPORTED_VERSION', '')),
}
