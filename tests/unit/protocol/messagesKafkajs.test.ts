// THE GOLDEN BYTES: the generated codec against a real client's. Requests kafkajs encodes
// (header v1 and body) decode with ours, and re-encoding what we decoded gives kafkajs's bytes
// exactly; responses we encode decode with kafkajs's own response decoders. kafkajs stops
// before the flexible versions; those are covered by the round trips and messagesLayout.test.ts.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { decodeRecordBatch, encodeRecordBatch } from '../../../main/cluster/protocol/recordBatch'
import {
  ApiKey,
  type ApiResponses,
  type MetadataResponse,
  ZERO_UUID,
  decodeRequest,
  decodeRequestHeader,
  encodeRequest,
  encodeResponse,
} from '../../../main/cluster/protocol/messages'

const require = createRequire(import.meta.url)
const kafkajsFrame = require('kafkajs/src/protocol/request') as (args: object) => Promise<{ buffer: Buffer }>

interface KafkajsRequest {
  apiKey: number
  apiVersion: number
}
type KafkajsDecode = (payload: Buffer) => Promise<Record<string, unknown>>

function kafkajsApi(api: string, version: number) {
  return {
    request: require(`kafkajs/src/protocol/requests/${api}/v${version}/request`) as (args?: unknown) => KafkajsRequest,
    decodeResponse: (require(`kafkajs/src/protocol/requests/${api}/v${version}/response`) as { decode: KafkajsDecode }).decode,
  }
}

const CLIENT_ID = 'kafkajs-é'

/** Decodes kafkajs's request with ours; re-encoding it must give kafkajs's very bytes. */
async function decodeKafkajsRequest(api: string, version: number, args?: unknown): Promise<unknown> {
  const request = kafkajsApi(api, version).request(args)
  const frame = (await kafkajsFrame({ correlationId: 77, clientId: CLIENT_ID, request })).buffer.subarray(4)
  const header = decodeRequestHeader(frame)
  expect(header).toEqual({
    apiKey: request.apiKey,
    apiVersion: version,
    correlationId: 77,
    clientId: CLIENT_ID,
    headerVersion: 1,
    headerSize: 10 + Buffer.byteLength(CLIENT_ID),
  })
  const body = decodeRequest(request.apiKey, version, frame, header.headerSize)
  expect(encodeRequest(request.apiKey, version, 77, CLIENT_ID, body).subarray(4)).toEqual(frame)
  return body
}

/** Encodes our response and decodes it as kafkajs's connection does: size, correlation id, body. */
async function kafkajsDecodeResponse<K extends keyof ApiResponses>(api: string, apiKey: K, version: number, body: ApiResponses[K]) {
  const frame = encodeResponse(apiKey, version, 78, body)
  expect(frame.readInt32BE(0)).toBe(frame.length - 4)
  expect(frame.readInt32BE(4)).toBe(78)
  return kafkajsApi(api, version).decodeResponse(frame.subarray(8))
}

const versions = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('requests kafkajs encodes', () => {
  it.each(versions(0, 2))('ApiVersions v%i', async (v) => {
    expect(await decodeKafkajsRequest('apiVersions', v)).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '', clusterId: null, nodeId: -1 })
  })

  it.each(versions(0, 6))('Metadata v%i', async (v) => {
    const body = await decodeKafkajsRequest('metadata', v, { topics: ['orders', 'payments'], allowAutoTopicCreation: false })
    expect(body).toMatchObject({
      topics: [
        { name: 'orders', topicId: ZERO_UUID },
        { name: 'payments', topicId: ZERO_UUID },
      ],
      allowAutoTopicCreation: v < 4,
    })
  })

  it('Produce v3 carries the record batch untouched', async () => {
    const T = 1_700_000_000_000
    const body = (await decodeKafkajsRequest('produce', 3, {
      acks: -1,
      timeout: 30_000,
      topicData: [{ topic: 'orders', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v', timestamp: T }] }] }],
    })) as { transactionalId: string | null; acks: number; timeoutMs: number; topicData: { name: string; partitionData: { index: number; records: Buffer }[] }[] }
    expect(body).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: 'orders', partitionData: [{ index: 2 }] }] })
    const batch = decodeRecordBatch(body.topicData[0].partitionData[0].records)
    expect(batch.records).toMatchObject([{ offset: 0n, timestamp: BigInt(T), key: Buffer.from('k'), value: Buffer.from('v') }])
  })

  it('Fetch v4 keeps int64 offsets exact', async () => {
    const body = await decodeKafkajsRequest('fetch', 4, {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '9007199254740993', maxBytes: 1048576 }] }],
    })
    expect(body).toMatchObject({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: 9007199254740993n, partitionMaxBytes: 1048576 }] }],
    })
  })

  it('ListOffsets v1', async () => {
    const body = await decodeKafkajsRequest('listOffsets', 1, { replicaId: -1, topics: [{ topic: 'orders', partitions: [{ partition: 1, timestamp: -2 }] }] })
    expect(body).toMatchObject({ replicaId: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, timestamp: -2n }] }] })
  })

  it.each(versions(0, 3))('CreateTopics v%i', async (v) => {
    const body = await decodeKafkajsRequest('createTopics', v, {
      topics: [{ topic: 'orders', numPartitions: 3, replicationFactor: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      timeout: 5000,
      validateOnly: true,
    })
    expect(body).toMatchObject({
      topics: [{ name: 'orders', numPartitions: 3, replicationFactor: 2, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
      timeoutMs: 5000,
      validateOnly: v >= 1,
    })
  })

  it.each(versions(0, 2))('FindCoordinator v%i', async (v) => {
    const args = v === 0 ? { groupId: 'group-1' } : { coordinatorKey: 'tx-1', coordinatorType: 1 }
    const body = await decodeKafkajsRequest('findCoordinator', v, args)
    expect(body).toMatchObject(v === 0 ? { key: 'group-1', keyType: 0 } : { key: 'tx-1', keyType: 1 })
  })

  it.each(versions(0, 5))('JoinGroup v%i', async (v) => {
    const body = await decodeKafkajsRequest('joinGroup', v, {
      groupId: 'group-1',
      sessionTimeout: 30_000,
      rebalanceTimeout: 60_000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }],
    })
    expect(body).toMatchObject({
      groupId: 'group-1',
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: v >= 1 ? 60_000 : -1,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }],
    })
  })

  it.each(versions(0, 3))('SyncGroup v%i', async (v) => {
    const body = await decodeKafkajsRequest('syncGroup', v, {
      groupId: 'group-1',
      generationId: 4,
      memberId: 'member-1',
      groupAssignment: [{ memberId: 'member-1', memberAssignment: Buffer.from([9, 9]) }],
    })
    expect(body).toMatchObject({ groupId: 'group-1', generationId: 4, memberId: 'member-1', assignments: [{ memberId: 'member-1', assignment: Buffer.from([9, 9]) }] })
  })

  it.each(versions(0, 3))('Heartbeat v%i', async (v) => {
    const body = await decodeKafkajsRequest('heartbeat', v, { groupId: 'group-1', groupGenerationId: 4, memberId: 'member-1', groupInstanceId: null })
    expect(body).toEqual({ groupId: 'group-1', generationId: 4, memberId: 'member-1', groupInstanceId: null })
  })

  it.each(versions(0, 3))('LeaveGroup v%i', async (v) => {
    const body = await decodeKafkajsRequest('leaveGroup', v, { groupId: 'group-1', memberId: 'member-1', members: [{ memberId: 'member-1' }] })
    expect(body).toMatchObject(v < 3 ? { groupId: 'group-1', memberId: 'member-1' } : { groupId: 'group-1', members: [{ memberId: 'member-1', groupInstanceId: null }] })
  })

  it.each(versions(2, 5))('OffsetCommit v%i', async (v) => {
    const body = await decodeKafkajsRequest('offsetCommit', v, {
      groupId: 'group-1',
      groupGenerationId: 4,
      memberId: 'member-1',
      retentionTime: -1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '123456789012' }] }],
    })
    expect(body).toMatchObject({
      groupId: 'group-1',
      generationIdOrMemberEpoch: 4,
      memberId: 'member-1',
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 123456789012n, committedMetadata: null }] }],
    })
  })

  it.each(versions(1, 4))('OffsetFetch v%i', async (v) => {
    const body = await decodeKafkajsRequest('offsetFetch', v, { groupId: 'group-1', topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 1 }] }] })
    expect(body).toMatchObject({ groupId: 'group-1', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] })
  })

  it.each(versions(0, 2))('DescribeGroups v%i', async (v) => {
    expect(await decodeKafkajsRequest('describeGroups', v, { groupIds: ['a', 'b'] })).toMatchObject({ groups: ['a', 'b'] })
  })

  it.each(versions(0, 2))('ListGroups v%i', async (v) => {
    expect(await decodeKafkajsRequest('listGroups', v)).toEqual({ statesFilter: [], typesFilter: [] })
  })

  it.each(versions(0, 1))('DeleteGroups v%i', async (v) => {
    expect(await decodeKafkajsRequest('deleteGroups', v, ['a', 'b'])).toEqual({ groupsNames: ['a', 'b'] })
  })

  it.each(versions(0, 1))('DeleteTopics v%i', async (v) => {
    expect(await decodeKafkajsRequest('deleteTopics', v, { topics: ['orders'], timeout: 5000 })).toMatchObject({ topicNames: ['orders'], timeoutMs: 5000 })
  })

  it.each(versions(0, 1))('InitProducerId v%i', async (v) => {
    const body = await decodeKafkajsRequest('initProducerId', v, { transactionalId: 'tx-1', transactionTimeout: 60_000 })
    expect(body).toMatchObject({ transactionalId: 'tx-1', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
  })

  it.each(versions(0, 1))('SaslHandshake v%i', async (v) => {
    expect(await decodeKafkajsRequest('saslHandshake', v, { mechanism: 'PLAIN' })).toEqual({ mechanism: 'PLAIN' })
  })

  it.each(versions(0, 2))('DescribeConfigs v%i', async (v) => {
    const body = await decodeKafkajsRequest('describeConfigs', v, { resources: [{ type: 2, name: 'orders', configNames: ['retention.ms'] }], includeSynonyms: true })
    expect(body).toMatchObject({ resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms'] }], includeSynonyms: v >= 1 })
  })

  it.each(versions(0, 1))('AlterConfigs v%i', async (v) => {
    const body = await decodeKafkajsRequest('alterConfigs', v, { resources: [{ type: 2, name: 'orders', configEntries: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true })
    expect(body).toEqual({ resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true })
  })

  it.each(versions(0, 1))('CreatePartitions v%i', async (v) => {
    const body = await decodeKafkajsRequest('createPartitions', v, { topicPartitions: [{ topic: 'orders', count: 6, assignments: [[1, 2], [2, 3]] }], timeout: 5000 })
    expect(body).toEqual({ topics: [{ name: 'orders', count: 6, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] }], timeoutMs: 5000, validateOnly: false })
  })

  it.each(versions(0, 1))('DeleteRecords v%i', async (v) => {
    const body = await decodeKafkajsRequest('deleteRecords', v, { topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '42' }] }], timeout: 5000 })
    expect(body).toEqual({ topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, offset: 42n }] }], timeoutMs: 5000 })
  })

  // The transaction APIs kafkajs's transactional producer sends, at the versions it speaks.
  it.each(versions(0, 1))('AddPartitionsToTxn v%i', async (v) => {
    const body = await decodeKafkajsRequest('addPartitionsToTxn', v, { transactionalId: 'tx-1', producerId: '7', producerEpoch: 2, topics: [{ topic: 'orders', partitions: [0, 2] }] })
    expect(body).toMatchObject({ v3AndBelowTransactionalId: 'tx-1', v3AndBelowProducerId: 7n, v3AndBelowProducerEpoch: 2, v3AndBelowTopics: [{ name: 'orders', partitions: [0, 2] }] })
  })

  it.each(versions(0, 1))('AddOffsetsToTxn v%i', async (v) => {
    const body = await decodeKafkajsRequest('addOffsetsToTxn', v, { transactionalId: 'tx-1', producerId: '7', producerEpoch: 2, groupId: 'group-1' })
    expect(body).toMatchObject({ transactionalId: 'tx-1', producerId: 7n, producerEpoch: 2, groupId: 'group-1' })
  })

  it.each(versions(0, 1))('TxnOffsetCommit v%i', async (v) => {
    const body = await decodeKafkajsRequest('txnOffsetCommit', v, {
      transactionalId: 'tx-1',
      groupId: 'group-1',
      producerId: '7',
      producerEpoch: 2,
      topics: [{ topic: 'orders', partitions: [{ partition: 1, offset: '42', metadata: null }] }],
    })
    expect(body).toMatchObject({ transactionalId: 'tx-1', groupId: 'group-1', producerId: 7n, producerEpoch: 2, topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 42n, committedMetadata: null }] }] })
  })

  it.each(versions(0, 1))('EndTxn v%i', async (v) => {
    const body = await decodeKafkajsRequest('endTxn', v, { transactionalId: 'tx-1', producerId: '7', producerEpoch: 2, transactionResult: true })
    expect(body).toMatchObject({ transactionalId: 'tx-1', producerId: 7n, producerEpoch: 2, committed: true })
  })
})

function metadataResponse(v: number): MetadataResponse {
  return {
    throttleTimeMs: v >= 3 ? 12 : 0,
    brokers: [
      { nodeId: 1, host: 'localhost', port: 9092, rack: v >= 1 ? 'rack-a' : null },
      { nodeId: 2, host: 'localhost', port: 9093, rack: null },
    ],
    clusterId: v >= 2 ? 'brokerlab-cluster' : null,
    controllerId: v >= 1 ? 3000 : -1,
    topics: [
      {
        errorCode: 0,
        name: 'orders',
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [
          { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: v >= 7 ? 5 : -1, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: v >= 5 ? [2] : [] },
        ],
        topicAuthorizedOperations: -2147483648,
      },
    ],
    clusterAuthorizedOperations: -2147483648,
    errorCode: 0,
  }
}

describe('responses kafkajs decodes', () => {
  it.each(versions(0, 2))('ApiVersions v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('apiVersions', ApiKey.ApiVersions, v, {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
      throttleTimeMs: v >= 1 ? 5 : 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    })
    expect(decoded).toMatchObject({
      errorCode: 0,
      apiVersions: [
        { apiKey: 0, minVersion: 3, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
    })
  })

  it.each(versions(0, 6))('Metadata v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('metadata', ApiKey.Metadata, v, metadataResponse(v))
    expect(decoded).toMatchObject({
      brokers: [
        { nodeId: 1, host: 'localhost', port: 9092, ...(v >= 1 && { rack: 'rack-a' }) },
        { nodeId: 2, host: 'localhost', port: 9093 },
      ],
      ...(v >= 1 && { controllerId: 3000 }),
      ...(v >= 2 && { clusterId: 'brokerlab-cluster' }),
      topicMetadata: [
        {
          topicErrorCode: 0,
          topic: 'orders',
          partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2], isr: [1], ...(v >= 5 && { offlineReplicas: [2] }) }],
        },
      ],
    })
  })

  it('Produce v3', async () => {
    const decoded = await kafkajsDecodeResponse('produce', ApiKey.Produce, 3, {
      responses: [
        {
          name: 'orders',
          topicId: ZERO_UUID,
          partitionResponses: [
            { index: 2, errorCode: 0, baseOffset: 9007199254740993n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [],
    })
    expect(decoded).toEqual({ topics: [{ topicName: 'orders', partitions: [{ partition: 2, errorCode: 0, baseOffset: '9007199254740993', logAppendTime: '-1' }] }], throttleTime: 0 })
  })

  it('Fetch v4 with a record batch kafkajs reads', async () => {
    const records = encodeRecordBatch({ baseOffset: 10n, records: [{ key: 'k', value: 'hello', timestamp: 1_700_000_000_000n }] })
    const decoded = await kafkajsDecodeResponse('fetch', ApiKey.Fetch, 4, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'orders',
          topicId: ZERO_UUID,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 11n,
              lastStableOffset: 11n,
              logStartOffset: -1n,
              divergingEpoch: { epoch: -1, endOffset: -1n },
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1n, epoch: -1 },
              abortedTransactions: [{ producerId: 7n, firstOffset: 3n }],
              preferredReadReplica: -1,
              records,
            },
          ],
        },
      ],
      nodeEndpoints: [],
    })
    expect(decoded).toMatchObject({
      throttleTime: 0,
      responses: [
        {
          topicName: 'orders',
          partitions: [
            {
              partition: 0,
              errorCode: 0,
              highWatermark: '11',
              lastStableOffset: '11',
              abortedTransactions: [{ producerId: '7', firstOffset: '3' }],
              messages: [{ offset: '10', key: Buffer.from('k'), value: Buffer.from('hello') }],
            },
          ],
        },
      ],
    })
  })

  it('ListOffsets v1', async () => {
    const decoded = await kafkajsDecodeResponse('listOffsets', ApiKey.ListOffsets, 1, {
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, errorCode: 0, timestamp: -1n, offset: 42n, leaderEpoch: -1 }] }],
    })
    expect(decoded).toEqual({ responses: [{ topic: 'orders', partitions: [{ partition: 1, errorCode: 0, timestamp: '-1', offset: '42' }] }] })
  })

  it.each(versions(0, 3))('CreateTopics v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('createTopics', ApiKey.CreateTopics, v, {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          topicId: ZERO_UUID,
          errorCode: 36,
          errorMessage: v >= 1 ? 'Topic already exists' : null,
          topicConfigErrorCode: 0,
          numPartitions: -1,
          replicationFactor: -1,
          configs: null,
        },
      ],
    })
    expect(decoded).toMatchObject({ topicErrors: [{ topic: 'orders', errorCode: 36, ...(v >= 1 && { errorMessage: 'Topic already exists' }) }] })
  })

  it.each(versions(0, 2))('FindCoordinator v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('findCoordinator', ApiKey.FindCoordinator, v, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      nodeId: 2,
      host: 'localhost',
      port: 9093,
      coordinators: [],
    })
    expect(decoded).toMatchObject({ errorCode: 0, coordinator: { nodeId: 2, host: 'localhost', port: 9093 } })
  })

  it.each(versions(0, 5))('JoinGroup v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('joinGroup', ApiKey.JoinGroup, v, {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 3,
      protocolType: null,
      protocolName: 'RoundRobinAssigner',
      leader: 'member-1',
      skipAssignment: false,
      memberId: 'member-1',
      members: [{ memberId: 'member-1', groupInstanceId: null, metadata: Buffer.from([1, 2, 3]) }],
    })
    expect(decoded).toMatchObject({
      errorCode: 0,
      generationId: 3,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'member-1',
      memberId: 'member-1',
      members: [{ memberId: 'member-1', memberMetadata: Buffer.from([1, 2, 3]) }],
    })
  })

  it.each(versions(0, 3))('Heartbeat v%i', async (v) => {
    expect(await kafkajsDecodeResponse('heartbeat', ApiKey.Heartbeat, v, { throttleTimeMs: 0, errorCode: 27 })).toMatchObject({ errorCode: 27 })
  })

  it.each(versions(0, 1))('InitProducerId v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('initProducerId', ApiKey.InitProducerId, v, { throttleTimeMs: 0, errorCode: 0, producerId: 2n ** 62n, producerEpoch: 3 })
    expect(decoded).toMatchObject({ errorCode: 0, producerId: (2n ** 62n).toString(), producerEpoch: 3 })
  })

  it.each(versions(0, 2))('ListGroups v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('listGroups', ApiKey.ListGroups, v, {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [{ groupId: 'group-1', protocolType: 'consumer', groupState: '', groupType: '' }],
    })
    expect(decoded).toMatchObject({ errorCode: 0, groups: [{ groupId: 'group-1', protocolType: 'consumer' }] })
  })

  it.each(versions(0, 1))('SaslHandshake v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('saslHandshake', ApiKey.SaslHandshake, v, { errorCode: 33, mechanisms: ['PLAIN'] })
    expect(decoded).toEqual({ errorCode: 33, enabledMechanisms: ['PLAIN'] })
  })

  it.each(versions(1, 3))('OffsetFetch v%i', async (v) => {
    const decoded = await kafkajsDecodeResponse('offsetFetch', ApiKey.OffsetFetch, v, {
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 123n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }],
      errorCode: 0,
      groups: [],
    })
    expect(decoded).toMatchObject({ responses: [{ topic: 'orders', partitions: [{ partition: 0, offset: '123', metadata: '', errorCode: 0 }] }] })
  })
})
