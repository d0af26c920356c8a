// The controller's API: what brokers and the host ask of it (Kafka's BrokerRegistration,
// BrokerHeartbeat, AlterPartition, AllocateProducerIds, and the admin requests CreateTopics,
// DeleteTopics, CreatePartitions, IncrementalAlterConfigs, ElectLeaders,
// AlterPartitionReassignments, ListPartitionReassignments), and what it
// pushes: committed metadata records and events for the console's timeline.
import type { MetadataImageData } from '../metadata/image'
import type { BrokerEndpoint, LeaderRecoveryState, MetadataLogEntry } from '../metadata/records'
import type { PartitionError } from '../broker/api'
import type { ControllerEvent } from '../../../preload/contract'

export interface RegisterBrokerRequest {
  brokerId: number
  /** New at every start of the broker: tells a restart from a duplicate. */
  incarnationId: string
  endPoints: BrokerEndpoint[]
  rack: string | null
}
export interface RegisterBrokerResponse {
  brokerEpoch: number
}

export interface BrokerHeartbeatRequest {
  brokerId: number
  brokerEpoch: number
  /** Offset of the last metadata record the broker has applied. */
  currentMetadataOffset: number
  wantFence: boolean
  /** Controlled shutdown: move my leaderships away, then let me go. */
  wantShutDown: boolean
}
export interface BrokerHeartbeatResponse {
  isCaughtUp: boolean
  isFenced: boolean
  shouldShutDown: boolean
}

export interface AlterPartitionRequest {
  brokerId: number
  brokerEpoch: number
  topics: Array<{
    topicId: string
    partitions: Array<{
      partitionIndex: number
      leaderEpoch: number
      newIsr: number[]
      partitionEpoch: number
      /** Kafka's field, default RECOVERED: a leader elected uncleanly sends RECOVERED once it has recovered. */
      leaderRecoveryState?: LeaderRecoveryState
    }>
  }>
}
export interface AlterPartitionResponse {
  topics: Array<{
    topicId: string
    partitions: Array<
      {
        partitionIndex: number
        leaderId: number
        leaderEpoch: number
        isr: number[]
        partitionEpoch: number
        leaderRecoveryState?: LeaderRecoveryState
      } & PartitionError
    >
  }>
}

export interface AllocateProducerIdsRequest {
  brokerId: number
  brokerEpoch: number
}
export interface AllocateProducerIdsResponse {
  producerIdStart: number
  producerIdLen: number
}

export interface CreatableTopic {
  name: string
  /** -1: num.partitions */
  numPartitions: number
  /** -1: default.replication.factor */
  replicationFactor: number
  /** Manual placement: replicas per partition (then numPartitions and replicationFactor are -1). */
  assignments?: Array<{ partitionIndex: number; brokerIds: number[] }>
  /** A null value is refused with INVALID_CONFIG, as Kafka does. */
  configs: Record<string, string | null>
}
export interface CreateTopicsRequest {
  topics: CreatableTopic[]
  validateOnly: boolean
}
export interface CreateTopicsResponse {
  topics: Array<{ name: string; topicId: string; numPartitions: number; replicationFactor: number } & PartitionError>
}

export interface DeleteTopicsRequest {
  names: string[]
}
export interface DeleteTopicsResponse {
  responses: Array<{ name: string; topicId: string } & PartitionError>
}

export interface CreatePartitionsRequest {
  topics: Array<{ name: string; count: number; assignments?: Array<{ brokerIds: number[] }> }>
  validateOnly: boolean
}
export interface CreatePartitionsResponse {
  results: Array<{ name: string } & PartitionError>
}

/** Kafka's IncrementalAlterConfigs operation ids. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const

export interface IncrementalAlterConfigsRequest {
  resources: Array<{
    /** 2 = topic, 4 = broker ('' names the cluster-wide default). */
    resourceType: 2 | 4
    resourceName: string
    configs: Array<{ name: string; configOperation: number; value: string | null }>
  }>
  validateOnly: boolean
}
export interface IncrementalAlterConfigsResponse {
  responses: Array<{ resourceType: number; resourceName: string } & PartitionError>
}

export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const

export interface ElectLeadersRequest {
  electionType: 0 | 1
  /** null: every partition. */
  topicPartitions: Array<{ topic: string; partitions: number[] }> | null
}
export interface ElectLeadersResponse {
  replicaElectionResults: Array<{ topic: string; partitionResult: Array<{ partitionId: number } & PartitionError> }>
}

export interface AlterPartitionReassignmentsRequest {
  /** `replicas` null cancels the partition's reassignment. */
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; replicas: number[] | null }> }>
  /** False refuses a target with another replica count (AlterPartitionReassignments v1); absent means true. */
  allowReplicationFactorChange?: boolean
}
export interface AlterPartitionReassignmentsResponse {
  responses: Array<{ name: string; partitions: Array<{ partitionIndex: number } & PartitionError> }>
}

export interface ListPartitionReassignmentsRequest {
  /** null: every partition being reassigned. */
  topics: Array<{ name: string; partitionIndexes: number[] }> | null
}
export interface OngoingPartitionReassignment {
  partitionIndex: number
  replicas: number[]
  addingReplicas: number[]
  removingReplicas: number[]
}
export interface ListPartitionReassignmentsResponse {
  topics: Array<{ name: string; partitions: OngoingPartitionReassignment[] }>
}

export interface AlterClientQuotasRequest {
  entries: Array<{
    entity: Array<{ entityType: string; entityName: string | null }>
    ops: Array<{ key: string; value: number; remove: boolean }>
  }>
  validateOnly: boolean
}
export interface AlterClientQuotasResponse {
  entries: Array<{ entity: Array<{ entityType: string; entityName: string | null }> } & PartitionError>
}

export interface AlterUserScramCredentialsRequest {
  deletions: Array<{ name: string; mechanism: number }>
  /** Salt and salted password in base64; the salted password is a secret: never log it. */
  upsertions: Array<{ name: string; mechanism: number; iterations: number; salt: string; saltedPassword: string }>
}
export interface AlterUserScramCredentialsResponse {
  results: Array<{ user: string } & PartitionError>
}

export interface UpdateFeaturesRequest {
  /** upgradeType: Kafka's FeatureUpdate.UpgradeType code (1 upgrade, 2 safe downgrade, 3 unsafe downgrade). */
  updates: Array<{ feature: string; maxVersionLevel: number; upgradeType: number }>
  validateOnly: boolean
}
/** One answer for all the updates, as Kafka's controller gives (the broker adds v0-1's per-feature results). */
export interface UpdateFeaturesResponse {
  errorCode: number
  errorMessage: string | null
}

/** One replica of the metadata log as Kafka's DescribeQuorum reports it. */
export interface QuorumReplicaState {
  replicaId: number
  /** The next offset it will read: the log end for the controller itself. */
  logEndOffset: number
  /** -1 when never heard from. */
  lastFetchTimestamp: number
  lastCaughtUpTimestamp: number
}
export interface DescribeQuorumResponse {
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplicaState[]
  observers: QuorumReplicaState[]
}

export interface ControllerSnapshot {
  controllerId: number
  image: MetadataImageData
}

/** Why the controller did what it did, for the console's timeline. */
export type { ControllerEvent }

export type ControllerApi = {
  registerBroker: [RegisterBrokerRequest, RegisterBrokerResponse]
  brokerHeartbeat: [BrokerHeartbeatRequest, BrokerHeartbeatResponse]
  alterPartition: [AlterPartitionRequest, AlterPartitionResponse]
  allocateProducerIds: [AllocateProducerIdsRequest, AllocateProducerIdsResponse]
  createTopics: [CreateTopicsRequest, CreateTopicsResponse]
  deleteTopics: [DeleteTopicsRequest, DeleteTopicsResponse]
  createPartitions: [CreatePartitionsRequest, CreatePartitionsResponse]
  incrementalAlterConfigs: [IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse]
  electLeaders: [ElectLeadersRequest, ElectLeadersResponse]
  alterPartitionReassignments: [AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse]
  listPartitionReassignments: [ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse]
  describeQuorum: [Record<string, never>, DescribeQuorumResponse]
  /** Throws BROKER_ID_NOT_REGISTERED for an id with no registration. */
  unregisterBroker: [{ brokerId: number }, void]
  alterClientQuotas: [AlterClientQuotasRequest, AlterClientQuotasResponse]
  alterUserScramCredentials: [AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse]
  updateFeatures: [UpdateFeaturesRequest, UpdateFeaturesResponse]
  /** The whole image, and the records after it arrive as pushes. */
  snapshot: [Record<string, never>, ControllerSnapshot]
}

/** What the controller pushes to every broker and to the host. */
export type ControllerPush =
  | { type: 'records'; entries: MetadataLogEntry[] }
  | { type: 'event'; event: ControllerEvent }

/** What the controller worker starts from (workerData). */
export interface ControllerInit {
  controllerId: number
  /** Holds metadata.db: the metadata log and its snapshots. */
  dataDir: string
  /** The cluster's static broker properties (delete.topic.enable, num.partitions, ...). */
  staticConfigs: Record<string, string>
}

/** The controller worker's API to the host: ControllerApi plus the wiring of its links. */
export type ControllerWorkerApi = ControllerApi & {
  /** The host hands over the controller's end of its link to a broker. */
  connectBroker: [{ brokerId: number; port: import('node:worker_threads').MessagePort }, void]
  disconnectBroker: [{ brokerId: number }, void]
  /** Cuts or slows the controller's side of its link to a broker. */
  setLinkFault: [{ brokerId: number; fault: import('../faults').LinkFault }, void]
  shutdown: [Record<string, never>, void]
}
