// The classic group APIs at their edges (issue 14, item 2), the same requests to Apache Kafka
// and to Brokerlab's group coordinators: JoinGroup, SyncGroup and Heartbeat with an unknown
// member or an illegal generation, OffsetCommit, OffsetFetch and OffsetDelete, ListGroups,
// DescribeGroups, LeaveGroup and DeleteGroups of a group with members and without.
import { describe, it } from 'vitest'
import { ApiKey, type ApiRequests, type ApiResponses, type OffsetCommitRequest } from '../../main/cluster/protocol/messages'
import { partitionFor } from '../../main/cluster/broker/group'
import { encodeConsumerProtocolAssignment, encodeConsumerProtocolSubscription } from '../../main/cluster/protocol/messages/consumerProtocol'
import type { RawClient } from '../helpers/rawClient'
import { answered, SIDES, useDifferential, type Side } from './differential'
import { loadedCoordinators, metadataOf, topic, waitForLeaders } from './requests'

// No initial rebalance delay, so the first JoinGroup answers at once on both sides.
const diff = useDifferential({ name: 'groups', configs: { 'group.initial.rebalance.delay.ms': '0' } })

const GROUP = 'grp-a'
const TOPIC = 'grp-topic'
/** A topic id neither cluster has (OffsetCommit and OffsetFetch v10 answer UNKNOWN_TOPIC_ID). */
const UNKNOWN_TOPIC_ID = '5c1b8a57-1d3e-4f0a-9b7c-2e6d4a8f0c11'
/**
 * A group that does not exist, on the same __consumer_offsets partition (of 50, the default) as
 * GROUP: so the same broker coordinates both on each side, and it answers for the unknown one.
 */
const MISSING = Array.from({ length: 1000 }, (_, i) => `grp-missing-${i}`).find((g) => partitionFor(g, 50) === partitionFor(GROUP, 50))!

/** Consumer protocol bytes as Kafka's consumers send them: a version, then the struct. */
const versioned = (version: number, body: Buffer) => Buffer.concat([Buffer.from([version >> 8, version & 0xff]), body])
const SUBSCRIPTION = versioned(0, encodeConsumerProtocolSubscription(0, { topics: [TOPIC], userData: null, ownedPartitions: [], generationId: -1, rackId: null }))
const ASSIGNMENT = versioned(0, encodeConsumerProtocolAssignment(0, { assignedPartitions: [{ topic: TOPIC, partitions: [0, 1] }], userData: null }))

/** Member ids are random on each side: compared as "the client id, a dash and a uuid" or not. */
function maskMemberIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskMemberIds)
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        (key === 'memberId' || key === 'leader') && typeof v === 'string' && v !== '' && v !== 'unknown-member'
          ? /^raw-client-[0-9a-f-]{36}$/.test(v) ? 'raw-client-<uuid>' : `<member id of another form: ${v.length} chars>`
          : maskMemberIds(v),
      ]),
    )
  }
  return value
}

describe('classic groups at their edges', () => {
  it('JoinGroup, SyncGroup, Heartbeat, offsets, listing, describing, leaving and deleting answer as Kafka does', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [topic(TOPIC, 2, 3)], timeoutMs: 30_000, validateOnly: false })
    await waitForLeaders(to, [TOPIC])

    const send = async <K extends keyof ApiRequests & keyof ApiResponses>(scenario: string, check: string, at: Record<Side, RawClient>, apiKey: K, body: ApiRequests[K] | ((side: Side) => ApiRequests[K]), described: string) => {
      const { version, answers } = await diff.requestBoth(at, apiKey, body)
      diff.check(scenario, check, `${scenario} v${version} ${described}`, maskMemberIds(answered(answers.kafka)), maskMemberIds(answered(answers.brokerlab)))
      return answers
    }

    const findCoordinator = { key: '', keyType: 0, coordinatorKeys: [GROUP] }
    await send('FindCoordinator', 'the first ask (creates __consumer_offsets)', to, ApiKey.FindCoordinator, findCoordinator, GROUP)
    const at = await loadedCoordinators(diff, to, GROUP)
    await send('FindCoordinator', 'once __consumer_offsets has leaders', to, ApiKey.FindCoordinator, findCoordinator, GROUP)

    const join = (memberId: (side: Side) => string) => (side: Side): ApiRequests[typeof ApiKey.JoinGroup] => ({
      groupId: GROUP,
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 30_000,
      memberId: memberId(side),
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: SUBSCRIPTION }],
      reason: null,
    })
    const required = await send('JoinGroup', 'without a member id (MEMBER_ID_REQUIRED)', at, ApiKey.JoinGroup, join(() => ''), `${GROUP} memberId ""`)
    const members = {} as Record<Side, string>
    for (const side of SIDES) {
      const a = required[side]
      if (!a.ok) throw new Error(`JoinGroup on ${side}: ${a.error}`)
      members[side] = a.value.memberId
    }
    const member = (side: Side) => members[side]
    await send('JoinGroup', 'an unknown member id', at, ApiKey.JoinGroup, join(() => 'unknown-member'), `${GROUP} memberId unknown-member`)
    await send('JoinGroup', 'with the member id given (the leader of generation 1)', at, ApiKey.JoinGroup, join(member), `${GROUP} the member id given`)

    const sync = (generationId: number, memberId: (side: Side) => string, assignments = true) => (side: Side): ApiRequests[typeof ApiKey.SyncGroup] => ({
      groupId: GROUP,
      generationId,
      memberId: memberId(side),
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: assignments ? [{ memberId: memberId(side), assignment: ASSIGNMENT }] : [],
    })
    await send('SyncGroup', 'an illegal generation', at, ApiKey.SyncGroup, sync(2, member), `${GROUP} generation 2`)
    await send('SyncGroup', 'an unknown member id', at, ApiKey.SyncGroup, sync(1, () => 'unknown-member'), `${GROUP} memberId unknown-member`)
    await send('SyncGroup', "the leader's assignment", at, ApiKey.SyncGroup, sync(1, member), `${GROUP} generation 1, partitions 0 and 1`)

    const heartbeat = (generationId: number, memberId: (side: Side) => string, groupId = GROUP) => (side: Side) => ({ groupId, generationId, memberId: memberId(side), groupInstanceId: null })
    await send('Heartbeat', 'the member of generation 1', at, ApiKey.Heartbeat, heartbeat(1, member), `${GROUP} generation 1`)
    await send('Heartbeat', 'an illegal generation', at, ApiKey.Heartbeat, heartbeat(7, member), `${GROUP} generation 7`)
    await send('Heartbeat', 'an unknown member id', at, ApiKey.Heartbeat, heartbeat(1, () => 'unknown-member'), `${GROUP} memberId unknown-member`)
    await send('Heartbeat', 'an unknown group', at, ApiKey.Heartbeat, heartbeat(1, () => 'unknown-member', MISSING), 'an unknown group')

    // OffsetCommit and OffsetFetch v10 name topics by id: each cluster's own, a made-up one for a topic neither has.
    const topicIds = {} as Record<Side, Map<string, string>>
    for (const side of SIDES) topicIds[side] = new Map((await to[side].request(ApiKey.Metadata, 12, metadataOf([TOPIC]))).topics.map((t) => [t.name!, t.topicId]))
    const idOf = (side: Side, name: string) => topicIds[side].get(name) ?? UNKNOWN_TOPIC_ID
    const commit = (generation: number, memberId: (side: Side) => string, partitions: Array<[string, number, bigint]>, groupId = GROUP) => (side: Side): OffsetCommitRequest => ({
      groupId,
      generationIdOrMemberEpoch: generation,
      memberId: memberId(side),
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...new Set(partitions.map(([t]) => t))].map((name) => ({
        name,
        topicId: idOf(side, name),
        partitions: partitions.filter(([t]) => t === name).map(([, partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: 'meta' })),
      })),
    })
    await send('OffsetCommit', 'by the member, partitions 0 and 1', at, ApiKey.OffsetCommit, commit(1, member, [[TOPIC, 0, 3n], [TOPIC, 1, 5n]]), `${GROUP} generation 1`)
    await send('OffsetCommit', 'an illegal generation', at, ApiKey.OffsetCommit, commit(4, member, [[TOPIC, 0, 4n]]), `${GROUP} generation 4`)
    await send('OffsetCommit', 'an unknown member id', at, ApiKey.OffsetCommit, commit(1, () => 'unknown-member', [[TOPIC, 0, 4n]]), `${GROUP} memberId unknown-member`)
    await send('OffsetCommit', 'as an admin (generation -1) to a group with members', at, ApiKey.OffsetCommit, commit(-1, () => '', [[TOPIC, 0, 4n]]), `${GROUP} generation -1, no member`)
    await send('OffsetCommit', 'an unknown topic and a partition past the last', at, ApiKey.OffsetCommit, commit(1, member, [['grp-missing', 0, 1n], [TOPIC, 9, 1n]]), `${GROUP} grp-missing-0 and ${TOPIC}-9`)

    const fetchOffsets = (topics: Array<{ name: string; partitionIndexes: number[] }> | null, groupId = GROUP) => (side: Side) => ({
      groupId: '',
      topics: [],
      groups: [{ groupId, memberId: null, memberEpoch: -1, topics: topics && topics.map((t) => ({ ...t, topicId: idOf(side, t.name) })) }],
      requireStable: true,
    })
    await send('OffsetFetch', 'the committed partitions and one never committed', at, ApiKey.OffsetFetch, fetchOffsets([{ name: TOPIC, partitionIndexes: [0, 1] }, { name: 'grp-missing', partitionIndexes: [0] }]), `${GROUP} ${TOPIC}-0,1 and grp-missing-0`)
    await send('OffsetFetch', 'every committed partition (topics = null)', at, ApiKey.OffsetFetch, fetchOffsets(null), `${GROUP} topics=null`)
    await send('OffsetFetch', 'an unknown group', at, ApiKey.OffsetFetch, fetchOffsets(null, MISSING), 'an unknown group, topics=null')

    const describeGroups = (groups: string[]) => ({ groups, includeAuthorizedOperations: false })
    await send('DescribeGroups', 'a stable group of one member', at, ApiKey.DescribeGroups, describeGroups([GROUP]), GROUP)
    await send('ListGroups', 'every group', at, ApiKey.ListGroups, { statesFilter: [], typesFilter: [] }, 'no filters')
    await send('ListGroups', 'groups in state Empty', at, ApiKey.ListGroups, { statesFilter: ['Empty'], typesFilter: [] }, 'statesFilter=[Empty]')
    await send('DeleteGroups', 'a group with a member (NON_EMPTY_GROUP)', at, ApiKey.DeleteGroups, { groupsNames: [GROUP] }, GROUP)
    const offsetDelete = { groupId: GROUP, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] }
    await send('OffsetDelete', 'a partition the group is subscribed to', at, ApiKey.OffsetDelete, offsetDelete, `${GROUP} ${TOPIC}-0`)

    await send('LeaveGroup', 'the member leaves', at, ApiKey.LeaveGroup, (side) => ({ groupId: GROUP, memberId: '', members: [{ memberId: members[side], groupInstanceId: null, reason: null }] }), `${GROUP} the member`)
    await send('LeaveGroup', 'an unknown member leaves', at, ApiKey.LeaveGroup, { groupId: GROUP, memberId: '', members: [{ memberId: 'unknown-member', groupInstanceId: null, reason: null }] }, `${GROUP} unknown-member`)
    await send('DescribeGroups', 'the group once empty, and an unknown group', at, ApiKey.DescribeGroups, describeGroups([GROUP, MISSING]), `${GROUP} and an unknown group`)
    await send('OffsetDelete', 'a partition of an empty group', at, ApiKey.OffsetDelete, offsetDelete, `${GROUP} ${TOPIC}-0`)
    await send('OffsetDelete', 'an unknown group', at, ApiKey.OffsetDelete, { ...offsetDelete, groupId: MISSING }, 'an unknown group')
    await send('OffsetFetch', 'after the offset delete', at, ApiKey.OffsetFetch, fetchOffsets(null), `${GROUP} topics=null`)
    await send('OffsetCommit', 'as an admin (generation -1) to an empty group', at, ApiKey.OffsetCommit, commit(-1, () => '', [[TOPIC, 0, 2n]]), `${GROUP} generation -1, no member`)
    await send('DeleteGroups', 'an empty group and an unknown one', at, ApiKey.DeleteGroups, { groupsNames: [GROUP, MISSING] }, `${GROUP} and an unknown group`)
    await send('DeleteGroups', 'the deleted group again', at, ApiKey.DeleteGroups, { groupsNames: [GROUP] }, GROUP)
    await send('OffsetFetch', 'a deleted group', at, ApiKey.OffsetFetch, fetchOffsets(null), `${GROUP} topics=null`)
  })
})
