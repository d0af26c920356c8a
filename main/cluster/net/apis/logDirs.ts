// DescribeLogDirs (key 35): this broker's log directory (Brokerlab keeps one per broker), each
// hosted partition's size in bytes of its segment files and its offset lag, and in v4+ the
// volume's total and usable bytes, and in v5 whether it is cordoned (never). Topics = null asks for every partition, as in Kafka; a
// named partition this broker does not host is left out, not an error. isFutureKey is always
// false: with one directory, AlterReplicaLogDirs never makes a future log.
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
