// Kafka's KafkaApis: reads a request frame's header, checks that the API and version are
// served, decodes the body with the generated codec, hands it to the API's handler and
// encodes the answer. The versions below are those Brokerlab serves with their full
// semantics (docs/protocol.md); ApiVersions advertises exactly them.
import { ErrorCode, KafkaError } from '../errors'
import { decodeRequest, decodeRequestHeader, encodeResponse } from '../protocol/messages'
import type * as M from '../protocol/messages'
import { handleCreatePartitions, handleCreateTopics, handleDeleteTopics, handleElectLeaders, handleUnregisterBroker } from './apis/admin'
import { handleAlterConfigs, handleDescribeConfigs, handleIncrementalAlterConfigs } from './apis/configs'
import { handleListConfigResources } from './apis/configResources'
import { handleAlterClientQuotas, handleDescribeClientQuotas } from './apis/clientQuotas'
import { handleDescribeTopicPartitions } from './apis/describeTopicPartitions'
import { handleFetch } from './apis/fetch'
import { handleAlterReplicaLogDirs, handleDescribeLogDirs } from './apis/logDirs'
import { handleDescribeCluster, handleMetadata } from './apis/metadata'
import { handleDeleteRecords, handleListOffsets, handleOffsetForLeaderEpoch } from './apis/offsets'
import { handleProduce } from './apis/produce'
import { handleAlterPartitionReassignments, handleListPartitionReassignments } from './apis/reassignments'
import { handleAlterUserScramCredentials, handleDescribeUserScramCredentials } from './apis/scramCredentials'
import {
  handleCreateAcls,
  handleCreateDelegationToken,
  handleDeleteAcls,
  handleDescribeAcls,
  handleDescribeDelegationToken,
  handleExpireDelegationToken,
  handleRenewDelegationToken,
  handleSaslAuthenticate,
  handleSaslHandshake,
} from './apis/security'
import { handleDescribeProducers } from './apis/producers'
import { handleDescribeQuorum } from './apis/quorum'
import { featuresAnswer, handleUpdateFeatures } from './apis/features'
import { handleAddRaftVoter, handleRemoveRaftVoter } from './apis/raftVoters'
import { requiresGroupVersion, requiresShareVersion } from './apis/featureGates'
import { handleWriteTxnMarkers } from './apis/txnMarkers'
import { handleAlterShareGroupOffsets, handleDeleteShareGroupOffsets, handleDescribeShareGroupOffsets, shareGroupOffsetsDisabled } from './apis/shareGroupOffsets'
import { handleShareAcknowledge, handleShareFetch, handleShareGroupDescribe, handleShareGroupHeartbeat, shareGroupsDisabled } from './apis/share'
import {
  handleDeleteGroups,
  handleConsumerGroupDescribe,
  handleConsumerGroupHeartbeat,
  handleDescribeGroups,
  handleFindCoordinator,
  handleHeartbeat,
  handleJoinGroup,
  handleLeaveGroup,
  handleListGroups,
  handleOffsetCommit,
  handleOffsetDelete,
  handleOffsetFetch,
  handleSyncGroup,
  handleTxnOffsetCommit,
} from './apis/groups'
import {
  handleAddOffsetsToTxn,
  handleAddPartitionsToTxn,
  handleDescribeTransactions,
  handleEndTxn,
  handleInitProducerId,
  handleListTransactions,
} from './apis/transactions'
import type { BrokerContext } from './context'
import { testHook } from './testHooks'

/** Who sent a request, for the group coordinator's member records. */
export interface ClientInfo {
  clientId: string
  clientHost: string
}

type Handler = (context: BrokerContext, request: never, version: number, client: ClientInfo) => unknown

interface ServedApi {
  name: string
  minVersion: number
  maxVersion: number
  /** What ApiVersions says the lowest version is, where that is not minVersion (Produce's). */
  advertisedMinVersion?: number
  handle: Handler
}

export const API_VERSIONS_KEY = 18

/**
 * Served APIs by key. Produce starts at v3 and Fetch at v4: older versions carry the
 * pre-0.11 message formats, which Brokerlab does not store (Kafka 4.0 dropped them too).
 * CreateTopics starts at v2, DeleteTopics and DescribeConfigs at v1 and OffsetForLeaderEpoch
 * at v2, as in Kafka 4 (KIP-896); every client Brokerlab is used with asks newer ones.
 * Produce v12, EndTxn v5 and TxnOffsetCommit v5 are a transaction version 2 client's (KIP-890
 * part 2); Produce v13 and TxnOffsetCommit v6 name topics by id (KIP-516), resolved through the
 * metadata image as Kafka does.
 */
export const SERVED_APIS: ReadonlyMap<number, ServedApi> = new Map<number, ServedApi>([
  // ApiVersions says v0, as Kafka 4 does (KAFKA-18659): librdkafka before 2.10 compresses only
  // when it sees Produce v0 supported, and Debian's kcat would otherwise send gzip, snappy, lz4
  // and zstd uncompressed. A v0-v2 request still closes the connection, as on Kafka.
  [0, { name: 'Produce', minVersion: 3, advertisedMinVersion: 0, maxVersion: 13, handle: handleProduce as Handler }],
  [1, { name: 'Fetch', minVersion: 4, maxVersion: 18, handle: handleFetch as Handler }],
  [2, { name: 'ListOffsets', minVersion: 1, maxVersion: 11, handle: handleListOffsets as Handler }],
  [3, { name: 'Metadata', minVersion: 0, maxVersion: 13, handle: handleMetadata as Handler }],
  // A PLAINTEXT listener: SASL comes too late (ILLEGAL_SASL_STATE) and the connection stays open.
  [17, { name: 'SaslHandshake', minVersion: 0, maxVersion: 1, handle: handleSaslHandshake as Handler }],
  [18, { name: 'ApiVersions', minVersion: 0, maxVersion: 5, handle: handleApiVersions as Handler }],
  [19, { name: 'CreateTopics', minVersion: 2, maxVersion: 7, handle: handleCreateTopics as Handler }],
  [20, { name: 'DeleteTopics', minVersion: 1, maxVersion: 6, handle: handleDeleteTopics as Handler }],
  [21, { name: 'DeleteRecords', minVersion: 0, maxVersion: 2, handle: handleDeleteRecords as Handler }],
  [22, { name: 'InitProducerId', minVersion: 0, maxVersion: 5, handle: handleInitProducerId as Handler }],
  [23, { name: 'OffsetForLeaderEpoch', minVersion: 2, maxVersion: 4, handle: handleOffsetForLeaderEpoch as Handler }],
  // No authorizer: Kafka's SECURITY_DISABLED (v0 was removed by Kafka 4.0).
  [29, { name: 'DescribeAcls', minVersion: 1, maxVersion: 3, handle: handleDescribeAcls as Handler }],
  [30, { name: 'CreateAcls', minVersion: 1, maxVersion: 3, handle: handleCreateAcls as Handler }],
  [31, { name: 'DeleteAcls', minVersion: 1, maxVersion: 3, handle: handleDeleteAcls as Handler }],
  [32, { name: 'DescribeConfigs', minVersion: 1, maxVersion: 4, handle: handleDescribeConfigs as Handler }],
  [33, { name: 'AlterConfigs', minVersion: 0, maxVersion: 2, handle: handleAlterConfigs as Handler }],
  // One log dir per broker: there is nowhere else to move a replica to (v0 removed by Kafka 4.0).
  [34, { name: 'AlterReplicaLogDirs', minVersion: 1, maxVersion: 2, handle: handleAlterReplicaLogDirs as Handler }],
  // v0 was removed by Kafka 4.0 (KIP-896).
  [35, { name: 'DescribeLogDirs', minVersion: 1, maxVersion: 5, handle: handleDescribeLogDirs as Handler }],
  [36, { name: 'SaslAuthenticate', minVersion: 0, maxVersion: 2, handle: handleSaslAuthenticate as Handler }],
  [37, { name: 'CreatePartitions', minVersion: 0, maxVersion: 3, handle: handleCreatePartitions as Handler }],
  // Delegation tokens need a SASL connection: Kafka's DELEGATION_TOKEN_REQUEST_NOT_ALLOWED (v0 removed by Kafka 4.0).
  [38, { name: 'CreateDelegationToken', minVersion: 1, maxVersion: 3, handle: handleCreateDelegationToken as Handler }],
  [39, { name: 'RenewDelegationToken', minVersion: 1, maxVersion: 2, handle: handleRenewDelegationToken as Handler }],
  [40, { name: 'ExpireDelegationToken', minVersion: 1, maxVersion: 2, handle: handleExpireDelegationToken as Handler }],
  [41, { name: 'DescribeDelegationToken', minVersion: 1, maxVersion: 3, handle: handleDescribeDelegationToken as Handler }],
  [43, { name: 'ElectLeaders', minVersion: 0, maxVersion: 2, handle: handleElectLeaders as Handler }],
  [44, { name: 'IncrementalAlterConfigs', minVersion: 0, maxVersion: 1, handle: handleIncrementalAlterConfigs as Handler }],
  [45, { name: 'AlterPartitionReassignments', minVersion: 0, maxVersion: 1, handle: handleAlterPartitionReassignments as Handler }],
  [46, { name: 'ListPartitionReassignments', minVersion: 0, maxVersion: 0, handle: handleListPartitionReassignments as Handler }],
  // Stored through the controller as Kafka's metadata records; quotas are not enforced (docs/protocol.md).
  [48, { name: 'DescribeClientQuotas', minVersion: 0, maxVersion: 1, handle: handleDescribeClientQuotas as Handler }],
  [49, { name: 'AlterClientQuotas', minVersion: 0, maxVersion: 1, handle: handleAlterClientQuotas as Handler }],
  [50, { name: 'DescribeUserScramCredentials', minVersion: 0, maxVersion: 0, handle: handleDescribeUserScramCredentials as Handler }],
  [51, { name: 'AlterUserScramCredentials', minVersion: 0, maxVersion: 0, handle: handleAlterUserScramCredentials as Handler }],
  // The one controller's metadata log: its only voter and leader, the brokers observing it.
  [55, { name: 'DescribeQuorum', minVersion: 0, maxVersion: 2, handle: handleDescribeQuorum as Handler }],
  // Finalized features, kept by the controller as FeatureLevelRecords (net/apis/features.ts).
  [57, { name: 'UpdateFeatures', minVersion: 0, maxVersion: 2, handle: handleUpdateFeatures as Handler }],
  // A static quorum (kraft.version 0): both refused as Kafka refuses them there.
  [80, { name: 'AddRaftVoter', minVersion: 0, maxVersion: 1, handle: handleAddRaftVoter as Handler }],
  [81, { name: 'RemoveRaftVoter', minVersion: 0, maxVersion: 0, handle: handleRemoveRaftVoter as Handler }],
  [60, { name: 'DescribeCluster', minVersion: 0, maxVersion: 2, handle: handleDescribeCluster as Handler }],
  [61, { name: 'DescribeProducers', minVersion: 0, maxVersion: 0, handle: handleDescribeProducers as Handler }],
  [64, { name: 'UnregisterBroker', minVersion: 0, maxVersion: 0, handle: handleUnregisterBroker as Handler }],
  [74, { name: 'ListConfigResources', minVersion: 0, maxVersion: 1, handle: handleListConfigResources as Handler }],
  [75, { name: 'DescribeTopicPartitions', minVersion: 0, maxVersion: 0, handle: handleDescribeTopicPartitions as Handler }],
  // KIP-848's consumer group protocol; v1 (KIP-1082) has the consumer name itself and subscribe by regex.
  // Still advertised at group.version 0, as Kafka 4.4 does, but then refused (featureGates.ts).
  [68, { name: 'ConsumerGroupHeartbeat', minVersion: 0, maxVersion: 1, handle: requiresGroupVersion(handleConsumerGroupHeartbeat) as Handler }],
  [69, { name: 'ConsumerGroupDescribe', minVersion: 0, maxVersion: 1, handle: requiresGroupVersion(handleConsumerGroupDescribe) as Handler }],
  // KIP-932's share groups: v0 was Kafka 4.0's early access, removed in 4.1. Still advertised
  // at share.version 0, as Kafka 4.4 does, but then refused (featureGates.ts).
  [76, { name: 'ShareGroupHeartbeat', minVersion: 1, maxVersion: 1, handle: requiresShareVersion(handleShareGroupHeartbeat, shareGroupsDisabled.heartbeat) as Handler }],
  [77, { name: 'ShareGroupDescribe', minVersion: 1, maxVersion: 1, handle: requiresShareVersion(handleShareGroupDescribe, shareGroupsDisabled.describe) as Handler }],
  [78, { name: 'ShareFetch', minVersion: 1, maxVersion: 2, handle: requiresShareVersion(handleShareFetch, shareGroupsDisabled.fetchOrAcknowledge) as Handler }],
  [79, { name: 'ShareAcknowledge', minVersion: 1, maxVersion: 2, handle: requiresShareVersion(handleShareAcknowledge, shareGroupsDisabled.fetchOrAcknowledge) as Handler }],
  [90, { name: 'DescribeShareGroupOffsets', minVersion: 0, maxVersion: 1, handle: requiresShareVersion(handleDescribeShareGroupOffsets, shareGroupOffsetsDisabled.describe) as Handler }],
  [91, { name: 'AlterShareGroupOffsets', minVersion: 0, maxVersion: 0, handle: requiresShareVersion(handleAlterShareGroupOffsets, shareGroupOffsetsDisabled.alterOrDelete) as Handler }],
  [92, { name: 'DeleteShareGroupOffsets', minVersion: 0, maxVersion: 0, handle: requiresShareVersion(handleDeleteShareGroupOffsets, shareGroupOffsetsDisabled.alterOrDelete) as Handler }],
  // The classic group protocol. OffsetCommit and OffsetFetch v9 add nothing for classic groups
  // (KIP-848's member epochs), v10 names topics by id; FindCoordinator v6 adds share groups'
  // keys, the share coordinator's, which Brokerlab answers as unsupported (its leaders keep share state).
  [8, { name: 'OffsetCommit', minVersion: 2, maxVersion: 10, handle: handleOffsetCommit as Handler }],
  [9, { name: 'OffsetFetch', minVersion: 1, maxVersion: 10, handle: handleOffsetFetch as Handler }],
  [10, { name: 'FindCoordinator', minVersion: 0, maxVersion: 6, handle: handleFindCoordinator as Handler }],
  [11, { name: 'JoinGroup', minVersion: 0, maxVersion: 9, handle: handleJoinGroup as Handler }],
  [12, { name: 'Heartbeat', minVersion: 0, maxVersion: 4, handle: handleHeartbeat as Handler }],
  [13, { name: 'LeaveGroup', minVersion: 0, maxVersion: 5, handle: handleLeaveGroup as Handler }],
  [14, { name: 'SyncGroup', minVersion: 0, maxVersion: 5, handle: handleSyncGroup as Handler }],
  [15, { name: 'DescribeGroups', minVersion: 0, maxVersion: 6, handle: handleDescribeGroups as Handler }],
  [16, { name: 'ListGroups', minVersion: 0, maxVersion: 5, handle: handleListGroups as Handler }],
  [42, { name: 'DeleteGroups', minVersion: 0, maxVersion: 3, handle: handleDeleteGroups as Handler }],
  [47, { name: 'OffsetDelete', minVersion: 0, maxVersion: 0, handle: handleOffsetDelete as Handler }],
  // The transaction coordinator; InitProducerId above goes to net/apis/transactions.ts too.
  [24, { name: 'AddPartitionsToTxn', minVersion: 0, maxVersion: 5, handle: handleAddPartitionsToTxn as Handler }],
  [25, { name: 'AddOffsetsToTxn', minVersion: 0, maxVersion: 4, handle: handleAddOffsetsToTxn as Handler }],
  [26, { name: 'EndTxn', minVersion: 0, maxVersion: 5, handle: handleEndTxn as Handler }],
  [65, { name: 'DescribeTransactions', minVersion: 0, maxVersion: 0, handle: handleDescribeTransactions as Handler }],
  [66, { name: 'ListTransactions', minVersion: 0, maxVersion: 2, handle: handleListTransactions as Handler }],
  // Transactional offset commits: pending in the group coordinator until the transaction's marker.
  [28, { name: 'TxnOffsetCommit', minVersion: 0, maxVersion: 6, handle: handleTxnOffsetCommit as Handler }],
  // Transactions (issue 16), the partition side: markers appended by the partition leader. Kafka 4.0
  // removed v0 (KIP-896); v2 names each marker's transaction version.
  [27, { name: 'WriteTxnMarkers', minVersion: 1, maxVersion: 2, handle: handleWriteTxnMarkers as Handler }],
])

function apiKeys(): M.ApiVersionsResponse['apiKeys'] {
  return [...SERVED_APIS].map(([apiKey, api]) => ({ apiKey, minVersion: api.advertisedMinVersion ?? api.minVersion, maxVersion: api.maxVersion }))
}

/**
 * ApiVersions v3+ advertises only the features whose behaviour Brokerlab has, at the levels
 * the controller finalized (metadata/features.ts, docs/protocol.md): clients that see
 * transaction.version 2 speak KIP-890 part 2.
 */
function apiVersionsAnswer(context: BrokerContext): M.ApiVersionsResponse {
  return { errorCode: 0, apiKeys: apiKeys(), throttleTimeMs: 0, ...featuresAnswer(context.image()), zkMigrationReady: false }
}

/** Kafka's ApiVersionsRequest.SOFTWARE_NAME_VERSION_PATTERN, for v3+'s client software name and version. */
const SOFTWARE_NAME_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

/** Kafka's ApiVersionsRequest.isValid: v5 names a cluster and a node both or neither. */
function validApiVersionsRequest(request: M.ApiVersionsRequest, version: number): boolean {
  if (version >= 5 && (request.clusterId === null) !== (request.nodeId === -1)) return false
  return version < 3 || (SOFTWARE_NAME_VERSION.test(request.clientSoftwareName) && SOFTWARE_NAME_VERSION.test(request.clientSoftwareVersion))
}

/**
 * An invalid request gets INVALID_REQUEST and no versions or features, as in Kafka. v5 (KIP-1242): a client
 * that names the cluster and node it means to reach, and reached another, gets REBOOTSTRAP_REQUIRED.
 */
function handleApiVersions(context: BrokerContext, request: M.ApiVersionsRequest, version: number): M.ApiVersionsResponse {
  const misdirected = version >= 5 && request.clusterId !== null && (request.clusterId !== context.clusterId || request.nodeId !== context.brokerId)
  const error = !validApiVersionsRequest(request, version) ? ErrorCode.INVALID_REQUEST : misdirected ? ErrorCode.REBOOTSTRAP_REQUIRED : ErrorCode.NONE
  const answer = apiVersionsAnswer(context)
  return error === ErrorCode.NONE ? answer : { ...answer, errorCode: error, apiKeys: [], supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [] }
}

export class KafkaApis {
  constructor(private readonly context: BrokerContext) {}

  /** One request frame in, the response frame out (null for acks=0); throws to close the connection. */
  async handle(frame: Buffer, clientHost = ''): Promise<Buffer | null> {
    const header = decodeRequestHeader(frame)
    testHook(header.clientId)
    const api = SERVED_APIS.get(header.apiKey)
    if (!api) throw new KafkaError('INVALID_REQUEST', `unknown or unserved API key ${header.apiKey} (client ${header.clientId ?? '-'})`)
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      if (header.apiKey === API_VERSIONS_KEY) return this.apiVersionsDowngrade(header.correlationId)
      throw new KafkaError('UNSUPPORTED_VERSION', `${api.name} v${header.apiVersion} is not served (v${api.minVersion}-v${api.maxVersion})`)
    }
    const request = decodeRequest(header.apiKey, header.apiVersion, frame, header.headerSize)
    const response = await api.handle(this.context, request as never, header.apiVersion, { clientId: header.clientId ?? '', clientHost })
    if (response === null) return null
    return encodeResponse(header.apiKey, header.apiVersion, header.correlationId, response, { dropUnsupportedFields: true })
  }

  /**
   * A client asking ApiVersions in a version newer than ours gets UNSUPPORTED_VERSION in
   * v0's format with our versions, and retries with the highest we serve (KIP-511).
   */
  private apiVersionsDowngrade(correlationId: number): Buffer {
    return encodeResponse(API_VERSIONS_KEY, 0, correlationId, { ...apiVersionsAnswer(this.context), errorCode: ErrorCode.UNSUPPORTED_VERSION }, { dropUnsupportedFields: true })
  }
}
