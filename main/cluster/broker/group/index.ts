// The group coordinator: one GroupCoordinatorShard per __consumer_offsets partition this broker leads.
export {
  GroupCoordinatorShard,
  type GroupCoordinatorShardOptions,
  type GroupRebalance,
  type LoadEntry,
  type LoadMarker,
  type LoadRecord,
  type TransactionalProducer,
  type VerifyTransaction,
} from './groupCoordinatorShard'
export { DEFAULT_GROUP_COORDINATOR_CONFIG, type ClientInfo, type GroupCoordinatorConfig } from './groupMetadataManager'
export { ClassicGroupState, CONSUMER_PROTOCOL_TYPE } from './classicGroup'
export type { GroupMemberView, GroupView } from './groupView'
export { type CoordinatorRecord, decodeCoordinatorRecord } from './coordinatorRecords'
export { javaStringHashCode, partitionFor } from './partitionFor'
