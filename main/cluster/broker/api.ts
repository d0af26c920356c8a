// The broker worker's API: what the host, the controller and (later) the Kafka listener ask
// of a broker. Bodies follow Kafka's own requests (ProduceRequest, FetchRequest,
// ListOffsetsRequest, DeleteRecordsRequest, LeaderAndIsr, StopReplica, DescribeLogDirs),
// trimmed to plain serialisable data; per-partition errors are Kafka error codes.
import type { ConfigLayers } from '../config'

export interface BrokerInit {
  brokerId: number
  /** The broker's own directory: one folder per partition plus checkpoints.db. */
  dataDir: string
  configs: ConfigLayers
}

export interface BrokerReady {
  brokerId: number
  /** Partitions found on disk at start, with what recovery did to them. */
  loadedLogs: Array<{ topic: string; partition: number; logEndOffset: number; logStartOffset: number }>
}

export interface PartitionError {
  errorCode: number
  /** Why, in words; null when errorCode is 0. */
  errorMessage: string | null
}

export interface PartitionState {
  topic: string
  topicId: string
  partition: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
}

export interface LeaderAndIsrRequest {
  partitionStates: PartitionState[]
  /** Topic config overrides, by topic name (DYNAMIC_TOPIC_CONFIG). */
  topicConfigs: Record<string, Record<string, string>>
}
export interface LeaderAndIsrResponse {
  partitions: Array<{ topic: string; partition: number } & PartitionError>
}

export interface StopReplicaRequest {
  partitions: Array<{ topic: string; partition: number }>
  deletePartitions: boolean
}

export interface UpdateConfigsRequest {
  /** New broker layers (dynamic per-broker and cluster defaults), when they changed. */
  brokerConfigs?: ConfigLayers
  /** Topic overrides that changed, by topic. */
  topicConfigs?: Record<string, Record<string, string>>
}

export type Acks = -1 | 0 | 1

export interface ProduceRequest {
  acks: Acks
  timeoutMs: number
  topics: Array<{ name: string; partitions: Array<{ index: number; records: Uint8Array }> }>
}
export interface ProducePartitionResponse extends PartitionError {
  index: number
  baseOffset: number
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTimeMs: number
  logStartOffset: number
}
export interface ProduceResponse {
  topics: Array<{ name: string; partitions: ProducePartitionResponse[] }>
}

export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const
export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel]

/** Kafka's replica id of an ordinary consumer (not a follower). */
export const CONSUMER_REPLICA_ID = -1

export interface FetchRequest {
  /** CONSUMER_REPLICA_ID for consumers; a broker id for followers (reads past the HW). */
  replicaId: number
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  isolationLevel: IsolationLevel
  topics: Array<{ name: string; partitions: Array<{ index: number; fetchOffset: number; partitionMaxBytes: number }> }>
}
export interface FetchPartitionResponse extends PartitionError {
  index: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  /** Whole RecordBatch v2 batches, as the log holds them. */
  records: Uint8Array
}
export interface FetchResponse {
  topics: Array<{ name: string; partitions: FetchPartitionResponse[] }>
}

/** ListOffsets' special timestamps (Kafka's ListOffsetsRequest). */
export const OffsetSpec = {
  LATEST: -1,
  EARLIEST: -2,
  MAX_TIMESTAMP: -3,
  EARLIEST_LOCAL: -4,
  LATEST_TIERED: -5,
} as const

export interface ListOffsetsRequest {
  replicaId: number
  isolationLevel: IsolationLevel
  topics: Array<{ name: string; partitions: Array<{ index: number; timestamp: number }> }>
}
export interface ListOffsetsPartitionResponse extends PartitionError {
  index: number
  timestamp: number
  offset: number
  leaderEpoch: number
}
export interface ListOffsetsResponse {
  topics: Array<{ name: string; partitions: ListOffsetsPartitionResponse[] }>
}

export interface DeleteRecordsRequest {
  topics: Array<{ name: string; partitions: Array<{ index: number; offset: number }> }>
}
export interface DeleteRecordsResponse {
  topics: Array<{ name: string; partitions: Array<{ index: number; lowWatermark: number } & PartitionError> }>
}

export interface PartitionLogInfo {
  topic: string
  partition: number
  leader: number
  leaderEpoch: number
  logStartOffset: number
  logEndOffset: number
  highWatermark: number
  size: number
  segments: Array<{ baseOffset: number; size: number; largestTimestamp: number }>
}
export interface DescribeLogDirsResponse {
  brokerId: number
  dataDir: string
  partitions: PartitionLogInfo[]
}

/** What a broker reports without being asked. */
export type BrokerEvent =
  | { type: 'log-recovered'; topic: string; partition: number; truncatedBytes: number; timestamp: number }
  | {
      type: 'segments-deleted'
      topic: string
      partition: number
      reason: 'retention.ms' | 'retention.bytes' | 'log-start-offset'
      deletedSegments: number
      deletedBytes: number
      logStartOffset: number
      timestamp: number
    }

export type BrokerApi = {
  leaderAndIsr: [LeaderAndIsrRequest, LeaderAndIsrResponse]
  stopReplica: [StopReplicaRequest, void]
  updateConfigs: [UpdateConfigsRequest, void]
  produce: [ProduceRequest, ProduceResponse | null]
  fetch: [FetchRequest, FetchResponse]
  listOffsets: [ListOffsetsRequest, ListOffsetsResponse]
  deleteRecords: [DeleteRecordsRequest, DeleteRecordsResponse]
  describeLogDirs: [Record<string, never>, DescribeLogDirsResponse]
  /** Clean shutdown: flush and close every log; the worker exits after answering. */
  shutdown: [Record<string, never>, void]
}
