// ListOffsets (key 2), OffsetForLeaderEpoch (key 23) and DeleteRecords (key 21): straight
// through the replica manager, with Kafka's int64 fields as bigints on the wire.
import type { IsolationLevel } from '../../broker/api'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

export function handleListOffsets(context: BrokerContext, request: M.ListOffsetsRequest): M.ListOffsetsResponse {
  const answer = context.replicaManager.listOffsets({
    replicaId: request.replicaId,
    isolationLevel: request.isolationLevel as IsolationLevel,
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ index: p.partitionIndex, timestamp: Number(p.timestamp), currentLeaderEpoch: p.currentLeaderEpoch })) })),
  })
  return {
    throttleTimeMs: 0,
    topics: answer.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.index,
        errorCode: p.errorCode,
        timestamp: BigInt(p.timestamp),
        offset: BigInt(p.offset),
        leaderEpoch: p.leaderEpoch,
      })),
    })),
  }
}

export function handleOffsetForLeaderEpoch(context: BrokerContext, request: M.OffsetForLeaderEpochRequest): M.OffsetForLeaderEpochResponse {
  const answer = context.replicaManager.offsetForLeaderEpoch({
    replicaId: request.replicaId,
    topics: request.topics.map((t) => ({
      name: t.topic,
      partitions: t.partitions.map((p) => ({ index: p.partition, currentLeaderEpoch: p.currentLeaderEpoch, leaderEpoch: p.leaderEpoch })),
    })),
  })
  return {
    throttleTimeMs: 0,
    topics: answer.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((p) => ({ errorCode: p.errorCode, partition: p.index, leaderEpoch: p.leaderEpoch, endOffset: BigInt(p.endOffset) })),
    })),
  }
}

export function handleDeleteRecords(context: BrokerContext, request: M.DeleteRecordsRequest): M.DeleteRecordsResponse {
  const answer = context.replicaManager.deleteRecords({
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ index: p.partitionIndex, offset: Number(p.offset) })) })),
  })
  return {
    throttleTimeMs: 0,
    topics: answer.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.index, lowWatermark: BigInt(p.lowWatermark), errorCode: p.errorCode })),
    })),
  }
}
