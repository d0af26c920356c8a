// The versions Kafka 4.4 serves beyond those of earlier Brokerlab, each with what it adds,
// through a real broker's Kafka listener (tests/reference compares the same with Kafka).
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../main/cluster/errors'
import { ApiKey, NO_HIGH_WATERMARK, ZERO_UUID, encodeRequest } from '../../main/cluster/protocol/messages'
import { producerBatch } from '../helpers/batches'
import { consumerFetch } from '../helpers/fetchRequest'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient, RawClients } from '../helpers/rawClient'

const lab = useCluster()
const clients = new RawClients()

const connect = clients.connect

const metadata = (names: string[]) => ({
  topics: names.map((name) => ({ topicId: ZERO_UUID, name })),
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
})

/** A topic id no cluster has. */
const UNKNOWN_TOPIC_ID = '5c1b8a57-1d3e-4f0a-9b7c-2e6d4a8f0c11'

describe("Kafka 4.4's newer versions", () => {
  afterEach(() => {
    clients.closeAll()
  })

  it('advertises them, and refuses the versions Kafka 4 dropped by closing the connection', async () => {
    const cluster = await lab.start({}, 1)
    const client = await connect(cluster.bootstrapServers)
    const { apiKeys } = await client.request(ApiKey.ApiVersions, 5, { clientSoftwareName: 'it', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 })
    const range = (key: number) => apiKeys.find((k) => k.apiKey === key)
    const expected: Array<[number, number, number]> = [
      [ApiKey.Fetch, 4, 18],
      [ApiKey.ListOffsets, 1, 11],
      [ApiKey.Metadata, 0, 13],
      [ApiKey.OffsetCommit, 2, 10],
      [ApiKey.OffsetFetch, 1, 10],
      [ApiKey.FindCoordinator, 0, 6],
      [ApiKey.DescribeGroups, 0, 6],
      [ApiKey.ApiVersions, 0, 5],
      [ApiKey.CreateTopics, 2, 7],
      [ApiKey.DeleteTopics, 1, 6],
      [ApiKey.OffsetForLeaderEpoch, 2, 4],
      [ApiKey.DescribeConfigs, 1, 4],
      [ApiKey.DescribeLogDirs, 1, 5],
      [ApiKey.DeleteGroups, 0, 3],
      [ApiKey.AlterPartitionReassignments, 0, 1],
      [ApiKey.DescribeCluster, 0, 2],
    ]
    for (const [apiKey, minVersion, maxVersion] of expected) expect(range(apiKey)).toEqual({ apiKey, minVersion, maxVersion })

    // CreateTopics v1 is no longer served: the broker closes the connection, as Kafka does.
    const old = await RawClient.connect(cluster.bootstrapServers)
    const closed = once(old.socket, 'close')
    old.socket.write(encodeRequest(ApiKey.CreateTopics, 1, 1, 'it', { topics: [], timeoutMs: 1000, validateOnly: false }))
    await closed
    const created = await client.request(ApiKey.CreateTopics, 2, {
      topics: [{ name: 'v2-topic', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 30_000,
      validateOnly: false,
    })
    expect(created.topics[0]).toMatchObject({ name: 'v2-topic', errorCode: 0 })
  })

  it('ApiVersions v5 answers REBOOTSTRAP_REQUIRED to a client that meant another cluster or node (KIP-1242), INVALID_REQUEST to one naming only one', async () => {
    const cluster = await lab.start({}, 1)
    const client = await connect(cluster.bootstrapServers)
    const ask = (clusterId: string | null, nodeId: number) => client.request(ApiKey.ApiVersions, 5, { clientSoftwareName: 'it', clientSoftwareVersion: '1', clusterId, nodeId })
    const clusterId = (await client.request(ApiKey.Metadata, 13, metadata([]))).clusterId!
    expect(await ask('another-cluster', 1)).toMatchObject({ errorCode: ErrorCode.REBOOTSTRAP_REQUIRED, apiKeys: [], supportedFeatures: [], finalizedFeatures: [] })
    expect(await ask(clusterId, 2)).toMatchObject({ errorCode: ErrorCode.REBOOTSTRAP_REQUIRED, apiKeys: [] })
    expect(await ask(clusterId, 1)).toMatchObject({ errorCode: 0 })
    expect((await ask(null, -1)).apiKeys.length).toBeGreaterThan(10)
    // Both or neither.
    expect(await ask(clusterId, -1)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] })
    expect(await ask(null, 1)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] })
    // From v3, as Kafka, a client software name or version outside [a-zA-Z0-9.-] is INVALID_REQUEST.
    const named = (clientSoftwareName: string) => client.request(ApiKey.ApiVersions, 3, { clientSoftwareName, clientSoftwareVersion: '1.0', clusterId: null, nodeId: -1 })
    expect(await named('bad name!')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] })
    expect((await named('good-name.1')).errorCode).toBe(0)
  })

  it('Fetch v18, ListOffsets v11, Metadata v13 and DescribeLogDirs v5 answer what they add', async () => {
    const cluster = await lab.start({}, 1)
    await cluster.createTopic({ name: 'newer', partitions: 1 })
    await cluster.produce('newer', 0, producerBatch({ count: 3 }), -1)
    const client = await connect(cluster.bootstrapServers)

    const described = await client.request(ApiKey.Metadata, 13, metadata(['newer']))
    expect(described.errorCode).toBe(0)
    const topicId = described.topics[0].topicId
    expect(topicId).not.toBe(ZERO_UUID)

    // A consumer's v18 fetch: the high watermark it may send (KRaft voters only) changes nothing.
    for (const highWatermark of [NO_HIGH_WATERMARK, 0n]) {
      const request = consumerFetch({ topic: '', topicId, partition: 0, fetchOffset: 0n, isolationLevel: 0 })
      request.topics[0].partitions[0].highWatermark = highWatermark
      const fetched = (await client.request(ApiKey.Fetch, 18, request)).responses[0].partitions[0]
      expect(fetched).toMatchObject({ errorCode: 0, highWatermark: 3n })
      expect(fetched.records!.length).toBeGreaterThan(0)
    }

    const list = (timestamp: bigint) =>
      client.request(ApiKey.ListOffsets, 11, { replicaId: -1, isolationLevel: 0, timeoutMs: 30_000, topics: [{ name: 'newer', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] })
    // -6, the earliest offset not yet uploaded to remote storage, and -5, the latest tiered one: none without tiered storage.
    for (const timestamp of [-6n, -5n]) expect((await list(timestamp)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 })
    expect((await list(-1n)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 3n })

    const dirs = await client.request(ApiKey.DescribeLogDirs, 5, { topics: null })
    expect(dirs.results).toHaveLength(1)
    expect(dirs.results[0]).toMatchObject({ errorCode: 0, isCordoned: false })
  })

  it('OffsetCommit and OffsetFetch v10 name topics by id; an unknown id is UNKNOWN_TOPIC_ID', async () => {
    const cluster = await lab.start({}, 1)
    await cluster.createTopic({ name: 'by-id', partitions: 2 })
    const bootstrap = await connect(cluster.bootstrapServers)
    const topicId = (await bootstrap.request(ApiKey.Metadata, 13, metadata(['by-id']))).topics[0].topicId
    const found = await eventually('a group coordinator', async () => {
      const c = (await bootstrap.request(ApiKey.FindCoordinator, 6, { key: '', keyType: 0, coordinatorKeys: ['ids'] })).coordinators[0]
      return c.errorCode === 0 && c
    }, 20_000)
    const client = await connect(`${found.host}:${found.port}`)
    const partition = (partitionIndex: number, committedOffset: bigint) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: 'm' })
    const committed = await eventually('a loaded coordinator', async () => {
      const answer = await client.request(ApiKey.OffsetCommit, 10, {
        groupId: 'ids',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [
          { name: '', topicId, partitions: [partition(0, 5n), partition(1, 7n)] },
          { name: '', topicId: UNKNOWN_TOPIC_ID, partitions: [partition(0, 1n)] },
        ],
      })
      return answer.topics.every((t) => t.partitions.every((p) => p.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && p.errorCode !== ErrorCode.NOT_COORDINATOR)) && answer
    }, 20_000)
    expect(committed.topics).toEqual([
      { name: '', topicId: UNKNOWN_TOPIC_ID, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }] },
      { name: '', topicId, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] },
    ])

    const fetchOffsets = (version: number, topics: Array<{ name: string; topicId: string; partitionIndexes: number[] }> | null) =>
      client.request(ApiKey.OffsetFetch, version, { groupId: '', topics: [], groups: [{ groupId: 'ids', memberId: null, memberEpoch: -1, topics }], requireStable: false })
    const offsets = (t: { partitions: Array<{ partitionIndex: number; committedOffset: bigint; errorCode: number }> }) => t.partitions.map((p) => `${p.partitionIndex}:${p.committedOffset}/${p.errorCode}`)
    const byId = (await fetchOffsets(10, [{ name: '', topicId, partitionIndexes: [0, 1] }, { name: '', topicId: UNKNOWN_TOPIC_ID, partitionIndexes: [3] }])).groups[0]
    expect(byId.errorCode).toBe(0)
    expect(byId.topics.map((t) => [t.topicId, offsets(t)])).toEqual([
      [topicId, ['0:5/0', '1:7/0']],
      [UNKNOWN_TOPIC_ID, [`3:-1/${ErrorCode.UNKNOWN_TOPIC_ID}`]],
    ])
    const all = (await fetchOffsets(10, null)).groups[0]
    expect(all.topics.map((t) => [t.topicId, offsets(t)])).toEqual([[topicId, ['0:5/0', '1:7/0']]])
    // The same offsets by name in v9.
    const byName = (await fetchOffsets(9, [{ name: 'by-id', topicId: ZERO_UUID, partitionIndexes: [0, 1] }])).groups[0]
    expect(byName.topics.map((t) => [t.name, offsets(t)])).toEqual([['by-id', ['0:5/0', '1:7/0']]])

    // Deleted, the topic leaves "every offset" of v10, which names topics by id only.
    await cluster.deleteTopic('by-id')
    await eventually('the topic gone from v10 offsets', async () => (await fetchOffsets(10, null)).groups[0].topics.length === 0)
  })

  it('FindCoordinator answers COORDINATOR_NOT_AVAILABLE while it creates __consumer_offsets, and v6 has no share coordinator', async () => {
    const cluster = await lab.start({}, 1)
    const client = await connect(cluster.bootstrapServers)
    const find = (keyType: number, key: string) => client.request(ApiKey.FindCoordinator, 6, { key: '', keyType, coordinatorKeys: [key] })
    expect((await find(0, 'first')).coordinators).toEqual([{ key: 'first', nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: '' }])
    const found = await eventually('the coordinator', async () => {
      const c = (await find(0, 'first')).coordinators[0]
      return c.errorCode === 0 && c
    }, 20_000)
    expect(found).toMatchObject({ nodeId: 1, host: '127.0.0.1', errorMessage: '' })
    const share = (await find(2, `share-group:${ZERO_UUID}:0`)).coordinators[0]
    expect(share).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, nodeId: -1 })
  })

  it('DescribeGroups v6 answers GROUP_ID_NOT_FOUND for a missing group; DeleteGroups v3 leaves the message null', async () => {
    const cluster = await lab.start({}, 1)
    const bootstrap = await connect(cluster.bootstrapServers)
    const found = await eventually('a group coordinator', async () => {
      const c = (await bootstrap.request(ApiKey.FindCoordinator, 6, { key: '', keyType: 0, coordinatorKeys: ['missing'] })).coordinators[0]
      return c.errorCode === 0 && c
    }, 20_000)
    const client = await connect(`${found.host}:${found.port}`)
    const describe = (version: number) =>
      eventually('a loaded coordinator', async () => {
        const g = (await client.request(ApiKey.DescribeGroups, version, { groups: ['missing'], includeAuthorizedOperations: false })).groups[0]
        return g.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && g.errorCode !== ErrorCode.NOT_COORDINATOR && g
      }, 20_000)
    expect(await describe(6)).toMatchObject({ groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group missing not found.', groupState: 'Dead', members: [] })
    expect(await describe(5)).toMatchObject({ groupId: 'missing', errorCode: 0, groupState: 'Dead', members: [] })
    const deleted = await client.request(ApiKey.DeleteGroups, 3, { groupsNames: ['missing'] })
    expect(deleted.results).toEqual([{ groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: null }])
  })

  it('DescribeCluster v2 lists fenced brokers when asked, and all cluster operations without an authorizer', async () => {
    const cluster = await lab.start({}, 3)
    const client = await connect(`127.0.0.1:${cluster.image.brokers.get(1)!.endPoints[0].port}`)
    const describe = (includeFencedBrokers: boolean, includeClusterAuthorizedOperations = false) =>
      client.request(ApiKey.DescribeCluster, 2, { includeClusterAuthorizedOperations, endpointType: 1, includeFencedBrokers })
    expect((await describe(false, true)).clusterAuthorizedOperations).toBe(8096)
    expect((await describe(false)).clusterAuthorizedOperations).toBe(-2147483648)
    await cluster.stopBroker(3)
    const brokers = await eventually('broker 3 fenced', async () => {
      const answer = await describe(true)
      return answer.brokers.some((b) => b.brokerId === 3 && b.isFenced) && answer.brokers
    }, 30_000)
    expect(brokers.map((b) => [b.brokerId, b.isFenced])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ])
    expect((await describe(false)).brokers.map((b) => b.brokerId)).toEqual([1, 2])
  })

  it('AlterPartitionReassignments v1 refuses a new replica count with allowReplicationFactorChange=false', async () => {
    const cluster = await lab.start({}, 3)
    await cluster.createTopic({ name: 'fixed', partitions: 1, replicationFactor: 1 })
    const client = await connect(cluster.bootstrapServers)
    const reassign = (replicas: number[], allowReplicationFactorChange: boolean) =>
      client.request(ApiKey.AlterPartitionReassignments, 1, { timeoutMs: 30_000, allowReplicationFactorChange, topics: [{ name: 'fixed', partitions: [{ partitionIndex: 0, replicas }] }] })
    const refused = await reassign([1, 2], false)
    expect(refused).toMatchObject({ errorCode: 0, allowReplicationFactorChange: false })
    expect(refused.responses[0].partitions[0]).toEqual({ partitionIndex: 0, errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: 'The replication factor is changed from 1 to 2' })
    const current = cluster.image.topicsByName.get('fixed')!.partitions[0].replicas[0]
    const moved = await reassign([current === 1 ? 2 : 1], false)
    expect(moved.responses[0].partitions[0]).toMatchObject({ errorCode: 0 })
    const grown = await reassign([1, 2], true)
    expect(grown).toMatchObject({ allowReplicationFactorChange: true })
    expect(grown.responses[0].partitions[0]).toMatchObject({ errorCode: 0 })
  })
})
