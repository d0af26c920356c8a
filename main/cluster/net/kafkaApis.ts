// Kafka's KafkaApis: reads a request frame's header, checks that the API and version are
// served, decodes the body with the generated codec, hands it to the API's handler and
// encodes the answer. The versions below are those Brokerlab serves with their full
// semantics (docs/protocol.md); ApiVersions advertises exactly them.
import { ErrorCode, KafkaError } from '../errors'
import { decodeRequest, decodeRequestHeader, encodeResponse } from '../protocol/messages'
import type * as M from '../protocol/messages'
import { handleCreatePartitions, handleCreateTopics, handleDeleteTopics, handleElectLeaders } from './apis/admin'
import { handleAlterConfigs, handleDescribeConfigs, handleIncrementalAlterConfigs } from './apis/configs'
import { handleDescribeTopicPartitions } from './apis/describeTopicPartitions'
import { handleFetch } from './apis/fetch'
import { handleDescribeLogDirs } from './apis/logDirs'
import { handleDescribeCluster, handleMetadata } from './apis/metadata'
import { handleDeleteRecords, handleListOffsets, handleOffsetForLeaderEpoch } from './apis/offsets'
import { handleProduce } from './apis/produce'
import { handleAlterPartitionReassignments, handleListPartitionReassignments } from './apis/reassignments'
import { handleDescribeProducers } from './apis/producers'
import { handleWriteTxnMarkers } from './apis/txnMarkers'
import {
  handleDeleteGroups,
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
  handle: Handler
}

export const API_VERSIONS_KEY = 18

/**
 * Served APIs by key. Produce starts at v3 and Fetch at v4: older versions carry the
 * pre-0.11 message formats, which Brokerlab does not store (Kafka 4.0 dropped them too).
 * CreateTopics starts at v2, DeleteTopics and DescribeConfigs at v1 and OffsetForLeaderEpoch
 * at v2, as in Kafka 4 (KIP-896); every client Brokerlab is used with asks newer ones.
 */
export const SERVED_APIS: ReadonlyMap<number, ServedApi> = new Map<number, ServedApi>([
  [0, { name: 'Produce', minVersion: 3, maxVersion: 11, handle: handleProduce as Handler }],
  [1, { name: 'Fetch', minVersion: 4, maxVersion: 18, handle: handleFetch as Handler }],
  [2, { name: 'ListOffsets', minVersion: 1, maxVersion: 11, handle: handleListOffsets as Handler }],
  [3, { name: 'Metadata', minVersion: 0, maxVersion: 13, handle: handleMetadata as Handler }],
  [18, { name: 'ApiVersions', minVersion: 0, maxVersion: 5, handle: handleApiVersions as Handler }],
  [19, { name: 'CreateTopics', minVersion: 2, maxVersion: 7, handle: handleCreateTopics as Handler }],
  [20, { name: 'DeleteTopics', minVersion: 1, maxVersion: 6, handle: handleDeleteTopics as Handler }],
  [21, { name: 'DeleteRecords', minVersion: 0, maxVersion: 2, handle: handleDeleteRecords as Handler }],
  [22, { name: 'InitProducerId', minVersion: 0, maxVersion: 5, handle: handleInitProducerId as Handler }],
  [23, { name: 'OffsetForLeaderEpoch', minVersion: 2, maxVersion: 4, handle: handleOffsetForLeaderEpoch as Handler }],
  [32, { name: 'DescribeConfigs', minVersion: 1, maxVersion: 4, handle: handleDescribeConfigs as Handler }],
  [33, { name: 'AlterConfigs', minVersion: 0, maxVersion: 2, handle: handleAlterConfigs as Handler }],
  // v0 was removed by Kafka 4.0 (KIP-896).
  [35, { name: 'DescribeLogDirs', minVersion: 1, maxVersion: 5, handle: handleDescribeLogDirs as Handler }],
  [37, { name: 'CreatePartitions', minVersion: 0, maxVersion: 3, handle: handleCreatePartitions as Handler }],
  [43, { name: 'ElectLeaders', minVersion: 0, maxVersion: 2, handle: handleElectLeaders as Handler }],
  [44, { name: 'IncrementalAlterConfigs', minVersion: 0, maxVersion: 1, handle: handleIncrementalAlterConfigs as Handler }],
  [45, { name: 'AlterPartitionReassignments', minVersion: 0, maxVersion: 1, handle: handleAlterPartitionReassignments as Handler }],
  [46, { name: 'ListPartitionReassignments', minVersion: 0, maxVersion: 0, handle: handleListPartitionReassignments as Handler }],
  [60, { name: 'DescribeCluster', minVersion: 0, maxVersion: 2, handle: handleDescribeCluster as Handler }],
  [61, { name: 'DescribeProducers', minVersion: 0, maxVersion: 0, handle: handleDescribeProducers as Handler }],
  [75, { name: 'DescribeTopicPartitions', minVersion: 0, maxVersion: 0, handle: handleDescribeTopicPartitions as Handler }],
  // The classic group protocol. OffsetCommit and OffsetFetch v9 add nothing for classic groups
  // (KIP-848's member epochs), v10 names topics by id; FindCoordinator v6 adds share groups'
  // keys, which Brokerlab answers as unsupported (it runs no share groups).
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
  // The transaction coordinator. EndTxn v5 (KIP-890 part 2's epoch bump per transaction) is
  // newer than our definitions; InitProducerId above goes to net/apis/transactions.ts too.
  [24, { name: 'AddPartitionsToTxn', minVersion: 0, maxVersion: 5, handle: handleAddPartitionsToTxn as Handler }],
  [25, { name: 'AddOffsetsToTxn', minVersion: 0, maxVersion: 4, handle: handleAddOffsetsToTxn as Handler }],
  [26, { name: 'EndTxn', minVersion: 0, maxVersion: 4, handle: handleEndTxn as Handler }],
  [65, { name: 'DescribeTransactions', minVersion: 0, maxVersion: 0, handle: handleDescribeTransactions as Handler }],
  [66, { name: 'ListTransactions', minVersion: 0, maxVersion: 2, handle: handleListTransactions as Handler }],
  // Transactional offset commits: pending in the group coordinator until the transaction's marker.
  [28, { name: 'TxnOffsetCommit', minVersion: 0, maxVersion: 4, handle: handleTxnOffsetCommit as Handler }],
  // Transactions (issue 16), the partition side: markers appended by the partition leader.
  [27, { name: 'WriteTxnMarkers', minVersion: 0, maxVersion: 1, handle: handleWriteTxnMarkers as Handler }],
])

function apiKeys(): M.ApiVersionsResponse['apiKeys'] {
  return [...SERVED_APIS].map(([apiKey, api]) => ({ apiKey, minVersion: api.minVersion, maxVersion: api.maxVersion }))
}

function apiVersionsAnswer(): M.ApiVersionsResponse {
  return { errorCode: 0, apiKeys: apiKeys(), throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false }
}

/** Kafka's ApiVersionsRequest.SOFTWARE_NAME_VERSION_PATTERN, for v3+'s client software name and version. */
const SOFTWARE_NAME_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

/** Kafka's ApiVersionsRequest.isValid: v5 names a cluster and a node both or neither. */
function validApiVersionsRequest(request: M.ApiVersionsRequest, version: number): boolean {
  if (version >= 5 && (request.clusterId === null) !== (request.nodeId === -1)) return false
  return version < 3 || (SOFTWARE_NAME_VERSION.test(request.clientSoftwareName) && SOFTWARE_NAME_VERSION.test(request.clientSoftwareVersion))
}

/**
 * An invalid request gets INVALID_REQUEST and no versions, as in Kafka. v5 (KIP-1242): a client
 * that names the cluster and node it means to reach, and reached another, gets REBOOTSTRAP_REQUIRED.
 */
function handleApiVersions(context: BrokerContext, request: M.ApiVersionsRequest, version: number): M.ApiVersionsResponse {
  const misdirected = version >= 5 && request.clusterId !== null && (request.clusterId !== context.clusterId || request.nodeId !== context.brokerId)
  const error = !validApiVersionsRequest(request, version) ? ErrorCode.INVALID_REQUEST : misdirected ? ErrorCode.REBOOTSTRAP_REQUIRED : ErrorCode.NONE
  return error === ErrorCode.NONE ? apiVersionsAnswer() : { ...apiVersionsAnswer(), errorCode: error, apiKeys: [] }
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
    return encodeResponse(API_VERSIONS_KEY, 0, correlationId, { ...apiVersionsAnswer(), errorCode: ErrorCode.UNSUPPORTED_VERSION }, { dropUnsupportedFields: true })
  }
}
