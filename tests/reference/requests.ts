// Requests and answers the differential scenarios share: topics to create, Metadata to ask,
// waiting for leaders, finding a given broker or a partition's leader on each side, and
// partitions made comparable by shape (see compare.ts).
import { ApiKey, ZERO_UUID, type CreatableTopic } from '../../main/cluster/protocol/messages'
import { eventually } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'
import { partitionShape } from './compare'
import { SIDES, type Side, type useDifferential } from './differential'

export function topic(name: string, numPartitions: number, replicationFactor: number, extra: Partial<CreatableTopic> = {}): CreatableTopic {
  return { name, numPartitions, replicationFactor, assignments: [], configs: [], ...extra }
}

export const metadataOf = (names: string[] | null, allowAutoTopicCreation = false) => ({
  topics: names && names.map((name) => ({ topicId: ZERO_UUID, name })),
  allowAutoTopicCreation,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
})

/**
 * Waits until both clusters' metadata shows every partition of `names` with a leader, and each
 * leader answers for its partitions (ListOffsets, which only a leader answers): Kafka's
 * answers NOT_LEADER_OR_FOLLOWER until it has applied the partition's record, although its
 * metadata may already name it.
 */
export async function waitForLeaders(to: Record<Side, RawClient>, names: string[]): Promise<void> {
  for (const side of SIDES) {
    await eventually(`leaders of ${names.join(', ')} on ${side}`, async () => {
      const m = await to[side].request(ApiKey.Metadata, 12, metadataOf(names))
      if (!m.topics.every((t) => t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0))) return false
      for (const leaderId of new Set(m.topics.flatMap((t) => t.partitions.map((p) => p.leaderId)))) {
        const broker = m.brokers.find((b) => b.nodeId === leaderId)
        if (!broker) return false
        const topics = m.topics.map((t) => ({ name: t.name!, partitions: t.partitions.filter((p) => p.leaderId === leaderId).map((p) => ({ partitionIndex: p.partitionIndex, currentLeaderEpoch: -1, timestamp: -1n })) }))
        const leader = await RawClient.connect(`${broker.host}:${broker.port}`)
        try {
          const answer = await leader.request(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: topics.filter((t) => t.partitions.length), timeoutMs: 30_000 })
          if (!answer.topics.every((t) => t.partitions.every((p) => p.errorCode === 0))) return false
        } finally {
          leader.close()
        }
      }
      return true
    }, 30_000)
  }
}

/**
 * Each side's `host:port` of a broker that `choose` picks from a partition's leader and
 * replicas (node ids are placed differently on each side), from that side's Metadata.
 */
export async function brokerOf(
  to: Record<Side, RawClient>,
  topicName: string,
  partition: number,
  choose: (p: { leaderId: number; replicaNodes: number[] }) => number,
): Promise<Record<Side, string>> {
  const out = {} as Record<Side, string>
  for (const side of SIDES) {
    const m = await to[side].request(ApiKey.Metadata, 12, metadataOf([topicName]))
    const p = m.topics[0].partitions.find((x) => x.partitionIndex === partition)!
    const broker = m.brokers.find((b) => b.nodeId === choose(p))!
    out[side] = `${broker.host}:${broker.port}`
  }
  return out
}

export const leader = (p: { leaderId: number }) => p.leaderId
export const follower = (p: { leaderId: number; replicaNodes: number[] }) => p.replicaNodes.find((id) => id !== p.leaderId)!

/** Partitions sorted by index, their node ids replaced by their shape (compare.ts). */
export function partitionsByShape<P extends { partitionIndex: number; leaderId: number; replicaNodes: number[]; isrNodes: number[] }>(partitions: P[]) {
  return [...partitions]
    .sort((a, b) => a.partitionIndex - b.partitionIndex)
    .map(({ leaderId, replicaNodes, isrNodes, ...rest }) => ({ ...rest, ...partitionShape({ leaderId, replicaNodes, isrNodes }) }))
}

/**
 * A connection to the coordinator of `group` on each side, once its shard of __consumer_offsets
 * is loaded: Kafka's answers NOT_COORDINATOR until then.
 */
export async function loadedCoordinators(diff: ReturnType<typeof useDifferential>, to: Record<Side, RawClient>, group: string): Promise<Record<Side, RawClient>> {
  const findCoordinator = { key: '', keyType: 0, coordinatorKeys: [group] }
  const coordinators = {} as Record<Side, string>
  for (const side of SIDES) {
    const c = await eventually(`the coordinator of ${group} on ${side}`, async () => {
      const r = await to[side].request(ApiKey.FindCoordinator, 4, findCoordinator)
      return r.coordinators[0].errorCode === 0 && r.coordinators[0]
    }, 60_000)
    coordinators[side] = `${c.host}:${c.port}`
  }
  const at = await diff.connect(coordinators)
  for (const side of SIDES) {
    await eventually(`the coordinator of ${group} loaded on ${side}`, async () => {
      const r = await at[side].request(ApiKey.OffsetFetch, 8, { groupId: '', topics: [], groups: [{ groupId: group, memberId: null, memberEpoch: -1, topics: null }], requireStable: false })
      return r.groups[0].errorCode === 0
    }, 60_000)
  }
  return at
}
