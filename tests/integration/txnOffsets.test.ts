// Transactional offset commits on real brokers, through their Kafka listeners: TxnOffsetCommit
// to the group coordinator, OffsetFetch with and without RequireStable, and the COMMIT or ABORT
// marker written to the group's __consumer_offsets partition with WriteTxnMarkers (as the
// transaction coordinator, or kafka-transactions --abort, sends it to the partition leader).
// Then the coordinator's broker crashes with a transaction open: the new leader keeps the
// offsets pending, and the marker written to it completes them.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey, type TxnOffsetCommitRequest } from '../../main/cluster/protocol/messages'
import { ErrorCode as E } from '../../main/cluster/errors'
import { partitionFor } from '../../main/cluster/broker/group'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'

const lab = useCluster()
const clients: RawClient[] = []
const OFFSETS_PARTITIONS = 3

async function connect(bootstrap: string): Promise<RawClient> {
  const client = await RawClient.connect(bootstrap)
  clients.push(client)
  return client
}

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
    transactionalId: 'txn-offsets-test',
    groupId,
    producerId,
    producerEpoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 'orders', partitions: Object.entries(offsets).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: BigInt(o), committedLeaderEpoch: -1, committedMetadata: 'eos' })) }],
  }
}

/** OffsetFetch of orders-0 and orders-1 as `offset/error`, v7 (one group) or v8 (groups). */
async function fetchOffsets(client: RawClient, groupId: string, requireStable: boolean, version = 7): Promise<string[]> {
  const topics = [{ name: 'orders', partitionIndexes: [0, 1] }]
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

async function marker(client: RawClient, partition: number, producerId: bigint, producerEpoch: number, commit: boolean): Promise<number> {
  const answer = await client.request(ApiKey.WriteTxnMarkers, 1, {
    markers: [{ producerId, producerEpoch, transactionResult: commit, coordinatorEpoch: 0, topics: [{ name: '__consumer_offsets', partitionIndexes: [partition] }] }],
  })
  return answer.markers[0].topics[0].partitions[0].errorCode
}

async function producerId(client: RawClient): Promise<{ producerId: bigint; producerEpoch: number }> {
  const answer = await client.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
  expect(answer.errorCode).toBe(E.NONE)
  return answer
}

const UNSTABLE = `-1/${E.UNSTABLE_OFFSET_COMMIT}`

function errors(response: { topics: { partitions: { errorCode: number }[] }[] }): number[] {
  return response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))
}

describe('transactional offset commits on real brokers', () => {
  afterEach(() => {
    for (const c of clients.splice(0)) c.close()
  })

  it('TxnOffsetCommit stays pending until the COMMIT marker; ABORT drops it', async () => {
    const cluster = await lab.start({ 'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS) }, 1)
    await cluster.createTopic({ name: 'orders', partitions: 2 })
    const bootstrap = await connect(cluster.bootstrapServers)
    const { client, partition } = await coordinatorOf(bootstrap, 'eos-group')
    const { producerId: pid, producerEpoch: epoch } = await producerId(client)

    const committed = await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('eos-group', pid, epoch, { 0: 10, 1: 20 }))
    expect(committed.topics).toEqual([{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: E.NONE }, { partitionIndex: 1, errorCode: E.NONE }] }])
    expect(await fetchOffsets(client, 'eos-group', false)).toEqual(['-1/0', '-1/0'])
    expect(await fetchOffsets(client, 'eos-group', true)).toEqual([UNSTABLE, UNSTABLE])
    expect(await fetchOffsets(client, 'eos-group', true, 8)).toEqual([UNSTABLE, UNSTABLE])

    expect(await marker(client, partition, pid, epoch, true)).toBe(E.NONE)
    expect(await fetchOffsets(client, 'eos-group', true)).toEqual(['10/0', '20/0'])
    expect(await fetchOffsets(client, 'eos-group', true, 8)).toEqual(['10/0', '20/0'])

    // The next transaction of the producer commits offsets, then aborts.
    expect((await client.request(ApiKey.TxnOffsetCommit, 0, txnCommit('eos-group', pid, epoch, { 0: 11 }))).topics[0].partitions[0].errorCode).toBe(E.NONE)
    expect(await fetchOffsets(client, 'eos-group', true)).toEqual([UNSTABLE, '20/0'])
    expect(await marker(client, partition, pid, epoch, false)).toBe(E.NONE)
    expect(await fetchOffsets(client, 'eos-group', true)).toEqual(['10/0', '20/0'])

    // An older epoch of the producer is refused by the partition, as Kafka's log refuses it.
    const stale = await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('eos-group', pid, epoch + 1, { 0: 12 }))
    expect(stale.topics[0].partitions[0].errorCode).toBe(E.NONE)
    expect(await marker(client, partition, pid, epoch + 1, true)).toBe(E.NONE)
    expect((await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('eos-group', pid, epoch, { 0: 13 }))).topics[0].partitions[0].errorCode).toBe(E.INVALID_PRODUCER_EPOCH)
    expect(await fetchOffsets(client, 'eos-group', true)).toEqual(['12/0', '20/0'])

    // Unknown partitions never reach the coordinator; an empty group id is INVALID_GROUP_ID.
    const unknown = await client.request(ApiKey.TxnOffsetCommit, 3, { ...txnCommit('eos-group', pid, epoch + 1, { 7: 1 }) })
    expect(unknown.topics).toEqual([{ name: 'orders', partitions: [{ partitionIndex: 7, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION }] }])
    const noGroup = await client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('', pid, epoch + 1, { 0: 1 }))
    expect(noGroup.topics[0].partitions[0].errorCode).toBe(E.INVALID_GROUP_ID)
  })

  it("a crash of the coordinator's broker mid-transaction: the new leader keeps the offsets pending, then the marker completes them", async () => {
    const cluster = await lab.start({ 'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS) }, 3)
    await cluster.createTopic({ name: 'orders', partitions: 2, replicationFactor: 3 })
    const bootstrap = await connect(cluster.bootstrapServers)
    const first = await coordinatorOf(bootstrap, 'failover-group')
    const { producerId: pid, producerEpoch: epoch } = await producerId(first.client)
    // Another broker is not the group's coordinator.
    const other = await connect(cluster.bootstrapServers.split(',').find((_, i) => i + 1 !== first.nodeId)!)
    const elsewhere = await other.request(ApiKey.TxnOffsetCommit, 3, txnCommit('failover-group', pid, epoch, { 0: 1, 1: 1 }))
    expect(errors(elsewhere)).toEqual([E.NOT_COORDINATOR, E.NOT_COORDINATOR])

    // One committed transaction, then one left open.
    await first.client.request(ApiKey.TxnOffsetCommit, 3, txnCommit('failover-group', pid, epoch, { 0: 5, 1: 6 }))
    expect(await marker(first.client, first.partition, pid, epoch, true)).toBe(E.NONE)
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
    expect(second.nodeId).not.toBe(first.nodeId)
    expect(await fetchOffsets(second.client, 'failover-group', false)).toEqual(['5/0', '6/0'])
    expect(await fetchOffsets(second.client, 'failover-group', true)).toEqual([UNSTABLE, '6/0'])

    // The transaction coordinator writes its marker to the new leader.
    expect(await marker(second.client, second.partition, pid, epoch, true)).toBe(E.NONE)
    expect(await fetchOffsets(second.client, 'failover-group', true)).toEqual(['50/0', '6/0'])
  })
})
