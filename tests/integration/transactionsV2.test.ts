// Transaction version 2 (KIP-890 part 2) over a real socket, as a Kafka 4.4 client speaks it:
// ApiVersions finalizes transaction.version 2; Produce v12 adds its partition to the
// transaction at the partition leader (no AddPartitionsToTxn); EndTxn v5 bumps the epoch and
// answers the one to go on with, its markers carry the bumped epoch, and a retry of it is
// answered as Kafka answers; TxnOffsetCommit v5 adds the offsets partition (no
// AddOffsetsToTxn); a producer fenced by a new InitProducerId can neither write nor end.
import { afterEach, describe, expect, it } from 'vitest'
import { ErrorCode as E } from '../../main/cluster/errors'
import { ZERO_UUID, ApiKey, type ProduceRequest } from '../../main/cluster/protocol/messages'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { decodeControlRecordKey } from '../../main/cluster/protocol/controlRecord'
import { producerBatch } from '../helpers/batches'
import { eventually, useCluster } from '../helpers/cluster'
import { consumerFetch } from '../helpers/fetchRequest'
import { RawClient, RawClients } from '../helpers/rawClient'
import { initTransactions, latestOffset, readPartition, READ_COMMITTED, READ_UNCOMMITTED, transactionCoordinator, transactionState, type TxnProducer } from '../helpers/transactions'

const fixture = useCluster()
const CONFIGS = { 'transaction.state.log.num.partitions': '3', 'offsets.topic.num.partitions': '3' }

const clients = new RawClients()
afterEach(() => {
  clients.closeAll()
})

const connect = clients.connect

/** A client connected to the leader of each partition of `topic`. */
async function leaders(bootstrap: RawClient, topic: string): Promise<RawClient[]> {
  const metadata = await bootstrap.request(ApiKey.Metadata, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
  const partitions = [...metadata.topics[0].partitions].sort((a, b) => a.partitionIndex - b.partitionIndex)
  return Promise.all(partitions.map((p) => {
    const broker = metadata.brokers.find((b) => b.nodeId === p.leaderId)!
    return connect(`${broker.host}:${broker.port}`)
  }))
}

/** Produce v12 of one transactional batch; the partition's error code. */
async function produceV12(leader: RawClient, p: TxnProducer, topic: string, partition: number, baseSequence: number, tag: string, producerEpoch = p.producerEpoch): Promise<number> {
  const request: ProduceRequest = {
    transactionalId: p.transactionalId,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ topicId: ZERO_UUID, name: topic, partitionData: [{ index: partition, records: producerBatch({ producerId: Number(p.producerId), producerEpoch, baseSequence, count: 2, tag, transactional: true }) }] }],
  }
  const r = await leader.request(ApiKey.Produce, 12, request)
  return r.responses[0].partitionResponses[0].errorCode
}

async function endTxnV5(coordinator: RawClient, p: TxnProducer, committed: boolean, producerEpoch = p.producerEpoch) {
  return coordinator.request(ApiKey.EndTxn, 5, { transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch, committed })
}

/** The control batches of a partition: the marker type and the producer epoch it carries. */
async function markers(leader: RawClient, topic: string, partition: number): Promise<string[]> {
  const fetched = await leader.request(ApiKey.Fetch, 12, consumerFetch({ topic, partition }))
  const found: string[] = []
  for (const batch of decodeRecordBatches(fetched.responses[0].partitions[0].records ?? new Uint8Array())) {
    if (batch.isControl) found.push(`${decodeControlRecordKey(batch.records[0].key!).type === 1 ? 'COMMIT' : 'ABORT'}@${batch.producerEpoch}`)
  }
  return found
}

describe('transaction version 2 (KIP-890 part 2)', () => {
  it('ApiVersions finalizes transaction.version 2; Produce v12 adds the partition, EndTxn v5 bumps the epoch into the markers and answers its retry', async () => {
    const cluster = await fixture.start(CONFIGS, 3)
    await cluster.createTopic({ name: 'tv2', partitions: 3 })
    const bootstrap = await connect(cluster.bootstrapServers)
    const versions = await bootstrap.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'tv2-test', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 })
    expect(versions.supportedFeatures).toContainEqual({ name: 'transaction.version', minVersion: 0, maxVersion: 2 })
    expect(versions.finalizedFeatures).toContainEqual({ name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 })
    expect(versions.finalizedFeaturesEpoch).toBeGreaterThanOrEqual(0n)
    expect(versions.apiKeys.find((k) => k.apiKey === ApiKey.EndTxn)).toMatchObject({ maxVersion: 5 })

    const coordinator = await connect((await transactionCoordinator(cluster.bootstrapServers, 'tv2-a')).address)
    const p = await initTransactions(coordinator, 'tv2-a')
    const partitions = await leaders(bootstrap, 'tv2')
    // No AddPartitionsToTxn: each leader adds its partition (two of them at peers of the coordinator).
    for (const [i, leader] of partitions.entries()) expect(await produceV12(leader, p, 'tv2', i, 0, `one-${i}`)).toBe(E.NONE)
    expect(await transactionState(coordinator, 'tv2-a')).toBe('Ongoing')
    const described = await coordinator.request(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tv2-a'] })
    expect(described.transactionStates[0].topics).toEqual([{ topic: 'tv2', partitions: [0, 1, 2] }])
    // The records are there, not yet stable.
    expect(await latestOffset(partitions[0], 'tv2', 0, READ_COMMITTED)).toBe(0n)
    expect(await readPartition(partitions[0], 'tv2', 0, READ_UNCOMMITTED)).toEqual(['one-0-0', 'one-0-1'])

    const committed = await endTxnV5(coordinator, p, true)
    expect(committed).toMatchObject({ errorCode: E.NONE, producerId: p.producerId, producerEpoch: p.producerEpoch + 1 })
    // A retry names the epoch before the bump: the same answer once complete, never a second transaction.
    const retried = await eventually('the retry of EndTxn answered', async () => {
      const r = await endTxnV5(coordinator, p, true)
      return r.errorCode !== E.CONCURRENT_TRANSACTIONS && r
    })
    expect(retried).toMatchObject({ errorCode: E.NONE, producerId: p.producerId, producerEpoch: p.producerEpoch + 1 })
    expect((await endTxnV5(coordinator, p, false)).errorCode).toBe(E.INVALID_TXN_STATE)
    expect(await transactionState(coordinator, 'tv2-a')).toBe('CompleteCommit')
    for (const [i, leader] of partitions.entries()) {
      expect(await markers(leader, 'tv2', i)).toEqual([`COMMIT@${p.producerEpoch + 1}`])
      expect(await readPartition(leader, 'tv2', i, READ_COMMITTED)).toEqual([`one-${i}-0`, `one-${i}-1`])
    }

    // The next transaction runs at the bumped epoch, its sequences from 0; an abort bumps again.
    const next = { ...p, producerEpoch: committed.producerEpoch }
    expect(await produceV12(partitions[0], next, 'tv2', 0, 0, 'two')).toBe(E.NONE)
    const aborted = await endTxnV5(coordinator, next, false)
    expect(aborted).toMatchObject({ errorCode: E.NONE, producerEpoch: next.producerEpoch + 1 })
    await eventually('the abort marker', async () => (await markers(partitions[0], 'tv2', 0)).length === 2)
    expect(await markers(partitions[0], 'tv2', 0)).toEqual([`COMMIT@${p.producerEpoch + 1}`, `ABORT@${p.producerEpoch + 2}`])
    expect(await readPartition(partitions[0], 'tv2', 0, READ_COMMITTED)).toEqual(['one-0-0', 'one-0-1'])
    expect(await latestOffset(partitions[0], 'tv2', 0, READ_COMMITTED)).toBe(await latestOffset(partitions[0], 'tv2', 0, READ_UNCOMMITTED))

    // The ended transactions' epochs are fenced: a late write, or an end at a stale epoch.
    expect(await produceV12(partitions[1], p, 'tv2', 1, 2, 'late')).toBe(E.INVALID_PRODUCER_EPOCH)
    expect((await endTxnV5(coordinator, p, true)).errorCode).toBe(E.PRODUCER_FENCED)
    // TV2 may abort with nothing sent: the epoch still moves on.
    const current = { ...p, producerEpoch: aborted.producerEpoch }
    expect(await endTxnV5(coordinator, current, false)).toMatchObject({ errorCode: E.NONE, producerEpoch: current.producerEpoch + 1 })
    // A commit with nothing begun is refused, as with Kafka.
    await eventually('the empty abort completed', async () => (await transactionState(coordinator, 'tv2-a')) === 'CompleteAbort')
    expect((await endTxnV5(coordinator, { ...p, producerEpoch: current.producerEpoch + 1 }, true)).errorCode).toBe(E.INVALID_TXN_STATE)
  })

  it('TxnOffsetCommit v5 adds the offsets partition to the transaction; EndTxn v5 makes the offsets stable', async () => {
    const cluster = await fixture.start({ ...CONFIGS, 'group.initial.rebalance.delay.ms': '0' }, 1)
    await cluster.createTopic({ name: 'orders', partitions: 1 })
    const client = await connect(cluster.bootstrapServers)
    await eventually('the group coordinator', async () => (await client.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['tv2-group'] })).coordinators[0].errorCode === E.NONE, 30_000)
    await transactionCoordinator(cluster.bootstrapServers, 'tv2-offsets')
    const p = await initTransactions(client, 'tv2-offsets')
    const commit = (offset: number, producerEpoch: number, version = 5) => client.request(ApiKey.TxnOffsetCommit, version, txnOffsetCommitBody({ ...p, producerEpoch }, offset))
    const fetchStable = async () => {
      const r = await client.request(ApiKey.OffsetFetch, 7, { groupId: 'tv2-group', topics: [{ name: 'orders', partitionIndexes: [0] }], requireStable: true, groups: [] })
      const x = r.topics[0].partitions[0]
      return `${x.committedOffset}/${x.errorCode}`
    }
    // No AddOffsetsToTxn: v4 is refused as before (KIP-890 part 1), v5 adds the partition itself.
    expect((await commit(7, p.producerEpoch, 4)).topics[0].partitions[0].errorCode).toBe(120)
    expect((await commit(42, p.producerEpoch)).topics[0].partitions[0].errorCode).toBe(E.NONE)
    const described = await client.request(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tv2-offsets'] })
    expect(described.transactionStates[0]).toMatchObject({ transactionState: 'Ongoing', topics: [{ topic: '__consumer_offsets' }] })
    expect(await fetchStable()).toBe(`-1/${E.UNSTABLE_OFFSET_COMMIT}`)
    const ended = await endTxnV5(client, p, true)
    expect(ended).toMatchObject({ errorCode: E.NONE, producerEpoch: p.producerEpoch + 1 })
    await eventually('the committed offset', async () => (await fetchStable()) === '42/0')
    // The old epoch is fenced for offsets too; the new one commits in a new transaction.
    expect((await commit(50, p.producerEpoch)).topics[0].partitions[0].errorCode).toBe(E.INVALID_PRODUCER_EPOCH)
    expect((await commit(50, ended.producerEpoch)).topics[0].partitions[0].errorCode).toBe(E.NONE)
    expect((await endTxnV5(client, { ...p, producerEpoch: ended.producerEpoch }, false)).errorCode).toBe(E.NONE)
    await eventually('the aborted offset dropped', async () => (await fetchStable()) === '42/0')
  })

  it('a zombie fenced by a new InitProducerId under TV2 can neither write nor end, and its open transaction is aborted', async () => {
    const cluster = await fixture.start(CONFIGS, 1)
    await cluster.createTopic({ name: 'zombie', partitions: 1 })
    const client = await connect(cluster.bootstrapServers)
    await transactionCoordinator(cluster.bootstrapServers, 'tv2-zombie')
    const zombie = await initTransactions(client, 'tv2-zombie')
    expect(await produceV12(client, zombie, 'zombie', 0, 0, 'zombie')).toBe(E.NONE)

    // The new instance: the first InitProducerId fences and aborts (CONCURRENT_TRANSACTIONS), a retry gets the epoch.
    const successor = await initTransactions(client, 'tv2-zombie')
    expect(successor.producerId).toBe(zombie.producerId)
    expect(successor.producerEpoch).toBe(zombie.producerEpoch + 2) // the fence's abort bumps once (as Kafka 4.4), the retry once more
    expect(await markers(client, 'zombie', 0)).toEqual([`ABORT@${zombie.producerEpoch + 1}`])

    expect(await produceV12(client, zombie, 'zombie', 0, 2, 'zombie-late')).toBe(E.INVALID_PRODUCER_EPOCH)
    expect((await endTxnV5(client, zombie, true)).errorCode).toBe(E.PRODUCER_FENCED)
    expect(await produceV12(client, successor, 'zombie', 0, 0, 'successor')).toBe(E.NONE)
    expect((await endTxnV5(client, successor, true)).errorCode).toBe(E.NONE)
    await eventually('the commit marker', async () => (await markers(client, 'zombie', 0)).length === 2)
    expect(await readPartition(client, 'zombie', 0, READ_COMMITTED)).toEqual(['successor-0', 'successor-1'])
  })

  it('keeps a TV2 transaction over a restart of the whole cluster: the bumped epoch comes back from __transaction_state, and a retry across the restart is answered', async () => {
    let cluster = await fixture.start(CONFIGS, 1)
    await cluster.createTopic({ name: 'restart', partitions: 1 })
    let client = await connect(cluster.bootstrapServers)
    await transactionCoordinator(cluster.bootstrapServers, 'tv2-restart')
    const p = await initTransactions(client, 'tv2-restart')
    expect(await produceV12(client, p, 'restart', 0, 0, 'first')).toBe(E.NONE)
    const committed = await endTxnV5(client, p, true)
    expect(committed).toMatchObject({ errorCode: E.NONE, producerEpoch: p.producerEpoch + 1 })
    await eventually('the commit completed', async () => (await transactionState(client, 'tv2-restart')) === 'CompleteCommit')
    const next = { ...p, producerEpoch: committed.producerEpoch }
    expect(await produceV12(client, next, 'restart', 0, 0, 'open')).toBe(E.NONE)

    await fixture.stop()
    cluster = await fixture.start(CONFIGS, 1)
    client = await connect(cluster.bootstrapServers)
    await transactionCoordinator(cluster.bootstrapServers, 'tv2-restart')
    const loaded = await eventually('the transaction loaded again', async () => {
      const s = (await client.request(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tv2-restart'] })).transactionStates[0]
      return s.errorCode === E.NONE && s
    }, 30_000)
    expect(loaded).toMatchObject({ transactionState: 'Ongoing', producerId: p.producerId, producerEpoch: next.producerEpoch, topics: [{ topic: 'restart', partitions: [0] }] })
    const aborted = await endTxnV5(client, next, false)
    expect(aborted).toMatchObject({ errorCode: E.NONE, producerEpoch: next.producerEpoch + 1 })
    await eventually('the abort completed', async () => (await transactionState(client, 'tv2-restart')) === 'CompleteAbort')
    // The loaded state is a TV2 client's: the abort's retry (the epoch before the bump) is answered, not fenced.
    expect(await endTxnV5(client, next, false)).toMatchObject({ errorCode: E.NONE, producerEpoch: next.producerEpoch + 1 })
    expect(await markers(client, 'restart', 0)).toEqual([`COMMIT@${p.producerEpoch + 1}`, `ABORT@${p.producerEpoch + 2}`])
    expect(await readPartition(client, 'restart', 0, READ_COMMITTED)).toEqual(['first-0', 'first-1'])
  }, 90_000)
})

describe('topics by id (KIP-516): Produce v13 and TxnOffsetCommit v6, as Kafka 4.4', () => {
  const UNKNOWN_ID = '0b1d2c3e-4f50-4617-8a9b-c0d1e2f30415'
  const topicIdOf = async (client: RawClient, topic: string) =>
    (await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })).topics[0].topicId
  const produceV13 = (client: RawClient, transactionalId: string | null, topicId: string, partitions: Array<{ index: number; records: Buffer }>) =>
    client.request(ApiKey.Produce, 13, { transactionalId, acks: -1, timeoutMs: 10_000, topicData: [{ name: '', topicId, partitionData: partitions }] } as ProduceRequest)

  it('Produce v13 writes to the topic its id names, answered by id; an unknown id answers UNKNOWN_TOPIC_ID per partition', async () => {
    const cluster = await fixture.start(CONFIGS, 1)
    await cluster.createTopic({ name: 'by-id', partitions: 2 })
    const client = await connect(cluster.bootstrapServers)
    const versions = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'tv2-test', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 })
    // v0 as Kafka 4 advertises it (KAFKA-18659); v0-v2 requests are still refused.
    expect(versions.apiKeys.find((k) => k.apiKey === ApiKey.Produce)).toMatchObject({ minVersion: 0, maxVersion: 13 })
    expect(versions.apiKeys.find((k) => k.apiKey === ApiKey.TxnOffsetCommit)).toMatchObject({ minVersion: 0, maxVersion: 6 })
    const topicId = await topicIdOf(client, 'by-id')
    expect(topicId).not.toBe(ZERO_UUID)

    const r = await produceV13(client, null, topicId, [{ index: 1, records: producerBatch({ count: 2, tag: 'by-id' }) }])
    expect(r.responses).toHaveLength(1)
    expect(r.responses[0].topicId).toBe(topicId)
    expect(r.responses[0].partitionResponses[0]).toMatchObject({ index: 1, errorCode: E.NONE, baseOffset: 0n })
    expect(await readPartition(client, 'by-id', 1, READ_UNCOMMITTED)).toEqual(['by-id-0', 'by-id-1'])
    expect(await readPartition(client, 'by-id', 0, READ_UNCOMMITTED)).toEqual([])

    const unknown = await produceV13(client, null, UNKNOWN_ID, [{ index: 0, records: producerBatch({ tag: 'lost' }) }, { index: 1, records: producerBatch({ tag: 'lost' }) }])
    expect(unknown.responses).toEqual([
      expect.objectContaining({ topicId: UNKNOWN_ID, partitionResponses: [expect.objectContaining({ index: 0, errorCode: E.UNKNOWN_TOPIC_ID, baseOffset: -1n }), expect.objectContaining({ index: 1, errorCode: E.UNKNOWN_TOPIC_ID, baseOffset: -1n })] }),
    ])
    // A known id with a partition it does not have: UNKNOWN_TOPIC_OR_PARTITION, as by name.
    const missing = await produceV13(client, null, topicId, [{ index: 5, records: producerBatch({ tag: 'lost' }) }])
    expect(missing.responses[0]).toMatchObject({ topicId, partitionResponses: [{ index: 5, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION }] })
    expect(await readPartition(client, 'by-id', 1, READ_UNCOMMITTED)).toEqual(['by-id-0', 'by-id-1'])
  })

  it('a transactional Produce v13 adds its partition (TV2) and commits by id; verification refuses a stale epoch', async () => {
    const cluster = await fixture.start(CONFIGS, 1)
    await cluster.createTopic({ name: 'txn-by-id', partitions: 1 })
    const client = await connect(cluster.bootstrapServers)
    await transactionCoordinator(cluster.bootstrapServers, 'tv2-by-id')
    const p = await initTransactions(client, 'tv2-by-id')
    const topicId = await topicIdOf(client, 'txn-by-id')
    const batch = (baseSequence: number, tag: string, producerEpoch = p.producerEpoch) => producerBatch({ producerId: Number(p.producerId), producerEpoch, baseSequence, count: 2, tag, transactional: true })

    const r = await produceV13(client, p.transactionalId, topicId, [{ index: 0, records: batch(0, 'txn') }])
    expect(r.responses[0]).toMatchObject({ topicId, partitionResponses: [{ index: 0, errorCode: E.NONE }] })
    const described = await client.request(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tv2-by-id'] })
    expect(described.transactionStates[0]).toMatchObject({ transactionState: 'Ongoing', topics: [{ topic: 'txn-by-id', partitions: [0] }] })
    expect(await readPartition(client, 'txn-by-id', 0, READ_COMMITTED)).toEqual([])
    const stale = await produceV13(client, p.transactionalId, topicId, [{ index: 0, records: batch(2, 'stale', p.producerEpoch - 1) }])
    expect(stale.responses[0].topicId).toBe(topicId)
    expect(stale.responses[0].partitionResponses[0].errorCode).not.toBe(E.NONE)
    expect((await endTxnV5(client, p, true)).errorCode).toBe(E.NONE)
    await eventually('the commit marker', async () => (await markers(client, 'txn-by-id', 0)).length === 1)
    expect(await readPartition(client, 'txn-by-id', 0, READ_COMMITTED)).toEqual(['txn-0', 'txn-1'])
  })

  it('TxnOffsetCommit v6 commits offsets of the topic its id names, answered by id; an unknown id answers UNKNOWN_TOPIC_ID', async () => {
    const cluster = await fixture.start({ ...CONFIGS, 'group.initial.rebalance.delay.ms': '0' }, 1)
    await cluster.createTopic({ name: 'orders', partitions: 1 })
    const client = await connect(cluster.bootstrapServers)
    await eventually('the group coordinator', async () => (await client.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['tv2-group'] })).coordinators[0].errorCode === E.NONE, 30_000)
    await transactionCoordinator(cluster.bootstrapServers, 'tv2-offsets-by-id')
    const p = await initTransactions(client, 'tv2-offsets-by-id')
    const topicId = await topicIdOf(client, 'orders')
    const fetchStable = async () => {
      const r = await client.request(ApiKey.OffsetFetch, 7, { groupId: 'tv2-group', topics: [{ name: 'orders', partitionIndexes: [0] }], requireStable: true, groups: [] })
      const x = r.topics[0].partitions[0]
      return `${x.committedOffset}/${x.errorCode}`
    }

    const unknown = await client.request(ApiKey.TxnOffsetCommit, 6, { ...txnOffsetCommitBody(p, 9, UNKNOWN_ID), topics: [{ ...txnOffsetCommitBody(p, 9, UNKNOWN_ID).topics[0], name: '' }] })
    expect(unknown.topics).toEqual([{ name: '', topicId: UNKNOWN_ID, partitions: [{ partitionIndex: 0, errorCode: E.UNKNOWN_TOPIC_ID }] }])

    const body = txnOffsetCommitBody(p, 42, topicId)
    const committed = await client.request(ApiKey.TxnOffsetCommit, 6, { ...body, topics: [{ ...body.topics[0], name: '' }] })
    expect(committed.topics).toHaveLength(1)
    expect(committed.topics[0]).toMatchObject({ topicId, partitions: [{ partitionIndex: 0, errorCode: E.NONE }] })
    expect(await fetchStable()).toBe(`-1/${E.UNSTABLE_OFFSET_COMMIT}`)
    expect((await endTxnV5(client, p, true)).errorCode).toBe(E.NONE)
    await eventually('the committed offset', async () => (await fetchStable()) === '42/0')
  })
})

/** TxnOffsetCommit of orders-0 for tv2-group, outside any group generation (as sendOffsetsToTransaction with a group id). */
function txnOffsetCommitBody(p: TxnProducer, offset: number, topicId = ZERO_UUID) {
  return {
    transactionalId: p.transactionalId,
    groupId: 'tv2-group',
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 'orders', topicId, partitions: [{ partitionIndex: 0, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: null }] }],
  }
}
