// KIP-848's consumer group protocol in the coordinator (ConsumerGroupManager): joining, the
// epochs, a partition moving only once its owner revoked it, fencing, leaving, session and
// rebalance timeouts, and offset commits checked against member epochs. Kafka's own
// ConsumerGroupHeartbeat and console consumer run against it in tests/reference/consumerGroups.
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../main/cluster/errors'
import { ConsumerGroupManager, DEFAULT_CONSUMER_GROUP_CONFIG, type TopicsView } from '../../../main/cluster/broker/group/consumerGroupManager'
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../../../main/cluster/protocol/messages'
import { heartbeatRequest } from '../../helpers/consumerGroupHeartbeat'

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA'
const topics = (partitions = 4): TopicsView => ({
  byName: (name) => (name === 'orders' ? { topicId: TOPIC_ID, partitions } : undefined),
  byId: (id) => (id === TOPIC_ID ? { name: 'orders', partitions } : undefined),
  names: () => ['orders', '__consumer_offsets'],
})

/** Assignments at once (assignmentIntervalMs 0) unless a test batches them as Kafka 4.4 does by default. */
function harness(classic: 'empty' | 'live' | undefined = undefined, assignmentIntervalMs = 0) {
  let now = 1000
  const manager = new ConsumerGroupManager(() => now, () => ({ ...DEFAULT_CONSUMER_GROUP_CONFIG, sessionTimeoutMs: 3000, assignmentIntervalMs }), { kindOf: () => classic, drop: () => undefined }, () => 'generated')
  const beat = (fields: Partial<ConsumerGroupHeartbeatRequest>, view = topics()): ConsumerGroupHeartbeatResponse =>
    manager.heartbeat(
      heartbeatRequest({ groupId: 'g', memberId: 'a', ...fields }),
      1,
      { clientId: 'c', clientHost: '/127.0.0.1' },
      view,
    )
  const join = (memberId: string, extra: Partial<ConsumerGroupHeartbeatRequest> = {}) => beat({ memberId, memberEpoch: 0, rebalanceTimeoutMs: 5000, subscribedTopicNames: ['orders'], topicPartitions: [], ...extra })
  const owned = (r: ConsumerGroupHeartbeatResponse) => r.assignment?.topicPartitions.flatMap((t) => t.partitions) ?? null
  return { manager, beat, join, owned, advance: (ms: number) => manager.tick((now += ms)) }
}

describe('ConsumerGroupHeartbeat', () => {
  it('refuses invalid heartbeats with Kafka’s errors and messages', () => {
    const { beat, join } = harness()
    expect(beat({ groupId: '', memberId: 'a' })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "GroupId can't be empty." })
    expect(beat({ memberId: '' })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "MemberId can't be empty." })
    expect(beat({ subscribedTopicNames: ['orders'], topicPartitions: [] })).toMatchObject({ errorMessage: 'RebalanceTimeoutMs must be provided in first request.' })
    expect(beat({ rebalanceTimeoutMs: 5000, subscribedTopicNames: ['orders'] })).toMatchObject({ errorMessage: 'TopicPartitions must be empty when (re-)joining.' })
    expect(beat({ rebalanceTimeoutMs: 5000, topicPartitions: [] })).toMatchObject({ errorMessage: 'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.' })
    expect(beat({ memberEpoch: -3 })).toMatchObject({ errorMessage: 'MemberEpoch is invalid.' })
    expect(join('a', { serverAssignor: 'sticky' })).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_ASSIGNOR })
    expect(join('a', { subscribedTopicNames: null, subscribedTopicRegex: 'ord(' })).toMatchObject({ errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION })
    expect(beat({ memberEpoch: 1 })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Consumer group g not found.' })
  })

  it('a second member gets partitions only once the first has revoked them', () => {
    const { join, beat, owned } = harness()
    const a = join('a')
    // A new group starts at epoch 1, as Kafka 4.4's: its first member joins at 2.
    expect(a).toMatchObject({ errorCode: 0, memberId: 'a', memberEpoch: 2 })
    expect(owned(a)).toEqual([0, 1, 2, 3])

    const b = join('b')
    // The group is at epoch 3; b's partitions are a's until a revokes them.
    expect(b.memberEpoch).toBe(3)
    expect(owned(b)).toEqual([])
    const all = [{ topicId: TOPIC_ID, partitions: [0, 1, 2, 3] }]
    const revoking = beat({ memberId: 'a', memberEpoch: 2, topicPartitions: all })
    expect(revoking.memberEpoch).toBe(2)
    const kept = owned(revoking)!
    expect(kept).toHaveLength(2)
    // Still owned by a: b keeps waiting.
    expect(owned(beat({ memberId: 'b', memberEpoch: 3, topicPartitions: [] }))).toBeNull()
    const revoked = beat({ memberId: 'a', memberEpoch: 2, topicPartitions: [{ topicId: TOPIC_ID, partitions: kept }] })
    expect(revoked.memberEpoch).toBe(3)
    const given = owned(beat({ memberId: 'b', memberEpoch: 3, topicPartitions: [] }))!
    expect([...given, ...kept].sort()).toEqual([0, 1, 2, 3])
  })

  it('fences a member at a wrong epoch, and one that does not revoke within its rebalance timeout', () => {
    const { join, beat, advance, manager } = harness()
    join('a')
    expect(beat({ memberId: 'a', memberEpoch: 5 })).toMatchObject({ errorCode: ErrorCode.FENCED_MEMBER_EPOCH })
    expect(beat({ memberId: 'zzz', memberEpoch: 2 })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, errorMessage: 'Member zzz is not a member of group g.' })
    join('b')
    beat({ memberId: 'a', memberEpoch: 2, topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1, 2, 3] }] })
    expect(manager.groups.get('g')!.state).toBe('Reconciling')
    // a keeps heartbeating but never gives its partitions up: fenced after its 5 s rebalance timeout.
    advance(2000)
    beat({ memberId: 'a', memberEpoch: 2, topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1, 2, 3] }] })
    beat({ memberId: 'b', memberEpoch: 3, topicPartitions: [] })
    advance(2000)
    beat({ memberId: 'b', memberEpoch: 3, topicPartitions: [] })
    advance(1100)
    expect(manager.groups.get('g')!.members.has('a')).toBe(false)
    expect(beat({ memberId: 'b', memberEpoch: 3, topicPartitions: [] })).toMatchObject({ memberEpoch: 4, assignment: { topicPartitions: [{ partitions: [0, 1, 2, 3] }] } })
  })

  it('a member whose session expires leaves, and a leaving one leaves at once', () => {
    const { join, beat, advance, manager } = harness()
    join('a')
    join('b')
    expect(beat({ memberId: 'a', memberEpoch: -1 })).toMatchObject({ errorCode: 0, memberId: 'a', memberEpoch: -1 })
    expect(manager.describe('g', topics()).members.map((m) => m.memberId)).toEqual(['b'])
    advance(3001)
    expect(manager.groups.get('g')!.state).toBe('Empty')
  })

  it('a static member’s instance id is its own until it leaves with epoch -2; its next incarnation takes its partitions', () => {
    const { join, beat } = harness()
    expect(join('a', { instanceId: 'i1' }).memberEpoch).toBe(2)
    expect(join('a2', { instanceId: 'i1' })).toMatchObject({ errorCode: ErrorCode.UNRELEASED_INSTANCE_ID })
    expect(beat({ memberId: 'a', memberEpoch: -2, instanceId: 'i1' })).toMatchObject({ errorCode: 0, memberEpoch: -2 })
    const back = join('a2', { instanceId: 'i1' })
    expect(back).toMatchObject({ errorCode: 0, memberId: 'a2', memberEpoch: 2, assignment: { topicPartitions: [{ partitions: [0, 1, 2, 3] }] } })
  })

  it('new partitions bump the group epoch; a regex subscribes to matching topics, never internal ones', () => {
    const { join, beat, owned } = harness()
    expect(owned(join('a', { subscribedTopicNames: null, subscribedTopicRegex: '.*' }))).toEqual([0, 1, 2, 3])
    const grown = beat({ memberId: 'a', memberEpoch: 2 }, topics(6))
    expect(grown.memberEpoch).toBe(3)
    expect(owned(grown)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('batches assignments as Kafka 4.4 (KIP-1263): a member joining within the interval waits at the assignment epoch', () => {
    const { join, beat, advance, manager } = harness(undefined, 1000)
    expect(join('a').memberEpoch).toBe(2)
    // Within 1 s of the last assignment: b waits at epoch 2 with nothing, the group Assigning at epoch 3.
    expect(join('b')).toMatchObject({ memberEpoch: 2, assignment: { topicPartitions: [] } })
    expect(manager.describe('g', topics())).toMatchObject({ groupState: 'Assigning', groupEpoch: 3, assignmentEpoch: 2 })
    // The interval over, the next heartbeat computes the assignment at epoch 3 and moves b to it.
    advance(1000)
    expect(manager.describe('g', topics())).toMatchObject({ groupState: 'Assigning', groupEpoch: 3, assignmentEpoch: 2 })
    expect(beat({ memberId: 'b', memberEpoch: 2, topicPartitions: [] }).memberEpoch).toBe(3)
    expect(manager.describe('g', topics())).toMatchObject({ groupState: 'Reconciling', groupEpoch: 3, assignmentEpoch: 3 })
  })

  it('an id taken by a live classic group is not a consumer group', () => {
    const { join, manager } = harness('live')
    expect(join('a')).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group g is not a consumer group' })
    expect(manager.describe('g', topics())).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group g is not a consumer group.' })
  })
})

describe('offsets of a consumer group', () => {
  it('a commit or fetch must come at the member’s epoch; an admin commits only while the group is empty', () => {
    const { join, beat, manager } = harness()
    join('a')
    expect(manager.validateOffsetCommit('g', 'a', 2, false, 9)).toBe(ErrorCode.NONE)
    expect(manager.validateOffsetCommit('g', 'a', 1, false, 9)).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    expect(manager.validateOffsetCommit('g', 'a', 2, false, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(manager.validateOffsetCommit('g', '', -1, false, 9)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(manager.validateOffsetFetch('g', 'a', 2)).toBe(ErrorCode.NONE)
    expect(manager.validateOffsetFetch('g', 'x', 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(manager.validateOffsetFetch('g', null, -1)).toBe(ErrorCode.NONE)
    expect(manager.validateOffsetCommit('other', 'a', 2, false, 9)).toBeNull()
    beat({ memberId: 'a', memberEpoch: -1 })
    expect(manager.validateOffsetCommit('g', '', -1, false, 9)).toBe(ErrorCode.NONE)
    expect(manager.deletable('g')).toBe(ErrorCode.NONE)
  })

  it('KIP-1251: a member whose epoch moved on still commits, at an older epoch, the partitions it was given at or before it', () => {
    const { join, beat, manager } = harness()
    join('a')
    join('b')
    // a keeps the half it had since epoch 2 and moves to epoch 3 once it has revoked the rest.
    const kept = beat({ memberId: 'a', memberEpoch: 2, topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1, 2, 3] }] }).assignment!.topicPartitions[0].partitions
    expect(beat({ memberId: 'a', memberEpoch: 2, topicPartitions: [{ topicId: TOPIC_ID, partitions: kept }] }).memberEpoch).toBe(3)
    const commit = (epoch: number, partition: number) => manager.validateOffsetCommit('g', 'a', epoch, false, 10, () => [{ topicId: TOPIC_ID, topic: 'orders', partition }])
    expect(commit(2, kept[0])).toBe(ErrorCode.NONE)
    expect(commit(1, kept[0])).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    const gone = [0, 1, 2, 3].find((p) => !kept.includes(p))!
    expect(commit(2, gone)).toBe(ErrorCode.STALE_MEMBER_EPOCH)
    expect(commit(3, gone)).toBe(ErrorCode.NONE)
  })
})
