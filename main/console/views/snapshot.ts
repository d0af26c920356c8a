// What the console sees of a cluster, over the Kafka protocol: Metadata for brokers, leaders,
// replicas and ISR; ListOffsets for each partition's log start and high watermark; and
// DescribeLogDirs for sizes (asked in the background: a snapshot shows the last answer). The
// embedded cluster adds what only its lab knows: brokers that are stopped or paused, their
// traffic, and each replica's own log end offset.
// The snapshot, polled every few seconds, carries one summary line per topic; a topic's
// partitions, replica by replica, come with describeTopic for the one topic a page shows.
import type { Cluster } from '../../cluster/cluster'
import { unpackLogOffsets, type LogOffsets, type PackedLogOffsets } from '../../cluster/broker/logOffsets'
import { OffsetSpec } from '../../cluster/broker/api'
import type { ClusterMetadata, KafkaConnection, LogDirs, TopicMetadata } from '../connections/kafkaConnection'
import type { ConsoleConnection } from '../connections/consoleConnection'
import type { BrokerSnapshot, BrokerTrafficTotals, ClusterSnapshot, PartitionSnapshot, ReplicaSnapshot, TopicDescription, TopicSummary } from '../../../preload/contract'

interface ReplicaLog {
  size: number
  offsetLag: number
}

/** Each replica's size and lag behind the high watermark, by broker, then topic, then partition index, from DescribeLogDirs. */
export class ReplicaLogs {
  readonly bytesByBroker = new Map<number, number>()
  private readonly replicas = new Map<number, Map<string, ReplicaLog[]>>()

  constructor(logDirs: Map<number, LogDirs[]>) {
    for (const [brokerId, dirs] of logDirs) {
      const byTopic = new Map<string, ReplicaLog[]>()
      let bytes = 0
      for (const dir of dirs) {
        for (const t of dir.topics) {
          let partitions = byTopic.get(t.name)
          if (!partitions) byTopic.set(t.name, (partitions = []))
          for (const p of t.partitions) {
            if (p.isFutureKey) continue
            partitions[p.partitionIndex] = { size: Number(p.partitionSize), offsetLag: Number(p.offsetLag) }
            bytes += Number(p.partitionSize)
          }
        }
      }
      this.replicas.set(brokerId, byTopic)
      this.bytesByBroker.set(brokerId, bytes)
    }
  }

  get(brokerId: number, topic: string, partition: number): ReplicaLog | undefined {
    return this.replicas.get(brokerId)?.get(topic)?.[partition]
  }
}

/** ReplicaLogs of each DescribeLogDirs answer, made once: refreshes reuse the last answer (KafkaConnection.recentLogDirs). */
const replicaLogsOf = (() => {
  const made = new WeakMap<Map<number, LogDirs[]>, ReplicaLogs>()
  return (logDirs: Map<number, LogDirs[]>): ReplicaLogs => {
    let logs = made.get(logDirs)
    if (!logs) made.set(logDirs, (logs = new ReplicaLogs(logDirs)))
    return logs
  }
})()

/** Every partition's log start offset and high watermark, as ListOffsets answers them: by topic, then partition index. */
interface PartitionOffsets {
  earliest: Map<string, number[]>
  latest: Map<string, number[]>
}

async function partitionOffsets(kafka: KafkaConnection, topics: TopicMetadata[]): Promise<PartitionOffsets> {
  const [earliest, latest] = await Promise.all([kafka.listOffsets(topics, OffsetSpec.EARLIEST), kafka.listOffsets(topics, OffsetSpec.LATEST)])
  return { earliest, latest }
}

export function summarizeTopic(topic: TopicMetadata, offsets: PartitionOffsets, logs: ReplicaLogs): TopicSummary {
  let messages: number | null = null
  let endOffset: number | null = null
  let size: number | null = null
  let replicationFactor = 0
  let underReplicated = 0
  let offline = 0
  const starts = offsets.earliest.get(topic.name) ?? []
  const ends = offsets.latest.get(topic.name) ?? []
  for (const p of topic.partitions) {
    replicationFactor = Math.max(replicationFactor, p.replicas.length)
    if (p.isr.length < p.replicas.length) underReplicated++
    if (p.leader < 0) offline++
    const start = starts[p.partition]
    const end = ends[p.partition]
    if (start !== undefined && end !== undefined) messages = (messages ?? 0) + end - start
    if (end !== undefined) endOffset = (endOffset ?? 0) + end
    const leaderLog = logs.get(p.leader, topic.name, p.partition)
    if (leaderLog) size = (size ?? 0) + leaderLog.size
  }
  return {
    name: topic.name,
    topicId: topic.topicId,
    internal: topic.internal || topic.name.startsWith('__'),
    partitions: topic.partitions.length,
    replicationFactor,
    underReplicated,
    offline,
    messages,
    endOffset,
    size,
  }
}

/** Brokers of any cluster: the live ones in Metadata, and any replica's broker missing from it (offline). */
function metadataBrokers(metadata: ClusterMetadata): BrokerSnapshot[] {
  const ids = new Set(metadata.brokers.keys())
  for (const t of metadata.topics.values()) for (const p of t.partitions) for (const id of p.replicas) ids.add(id)
  return [...ids].sort((a, b) => a - b).map((id) => {
    const broker = metadata.brokers.get(id)
    return { id, status: broker ? 'running' : 'offline', lastDeath: null, listener: broker ? `${broker.host}:${broker.port}` : null, fenced: false, registered: !!broker, leaderOf: 0, followerOf: 0, bytes: 0, traffic: null }
  })
}

/** The embedded cluster's brokers as its lab knows them: stopped, crashed and paused ones too, fenced or not, with traffic. */
async function labBrokers(lab: Cluster): Promise<BrokerSnapshot[]> {
  const traffic = new Map<number, BrokerTrafficTotals>()
  await Promise.all(
    lab.runningBrokers().map(async ({ id, client }) => {
      const totals = await client.call('brokerTopicMetrics', {}, [], 2000).catch(() => null)
      if (totals) traffic.set(id, totals)
    }),
  )
  return lab.brokerStates().map((b) => {
    const registration = lab.image.brokers.get(b.id)
    return { ...b, fenced: registration?.fenced ?? true, registered: !!registration, leaderOf: 0, followerOf: 0, bytes: 0, traffic: traffic.get(b.id) ?? null }
  })
}

/** Brokers with their partition counts and bytes, and a summary line per topic. */
export async function clusterSnapshot(conn: ConsoleConnection, answered?: ClusterMetadata): Promise<ClusterSnapshot> {
  const metadata = answered ?? (await conn.kafka.metadata())
  const [offsets, logDirs, brokers] = await Promise.all([
    partitionOffsets(conn.kafka, [...metadata.topics.values()]),
    conn.kafka.recentLogDirs(metadata),
    conn.lab ? labBrokers(conn.lab) : metadataBrokers(metadata),
  ])
  const logs = replicaLogsOf(logDirs)
  const byId = new Map(brokers.map((b) => [b.id, b]))
  for (const t of metadata.topics.values()) {
    for (const p of t.partitions) {
      for (const id of p.replicas) {
        const broker = byId.get(id)
        if (broker && id === p.leader) broker.leaderOf++
        else if (broker) broker.followerOf++
      }
    }
  }
  for (const b of brokers) b.bytes = logs.bytesByBroker.get(b.id) ?? 0
  return {
    controllerId: conn.lab ? conn.lab.controllerId : metadata.controllerId,
    metadataOffset: conn.lab ? conn.lab.image.offset : null,
    brokers,
    topics: [...metadata.topics.values()].map((t) => summarizeTopic(t, offsets, logs)),
  }
}

/** The lab's own view of each replica's log end offset, from the brokers' logs. */
async function labLogEnds(lab: Cluster, topic: string): Promise<Map<number, LogOffsets[]>> {
  const out = new Map<number, LogOffsets[]>()
  await Promise.all(
    lab.runningBrokers().map(async ({ id, client }) => {
      const packed: PackedLogOffsets | null = await client.call('logOffsets', { topic }, [], 2000).catch(() => null)
      if (!packed) return
      const logs: LogOffsets[] = []
      for (const log of unpackLogOffsets(packed)) logs[log.partition] = log
      out.set(id, logs)
    }),
  )
  return out
}

/** One topic's partitions with their leader, ISR, offsets and each replica's log end and lag. */
export async function describeTopic(conn: ConsoleConnection, name: string): Promise<TopicDescription> {
  const metadata = await conn.kafka.metadata([name])
  const topic = conn.kafka.topicOf(metadata, name)
  const [offsets, logDirs, labEnds, reassigning] = await Promise.all([
    partitionOffsets(conn.kafka, [topic]),
    conn.kafka.logDirs(metadata),
    conn.lab ? labLogEnds(conn.lab, name) : null,
    conn.kafka.reassignments(topic),
  ])
  const logs = new ReplicaLogs(logDirs)
  const live = conn.lab ? new Set(conn.lab.image.liveBrokerIds()) : new Set(metadata.brokers.keys())
  const partitions = topic.partitions.map((p): PartitionSnapshot => {
    const leaderEnd = labEnds?.get(p.leader)?.[p.partition]?.logEndOffset ?? null
    const highWatermark = offsets.latest.get(name)?.[p.partition] ?? null
    const replicaStates = p.replicas.map((brokerId): ReplicaSnapshot => {
      const replica = logs.get(brokerId, name, p.partition)
      // The lab reads each replica's log end; any other cluster tells the lag behind the high watermark (DescribeLogDirs).
      const end = labEnds ? (labEnds.get(brokerId)?.[p.partition]?.logEndOffset ?? null) : null
      const lag = labEnds ? (end !== null && leaderEnd !== null ? Math.max(leaderEnd - end, 0) : null) : (replica?.offsetLag ?? null)
      return { brokerId, logEndOffset: end, lag, inSync: p.isr.includes(brokerId), offline: !live.has(brokerId) || p.offlineReplicas.includes(brokerId) }
    })
    return {
      topic: name,
      partition: p.partition,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      offlineReplicas: p.replicas.filter((id) => !live.has(id) || p.offlineReplicas.includes(id)),
      addingReplicas: reassigning.get(p.partition)?.addingReplicas ?? [],
      removingReplicas: reassigning.get(p.partition)?.removingReplicas ?? [],
      logStartOffset: offsets.earliest.get(name)?.[p.partition] ?? null,
      highWatermark,
      logEndOffset: leaderEnd,
      size: logs.get(p.leader, name, p.partition)?.size ?? null,
      replicaStates,
    }
  })
  return { name, topicId: topic.topicId, partitions }
}
