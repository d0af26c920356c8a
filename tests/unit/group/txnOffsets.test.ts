// Transactional offset commits in the group coordinator shard (Kafka's OffsetMetadataManager:
// commitTransactionalOffset, replayEndTransactionMarker): TxnOffsetCommit's checks, offsets
// pending per producer until the marker, OffsetFetch with RequireStable, deletes and expiry
// while a transaction is open, and a new leader that replays the partition.
import { describe, expect, it } from 'vitest'
import { ErrorCode as E, KafkaError } from '../../../main/cluster/errors'
import { ZERO_UUID, type OffsetFetchRequest, type TxnOffsetCommitRequest } from '../../../main/cluster/protocol/messages'
import { Consumer, Harness, rebalance } from './harness'

const PID = 4000
const OTHER_PID = 4001

function txnCommit(groupId: string, offsets: Record<string, number>, extra: Partial<TxnOffsetCommitRequest> = {}): TxnOffsetCommitRequest {
  const byTopic = new Map<string, TxnOffsetCommitRequest['topics'][number]['partitions']>()
  for (const [tp, offset] of Object.entries(offsets)) {
    const [topic, partition] = tp.split('-')
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partitionIndex: Number(partition), committedOffset: BigInt(offset), committedLeaderEpoch: 2, committedMetadata: 'txn' }])
  }
  return {
    transactionalId: 'tx-1',
    groupId,
    producerId: BigInt(PID),
    producerEpoch: 0,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [...byTopic].map(([name, partitions]) => ({ name, topicId: ZERO_UUID, partitions })),
    ...extra,
  }
}

function errors(response: { topics: { partitions: { errorCode: number }[] }[] }): number[] {
  return response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))
}

/** OffsetFetch v7 (one group) of the listed partitions, or every committed one: `tp=offset/error`. */
function fetch(h: Harness, groupId: string, requireStable: boolean, partitions: string[] | null = null): string[] {
  const topics = partitions && [...new Set(partitions.map((tp) => tp.split('-')[0]))].map((name) => ({ name, partitionIndexes: partitions.filter((tp) => tp.startsWith(`${name}-`)).map((tp) => Number(tp.split('-')[1])) }))
  const request: OffsetFetchRequest = { groupId, topics, requireStable, groups: [] }
  const response = h.shard.offsetFetch(request, 7)
  expect(response.errorCode).toBe(E.NONE)
  return response.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}=${p.committedOffset}${p.errorCode ? `/${p.errorCode}` : ''}`))
}

async function stableGroup(h: Harness, options: { instanceId?: string } = {}): Promise<Consumer[]> {
  const consumers = options.instanceId ? [new Consumer(h, 'g', 'app-1', options)] : [new Consumer(h, 'g', 'app-1'), new Consumer(h, 'g', 'app-2')]
  await rebalance(h, consumers)
  return consumers
}

describe('TxnOffsetCommit', () => {
  it('writes the offsets in a transactional batch of the producer, pending until COMMIT', async () => {
    const h = new Harness()
    await h.shard.offsetCommit(
      { groupId: 'tool', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'orders', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null }] }] },
      8,
    )
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 42, 'orders-1': 7 }), 0))).toEqual([E.NONE, E.NONE])
    // The records are offset commits in Kafka's layout, in a batch of the producer.
    expect(h.records.slice(-2).map((r) => r.producerId)).toEqual([PID, PID])
    // Without RequireStable: the committed offsets, not the pending ones.
    expect(fetch(h, 'tool', false, ['orders-0', 'orders-1'])).toEqual(['orders-0=5', 'orders-1=-1'])
    expect(fetch(h, 'tool', false)).toEqual(['orders-0=5'])
    // With RequireStable: UNSTABLE_OFFSET_COMMIT for each partition with a pending offset.
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-1', 'orders-2'])).toEqual([`orders-0=-1/${E.UNSTABLE_OFFSET_COMMIT}`, `orders-1=-1/${E.UNSTABLE_OFFSET_COMMIT}`, 'orders-2=-1'])
    expect(fetch(h, 'tool', true)).toEqual([`orders-0=-1/${E.UNSTABLE_OFFSET_COMMIT}`])
    expect(h.shard.pendingTransactionalOffset(PID, 'tool', 'orders-0'.split('-')[0], 0)).toMatchObject({ offset: 42n, leaderEpoch: 2, metadata: 'txn' })

    h.marker(PID, true)
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-1'])).toEqual(['orders-0=42', 'orders-1=7'])
    expect(h.shard.groups()[0].offsets.map((o) => [o.partition, o.offset, o.leaderEpoch, o.metadata])).toEqual([
      [0, 42n, 2, 'txn'],
      [1, 7n, 2, 'txn'],
    ])
    expect(h.shard.pendingTransactionalOffset(PID, 'tool', 'orders', 0)).toBeUndefined()
  })

  it('ABORT drops the pending offsets and leaves the committed ones', async () => {
    const h = new Harness()
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 10 }), 2)
    h.marker(PID, true)
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 20 }), 2)
    expect(fetch(h, 'tool', true, ['orders-0'])).toEqual([`orders-0=-1/${E.UNSTABLE_OFFSET_COMMIT}`])
    h.marker(PID, false)
    expect(fetch(h, 'tool', true, ['orders-0'])).toEqual(['orders-0=10'])
    // A marker of a producer without pending offsets changes nothing.
    h.marker(OTHER_PID, true)
    expect(fetch(h, 'tool', true, ['orders-0'])).toEqual(['orders-0=10'])
  })

  it('transactions of two producers end apart', async () => {
    const h = new Harness()
    await h.shard.txnOffsetCommit(txnCommit('g1', { 'orders-0': 1 }), 3)
    await h.shard.txnOffsetCommit(txnCommit('g1', { 'orders-1': 2 }, { producerId: BigInt(OTHER_PID), transactionalId: 'tx-2' }), 3)
    h.marker(OTHER_PID, true)
    expect(fetch(h, 'g1', true, ['orders-0', 'orders-1'])).toEqual([`orders-0=-1/${E.UNSTABLE_OFFSET_COMMIT}`, 'orders-1=2'])
    h.marker(PID, true)
    expect(fetch(h, 'g1', true, ['orders-0', 'orders-1'])).toEqual(['orders-0=1', 'orders-1=2'])
  })

  it('a commit materialises only over an offset written before it (record offsets, as Kafka)', async () => {
    const h = new Harness()
    const plain = (offset: bigint) =>
      h.shard.offsetCommit(
        { groupId: 'tool', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'orders', topicId: ZERO_UUID, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }] },
        8,
      )
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 100 }), 4)
    await plain(200n)
    h.marker(PID, true)
    expect(fetch(h, 'tool', true, ['orders-0'])).toEqual(['orders-0=200'])
    await plain(300n)
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 400 }), 4)
    h.marker(PID, true)
    expect(fetch(h, 'tool', true, ['orders-0'])).toEqual(['orders-0=400'])
    // A new leader replays the same outcome.
    h.failover()
    expect(fetch(h, 'tool', true, ['orders-0'])).toEqual(['orders-0=400'])
  })

  it('v3+ checks the member: unknown member, generation, static member; not the group state', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a, b] = await stableGroup(h)
    const member = { generationId: a.generation, memberId: a.memberId }
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 1 }, member), 3))).toEqual([E.NONE])
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 1 }, { ...member, memberId: 'ghost' }), 3))).toEqual([E.UNKNOWN_MEMBER_ID])
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 1, 'orders-1': 2 }, { ...member, generationId: 0 }), 3))).toEqual([E.ILLEGAL_GENERATION, E.ILLEGAL_GENERATION])
    // An unknown group with a generation: ILLEGAL_GENERATION; without one, a simple group is made.
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('nobody', { 'orders-0': 1 }, { generationId: 3, memberId: 'm' }), 3))).toEqual([E.ILLEGAL_GENERATION])
    // v0-v2 carry no member: accepted even while the group has members (unlike OffsetCommit).
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 1 }), 2))).toEqual([E.NONE])
    // A member in CompletingRebalance may commit transactionally (OffsetCommit answers REBALANCE_IN_PROGRESS).
    const joined = await Promise.all([new Consumer(h, 'g', 'app-3').join(), a.join(), b.join()])
    let done = false
    const responses = Promise.all(joined.map((j) => j.response)).then(() => (done = true))
    for (let waited = 0; !done && waited < 60_000; waited += 100) await h.advance(100)
    await responses
    expect(h.shard.groups()[0].state).toBe('CompletingRebalance')
    expect(errors(await a.commit('orders', 0, 1n))).toEqual([E.REBALANCE_IN_PROGRESS])
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 1 }, { generationId: a.generation, memberId: a.memberId }), 3))).toEqual([E.NONE])
  })

  it('a static member with another member id is FENCED_INSTANCE_ID', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a] = await stableGroup(h, { instanceId: 'static-1' })
    const ok = { generationId: a.generation, memberId: a.memberId, groupInstanceId: 'static-1' }
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 1 }, ok), 4))).toEqual([E.NONE])
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 1 }, { ...ok, memberId: 'someone-else' }), 4))).toEqual([E.FENCED_INSTANCE_ID])
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 1 }, { ...ok, groupInstanceId: 'unknown' }), 4))).toEqual([E.UNKNOWN_MEMBER_ID])
  })

  it('OFFSET_METADATA_TOO_LARGE per partition; a failed write answers every partition and leaves nothing pending', async () => {
    const h = new Harness()
    const request = txnCommit('tool', { 'orders-0': 1, 'orders-1': 2 })
    request.topics[0].partitions[1].committedMetadata = 'x'.repeat(4097)
    expect(errors(await h.shard.txnOffsetCommit(request, 3))).toEqual([E.NONE, E.OFFSET_METADATA_TOO_LARGE])
    expect(h.shard.pendingTransactionalOffset(PID, 'tool', 'orders', 1)).toBeUndefined()
    h.marker(PID, true)

    h.failAppends()
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 5, 'orders-2': 6 }), 3))).toEqual([E.COORDINATOR_NOT_AVAILABLE, E.COORDINATOR_NOT_AVAILABLE])
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-2'])).toEqual(['orders-0=1', 'orders-2=-1'])
    h.failAppends(new KafkaError('NOT_LEADER_OR_FOLLOWER', 'moved'))
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 5 }), 3))).toEqual([E.NOT_COORDINATOR])
    // The producer's own errors reach it as the log answered them.
    h.failAppends(new KafkaError('INVALID_PRODUCER_EPOCH', 'old epoch'))
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 5 }), 3))).toEqual([E.INVALID_PRODUCER_EPOCH])
    h.failAppends(null)
    expect(fetch(h, 'tool', true, ['orders-0'])).toEqual(['orders-0=1'])
  })
})

describe('TxnOffsetCommit verification (KIP-890 part 1)', () => {
  it("asks the transaction coordinator first; its refusal answers every partition in the client version's words", async () => {
    const h = new Harness()
    const asked: unknown[] = []
    let answer: number = E.NONE
    h.verify = async (transactionalId, producer) => (asked.push({ transactionalId, ...producer }), answer)
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 1 }), 4))).toEqual([E.NONE])
    expect(asked).toEqual([{ transactionalId: 'tx-1', producerId: PID, producerEpoch: 0 }])
    h.marker(PID, true)
    const written = h.log.length

    const TRANSACTION_ABORTABLE = 120
    answer = TRANSACTION_ABORTABLE
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 2, 'orders-1': 3 }), 4))).toEqual([TRANSACTION_ABORTABLE, TRANSACTION_ABORTABLE])
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 2 }), 3))).toEqual([E.INVALID_TXN_STATE])
    // Before the member is checked, as Kafka's scheduleTransactionalWriteOperation.
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 2 }, { generationId: 5, memberId: 'ghost' }), 4))).toEqual([TRANSACTION_ABORTABLE])
    answer = E.PRODUCER_FENCED
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 2 }), 4))).toEqual([E.INVALID_PRODUCER_EPOCH])
    answer = E.NETWORK_EXCEPTION
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 2 }), 4))).toEqual([E.COORDINATOR_LOAD_IN_PROGRESS])
    answer = E.CONCURRENT_TRANSACTIONS
    expect(errors(await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 2 }), 4))).toEqual([E.CONCURRENT_TRANSACTIONS])
    // Nothing was written, nothing is pending.
    expect(h.log.length).toBe(written)
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-1'])).toEqual(['orders-0=1', 'orders-1=-1'])
  })
})

describe('OffsetFetch v8 with RequireStable', () => {
  it('answers UNSTABLE_OFFSET_COMMIT per partition, the group itself without error', async () => {
    const h = new Harness()
    await h.shard.txnOffsetCommit(txnCommit('one', { 'orders-0': 1 }), 3)
    const request = (requireStable: boolean): OffsetFetchRequest => ({
      groupId: '',
      topics: null,
      requireStable,
      groups: [
        { groupId: 'one', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', topicId: ZERO_UUID, partitionIndexes: [0, 1] }] },
        { groupId: 'two', memberId: null, memberEpoch: -1, topics: null },
      ],
    })
    const answer = (requireStable: boolean) =>
      h.shard.offsetFetch(request(requireStable), 8).groups.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode]))])
    expect(answer(true)).toEqual([
      ['one', E.NONE, [[0, -1n, E.UNSTABLE_OFFSET_COMMIT], [1, -1n, E.NONE]]],
      ['two', E.NONE, []],
    ])
    expect(answer(false)).toEqual([
      ['one', E.NONE, [[0, -1n, E.NONE], [1, -1n, E.NONE]]],
      ['two', E.NONE, []],
    ])
    h.marker(PID, true)
    expect(answer(true)[0]).toEqual(['one', E.NONE, [[0, 1n, E.NONE], [1, -1n, E.NONE]]])
  })
})

describe('deletes and expiry while a transaction is open', () => {
  it('DeleteGroups refuses a group with members; an Empty one goes with tombstones for its pending offsets too', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a] = await stableGroup(h)
    await h.shard.txnOffsetCommit(txnCommit('g', { 'orders-0': 8 }, { generationId: a.generation, memberId: a.memberId }), 3)
    expect((await h.shard.deleteGroups({ groupsNames: ['g'] }, 2)).results).toEqual([{ groupId: 'g', errorCode: E.NON_EMPTY_GROUP, errorMessage: null }])

    await h.shard.txnOffsetCommit(txnCommit('pending-only', { 'orders-0': 1, 'orders-1': 2 }), 2)
    const written = h.records.length
    expect((await h.shard.deleteGroups({ groupsNames: ['pending-only'] }, 2)).results).toEqual([{ groupId: 'pending-only', errorCode: E.NONE, errorMessage: null }])
    // Two offset tombstones and the group's.
    expect(h.records.slice(written).map((r) => r.value)).toEqual([null, null, null])
    // The transaction commits later: the deleted group's offsets do not come back.
    h.marker(PID, true)
    expect(fetch(h, 'pending-only', true, ['orders-0', 'orders-1'])).toEqual(['orders-0=-1', 'orders-1=-1'])
    expect(h.shard.groups().map((g) => g.groupId)).toEqual(['g'])
    expect(fetch(h, 'g', true, ['orders-0'])).toEqual(['orders-0=8'])
  })

  it('OffsetDelete deletes a pending offset (a tombstone), which its commit then leaves deleted', async () => {
    const h = new Harness()
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 3, 'orders-1': 4 }), 3)
    const response = await h.shard.offsetDelete({ groupId: 'tool', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] }, 0)
    expect([response.errorCode, ...errors(response)]).toEqual([E.NONE, E.NONE])
    expect(h.records.at(-1)!.value).toBeNull()
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-1'])).toEqual(['orders-0=-1', `orders-1=-1/${E.UNSTABLE_OFFSET_COMMIT}`])
    h.marker(PID, true)
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-1'])).toEqual(['orders-0=-1', 'orders-1=4'])
  })

  it('an offset with a pending transactional one does not expire, nor does a group with an open transaction', async () => {
    const h = new Harness({ offsetsRetentionMinutes: 1, offsetsRetentionCheckIntervalMs: 1000 })
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 1 }), 3)
    h.marker(PID, true)
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 2 }), 3)
    await h.shard.txnOffsetCommit(txnCommit('waiting', { 'orders-0': 9 }), 3)
    await h.advance(120_000)
    expect(fetch(h, 'tool', false, ['orders-0'])).toEqual(['orders-0=1'])
    expect(h.shard.groups().map((g) => g.groupId).sort()).toEqual(['tool', 'waiting'])
    h.marker(PID, false)
    await h.advance(2_000)
    expect(h.shard.groups()).toEqual([])
  })
})

describe('a new leader (failover)', () => {
  it('keeps transactional offsets pending until their marker, and replays the markers in the log', async () => {
    const h = new Harness()
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 1 }), 3)
    h.marker(PID, true)
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 2 }), 3)
    h.marker(PID, false)
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-1': 3 }, { producerId: BigInt(OTHER_PID) }), 3)
    await h.shard.txnOffsetCommit(txnCommit('tool', { 'orders-0': 4 }), 3)

    h.failover()
    expect(fetch(h, 'tool', false, ['orders-0', 'orders-1'])).toEqual(['orders-0=1', 'orders-1=-1'])
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-1'])).toEqual([`orders-0=-1/${E.UNSTABLE_OFFSET_COMMIT}`, `orders-1=-1/${E.UNSTABLE_OFFSET_COMMIT}`])
    // The group exists (an Empty simple group) even with offsets only pending.
    expect(h.shard.groups().map((g) => [g.groupId, g.state])).toEqual([['tool', 'Empty']])

    h.marker(PID, true)
    h.marker(OTHER_PID, false)
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-1'])).toEqual(['orders-0=4', 'orders-1=-1'])
    h.failover()
    expect(fetch(h, 'tool', true, ['orders-0', 'orders-1'])).toEqual(['orders-0=4', 'orders-1=-1'])
  })
})
