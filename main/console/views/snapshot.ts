// What the console sees of the cluster, built from the host's metadata image and the brokers'
// log offsets. The snapshot, refreshed every few seconds, carries brokers and one summary line
// per topic; a topic's partitions, replica by replica, come with describeTopic for the one
// topic a page shows. With 1,000 topics of 12 partitions every partition in every snapshot
// was 4.8 MB a refresh; the summaries are a few hundred kB.
import type { Cluster } from '../../cluster/cluster'
import { unpackLogOffsets, type LogOffsets, type PackedLogOffsets } from '../../cluster/broker/logOffsets'
import type { PartitionRegistration, TopicImage } from '../../cluster/metadata/image'
import type { BrokerSnapshot, BrokerTrafficTotals, ClusterSnapshot, PartitionSnapshot, TopicDescription, TopicSummary } from '../../../preload/contract'

/** The brokers' log offsets, by broker, topic and partition. */
export class LogOffsetIndex {
  private readonly logs = new Map<number, Map<string, LogOffsets[]>>()
  /** Bytes of every local log, per broker. */
  readonly bytesByBroker = new Map<number, number>()

  add(brokerId: number, packed: PackedLogOffsets): void {
    const byTopic = new Map<string, LogOffsets[]>()
    let bytes = 0
    for (const log of unpackLogOffsets(packed)) {
      let partitions = byTopic.get(log.topic)
      if (!partitions) byTopic.set(log.topic, (partitions = []))
      partitions[log.partition] = log
      bytes += log.size
    }
    this.logs.set(brokerId, byTopic)
    this.bytesByBroker.set(brokerId, bytes)
  }

  get(brokerId: number, topic: string, partition: number): LogOffsets | undefined {
    return this.logs.get(brokerId)?.get(topic)?.[partition]
  }
}

const isUnderReplicated = (p: PartitionRegistration) => p.isr.length < p.replicas.length

export function summarizeTopic(topic: TopicImage, logs: LogOffsetIndex): TopicSummary {
  let messages: number | null = null
  let size: number | null = null
  let replicationFactor = 0
  let underReplicated = 0
  let offline = 0
  topic.partitions.forEach((reg, partition) => {
    replicationFactor = Math.max(replicationFactor, reg.replicas.length)
    if (isUnderReplicated(reg)) underReplicated++
    if (reg.leader === -1) offline++
    const leaderLog = logs.get(reg.leader, topic.name, partition)
    if (!leaderLog) return
    messages = (messages ?? 0) + leaderLog.highWatermark - leaderLog.logStartOffset
    size = (size ?? 0) + leaderLog.size
  })
  return {
    name: topic.name,
    topicId: topic.topicId,
    internal: topic.name.startsWith('__'),
    partitions: topic.partitions.length,
    replicationFactor,
    underReplicated,
    offline,
    messages,
    size,
  }
}

export function describeTopicPartitions(topic: TopicImage, logs: LogOffsetIndex, liveBrokers: ReadonlySet<number>): TopicDescription {
  const partitions = topic.partitions.map((reg, partition): PartitionSnapshot => {
    const leaderLog = logs.get(reg.leader, topic.name, partition)
    const leaderEnd = leaderLog?.logEndOffset ?? null
    return {
      topic: topic.name,
      partition,
      leader: reg.leader,
      leaderEpoch: reg.leaderEpoch,
      replicas: reg.replicas,
      isr: reg.isr,
      offlineReplicas: reg.replicas.filter((id) => !liveBrokers.has(id)),
      addingReplicas: reg.addingReplicas ?? [],
      removingReplicas: reg.removingReplicas ?? [],
      logStartOffset: leaderLog?.logStartOffset ?? null,
      highWatermark: leaderLog?.highWatermark ?? null,
      logEndOffset: leaderEnd,
      size: leaderLog?.size ?? null,
      replicaStates: reg.replicas.map((brokerId) => {
        const end = logs.get(brokerId, topic.name, partition)?.logEndOffset ?? null
        return {
          brokerId,
          logEndOffset: end,
          lag: end !== null && leaderEnd !== null ? Math.max(leaderEnd - end, 0) : null,
          inSync: reg.isr.includes(brokerId),
          offline: !liveBrokers.has(brokerId),
        }
      }),
    }
  })
  return { name: topic.name, topicId: topic.topicId, partitions }
}

/** Brokers with their traffic, and a summary line per topic. */
export async function clusterSnapshot(cluster: Cluster): Promise<ClusterSnapshot> {
  const traffic = new Map<number, BrokerTrafficTotals>()
  const [logs] = await Promise.all([
    logOffsets(cluster),
    ...cluster.runningBrokers().map(async ({ id, client }) => {
      const totals = await client.call('brokerTopicMetrics', {}, [], 2000).catch(() => null)
      if (totals) traffic.set(id, totals)
    }),
  ])
  const image = cluster.image
  const topics = [...image.topicsByName.values()].map((t) => summarizeTopic(t, logs))
  const brokers = cluster.brokerStates().map((b): BrokerSnapshot => {
    const registration = image.brokers.get(b.id)
    let leaderOf = 0
    let followerOf = 0
    for (const t of image.topicsByName.values()) {
      for (const p of t.partitions) {
        if (p.leader === b.id) leaderOf++
        else if (p.replicas.includes(b.id)) followerOf++
      }
    }
    return {
      ...b,
      fenced: registration?.fenced ?? true,
      registered: !!registration,
      leaderOf,
      followerOf,
      bytes: logs.bytesByBroker.get(b.id) ?? 0,
      traffic: traffic.get(b.id) ?? null,
    }
  })
  return { controllerId: cluster.controllerId, metadataOffset: image.offset, brokers, topics }
}

/** One topic's partitions with their leader, ISR, offsets and each replica's log end and lag. */
export async function describeTopic(cluster: Cluster, name: string): Promise<TopicDescription> {
  const topic = cluster.topic(name)
  return describeTopicPartitions(topic, await logOffsets(cluster, name), new Set(cluster.image.liveBrokerIds()))
}

/** Every running broker's log offsets (of one topic, or all); a broker that does not answer in 2 s is left out. */
async function logOffsets(cluster: Cluster, topic?: string): Promise<LogOffsetIndex> {
  const logs = new LogOffsetIndex()
  await Promise.all(
    cluster.runningBrokers().map(async ({ id, client }) => {
      const packed = await client.call('logOffsets', topic === undefined ? {} : { topic }, [], 2000).catch(() => null)
      if (packed) logs.add(id, packed)
    }),
  )
  return logs
}
