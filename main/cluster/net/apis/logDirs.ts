// DescribeLogDirs (key 35): this broker's log directory (Brokerlab keeps one per broker), each
// hosted partition's size in bytes of its segment files and its offset lag, and in v4+ the
// volume's total and usable bytes, and in v5 whether it is cordoned (never). Topics = null asks for every partition, as in Kafka; a
// named partition this broker does not host is left out, not an error. isFutureKey is always
// false: with one directory, AlterReplicaLogDirs never makes a future log.
//
// AlterReplicaLogDirs (key 34) answers as Kafka's ReplicaManager.alterReplicaLogDirs with one
// log dir: any other dir is LOG_DIR_NOT_FOUND, a hosted partition asked into its own dir is
// already there (NONE), a partition this broker has no replica of is REPLICA_NOT_AVAILABLE, and
// one the metadata does not know UNKNOWN_TOPIC_OR_PARTITION.
import { ErrorCode } from '../../errors'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

export function handleDescribeLogDirs(context: BrokerContext, request: M.DescribeLogDirsRequest): M.DescribeLogDirsResponse {
  const dir = context.replicaManager.describeLogDir()
  const wanted = request.topics && new Set(request.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}\0${p}`)))
  const byTopic = new Map<string, M.DescribeLogDirsPartition[]>()
  for (const log of dir.logs) {
    if (wanted && !wanted.has(`${log.topic}\0${log.partition}`)) continue
    const partitions = byTopic.get(log.topic) ?? byTopic.set(log.topic, []).get(log.topic)!
    partitions.push({ partitionIndex: log.partition, partitionSize: BigInt(log.size), offsetLag: BigInt(log.offsetLag), isFutureKey: false })
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    results: [
      {
        errorCode: ErrorCode.NONE,
        logDir: dir.path,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
        totalBytes: dir.totalBytes,
        usableBytes: dir.usableBytes,
        // v5 (KIP-1066): a cordoned directory takes no new partitions; Brokerlab's one never is.
        isCordoned: false,
      },
    ],
  }
}

export function handleAlterReplicaLogDirs(context: BrokerContext, request: M.AlterReplicaLogDirsRequest): M.AlterReplicaLogDirsResponse {
  const dir = context.replicaManager.describeLogDir()
  const image = context.image()
  const hosted = new Set(dir.logs.map((l) => `${l.topic}\0${l.partition}`))
  const errorFor = (key: string, topic: string, partition: number, path: string) => {
    if (path !== dir.path) return ErrorCode.LOG_DIR_NOT_FOUND
    if (hosted.has(key)) return ErrorCode.NONE
    return image.partition(topic, partition) ? ErrorCode.REPLICA_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  }
  // As Kafka: by partition, so a partition named under two dirs takes the last.
  const destinations = new Map<string, { topic: string; partition: number; path: string }>()
  for (const d of request.dirs) for (const t of d.topics) for (const partition of t.partitions) destinations.set(`${t.name}\0${partition}`, { topic: t.name, partition, path: d.path })
  const byTopic = new Map<string, M.AlterReplicaLogDirPartitionResult[]>()
  for (const [key, { topic, partition, path }] of destinations) {
    const results = byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!
    results.push({ partitionIndex: partition, errorCode: errorFor(key, topic, partition, path) })
  }
  return { throttleTimeMs: 0, results: [...byTopic].map(([topicName, partitions]) => ({ topicName, partitions })) }
}
