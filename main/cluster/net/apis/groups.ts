// FindCoordinator (10) for groups and transactional ids, and the classic group APIs: JoinGroup (11), Heartbeat (12),
// LeaveGroup (13), SyncGroup (14), OffsetCommit (8), OffsetFetch (9), DescribeGroups (15),
// ListGroups (16), DeleteGroups (42), OffsetDelete (47), and KIP-848's ConsumerGroupHeartbeat (68)
// and ConsumerGroupDescribe (69). Each group goes to the shard of its
// __consumer_offsets partition; a broker that does not lead that partition answers
// NOT_COORDINATOR (COORDINATOR_LOAD_IN_PROGRESS while it loads), and the client asks again.
import { ErrorCode, KafkaError } from '../../errors'
import type { GroupCoordinatorShard } from '../../broker/group'
import { OFFSETS_TOPIC } from '../../broker/coordinatorRuntime'
import { partitionFor } from '../../broker/group'
import { TRANSACTION_STATE_TOPIC } from '../../broker/transaction'
import type * as M from '../../protocol/messages'
import type { BrokerContext } from '../context'
import { heartbeatError, type TopicsView, undescribedGroup } from '../../broker/group/consumerGroupManager'
import { ShareGroup } from '../../broker/group/shareGroupManager'
import { deleteShareGroupState } from './shareGroupOffsets'

const GROUP_KEY_TYPE = 0
const TRANSACTION_KEY_TYPE = 1

function codeOf(err: unknown): number {
  return err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
}

/** The shard coordinating `groupId` here, or the error to answer with. */
export function route(context: BrokerContext, groupId: string): GroupCoordinatorShard | number {
  const offsets = context.image().topicsByName.get(OFFSETS_TOPIC)
  if (!offsets) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  try {
    return context.coordinators.shardFor(groupId, offsets.partitions.length)
  } catch (err) {
    return codeOf(err)
  }
}

/** Groups of a multi-group request, by the shard that has them (or the error for them). */
export function byShard<T>(context: BrokerContext, items: T[], groupOf: (item: T) => string): Map<GroupCoordinatorShard | number, T[]> {
  const groups = new Map<GroupCoordinatorShard | number, T[]>()
  for (const item of items) {
    const target = route(context, groupOf(item))
    groups.set(target, [...(groups.get(target) ?? []), item])
  }
  return groups
}

/**
 * FindCoordinator: group keys live in __consumer_offsets, transactional ids in __transaction_state
 * (key type 1); share groups' keys (type 2, v6) have no coordinator here. As in Kafka, the first
 * ask creates the topic (with offsets.topic.* / transaction.state.log.*, the controller's defaults
 * for it) and answers COORDINATOR_NOT_AVAILABLE without waiting: clients ask again.
 */
export function handleFindCoordinator(context: BrokerContext, request: M.FindCoordinatorRequest, version: number): M.FindCoordinatorResponse {
  const keys = version >= 4 ? request.coordinatorKeys : [request.key]
  const topicName = request.keyType === GROUP_KEY_TYPE ? OFFSETS_TOPIC : request.keyType === TRANSACTION_KEY_TYPE ? TRANSACTION_STATE_TOPIC : null
  const topic = topicName ? context.image().topicsByName.get(topicName) : undefined
  if (topicName && !topic) {
    context
      .forward('createTopics', { topics: [{ name: topicName, numPartitions: -1, replicationFactor: -1, configs: {} }], validateOnly: false })
      .catch((err: unknown) => context.log(`creating ${topicName} for FindCoordinator failed: ${(err as Error).message}`))
  }
  const coordinators = keys.map((key) => {
    const none = { key, nodeId: -1, host: '', port: -1 }
    if (!topicName) {
      return { ...none, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Brokerlab coordinates consumer groups and transactions only, not share groups' }
    }
    const leader = topic ? topic.partitions[partitionFor(key, topic.partitions.length)]?.leader ?? -1 : -1
    const endpoint = leader >= 0 ? context.image().brokers.get(leader)?.endPoints[0] : undefined
    // From v4 Kafka leaves every coordinator's message at its default, "", errors included.
    if (!endpoint) return { ...none, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: version >= 4 ? '' : 'The coordinator is not available.' }
    return { key, nodeId: leader, host: endpoint.host, port: endpoint.port, errorCode: ErrorCode.NONE, errorMessage: version >= 4 ? '' : null }
  })
  const first = coordinators[0]
  return {
    throttleTimeMs: 0,
    errorCode: first.errorCode,
    errorMessage: first.errorMessage,
    nodeId: first.nodeId,
    host: first.host,
    port: first.port,
    coordinators: version >= 4 ? coordinators : [],
  }
}

export async function handleJoinGroup(context: BrokerContext, request: M.JoinGroupRequest, version: number, client: { clientId: string; clientHost: string }): Promise<M.JoinGroupResponse> {
  const shard = route(context, request.groupId)
  // The member's host as Kafka keeps it: Java's InetAddress.toString(), "/127.0.0.1".
  if (typeof shard !== 'number') return shard.joinGroup(request, version, { ...client, clientHost: `/${client.clientHost}` })
  return { throttleTimeMs: 0, errorCode: shard, generationId: -1, protocolType: null, protocolName: version >= 7 ? null : '', leader: '', skipAssignment: false, memberId: request.memberId, members: [] }
}

export async function handleSyncGroup(context: BrokerContext, request: M.SyncGroupRequest, version: number): Promise<M.SyncGroupResponse> {
  const shard = route(context, request.groupId)
  if (typeof shard !== 'number') return shard.syncGroup(request, version)
  return { throttleTimeMs: 0, errorCode: shard, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
}

export function handleHeartbeat(context: BrokerContext, request: M.HeartbeatRequest, version: number): M.HeartbeatResponse {
  const shard = route(context, request.groupId)
  return typeof shard !== 'number' ? shard.heartbeat(request, version) : { throttleTimeMs: 0, errorCode: shard }
}

export function handleLeaveGroup(context: BrokerContext, request: M.LeaveGroupRequest, version: number): M.LeaveGroupResponse {
  const shard = route(context, request.groupId)
  return typeof shard !== 'number' ? shard.leaveGroup(request, version) : { throttleTimeMs: 0, errorCode: shard, members: [] }
}

/**
 * As Kafka's KafkaApis: partitions the metadata does not know answer UNKNOWN_TOPIC_OR_PARTITION
 * and never reach the coordinator; their topics come first in the answer, then the coordinator's
 * (a topic in both keeps one entry). From v10 topics come by id: an id the metadata does not
 * know answers UNKNOWN_TOPIC_ID, and the coordinator, which keeps offsets by name, gets the name.
 */
export async function handleOffsetCommit(context: BrokerContext, request: M.OffsetCommitRequest, version: number): Promise<M.OffsetCommitResponse> {
  const { known, answer, answered } = commitTopics(context, request.topics, version >= 10)
  const shard = route(context, request.groupId)
  const committed: M.OffsetCommitResponse['topics'] = !known.length
    ? []
    : typeof shard !== 'number'
      ? (await shard.offsetCommit({ ...request, topics: known }, version)).topics
      : known.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: shard })) }))
  for (const t of committed) answer(t, t.partitions)
  return { throttleTimeMs: 0, topics: [...answered.values()] }
}

/** A committed partition's answer. */
type CommitAnswer = { partitionIndex: number; errorCode: number }

/**
 * The topics of an OffsetCommit or TxnOffsetCommit, as Kafka's KafkaApis sorts them before the
 * coordinator: by name, or by id (an id the metadata does not know answers UNKNOWN_TOPIC_ID);
 * partitions the metadata does not have answer UNKNOWN_TOPIC_OR_PARTITION. `known` goes to the
 * coordinator, which keeps offsets by name; `answer` collects the answer, one entry per topic.
 */
function commitTopics<T extends { name: string; topicId: string; partitions: Array<{ partitionIndex: number }> }>(context: BrokerContext, topics: T[], byId: boolean) {
  const image = context.image()
  const answered = new Map<string, { name: string; topicId: string; partitions: CommitAnswer[] }>()
  const answer = (t: { name: string; topicId: string }, partitions: CommitAnswer[]) => {
    const key = byId ? t.topicId : t.name
    const entry = answered.get(key) ?? answered.set(key, { name: t.name, topicId: t.topicId, partitions: [] }).get(key)!
    entry.partitions.push(...partitions)
  }
  const known: T[] = []
  for (const requested of topics) {
    const topic = byId ? image.topicsById.get(requested.topicId) : image.topicsByName.get(requested.name)
    const t = { ...requested, name: byId ? (topic?.name ?? '') : requested.name }
    if (byId && !topic) {
      answer(t, t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_ID })))
      continue
    }
    const partitions = topic?.partitions
    const unknown = t.partitions.filter((p) => !partitions?.[p.partitionIndex])
    if (unknown.length) answer(t, unknown.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })))
    if (unknown.length < t.partitions.length) known.push({ ...t, partitions: t.partitions.filter((p) => partitions?.[p.partitionIndex]) })
  }
  return { known, answer, answered }
}

/**
 * TxnOffsetCommit (28), as Kafka's KafkaApis: an empty group id is INVALID_GROUP_ID, unknown
 * partitions answer UNKNOWN_TOPIC_OR_PARTITION without reaching the coordinator, and before v2
 * (clients older than 2.0 crash on it) COORDINATOR_LOAD_IN_PROGRESS is COORDINATOR_NOT_AVAILABLE.
 */
export async function handleTxnOffsetCommit(context: BrokerContext, request: M.TxnOffsetCommitRequest, version: number): Promise<M.TxnOffsetCommitResponse> {
  // From v6 topics come by id (KIP-516), as OffsetCommit's from v10.
  const { known, answer, answered } = commitTopics(context, request.topics, version >= 6)
  const ids = new Map(known.map((t) => [t.name, t.topicId]))
  const shard = request.groupId === '' ? ErrorCode.INVALID_GROUP_ID : route(context, request.groupId)
  const committed: M.TxnOffsetCommitResponse['topics'] = !known.length
    ? []
    : typeof shard !== 'number'
      ? (await shard.txnOffsetCommit({ ...request, topics: known }, version)).topics
      : known.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: shard })) }))
  for (const t of committed) answer({ name: t.name, topicId: ids.get(t.name) ?? t.topicId }, t.partitions)
  const loading = (code: number) => (version < 2 && code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.COORDINATOR_NOT_AVAILABLE : code)
  return { throttleTimeMs: 0, topics: [...answered.values()].map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, errorCode: loading(p.errorCode) })) })) }
}

export async function handleOffsetDelete(context: BrokerContext, request: M.OffsetDeleteRequest, version: number): Promise<M.OffsetDeleteResponse> {
  const shard = route(context, request.groupId)
  return typeof shard !== 'number' ? shard.offsetDelete(request, version) : { errorCode: shard, throttleTimeMs: 0, topics: [] }
}

/**
 * OffsetFetch. From v10 topics come by id, as in Kafka's KafkaApis: the coordinator answers by
 * name, an id the metadata does not know answers UNKNOWN_TOPIC_ID, and of a group's every
 * offset (null topics) those of topics no longer in the metadata are left out.
 */
export function handleOffsetFetch(context: BrokerContext, request: M.OffsetFetchRequest, version: number): M.OffsetFetchResponse {
  if (version <= 7) {
    const shard = route(context, request.groupId)
    if (typeof shard !== 'number') return shard.offsetFetch(request, version)
    return { throttleTimeMs: 0, topics: [], errorCode: shard, groups: [] }
  }
  const groups: M.OffsetFetchResponse['groups'] = []
  for (const [shard, items] of byShard(context, request.groups, (g) => g.groupId)) {
    if (typeof shard === 'number') groups.push(...items.map((g) => ({ groupId: g.groupId, topics: [], errorCode: shard })))
    else if (version < 10) groups.push(...shard.offsetFetch({ ...request, groups: items }, version).groups)
    else groups.push(...items.map((g) => offsetFetchByTopicId(context, shard, request, g, version)))
  }
  return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups }
}

function offsetFetchByTopicId(
  context: BrokerContext,
  shard: GroupCoordinatorShard,
  request: M.OffsetFetchRequest,
  group: M.OffsetFetchRequestGroup,
  version: number,
): M.OffsetFetchResponseGroup {
  const image = context.image()
  const unknown = (group.topics ?? []).filter((t) => !image.topicsById.has(t.topicId))
  const named = group.topics?.flatMap((t) => {
    const name = image.topicsById.get(t.topicId)?.name
    return name === undefined ? [] : [{ ...t, name }]
  })
  const [fetched] = shard.offsetFetch({ ...request, groups: [{ ...group, topics: named ?? null }] }, version).groups
  if (fetched.errorCode !== ErrorCode.NONE) return fetched
  const topics = fetched.topics.flatMap((t) => {
    const topicId = image.topicsByName.get(t.name)?.topicId
    return topicId === undefined ? [] : [{ ...t, topicId }]
  })
  const missing = unknown.map((t) => ({
    name: '',
    topicId: t.topicId,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNKNOWN_TOPIC_ID })),
  }))
  return { ...fetched, topics: [...topics, ...missing] }
}

export function handleDescribeGroups(context: BrokerContext, request: M.DescribeGroupsRequest, version: number): M.DescribeGroupsResponse {
  const groups: M.DescribeGroupsResponse['groups'] = []
  for (const [shard, ids] of byShard(context, request.groups, (id) => id)) {
    if (typeof shard !== 'number') {
      groups.push(...shard.describeGroups({ ...request, groups: ids }, version).groups)
      continue
    }
    groups.push(...ids.map((groupId) => ({ errorCode: shard, errorMessage: null, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 })))
  }
  return { throttleTimeMs: 0, groups }
}

export function handleListGroups(context: BrokerContext, request: M.ListGroupsRequest, version: number): M.ListGroupsResponse {
  const groups = context.coordinators.readyShards().flatMap((shard) => shard.listGroups(request, version).groups)
  return { throttleTimeMs: 0, errorCode: context.coordinators.loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, groups }
}

export async function handleDeleteGroups(context: BrokerContext, request: M.DeleteGroupsRequest, version: number): Promise<M.DeleteGroupsResponse> {
  const results: M.DeleteGroupsResponse['results'] = []
  for (const [shard, ids] of byShard(context, request.groupsNames, (id) => id)) {
    if (typeof shard === 'number') {
      results.push(...ids.map((groupId) => ({ groupId, errorCode: shard, errorMessage: null })))
      continue
    }
    // A share group's state lives at its partitions' leaders: a deleted group's goes too, as Kafka deletes it from its share coordinator.
    const shareGroups = ids.map((id) => shard.shareGroup(id)).filter((g): g is ShareGroup => g instanceof ShareGroup)
    const answers = (await shard.deleteGroups({ ...request, groupsNames: ids }, version)).results
    results.push(...answers)
    for (const group of shareGroups) {
      if (answers.find((a) => a.groupId === group.groupId)?.errorCode === ErrorCode.NONE) await deleteShareGroupState(context, group)
    }
  }
  return { throttleTimeMs: 0, results }
}

/** The broker's topics as KIP-848's coordinator reads them: by name, by id, and every name (regex subscriptions). */
export function topicsView(context: BrokerContext): TopicsView {
  // The image of the moment of each question: a batched assignment may use the view later.
  return {
    byName: (name) => {
      const topic = context.image().topicsByName.get(name)
      return topic && { topicId: topic.topicId, partitions: topic.partitions.length }
    },
    byId: (topicId) => {
      const topic = context.image().topicsById.get(topicId)
      return topic && { name: topic.name, partitions: topic.partitions.length }
    },
    names: () => [...context.image().topicsByName.keys()],
  }
}

/** ConsumerGroupHeartbeat (68), KIP-848: the consumer group protocol's join, heartbeat and leave in one. */
export function handleConsumerGroupHeartbeat(context: BrokerContext, request: M.ConsumerGroupHeartbeatRequest, version: number, client: { clientId: string; clientHost: string }): M.ConsumerGroupHeartbeatResponse {
  // As Kafka's GroupCoordinatorService, an empty group id is refused before it is routed to a coordinator.
  if (request.groupId.trim() === '') return heartbeatError(ErrorCode.INVALID_REQUEST, "GroupId can't be empty.")
  const shard = route(context, request.groupId)
  if (typeof shard !== 'number') return shard.consumerGroupHeartbeat(request, version, { ...client, clientHost: `/${client.clientHost}` }, topicsView(context))
  return heartbeatError(shard, null)
}

/** ConsumerGroupDescribe (69), KIP-848. */
export function handleConsumerGroupDescribe(context: BrokerContext, request: M.ConsumerGroupDescribeRequest): M.ConsumerGroupDescribeResponse {
  return { throttleTimeMs: 0, groups: describeOnShards(context, request.groupIds, (shard, ids, topics) => shard.consumerGroupDescribe(ids, topics)) }
}

/** ConsumerGroupDescribe's and ShareGroupDescribe's groups, each from its coordinator shard; a group not coordinated here gets the routing error. */
export function describeOnShards<G>(context: BrokerContext, groupIds: string[], describe: (shard: GroupCoordinatorShard, ids: string[], topics: TopicsView) => G[]): Array<G | ReturnType<typeof undescribedGroup>> {
  const groups: Array<G | ReturnType<typeof undescribedGroup>> = []
  const topics = topicsView(context)
  for (const [shard, ids] of byShard(context, groupIds, (id) => id)) {
    groups.push(...(typeof shard === 'number' ? ids.map((groupId) => undescribedGroup(groupId, shard, null)) : describe(shard, ids, topics)))
  }
  return groups
}
