// Answers at the edges that the comparison with Apache Kafka (tests/reference) found differing,
// made Kafka's and kept so here on a one-broker cluster through its Kafka listener.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey, ZERO_UUID } from '../../main/cluster/protocol/messages'
import { ErrorCode } from '../../main/cluster/errors'
import { producerBatch } from '../helpers/batches'
import { consumerFetch } from '../helpers/fetchRequest'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient, RawClients } from '../helpers/rawClient'

const lab = useCluster()
const clients = new RawClients()

async function started(configs: Record<string, string> = {}, topic = 'edges') {
  const cluster = await lab.start(configs, 1)
  await cluster.createTopic({ name: topic, partitions: 1 })
  await cluster.produce(topic, 0, producerBatch({ count: 3 }), -1)
  const client = await clients.connect(cluster.bootstrapServers)
  return { cluster, client }
}

/** Waits until the (only) broker coordinates `groupId`, __consumer_offsets created and loaded. */
async function coordinatorLoaded(client: RawClient, groupId: string) {
  await eventually('a loaded group coordinator', async () => {
    const found = await client.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: [groupId] })
    if (found.coordinators[0].errorCode !== 0) return false
    const offsets = await client.request(ApiKey.OffsetFetch, 8, { groupId: '', topics: [], groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }], requireStable: false })
    return offsets.groups[0].errorCode === 0
  }, 20_000)
}

describe('Kafka answers at the edges', () => {
  afterEach(() => {
    clients.closeAll()
  })

  it('ListOffsets checks the current leader epoch as Fetch does', async () => {
    const { client } = await started()
    const list = (currentLeaderEpoch: number) =>
      client.request(ApiKey.ListOffsets, 10, { replicaId: -1, isolationLevel: 0, timeoutMs: 30_000, topics: [{ name: 'edges', partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp: -1n }] }] })
    expect((await list(-1)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 3n })
    expect((await list(0)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 3n })
    expect((await list(5)).topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, offset: -1n, timestamp: -1n, leaderEpoch: -1 })
  })
  it('Fetch answers null aborted transactions for read_uncommitted, a list for read_committed, as Kafka does', async () => {
    const { client } = await started()
    const topicId = (await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'edges' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })).topics[0].topicId
    const fetch = (version: number, isolationLevel: number, fetchOffset = 0n, partition = 0) =>
      client.request(ApiKey.Fetch, version, consumerFetch(version >= 13 ? { topic: '', topicId, partition, fetchOffset, isolationLevel } : { topic: 'edges', partition, fetchOffset, isolationLevel }))
    for (const version of [4, 12, 17]) {
      const uncommitted = (await fetch(version, 0)).responses[0].partitions[0]
      expect(uncommitted).toMatchObject({ errorCode: 0, abortedTransactions: null })
      expect(uncommitted.records!.length).toBeGreaterThan(0)
      expect((await fetch(version, 1)).responses[0].partitions[0]).toMatchObject({ errorCode: 0, abortedTransactions: [] })
      expect((await fetch(version, 0, 100n)).responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, abortedTransactions: null })
      expect((await fetch(version, 0, 0n, 5)).responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, abortedTransactions: [] })
    }
  })
  it('OffsetCommit answers UNKNOWN_TOPIC_OR_PARTITION for partitions the metadata does not know, and commits the rest', async () => {
    const { client } = await started()
    await coordinatorLoaded(client, 'g')
    const found = await client.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['g'] })
    expect(found.coordinators).toEqual([expect.objectContaining({ key: 'g', nodeId: 1, errorCode: 0, errorMessage: '' })])
    const partition = (partitionIndex: number) => ({ partitionIndex, committedOffset: 2n, committedLeaderEpoch: -1, committedMetadata: null })
    const committed = await client.request(ApiKey.OffsetCommit, 8, {
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        { name: 'edges', topicId: ZERO_UUID, partitions: [partition(0), partition(9)] },
        { name: 'nope', topicId: ZERO_UUID, partitions: [partition(0)] },
      ],
    })
    const UNKNOWN = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    expect(committed.topics).toEqual([
      { name: 'edges', topicId: ZERO_UUID, partitions: [{ partitionIndex: 9, errorCode: UNKNOWN }, { partitionIndex: 0, errorCode: 0 }] },
      { name: 'nope', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, errorCode: UNKNOWN }] },
    ])
    const fetched = await client.request(ApiKey.OffsetFetch, 8, { groupId: '', topics: [], groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }], requireStable: false })
    expect(fetched.groups[0].topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])])).toEqual([['edges', [[0, 2n]]]])
  })
  it("DescribeGroups shows a member's host as Kafka does, \"/127.0.0.1\"", async () => {
    const { client } = await started({ 'group.initial.rebalance.delay.ms': '0' })
    await coordinatorLoaded(client, 'g')
    const join = (memberId: string) =>
      client.request(ApiKey.JoinGroup, 9, { groupId: 'g', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null })
    const required = await join('')
    expect(required.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    expect((await join(required.memberId)).errorCode).toBe(0)
    const described = await client.request(ApiKey.DescribeGroups, 5, { groups: ['g'], includeAuthorizedOperations: false })
    expect(described.groups[0].members).toEqual([expect.objectContaining({ memberId: required.memberId, clientId: 'raw-client', clientHost: '/127.0.0.1' })])
  })
  it('Produce errors carry no message (as Kafka: only record validation errors do), and a follower names the leader with its endpoint', async () => {
    const cluster = await lab.start({}, 2)
    await cluster.createTopic({ name: 'two', partitions: 1, replicationFactor: 2 })
    const metadata = async (client: RawClient) => client.request(ApiKey.Metadata, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'two' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    const first = await clients.connect(cluster.bootstrapServers)
    const m = await eventually('a leader of two-0', async () => {
      const answer = await metadata(first)
      return answer.topics[0].partitions[0]?.leaderId >= 0 && answer
    })
    const { leaderId, leaderEpoch } = m.topics[0].partitions[0]
    const brokerOf = (id: number) => m.brokers.find((b) => b.nodeId === id)!
    const followerBroker = m.brokers.find((b) => b.nodeId !== leaderId)!
    const follower = await clients.connect(`${followerBroker.host}:${followerBroker.port}`)
    const produce = (client: RawClient, acks: number, index = 0) =>
      client.request(ApiKey.Produce, 11, { transactionalId: null, acks, timeoutMs: 10_000, topicData: [{ topicId: ZERO_UUID, name: 'two', partitionData: [{ index, records: producerBatch({ count: 1 }) }] }] })

    const atFollower = await produce(follower, -1)
    expect(atFollower.responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null, currentLeader: { leaderId, leaderEpoch } })
    expect(atFollower.nodeEndpoints).toEqual([{ nodeId: leaderId, host: brokerOf(leaderId).host, port: brokerOf(leaderId).port, rack: null }])
    expect((await produce(follower, 2)).responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUIRED_ACKS, errorMessage: null })
    expect((await produce(follower, -1, 7)).responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null })
    expect((await produce(follower, -1, 7)).nodeEndpoints).toEqual([])
  })
  it('a consumer reads from a follower from Fetch v11 (KIP-392), up to its high watermark; before v11 only from the leader', async () => {
    const cluster = await lab.start({}, 2)
    await cluster.createTopic({ name: 'two', partitions: 1, replicationFactor: 2 })
    await cluster.produce('two', 0, producerBatch({ count: 3 }), -1)
    const first = await clients.connect(cluster.bootstrapServers)
    const m = await first.request(ApiKey.Metadata, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'two' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    const followerBroker = m.brokers.find((b) => b.nodeId !== m.topics[0].partitions[0].leaderId)!
    const follower = await clients.connect(`${followerBroker.host}:${followerBroker.port}`)
    const fetch = (version: number) => follower.request(ApiKey.Fetch, version, consumerFetch({ topic: 'two' }))
    expect((await fetch(10)).responses[0].partitions[0].errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
    const read = await eventually("the follower's high watermark at 3", async () => {
      const p = (await fetch(12)).responses[0].partitions[0]
      return p.highWatermark === 3n && p
    })
    expect(read).toMatchObject({ errorCode: 0, logStartOffset: 0n })
    expect(read.records!.length).toBeGreaterThan(0)
  })
})
