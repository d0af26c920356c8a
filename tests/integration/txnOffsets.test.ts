// Transactional offset commits on real brokers, through their Kafka listeners, in a real
// transaction: InitProducerId and AddOffsetsToTxn at the transaction coordinator, TxnOffsetCommit
// to the group coordinator (verified with the transaction coordinator, KIP-890 part 1),
// OffsetFetch with and without RequireStable, and EndTxn, whose COMMIT or ABORT marker reaches the
// group's __consumer_offsets partition. Then the group coordinator's broker crashes with a
// transaction open: the new leader keeps the offsets pending, and EndTxn's marker completes them.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey, ZERO_UUID, type TxnOffsetCommitRequest } from '../../main/cluster/protocol/messages'
import { ErrorCode as E } from '../../main/cluster/errors'
import { partitionFor } from '../../main/cluster/broker/group'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient, RawClients } from '../helpers/rawClient'

const lab = useCluster()
const clients = new RawClients()
const connect = clients.connect
const OFFSETS_PARTITIONS = 3

/** The group's coordinator once loaded, a client connected to it, and its __consumer_offsets partition. */
async function coordinatorOf(bootstrap: RawClient, groupId: string, not = -1) {
  const found = await eventually(
    'a loaded group coordinator',
    async () => {
      const answer = (await bootstrap.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: [groupId] })).coordinators[0]
      if (answer.errorCode !== E.NONE || answer.nodeId === not) return false
      const client = await connect(`${answer.host}:${answer.port}`)
      const fetched = await client.request(ApiKey.OffsetFetch, 8, { groupId: '', topics: [], groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }], requireStable: false })
      return fetched.groups[0].errorCode === E.NONE && { nodeId: answer.nodeId, client }
    },
    30_000,
  )
  return { ...found, partition: partitionFor(groupId, OFFSETS_PARTITIONS) }
}

function txnCommit(groupId: string, producerId: bigint, producerEpoch: number, offsets: Record<number, number>): TxnOffsetCommitRequest {
  return {
    transactionalId: TRANSACTIONAL_ID,
    groupId,
    producerId,
    producerEpoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ topicId: ZERO_UUID, name: 'orders', partitions: Object.entries(offsets).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: BigInt(o), committedLeaderEpoch: -1, committedMetadata: 'eos' })) }],
  }
}

/** OffsetFetch of orders-0 and orders-1 as `offset/error`, v7 (one group) or v8 (groups). */
async function fetchOffsets(client: RawClient, groupId: string, requireStable: boolean, version = 7): Promise<string[]> {
  const topics = [{ name: 'orders', topicId: ZERO_UUID, partitionIndexes: [0, 1] }]
  const show = (ps: { committedOffset: bigint; errorCode: number }[]) => ps.map((p) => `${p.committedOffset}/${p.errorCode}`)
  if (version >= 8) {
    const answer = await client.request(ApiKey.OffsetFetch, version, { groupId: '', topics: [], requireStable, groups: [{ groupId, memberId: null, memberEpoch: -1, topics }] })
    expect(answer.groups[0].errorCode).toBe(E.NONE)
    return show(answer.groups[0].topics[0].partitions)
  }
  const answer = await client.request(ApiKey.OffsetFetch, version, { groupId, topics, requireStable, groups: [] })
  expect(answer.errorCode).toBe(E.NONE)
  return show(answer.topics[0].partitions)
}

const TRANSACTIONAL_ID = 'txn-offsets-test'

/** The coordinator of the transactional id (FindCoordinator key type 1), once it answers. */
type TxnClient = RawClient & { producer: { producerId: bigint; producerEpoch: number } }

async function transactionCoordinator(bootstrap: RawClient, not = -1): Promise<TxnClient> {
  return eventually(
    'a transaction coordinator',
    async () => {
      const answer = (await bootstrap.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [TRANSACTIONAL_ID] })).coordinators[0]
      if (answer.errorCode !== E.NONE || answer.nodeId === not) return false
      const client = await connect(`${answer.host}:${answer.port}`)
      const init = await client.request(ApiKey.InitProducerId, 4, { transactionalId: TRANSACTIONAL_ID, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
      return init.errorCode === E.NONE && Object.assign(client, { producer: { producerId: init.producerId, producerEpoch: init.producerEpoch } })
    },
    30_000,
  )
}

/** AddOffsetsToTxn: the group's __consumer_offsets partition joins the producer's transaction. */
async function addOffsets(txn: RawClient, groupId: string, producerId: bigint, producerEpoch: number): Promise<void> {
  const answer = await eventually('AddOffsetsToTxn', async () => {
    const a = await txn.request(ApiKey.AddOffsetsToTxn, 3, { transactionalId: TRANSACTIONAL_ID, producerId, producerEpoch, groupId })
    return a.errorCode === E.CONCURRENT_TRANSACTIONS ? false : a
  })
  expect(answer.errorCode).toBe(E.NONE)
}

async function endTxn(txn: RawClient, producerId: bigint, producerEpoch: number, committed: boolean): Promise<void> {
  const answer = await eventually('EndTxn', async () => {
    const a = await txn.request(ApiKey.EndTxn, 3, { transactionalId: TRANSACTIONAL_ID, producerId, producerEpoch, committed })
    return a.errorCode === E.CONCURRENT_TRANSACTIONS ? false : a
  })
  expect(answer.errorCode).toBe(E.NONE)
}

const UNSTABLE = `-1/${E.UNSTABLE_OFFSET_COMMIT}`
const CONFIGS = { 'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS), 'transaction.state.log.num.partitions': '3' }

describe('transactional offset commits on real brokers, with the transaction coordinator', () => {
  afterEach(() => {
    clients.closeAll()
  })

  it('TxnOffsetCommit stays pending until EndTxn commits; an abort drops it; verification refuses what the transaction lacks', async () => {
    const cluster = await lab.start(CONFIGS, 1)
    await cluster.createTopic({ name: 'orders', partitions: 2 })
    const bootstrap = await connect(cluster.bootstrapServers)
    const { client } = await coordinatorOf(bootstrap, 'eos-group')
    const txn = await transactionCoordinator(bootstrap)
    const { producerId: pid, producerEpoch: epoch } = txn.producer

    // Without AddOffsetsToTxn the partition is not in the transaction (KIP-890 part 1).
    const TRANSACTION_ABORTABLE = 120
    expect((await client.request(ApiKey.TxnOffsetCommit, 4, txnCommit('eos-group', pid, epoch, { 0: 1 }))).topics[0].partitions[0].errorCode).toBe(TRANSACTION_ABORTABLE)
    expect((await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('eos-group', pid, epoch, { 0: 1 }))).topics[0].partitions[0].errorCode).toBe(E.INVALID_TXN_STATE)

    await addOffsets(txn, 'eos-group', pid, epoch)
    const committed = await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('eos-group', pid, epoch, { 0: 10, 1: 20 }))
    expect(committed.topics).toEqual([{ name: 'orders', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, errorCode: E.NONE }, { partitionIndex: 1, errorCode: E.NONE }] }])
    expect(await fetchOffsets(client, 'eos-group', false)).toEqual(['-1/0', '-1/0'])
    expect(await fetchOffsets(client, 'eos-group', true)).toEqual([UNSTABLE, UNSTABLE])
    expect(await fetchOffsets(client, 'eos-group', true, 8)).toEqual([UNSTABLE, UNSTABLE])
    await endTxn(txn, pid, epoch, true)
    await eventually('the commit marker', async () => (await fetchOffsets(client, 'eos-group', true)).join() === '10/0,20/0')
    expect(await fetchOffsets(client, 'eos-group', true, 8)).toEqual(['10/0', '20/0'])

    await addOffsets(txn, 'eos-group', pid, epoch)
    expect((await client.request(ApiKey.TxnOffsetCommit, 0, txnCommit('eos-group', pid, epoch, { 0: 11 }))).topics[0].partitions[0].errorCode).toBe(E.NONE)
    expect(await fetchOffsets(client, 'eos-group', true)).toEqual([UNSTABLE, '20/0'])
    await endTxn(txn, pid, epoch, false)
    await eventually('the abort marker', async () => (await fetchOffsets(client, 'eos-group', true)).join() === '10/0,20/0')

    // A new InitProducerId fences the old epoch.
    const fenced = await txn.request(ApiKey.InitProducerId, 4, { transactionalId: TRANSACTIONAL_ID, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
    expect(fenced.producerEpoch).toBeGreaterThan(epoch)
    expect((await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('eos-group', pid, epoch, { 0: 13 }))).topics[0].partitions[0].errorCode).toBe(E.INVALID_PRODUCER_EPOCH)

    // Unknown partitions never reach the coordinator; an empty group id is INVALID_GROUP_ID.
    const unknown = await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('eos-group', pid, fenced.producerEpoch, { 7: 1 }))
    expect(unknown.topics).toEqual([{ name: 'orders', topicId: ZERO_UUID, partitions: [{ partitionIndex: 7, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION }] }])
    const noGroup = await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('', pid, fenced.producerEpoch, { 0: 1 }))
    expect(noGroup.topics[0].partitions[0].errorCode).toBe(E.INVALID_GROUP_ID)
  })

  it("a crash of the group coordinator's broker mid-transaction: the new leader keeps the offsets pending, then EndTxn's marker completes them", async () => {
    const cluster = await lab.start(CONFIGS, 3)
    await cluster.createTopic({ name: 'orders', partitions: 2, replicationFactor: 3 })
    const bootstrap = await connect(cluster.bootstrapServers)
    const first = await coordinatorOf(bootstrap, 'failover-group')
    let txn = await transactionCoordinator(bootstrap)
    const { producerId: pid, producerEpoch: epoch } = txn.producer
    // Another broker is not the group's coordinator.
    const other = await connect(cluster.bootstrapServers.split(',').find((_, i) => i + 1 !== first.nodeId)!)
    const elsewhere = await other.request(ApiKey.TxnOffsetCommit, 3, txnCommit('failover-group', pid, epoch, { 0: 1, 1: 1 }))
    expect(elsewhere.topics[0].partitions.map((p) => p.errorCode)).toEqual([E.NOT_COORDINATOR, E.NOT_COORDINATOR])

    await addOffsets(txn, 'failover-group', pid, epoch)
    await first.client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('failover-group', pid, epoch, { 0: 5, 1: 6 }))
    await endTxn(txn, pid, epoch, true)
    await eventually('the commit marker', async () => (await fetchOffsets(first.client, 'failover-group', true)).join() === '5/0,6/0')
    await addOffsets(txn, 'failover-group', pid, epoch)
    const open = await first.client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('failover-group', pid, epoch, { 0: 50 }))
    expect(open.topics[0].partitions[0].errorCode).toBe(E.NONE)

    await cluster.crashBroker(first.nodeId)
    const survivor = await connect(
      cluster.bootstrapServers
        .split(',')
        .filter((_, i) => i + 1 !== first.nodeId)
        .join(','),
    )
    const second = await coordinatorOf(survivor, 'failover-group', first.nodeId)
    expect(await fetchOffsets(second.client, 'failover-group', false)).toEqual(['5/0', '6/0'])
    expect(await fetchOffsets(second.client, 'failover-group', true)).toEqual([UNSTABLE, '6/0'])

    // EndTxn at the transaction coordinator (found again: it fails over too if it lived on the crashed broker).
    txn = await eventually<TxnClient>(
      'the transaction coordinator after the crash',
      async () => {
        const a = (await survivor.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [TRANSACTIONAL_ID] })).coordinators[0]
        return a.errorCode === E.NONE && a.nodeId !== first.nodeId && Object.assign(await connect(`${a.host}:${a.port}`), { producer: txn.producer })
      },
      30_000,
    )
    await endTxn(txn, pid, epoch, true)
    await eventually('the commit marker on the new leader', async () => (await fetchOffsets(second.client, 'failover-group', true)).join() === '50/0,6/0', 30_000)
  })
})
