// Operations on partitions' data and leadership, as Kafka's tools do them: preferred leader
// election (kafka-leader-election --election-type PREFERRED) for a topic or the whole
// cluster, and purging a topic's records below an offset (kafka-delete-records, DeleteRecords).
import { ApiKey } from '../../cluster/protocol/messages'
import { errorName, ErrorCode } from '../../cluster/errors'
import { OffsetSpec } from '../../cluster/broker/api'
import type { KafkaConnection } from '../connections/kafkaConnection'
import { kafkaCall, kafkaErrorOf } from '../connections/kafkaErrors'
import type { ElectionResult, PurgeResult } from '../../../preload/contract'

/**
 * Moves each partition's leadership back to its preferred replica (the first in its replica
 * list) where that replica is in sync. A partition already led by it answers
 * ELECTION_NOT_NEEDED, which is no failure.
 */
export async function electPreferredLeaders(kafka: KafkaConnection, topic?: string): Promise<ElectionResult[]> {
  const topicPartitions = topic === undefined ? null : [{ topic, partitions: (await kafka.topic(topic)).partitions.map((p) => p.partition) }]
  const answer = await kafka.sendWithOwnCodec('any', ApiKey.ElectLeaders, { electionType: 0, topicPartitions, timeoutMs: kafka.settings.timeoutMs })
  if (answer.errorCode) throw kafkaErrorOf(answer.errorCode, 'ElectLeaders')
  return answer.replicaElectionResults
    .flatMap((t) =>
      t.partitionResult.map((p) => ({
        topic: t.topic,
        partition: p.partitionId,
        outcome: p.errorCode === ErrorCode.NONE ? ('elected' as const) : p.errorCode === ErrorCode.ELECTION_NOT_NEEDED ? ('not-needed' as const) : ('failed' as const),
        errorName: p.errorCode ? errorName(p.errorCode) : null,
        message: p.errorMessage,
      })),
    )
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}

/**
 * DeleteRecords: every record of `topic` (or of one partition) below `offset` goes, and the
 * log start offset moves up to it; without an offset, up to the high watermark (all of it).
 */
export async function purgeRecords(kafka: KafkaConnection, topic: string, options: { partition?: number; offset?: number }): Promise<PurgeResult[]> {
  const described = await kafka.topic(topic)
  const partitions = options.partition === undefined ? described.partitions.map((p) => p.partition) : [options.partition]
  const offsets = await Promise.all(partitions.map(async (partition) => ({ partition, offset: BigInt(options.offset ?? (await kafka.listOffset(topic, partition, OffsetSpec.LATEST))) })))
  const answer = await kafkaCall(() => kafka.admin.deleteRecords({ topics: [{ name: topic, partitions: offsets }] }))
  return (answer[0]?.partitions ?? []).map((p) => ({ partition: p.partition, logStartOffset: Number(p.lowWatermark) })).sort((a, b) => a.partition - b.partition)
}
