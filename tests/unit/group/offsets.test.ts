// Offsets and the admin APIs of the group coordinator, and a new leader's reload.
import { describe, expect, it } from 'vitest'
import { ErrorCode as E, KafkaError } from '../../../main/cluster/errors'
import { ZERO_UUID, type OffsetCommitRequest } from '../../../main/cluster/protocol/messages'
import { Consumer, Harness, assignment, rebalance } from './harness'

function simpleCommit(groupId: string, offsets: Record<string, number>, extra: Partial<OffsetCommitRequest> = {}): OffsetCommitRequest {
  const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[]>()
  for (const [tp, offset] of Object.entries(offsets)) {
    const [topic, partition] = tp.split('-')
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partitionIndex: Number(partition), committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: null }])
  }
  return { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [...byTopic].map(([name, partitions]) => ({ name, topicId: ZERO_UUID, partitions })), ...extra }
}

function errors(response: { topics: { partitions: { errorCode: number }[] }[] }): number[] {
  return response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))
}

async function stableGroup(h: Harness, n = 2, options = {}): Promise<Consumer[]> {
  const consumers = Array.from({ length: n }, (_, i) => new Consumer(h, 'g', `app-${i + 1}`, options))
  await rebalance(h, consumers)
  return consumers
}

describe('offset commits', () => {
  it('a member commits with its generation; stale generations and unknown members are refused', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a, b] = await stableGroup(h)
    expect(errors(await a.commit('orders', 0, 42n))).toEqual([E.NONE])
    expect(errors(await b.commit('orders', 1, 7n))).toEqual([E.NONE])
    expect(errors(await a.commit('orders', 0, 43n, 0))).toEqual([E.ILLEGAL_GENERATION])
    expect(errors(await a.commit('orders', 0, 43n, 1, 'ghost'))).toEqual([E.UNKNOWN_MEMBER_ID])
    // A simple commit (generation -1, no member) while the group has members.
    expect(errors(await h.shard.offsetCommit(simpleCommit('g', { 'orders-0': 1 }), 9))).toEqual([E.UNKNOWN_MEMBER_ID])
    // An unknown group with a generation: a member of a group that does not exist here, GROUP_ID_NOT_FOUND from v9.
    const strangerCommit = { ...simpleCommit('other', { 'orders-0': 1 }), generationIdOrMemberEpoch: 2, memberId: 'm' }
    expect(errors(await h.shard.offsetCommit(strangerCommit, 8))).toEqual([E.ILLEGAL_GENERATION])
    expect(errors(await h.shard.offsetCommit(strangerCommit, 9))).toEqual([E.GROUP_ID_NOT_FOUND])

    // During a rebalance the old generation can still commit, but not once the new one is being assigned.
    h.shard.leaveGroup({ groupId: 'g', memberId: b.memberId, members: [] }, 2)
    expect(a.heartbeat()).toBe(E.REBALANCE_IN_PROGRESS)
    expect(errors(await a.commit('orders', 0, 50n))).toEqual([E.NONE])
    const fetched = h.shard.offsetFetch({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }], groups: [], requireStable: false }, 7)
    expect(fetched.topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch, p.metadata])).toEqual([
      [0, 50n, 3, 'm'],
      [1, 7n, 3, 'm'],
      [2, -1n, -1, ''],
    ])
  })

  it('simple commits create a group without members; big metadata and failed writes are per partition errors', async () => {
    const h = new Harness()
    expect(errors(await h.shard.offsetCommit(simpleCommit('tool', { 'orders-0': 5, 'orders-1': 6, 'audit-0': 1 }), 8))).toEqual([E.NONE, E.NONE, E.NONE])
    expect(h.shard.groups()).toEqual([
      expect.objectContaining({ groupId: 'tool', state: 'Empty', protocolType: null, members: [], offsets: expect.arrayContaining([expect.objectContaining({ topic: 'audit', partition: 0, offset: 1n })]) }),
    ])
    const big = simpleCommit('tool', { 'orders-0': 9 })
    big.topics[0].partitions[0].committedMetadata = 'x'.repeat(4097)
    expect(errors(await h.shard.offsetCommit(big, 8))).toEqual([E.OFFSET_METADATA_TOO_LARGE])
    h.failAppends()
    expect(errors(await h.shard.offsetCommit(simpleCommit('tool', { 'orders-0': 10 }), 8))).toEqual([E.COORDINATOR_NOT_AVAILABLE])
    h.failAppends(new KafkaError('NOT_LEADER_OR_FOLLOWER', 'moved'))
    expect(errors(await h.shard.offsetCommit(simpleCommit('tool', { 'orders-0': 10 }), 8))).toEqual([E.NOT_COORDINATOR])
    h.failAppends(null)
    // Nothing of the failed commits took effect.
    const all = h.shard.offsetFetch({ groupId: 'tool', topics: null, groups: [], requireStable: false }, 7)
    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])).toEqual([
      ['orders', [5n, 6n]],
      ['audit', [1n]],
    ])
  })

  it('OffsetFetch v8+ answers several groups at once', async () => {
    const h = new Harness()
    await h.shard.offsetCommit(simpleCommit('one', { 'orders-0': 1 }), 8)
    await h.shard.offsetCommit(simpleCommit('two', { 'orders-0': 2, 'orders-1': 3 }), 8)
    const response = h.shard.offsetFetch(
      {
        groupId: '',
        topics: null,
        requireStable: true,
        groups: [
          { groupId: 'one', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', topicId: ZERO_UUID, partitionIndexes: [0, 1] }] },
          { groupId: 'two', memberId: null, memberEpoch: -1, topics: null },
          { groupId: 'none', memberId: null, memberEpoch: -1, topics: null },
        ],
      },
      9,
    )
    expect(response.groups.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}=${p.committedOffset}`))])).toEqual([
      ['one', E.NONE, ['orders-0=1', 'orders-1=-1']],
      ['two', E.NONE, ['orders-0=2', 'orders-1=3']],
      ['none', E.NONE, []],
    ])
  })
})

describe('admin APIs', () => {
  it('DescribeGroups, ListGroups with a states filter, DeleteGroups only for Empty groups', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a] = await stableGroup(h)
    await h.shard.offsetCommit(simpleCommit('tool', { 'orders-0': 5 }), 8)
    const described = h.shard.describeGroups({ groups: ['g', 'tool', 'missing'], includeAuthorizedOperations: false }, 5).groups
    expect(described.map((g) => [g.groupId, g.errorCode, g.groupState, g.protocolType, g.protocolData, g.members.length])).toEqual([
      ['g', E.NONE, 'Stable', 'consumer', 'range', 2],
      ['tool', E.NONE, 'Empty', '', '', 0],
      ['missing', E.NONE, 'Dead', '', '', 0],
    ])
    expect(described[0].members[0]).toMatchObject({ memberId: a.memberId, clientId: 'app-1', clientHost: '/127.0.0.1', memberAssignment: assignment({ orders: [0] }) })

    const list = (states: string[], version = 4) => h.shard.listGroups({ statesFilter: states, typesFilter: [] }, version).groups.map((g) => [g.groupId, g.groupState])
    expect(list([])).toEqual([
      ['g', 'Stable'],
      ['tool', 'Empty'],
    ])
    expect(list(['empty'])).toEqual([['tool', 'Empty']])
    expect(h.shard.listGroups({ statesFilter: [], typesFilter: ['consumer'] }, 5).groups).toEqual([])

    const deleted = await h.shard.deleteGroups({ groupsNames: ['g', 'tool', 'missing'] }, 2)
    expect(deleted.results).toEqual([
      { groupId: 'g', errorCode: E.NON_EMPTY_GROUP, errorMessage: null },
      { groupId: 'tool', errorCode: E.NONE, errorMessage: null },
      { groupId: 'missing', errorCode: E.GROUP_ID_NOT_FOUND, errorMessage: null },
    ])
    expect(list([])).toEqual([['g', 'Stable']])
    // Its offsets went with it, on this leader too (Kafka's OffsetFetch answers nothing for it).
    expect(h.shard.offsetFetch({ groupId: 'tool', topics: null, groups: [], requireStable: false }, 7).topics).toEqual([])
    // Deleted for good: a new leader replaying the log does not bring it back.
    expect(h.failover().groups().map((g) => g.groupId)).toEqual(['g'])
  })

  it('OffsetDelete refuses topics a live consumer group subscribes to, and deletes the rest', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a] = await stableGroup(h)
    await a.commit('orders', 0, 10n)
    await a.commit('old-topic', 0, 3n)
    const request = { groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }, { name: 'old-topic', partitions: [{ partitionIndex: 0 }] }] }
    const response = await h.shard.offsetDelete(request, 0)
    expect(response.errorCode).toBe(E.NONE)
    expect(response.topics.map((t) => [t.name, t.partitions[0].errorCode])).toEqual([
      ['orders', E.GROUP_SUBSCRIBED_TO_TOPIC],
      ['old-topic', E.NONE],
    ])
    expect(h.shard.groups()[0].offsets.map((o) => o.topic)).toEqual(['orders'])
    expect((await h.shard.offsetDelete({ ...request, groupId: 'missing' }, 0)).errorCode).toBe(E.GROUP_ID_NOT_FOUND)
    // Once the group is Empty, any offset may go.
    for (const c of h.shard.groups()[0].members) h.shard.leaveGroup({ groupId: 'g', memberId: c.memberId, members: [] }, 2)
    expect(h.shard.groups()[0].state).toBe('Empty')
    expect(errors(await h.shard.offsetDelete(request, 0))).toEqual([E.NONE, E.NONE])
    expect(h.shard.groups()[0].offsets).toEqual([])
  })

  it('resetOffsets refuses a group with members and commits for an Empty one', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a, b] = await stableGroup(h)
    await expect(h.shard.resetOffsets('g', [{ topic: 'orders', partition: 0, offset: 0 }])).rejects.toThrow(/Group g is Stable with 2 member\(s\)/)
    await expect(h.shard.resetOffsets('g', [])).rejects.toMatchObject({ errorName: 'NON_EMPTY_GROUP' })
    h.shard.leaveGroup({ groupId: 'g', memberId: '', members: [a, b].map((c) => ({ memberId: c.memberId, groupInstanceId: null, reason: null })) }, 3)
    await h.shard.resetOffsets('g', [{ topic: 'orders', partition: 0, offset: 100 }])
    expect(h.shard.groups()[0]).toMatchObject({ state: 'Empty', generation: 2, offsets: [expect.objectContaining({ topic: 'orders', partition: 0, offset: 100n })] })
  })
})

describe('offset retention', () => {
  it('an Empty consumer group keeps its offsets for offsets.retention.minutes after its last member left, then goes', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100, offsetsRetentionMinutes: 60, offsetsRetentionCheckIntervalMs: 60_000 })
    const [a] = await stableGroup(h, 1, { sessionTimeoutMs: 1_800_000 })
    await a.commit('orders', 0, 10n)
    // A Stable group's offsets for topics it subscribes to never expire, however old.
    for (let i = 0; i < 6; i++) {
      await h.advance(20 * 60_000)
      expect(a.heartbeat()).toBe(E.NONE)
    }
    expect(h.shard.groups()[0].offsets).toHaveLength(1)
    h.shard.leaveGroup({ groupId: 'g', memberId: a.memberId, members: [] }, 2)
    const emptiedAt = h.time
    await h.advance(59 * 60_000)
    expect(h.shard.groups()[0]).toMatchObject({ state: 'Empty', offsets: [expect.objectContaining({ offset: 10n })] })
    await h.advance(2 * 60_000)
    expect(h.time - emptiedAt).toBeGreaterThan(60 * 60_000)
    // The offsets expired and, with them gone, the Empty group was deleted.
    expect(h.shard.groups()).toEqual([])
    expect(h.failover().groups()).toEqual([])
  })

  it('a simple group expires each offset by its commit time; a commit retention time overrides the config', async () => {
    const h = new Harness({ offsetsRetentionMinutes: 10, offsetsRetentionCheckIntervalMs: 1000 })
    await h.shard.offsetCommit(simpleCommit('tool', { 'orders-0': 1 }), 8)
    await h.shard.offsetCommit(simpleCommit('tool', { 'audit-0': 1 }, { retentionTimeMs: 3_600_000n }), 4)
    await h.advance(5 * 60_000)
    await h.shard.offsetCommit(simpleCommit('tool', { 'orders-1': 1 }), 8)
    await h.advance(5 * 60_000 + 1000)
    expect(h.shard.groups()[0].offsets.map((o) => `${o.topic}-${o.partition}`).sort()).toEqual(['audit-0', 'orders-1'])
    await h.advance(5 * 60_000)
    expect(h.shard.groups()[0].offsets.map((o) => `${o.topic}-${o.partition}`)).toEqual(['audit-0'])
    await h.advance(50 * 60_000)
    expect(h.shard.groups()).toEqual([])
  })
})

describe('failover', () => {
  it('a new leader loads the same groups and offsets from the records, and members carry on', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a, b] = await stableGroup(h)
    await a.commit('orders', 0, 42n)
    await b.commit('orders', 1, 7n)
    await h.shard.offsetCommit(simpleCommit('tool', { 'audit-0': 3 }), 8)
    await h.shard.resetOffsets('tool', [{ topic: 'audit', partition: 0, offset: 1 }])
    const before = h.shard.groups()
    const shard = h.failover()
    expect(shard.groups()).toEqual(before)
    // Members keep their generation and heartbeat to the new leader...
    expect([a.heartbeat(), b.heartbeat()]).toEqual([E.NONE, E.NONE])
    expect(errors(await a.commit('orders', 0, 43n))).toEqual([E.NONE])
    // ...and one that stopped heartbeating expires from the load on.
    for (let i = 0; i < 4; i++) {
      await h.advance(3000)
      a.heartbeat()
    }
    expect(shard.groups().find((g) => g.groupId === 'g')).toMatchObject({ state: 'PreparingRebalance', members: [expect.objectContaining({ memberId: a.memberId })] })
  })
})
