// The controller's metadata log records, after Kafka's KRaft records
// (shared/kafka-messages/metadata/*.json): the same names and meanings, as plain JSON-able
// objects with camelCase fields and only the fields Brokerlab uses.

/** Kafka's sentinel broker id for "no leader". */
export const NO_LEADER = -1

export const LeaderRecoveryState = {
  /** The leader was elected from the ISR. */
  RECOVERED: 0,
  /** An unclean election: the leader may lack acknowledged records. */
  RECOVERING: 1,
} as const
export type LeaderRecoveryState = (typeof LeaderRecoveryState)[keyof typeof LeaderRecoveryState]

/** ConfigRecord.resourceType, Kafka's ConfigResource.Type ids. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4 } as const
export type ConfigResourceType = (typeof ConfigResourceType)[keyof typeof ConfigResourceType]

export interface BrokerEndpoint {
  name: string
  host: string
  port: number
  /** 0 = PLAINTEXT */
  securityProtocol: number
}

export interface RegisterBrokerRecord {
  type: 'RegisterBrokerRecord'
  brokerId: number
  incarnationId: string
  brokerEpoch: number
  endPoints: BrokerEndpoint[]
  rack: string | null
  fenced: boolean
  inControlledShutdown: boolean
}

export interface UnregisterBrokerRecord {
  type: 'UnregisterBrokerRecord'
  brokerId: number
  brokerEpoch: number
}

export interface FenceBrokerRecord {
  type: 'FenceBrokerRecord'
  id: number
  epoch: number
}

export interface UnfenceBrokerRecord {
  type: 'UnfenceBrokerRecord'
  id: number
  epoch: number
}

/** Kafka's BrokerRegistrationChangeRecord: absent fields are unchanged. */
export interface BrokerRegistrationChangeRecord {
  type: 'BrokerRegistrationChangeRecord'
  brokerId: number
  brokerEpoch: number
  fenced?: boolean
  inControlledShutdown?: boolean
}

export interface TopicRecord {
  type: 'TopicRecord'
  name: string
  topicId: string
}

export interface PartitionRecord {
  type: 'PartitionRecord'
  partitionId: number
  topicId: string
  replicas: number[]
  isr: number[]
  leader: number
  leaderRecoveryState: LeaderRecoveryState
  leaderEpoch: number
  partitionEpoch: number
  /** KIP-455: during a reassignment, the replicas being added (absent or empty otherwise). */
  addingReplicas?: number[]
  /** KIP-455: during a reassignment, the replicas being removed (absent or empty otherwise). */
  removingReplicas?: number[]
}

/**
 * Kafka's PartitionChangeRecord: absent fields are unchanged. Applying one bumps the
 * partition epoch, and the leader epoch too when it names a leader, even the same one (as
 * Kafka's NO_LEADER_CHANGE sentinel does: the controller names it when replicas are removed).
 */
export interface PartitionChangeRecord {
  type: 'PartitionChangeRecord'
  partitionId: number
  topicId: string
  isr?: number[]
  leader?: number
  replicas?: number[]
  /** A reassignment's replicas being added; [] ends the reassignment. */
  addingReplicas?: number[]
  removingReplicas?: number[]
  leaderRecoveryState?: LeaderRecoveryState
}

export interface RemoveTopicRecord {
  type: 'RemoveTopicRecord'
  topicId: string
}

/** A dynamic config: topic name, broker id, or '' for the cluster-wide broker default. */
export interface ConfigRecord {
  type: 'ConfigRecord'
  resourceType: ConfigResourceType
  resourceName: string
  name: string
  /** null deletes the entry (Kafka: a null value). */
  value: string | null
}

/** The next producer id block: [nextProducerId, ...) is free. */
export interface ProducerIdsRecord {
  type: 'ProducerIdsRecord'
  brokerId: number
  brokerEpoch: number
  nextProducerId: number
}

/** One part of a client quota entity: user, client-id or ip; a null name is that type's default. */
export interface ClientQuotaEntityPart {
  entityType: string
  entityName: string | null
}

/** Kafka's ClientQuotaRecord: sets one quota of an entity, or removes it. */
export interface ClientQuotaRecord {
  type: 'ClientQuotaRecord'
  /** Ordered by entity type, so one entity has one spelling. */
  entity: ClientQuotaEntityPart[]
  key: string
  value: number
  remove: boolean
}

/** Kafka's ScramMechanism type ids. */
export const ScramMechanism = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 } as const

/**
 * Kafka's UserScramCredentialRecord: what a SCRAM server keeps of a password (RFC 5802),
 * bytes in base64. The salted password itself is never stored.
 */
export interface UserScramCredentialRecord {
  type: 'UserScramCredentialRecord'
  name: string
  mechanism: number
  salt: string
  storedKey: string
  serverKey: string
  iterations: number
}

export interface RemoveUserScramCredentialRecord {
  type: 'RemoveUserScramCredentialRecord'
  name: string
  mechanism: number
}

/**
 * Kafka's FeatureLevelRecord: the cluster's finalized level of a feature (KIP-584). Level 0
 * takes the feature out of ApiVersions' finalized features, as Kafka's replay removes it.
 */
export interface FeatureLevelRecord {
  type: 'FeatureLevelRecord'
  name: string
  featureLevel: number
}

export type MetadataRecord =
  | RegisterBrokerRecord
  | UnregisterBrokerRecord
  | FenceBrokerRecord
  | UnfenceBrokerRecord
  | BrokerRegistrationChangeRecord
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | RemoveTopicRecord
  | ConfigRecord
  | ProducerIdsRecord
  | ClientQuotaRecord
  | UserScramCredentialRecord
  | RemoveUserScramCredentialRecord
  | FeatureLevelRecord

/** A record as the metadata log holds it: its offset and when the controller wrote it. */
export interface MetadataLogEntry {
  offset: number
  timestamp: number
  record: MetadataRecord
}
