// KIP-932's admin APIs of a share group's offsets, at the group's coordinator:
// DescribeShareGroupOffsets (90; v1 adds KIP-1226's lag), AlterShareGroupOffsets (91) and
// DeleteShareGroupOffsets (92). Kafka's coordinator asks its share coordinator for each
// partition's state; Brokerlab's asks the partitions' leaders, which keep it (broker/share/).
import { ErrorCode, KafkaError } from '../../errors'
import type { ShareGroupStateRequest, ShareGroupStateResponse } from '../../broker/api'
import { ShareGroup } from '../../broker/group/shareGroupManager'
import type * as M from '../../protocol/messages'
import type { BrokerContext } from '../context'
import { route } from './groups'

type StatePartition = ShareGroupStateResponse['partitions'][number]
const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
const UNKNOWN_TOPIC = 'This server does not host this topic-partition.'

/** The share group `groupId` names at its coordinator, or the error to answer with. */
function shareGroupOf(context: BrokerContext, groupId: string): ShareGroup | { errorCode: number; errorMessage: string | null } {
  const shard = route(context, groupId)
  if (typeof shard === 'number') return { errorCode: shard, errorMessage: null }
  const group = shard.shareGroup(groupId)
  return group instanceof KafkaError ? { errorCode: group.errorCode, errorMessage: group.message } : group
}

/** Asks each partition's leader (by the metadata image), all at once; a partition without a leader answers LEADER_NOT_AVAILABLE. */
async function askLeaders(context: BrokerContext, op: ShareGroupStateRequest['op'], groupId: string, partitions: ShareGroupStateRequest['partitions']): Promise<Map<string, StatePartition>> {
  const image = context.image()
  const byLeader = new Map<number, ShareGroupStateRequest['partitions']>()
  for (const p of partitions) {
    const leader = image.topicsById.get(p.topicId)?.partitions[p.partition]?.leader ?? -1
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), p])
  }
  const answers = await Promise.all(
    [...byLeader].map(([leader, ps]) =>
      leader < 0
        ? { partitions: ps.map((p) => ({ ...p, errorCode: ErrorCode.LEADER_NOT_AVAILABLE, startOffset: -1, leaderEpoch: -1, lag: -1 })) }
        : context.shareGroupState(leader, { op, groupId, partitions: ps }),
    ),
  )
  return new Map(answers.flatMap((a) => a.partitions.map((p) => [`${p.topicId}:${p.partition}`, p] as const)))
}

/**
 * DescribeShareGroupOffsets (90): each partition's start offset (and from v1 its lag); all the
 * group's initialized partitions when no topics are named. As Kafka 4.4, a partition without
 * state (never read, an unknown topic, a group that does not exist) is start offset -1 at
 * leader epoch 0, without an error.
 */
export async function handleDescribeShareGroupOffsets(context: BrokerContext, request: M.DescribeShareGroupOffsetsRequest): Promise<M.DescribeShareGroupOffsetsResponse> {
  const image = context.image()
  const groups = await Promise.all(
    request.groups.map(async (g): Promise<M.DescribeShareGroupOffsetsResponseGroup> => {
      const found = shareGroupOf(context, g.groupId)
      const missing = !(found instanceof ShareGroup) && found.errorCode === ErrorCode.GROUP_ID_NOT_FOUND && found.errorMessage === `Group ${g.groupId} not found.`
      if (!(found instanceof ShareGroup) && !missing) return { groupId: g.groupId, topics: [], errorCode: found.errorCode, errorMessage: found.errorMessage }
      const initialized = found instanceof ShareGroup ? found.initialized : new Map<string, number>()
      const asked =
        g.topics ??
        [...initialized].flatMap(([topicId, count]) => {
          const name = image.topicsById.get(topicId)?.name
          return name === undefined ? [] : [{ topicName: name, partitions: Array.from({ length: count }, (_, i) => i) }]
        })
      const known = missing
        ? []
        : asked.flatMap((t) => {
            const topicId = image.topicsByName.get(t.topicName)?.topicId
            return topicId ? t.partitions.map((partition) => ({ topicId, partition })) : []
          })
      const state = await askLeaders(context, 'summary', g.groupId, known)
      const topics = asked.map((t) => {
        const topicId = image.topicsByName.get(t.topicName)?.topicId
        return {
          topicName: t.topicName,
          topicId: topicId ?? ZERO_UUID,
          partitions: t.partitions.map((partitionIndex) => {
            const p = topicId ? state.get(`${topicId}:${partitionIndex}`) : undefined
            const read = p && p.startOffset >= 0
            return { partitionIndex, startOffset: BigInt(read ? p.startOffset : -1), leaderEpoch: read ? p.leaderEpoch : 0, lag: BigInt(read ? p.lag : -1), errorCode: p?.errorCode ?? ErrorCode.NONE, errorMessage: null }
          }),
        }
      })
      return { groupId: g.groupId, topics, errorCode: ErrorCode.NONE, errorMessage: null }
    }),
  )
  return { throttleTimeMs: 0, groups }
}

/** A group whose offsets may change: a share group without members, as Kafka's coordinator requires. */
function emptyShareGroup(context: BrokerContext, groupId: string): ShareGroup | { errorCode: number; errorMessage: string | null } {
  const group = shareGroupOf(context, groupId)
  if (group instanceof ShareGroup && group.members.size > 0) return { errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: 'The group is not empty.' }
  return group
}

/** AlterShareGroupOffsets (91): new start offsets for partitions of an empty share group (kafka-share-groups --reset-offsets). */
export async function handleAlterShareGroupOffsets(context: BrokerContext, request: M.AlterShareGroupOffsetsRequest): Promise<M.AlterShareGroupOffsetsResponse> {
  const group = emptyShareGroup(context, request.groupId)
  if (!(group instanceof ShareGroup)) return { throttleTimeMs: 0, ...group, responses: [] }
  const image = context.image()
  const known = request.topics.flatMap((t) => {
    const topic = image.topicsByName.get(t.topicName)
    return topic ? t.partitions.map((p) => ({ topicId: topic.topicId, partition: p.partitionIndex, startOffset: Number(p.startOffset) })) : []
  })
  const state = await askLeaders(context, 'alter', request.groupId, known)
  const responses = request.topics.map((t) => {
    const topic = image.topicsByName.get(t.topicName)
    // An altered topic's partitions are initialized: the group's members are assigned them.
    if (topic) group.initialized.set(topic.topicId, Math.max(group.initialized.get(topic.topicId) ?? 0, topic.partitions.length))
    return {
      topicName: t.topicName,
      topicId: topic?.topicId ?? ZERO_UUID,
      partitions: t.partitions.map((p) => {
        const errorCode = topic ? (state.get(`${topic.topicId}:${p.partitionIndex}`)?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        return { partitionIndex: p.partitionIndex, errorCode, errorMessage: errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? UNKNOWN_TOPIC : null }
      }),
    }
  })
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses }
}

/** DeleteShareGroupOffsets (92): an empty share group forgets topics' state; they are initialized again if subscribed. */
export async function handleDeleteShareGroupOffsets(context: BrokerContext, request: M.DeleteShareGroupOffsetsRequest): Promise<M.DeleteShareGroupOffsetsResponse> {
  const group = emptyShareGroup(context, request.groupId)
  if (!(group instanceof ShareGroup)) return { throttleTimeMs: 0, ...group, responses: [] }
  const image = context.image()
  const known = request.topics.flatMap((t) => {
    const topic = image.topicsByName.get(t.topicName)
    return topic ? Array.from({ length: topic.partitions.length }, (_, partition) => ({ topicId: topic.topicId, partition })) : []
  })
  const state = await askLeaders(context, 'delete', request.groupId, known)
  const responses = request.topics.map((t) => {
    const topic = image.topicsByName.get(t.topicName)
    if (!topic) return { topicName: t.topicName, topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: UNKNOWN_TOPIC }
    group.initialized.delete(topic.topicId)
    const failed = [...state.values()].find((p) => p.topicId === topic.topicId && p.errorCode !== ErrorCode.NONE)
    return { topicName: t.topicName, topicId: topic.topicId, errorCode: failed?.errorCode ?? ErrorCode.NONE, errorMessage: null }
  })
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses }
}

/** Every partition's state of a share group, gone from its leaders (the group is deleted). */
export async function deleteShareGroupState(context: BrokerContext, group: ShareGroup): Promise<void> {
  const partitions = [...group.initialized].flatMap(([topicId, count]) => Array.from({ length: count }, (_, partition) => ({ topicId, partition })))
  await askLeaders(context, 'delete', group.groupId, partitions)
}

/** The answers while share.version is 0 (featureGates.ts): UNSUPPORTED_VERSION, as Kafka 4.4. */
export const shareGroupOffsetsDisabled = {
  describe: (request: M.DescribeShareGroupOffsetsRequest): M.DescribeShareGroupOffsetsResponse => ({
    throttleTimeMs: 0,
    groups: request.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode: ErrorCode.UNSUPPORTED_VERSION, errorMessage: null })),
  }),
  alterOrDelete: (): M.AlterShareGroupOffsetsResponse & M.DeleteShareGroupOffsetsResponse => ({ throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_VERSION, errorMessage: null, responses: [] }),
}
