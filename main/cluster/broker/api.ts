// The broker worker's API: what the host, the controller and (later) the Kafka listener ask
// of a broker. Bodies follow Kafka's own requests (ProduceRequest, FetchRequest,
// ListOffsetsRequest, DeleteRecordsRequest, LeaderAndIsr, StopReplica, DescribeLogDirs),
// trimmed to plain serialisable data; per-partition errors are Kafka error codes.
import type { MessagePort } from 'node:worker_threads'
import type { ConfigLayers } from '../config'
import type { LinkFault } from '../faults'
import type { RecordError } from '../errors'
import type { BrokerEvent } from '../../../preload/contract'
import type { BrokerTrafficTotals } from './brokerTopicMetrics'
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../protocol/messages'

export interface BrokerInit {
  brokerId: number
  /** The cluster's id (meta.properties), as Metadata and DescribeCluster report it. */
  clusterId: string
  /** The broker's own directory: one folder per partition plus checkpoints.db. */
  dataDir: string
  configs: ConfigLayers
  /**
   * Four bytes the host sets to 1 to pause the broker (its whole thread stops, as in a long
   * GC pause) and back to 0 to resume it.
   */
  pauseSignal?: SharedArrayBuffer
  /** Where the Kafka listener binds; port 0 takes any free port. */
  listener: { host: string; port: number }
}

export interface BrokerReady {
  brokerId: number
  /** The Kafka listener as bound (the real port when 0 was asked for). */
  listener: { host: string; port: number }
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
  partitionEpoch: number
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
  /** The records a validation error refused, each with why (Kafka's record_errors). */
  recordErrors?: RecordError[]
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
  /**
   * A consumer may read from a follower (KIP-392: Kafka allows it from Fetch v11, where a
   * client names its rack), up to that follower's high watermark; absent or true: leaders only.
   */
  fetchOnlyFromLeader?: boolean
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  isolationLevel: IsolationLevel
  topics: Array<{
    name: string
    partitions: Array<{
      index: number
      fetchOffset: number
      partitionMaxBytes: number
      /** The leader epoch the fetcher knows: FENCED_LEADER_EPOCH if older, UNKNOWN_LEADER_EPOCH if newer. */
      currentLeaderEpoch?: number
    }>
  }>
}
export interface FetchPartitionResponse extends PartitionError {
  index: number
  highWatermark: number
  /** Kafka's last stable offset: read_committed reads stop below it. */
  lastStableOffset: number
  logStartOffset: number
  /** Whole RecordBatch v2 batches, as the log holds them. */
  records: Uint8Array
  /**
   * read_committed: the aborted transactions overlapping the returned batches (the consumer
   * drops their records); null for read_uncommitted and for followers.
   */
  abortedTransactions?: Array<{ producerId: number; firstOffset: number }> | null
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
  /** v11 (KIP-1023): the first offset not yet in remote storage. */
  EARLIEST_PENDING_UPLOAD: -6,
} as const

export interface ListOffsetsRequest {
  replicaId: number
  isolationLevel: IsolationLevel
  /** currentLeaderEpoch: the leader epoch the client knows (-1 or absent: unchecked), as in Fetch. */
  topics: Array<{ name: string; partitions: Array<{ index: number; timestamp: number; currentLeaderEpoch?: number }> }>
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

/** Kafka's OffsetForLeaderEpoch: where a leader epoch ended, for a follower to truncate to. */
export interface OffsetForLeaderEpochRequest {
  replicaId: number
  topics: Array<{ name: string; partitions: Array<{ index: number; currentLeaderEpoch: number; leaderEpoch: number }> }>
}
export interface OffsetForLeaderEpochResponse {
  topics: Array<{ name: string; partitions: Array<{ index: number; leaderEpoch: number; endOffset: number } & PartitionError> }>
}

export interface PartitionLogInfo {
  topic: string
  partition: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  /** As leader: each follower's log end offset as its last fetch told (-1: not yet). */
  followerLogEndOffsets: Record<string, number>
  logStartOffset: number
  logEndOffset: number
  highWatermark: number
  /** Kafka's last stable offset (read_committed readers stop below it); the HW when no transaction is open. */
  lastStableOffset?: number
  size: number
  segments: Array<{ baseOffset: number; size: number; largestTimestamp: number }>
}
export interface DescribeLogDirsResponse {
  brokerId: number
  dataDir: string
  partitions: PartitionLogInfo[]
}

/** What a broker reports without being asked. */
export type { BrokerEvent }

/**
 * KIP-890 part 1: a partition leader asks the coordinator of a transactional id whether
 * partitions are in the producer's ongoing transaction (as AddPartitionsToTxn v4+ VerifyOnly).
 * Per partition: NONE, or the coordinator's error (TRANSACTION_ABORTABLE when not added).
 * With `addPartitions` (KIP-890 part 2, a transaction version 2 client) the coordinator adds
 * them instead, as AddPartitionsToTxn v5 without VerifyOnly.
 */
export interface VerifyTxnPartitionsRequest {
  transactionalId: string
  producerId: number
  producerEpoch: number
  partitions: Array<{ topic: string; partition: number }>
  addPartitions?: boolean
}
export interface VerifyTxnPartitionsResponse {
  partitions: Array<{ topic: string; partition: number; errorCode: number }>
}

/**
 * What Kafka's share coordinator answers of a share group's partitions (ReadShareGroupStateSummary,
 * WriteShareGroupState, DeleteShareGroupState), asked here of the partitions' leaders, which
 * keep the state: each partition's start offset and lag, a new start offset, or no state.
 */
export interface ShareGroupStateRequest {
  op: 'summary' | 'alter' | 'delete'
  groupId: string
  partitions: Array<{ topicId: string; partition: number; startOffset?: number }>
}
export interface ShareGroupStateResponse {
  partitions: Array<{ topicId: string; partition: number; errorCode: number; startOffset: number; leaderEpoch: number; lag: number }>
}

import type { PackedLogOffsets } from './logOffsets'
import type { PackedFetchRequest, PackedFetchResponse } from './replicaFetchWire'
import type { LogCleanerState } from './log/cleaner/cleanerState'

export type BrokerApi = {
  leaderAndIsr: [LeaderAndIsrRequest, LeaderAndIsrResponse]
  stopReplica: [StopReplicaRequest, void]
  updateConfigs: [UpdateConfigsRequest, void]
  produce: [ProduceRequest, ProduceResponse | null]
  fetch: [FetchRequest, FetchResponse]
  /** A follower's fetch, packed (replicaFetchWire.ts). */
  replicaFetch: [PackedFetchRequest, PackedFetchResponse]
  offsetForLeaderEpoch: [OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse]
  listOffsets: [ListOffsetsRequest, ListOffsetsResponse]
  deleteRecords: [DeleteRecordsRequest, DeleteRecordsResponse]
  describeLogDirs: [Record<string, never>, DescribeLogDirsResponse]
  /** Offsets and size of every local log, or of one topic's: what the console's snapshot needs, packed. */
  logOffsets: [{ topic?: string }, PackedLogOffsets]
  /** log.retention.check.interval.ms and when the last retention pass ran. */
  retentionCheck: [Record<string, never>, { intervalMs: number; lastCheckAt: number | null }]
  /** Runs a retention pass now, as the timer would: what it deleted. */
  checkRetentionNow: [Record<string, never>, { deletedSegments: number; deletedBytes: number }]
  /** The log cleaner: Kafka's cleaner metrics, and each compacted log's dirty ratio, last round and segments. */
  logCleaner: [Record<string, never>, LogCleanerState]
  /** Ends the cleaners' backoff: they look for a log to clean now (Kafka's cleaners wait log.cleaner.backoff.ms). */
  wakeLogCleaner: [Record<string, never>, null]
  /** Traffic totals since the broker started (Kafka's BrokerTopicMetrics, all topics). */
  brokerTopicMetrics: [Record<string, never>, BrokerTrafficTotals]
  /** The broker thread's own V8 heap (a worker's heap is its own; process RSS counts every thread). */
  heapStatistics: [Record<string, never>, { usedHeapBytes: number; totalHeapBytes: number; externalBytes: number }]
  /** Kafka's InitProducerId without a transactional id: a new idempotent producer id, epoch 0. */
  initProducerId: [Record<string, never>, { producerId: number; producerEpoch: number }]
  /** KIP-890 part 1, asked of the transaction coordinator by a partition leader before a transactional append. */
  verifyTxnPartitions: [VerifyTxnPartitionsRequest, VerifyTxnPartitionsResponse]
  /** KIP-932: a share group's state at the leader of its partitions (see ShareGroupStateRequest). */
  shareGroupState: [ShareGroupStateRequest, ShareGroupStateResponse]
  /**
   * Kafka's WriteTxnMarkers between brokers: the transaction coordinator asks each partition
   * leader to append COMMIT or ABORT markers (acks=all); per partition, Kafka's error codes.
   */
  writeTxnMarkers: [WriteTxnMarkersRequest, WriteTxnMarkersResponse]
  /** The host hands over the broker's end of its link to the controller. */
  connectController: [{ port: MessagePort }, void]
  /** The host hands over this broker's end of its link to another broker. */
  connectPeer: [{ brokerId: number; port: MessagePort }, void]
  disconnectPeer: [{ brokerId: number }, void]
  /** Cuts or slows this broker's side of its link to a peer or to the controller. */
  setLinkFault: [{ peer: number | 'controller'; fault: LinkFault }, void]
  /** Stops the whole thread until the host clears pauseSignal; answers before it stops. */
  pause: [Record<string, never>, void]
  /**
   * Shutdown. Controlled: the controller first moves this broker's leaderships away, as a
   * Kafka broker's controlled shutdown does. Then every log is flushed and closed, and the
   * worker exits after answering.
   */
  shutdown: [{ controlled?: boolean }, void]
}
