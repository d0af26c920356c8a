// KIP-848's consumer group protocol (issue 14), the same requests to Apache Kafka and to
// Brokerlab: ConsumerGroupHeartbeat's validation, two members reconciling (the second gets its
// partitions only once the first revoked them), fencing, OffsetCommit and OffsetFetch v9 at a
// member epoch, ConsumerGroupDescribe, ListGroups and DescribeGroups of a consumer group,
// leaving and DeleteGroups; then Kafka's own console consumer with group.protocol=consumer and
// kafka-consumer-groups describing its group. Which partitions the uniform assignor gives each
// member is the assignor's choice: compared as counts.
import { describe, expect, it } from 'vitest'
import { ApiKey, type ApiRequests, type ApiResponses } from '../../main/cluster/protocol/messages'
import { partitionFor } from '../../main/cluster/broker/group'
import type { RawClient } from '../helpers/rawClient'
import { heartbeatRequest } from '../helpers/consumerGroupHeartbeat'
import { answered, SIDES, useDifferential, type Side } from './differential'
import { loadedCoordinators, metadataOf, topic, waitForLeaders } from './requests'
import { runKafkaTool } from './kafka/tools'
import { GroupsView } from '../../main/console/views/groups'
import { eventually, lab } from '../helpers/cluster'

/** Assignments batched over 5 s on both sides (KIP-1263; Kafka's default is 1 s): the scenario's timing does not decide what it sees. */
const ASSIGNMENT_INTERVAL_MS = 5000
const diff = useDifferential({ name: 'consumerGroups', configs: { 'group.consumer.assignment.interval.ms': String(ASSIGNMENT_INTERVAL_MS) } })

const GROUP = 'cg-848'
const TOPIC = 'cg-topic'
/** Client-generated member ids (v1, KIP-1082): the same on both sides. */
const A = 'member-a-00000000000001'
const B = 'member-b-00000000000002'
/** A group that does not exist, on GROUP's __consumer_offsets partition (of 50): the same coordinator answers for both. */
const MISSING = Array.from({ length: 1000 }, (_, i) => `cg-missing-${i}`).find((g) => partitionFor(g, 50) === partitionFor(GROUP, 50))!

/** Topic ids differ between the clusters: each side's answer names topics, and assignments are compared as partition counts. */
function masked(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => masked(v, names))
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const entries = Object.entries(value).map(([key, v]) => {
      if (key === 'topicId' && typeof v === 'string') return [key, names.get(v) ?? v]
      if (key === 'partitions' && Array.isArray(v)) return [key, `${v.length} partitions`]
      return [key, masked(v, names)]
    })
    return Object.fromEntries(entries)
  }
  return value
}

describe('consumer groups (KIP-848)', () => {
  it('ConsumerGroupHeartbeat, ConsumerGroupDescribe and a consumer group’s offsets answer as Kafka does', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [topic(TOPIC, 4, 1)], timeoutMs: 30_000, validateOnly: false })
    await waitForLeaders(to, [TOPIC])
    const at = await loadedCoordinators(diff, to, GROUP)
    const topicIds = {} as Record<Side, string>
    for (const side of SIDES) topicIds[side] = (await to[side].request(ApiKey.Metadata, 12, metadataOf([TOPIC]))).topics[0].topicId
    const names = new Map(SIDES.map((side) => [topicIds[side], TOPIC]))

    const send = async <K extends keyof ApiRequests & keyof ApiResponses>(scenario: string, check: string, clients: Record<Side, RawClient>, apiKey: K, body: ApiRequests[K] | ((side: Side) => ApiRequests[K]), described: string) => {
      const { version, answers } = await diff.requestBoth(clients, apiKey, body)
      diff.check(scenario, check, `${scenario} v${version} ${described}`, masked(answered(answers.kafka), names), masked(answered(answers.brokerlab), names))
      return answers
    }
    const heartbeat = (fields: Partial<ApiRequests[typeof ApiKey.ConsumerGroupHeartbeat]>, owned?: (side: Side) => number[]) => (side: Side): ApiRequests[typeof ApiKey.ConsumerGroupHeartbeat] =>
      heartbeatRequest({ groupId: GROUP, memberId: A, topicPartitions: owned ? [{ topicId: topicIds[side], partitions: owned(side) }] : null, ...fields })
    const join = (memberId: string, fields: Partial<ApiRequests[typeof ApiKey.ConsumerGroupHeartbeat]> = {}) =>
      heartbeat({ memberId, rebalanceTimeoutMs: 30_000, subscribedTopicNames: [TOPIC], topicPartitions: [], ...fields })
    const HB = ApiKey.ConsumerGroupHeartbeat

    await send('ConsumerGroupHeartbeat', 'an empty group id', at, HB, join(A, { groupId: '' }), 'groupId ""')
    await send('ConsumerGroupHeartbeat', 'an empty member id', at, HB, join(''), 'memberId ""')
    await send('ConsumerGroupHeartbeat', 'joining without a rebalance timeout', at, HB, join(A, { rebalanceTimeoutMs: -1 }), 'rebalanceTimeoutMs -1')
    await send('ConsumerGroupHeartbeat', 'joining with owned partitions', at, HB, join(A, { topicPartitions: null }), 'topicPartitions null')
    await send('ConsumerGroupHeartbeat', 'joining without a subscription', at, HB, join(A, { subscribedTopicNames: null }), 'subscribedTopicNames null')
    await send('ConsumerGroupHeartbeat', 'an invalid member epoch', at, HB, heartbeat({ memberEpoch: -3 }), 'memberEpoch -3')
    await send('ConsumerGroupHeartbeat', 'an unknown assignor', at, HB, join(A, { serverAssignor: 'sticky' }), 'serverAssignor sticky')
    await send('ConsumerGroupHeartbeat', 'a heartbeat to a group that does not exist', at, HB, heartbeat({ memberEpoch: 1 }), 'memberEpoch 1')

    const partitionsOf = (answers: Record<Side, { ok: boolean; value?: ApiResponses[typeof HB] }>) => (side: Side) => answers[side].value?.assignment?.topicPartitions[0]?.partitions ?? []
    const joinedA = await send('ConsumerGroupHeartbeat', 'the first member joins (all partitions; a new group starts at epoch 1)', at, HB, join(A), `${A} joins`)
    await send('ConsumerGroupHeartbeat', 'a greater epoch than the coordinator’s', at, HB, heartbeat({ memberEpoch: 7 }), 'memberEpoch 7')
    await send('ConsumerGroupHeartbeat', 'an unknown member', at, HB, heartbeat({ memberId: 'member-x', memberEpoch: 2 }), 'memberId member-x')
    await send('ConsumerGroupHeartbeat', 'the second member joins within the assignment interval (it waits at the assignment epoch)', at, HB, join(B), `${B} joins`)
    await send('ConsumerGroupDescribe', 'a group Assigning (KIP-1263 batches assignments)', at, ApiKey.ConsumerGroupDescribe, { groupIds: [GROUP], includeAuthorizedOperations: false }, GROUP)
    // The interval over, the next heartbeat computes the assignment.
    await new Promise((resolve) => setTimeout(resolve, ASSIGNMENT_INTERVAL_MS + 500))
    const all = partitionsOf(joinedA)
    const revoking = await send('ConsumerGroupHeartbeat', 'the first member is told to revoke half', at, HB, heartbeat({ memberEpoch: 2 }, all), `${A} epoch 2, owning all`)
    const kept = partitionsOf(revoking)
    await send('ConsumerGroupHeartbeat', 'the second member moves to the new epoch, its partitions still unreleased', at, HB, heartbeat({ memberId: B, memberEpoch: 2 }, () => []), `${B} epoch 2`)
    await send('ConsumerGroupHeartbeat', 'the first member has revoked them (epoch 3)', at, HB, heartbeat({ memberEpoch: 2 }, kept), `${A} epoch 2, owning its half`)
    const given = await send('ConsumerGroupHeartbeat', 'the second member gets the released half', at, HB, heartbeat({ memberId: B, memberEpoch: 3 }, () => []), `${B} epoch 3`)
    for (const side of SIDES) expect([...kept(side), ...partitionsOf(given)(side)].sort(), side).toEqual([0, 1, 2, 3])

    const commit = (memberEpoch: number, memberId = A) => (side: Side): ApiRequests[typeof ApiKey.OffsetCommit] => ({
      groupId: GROUP,
      generationIdOrMemberEpoch: memberEpoch,
      memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [{ name: TOPIC, topicId: topicIds[side], partitions: [{ partitionIndex: kept(side)[0], committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
    })
    await send('OffsetCommit', 'a consumer group member at its epoch', at, ApiKey.OffsetCommit, commit(3), `${GROUP} ${A} epoch 3`)
    await send('OffsetCommit', 'at the epoch it was given the partition at (KIP-1251)', at, ApiKey.OffsetCommit, commit(2), `${GROUP} ${A} epoch 2`)
    await send('OffsetCommit', 'at an epoch before it was given the partition', at, ApiKey.OffsetCommit, commit(1), `${GROUP} ${A} epoch 1`)
    await send('OffsetCommit', 'an unknown member of a consumer group', at, ApiKey.OffsetCommit, commit(3, 'member-x'), `${GROUP} member-x`)
    await send('OffsetCommit', 'as an admin (epoch -1) to a consumer group with members', at, ApiKey.OffsetCommit, commit(-1, ''), `${GROUP} epoch -1`)
    const fetch = (memberId: string | null, memberEpoch: number) => ({ groupId: '', topics: [], groups: [{ groupId: GROUP, memberId, memberEpoch, topics: null }], requireStable: false })
    await send('OffsetFetch', 'a consumer group member at its epoch', at, ApiKey.OffsetFetch, fetch(A, 3), `${GROUP} ${A} epoch 3`)
    await send('OffsetFetch', 'a consumer group member at a stale epoch', at, ApiKey.OffsetFetch, fetch(A, 2), `${GROUP} ${A} epoch 2`)
    await send('OffsetFetch', 'an unknown member of a consumer group', at, ApiKey.OffsetFetch, fetch('member-x', 3), `${GROUP} member-x`)

    await send('ConsumerGroupDescribe', 'a Stable group of two members', at, ApiKey.ConsumerGroupDescribe, { groupIds: [GROUP, MISSING], includeAuthorizedOperations: false }, `${GROUP} and a missing group`)
    await send('ListGroups', 'consumer groups only', at, ApiKey.ListGroups, { statesFilter: [], typesFilter: ['consumer'] }, 'typesFilter consumer')
    await send('DescribeGroups', 'a consumer group, with the classic API', at, ApiKey.DescribeGroups, { groups: [GROUP], includeAuthorizedOperations: false }, GROUP)
    await send('DeleteGroups', 'a consumer group with members', at, ApiKey.DeleteGroups, { groupsNames: [GROUP] }, GROUP)
    await send('ConsumerGroupHeartbeat', 'the first member leaves (epoch -1)', at, HB, heartbeat({ memberEpoch: -1 }), `${A} leaves`)
    await new Promise((resolve) => setTimeout(resolve, ASSIGNMENT_INTERVAL_MS + 500))
    await send('ConsumerGroupHeartbeat', 'the second member gets every partition (epoch 4)', at, HB, heartbeat({ memberId: B, memberEpoch: 3 }, partitionsOf(given)), `${B} epoch 3`)
    await send('ConsumerGroupHeartbeat', 'the second member leaves', at, HB, heartbeat({ memberId: B, memberEpoch: -1 }), `${B} leaves`)
    await send('DeleteGroups', 'the empty consumer group', at, ApiKey.DeleteGroups, { groupsNames: [GROUP] }, GROUP)
  }, 240_000)

  it('Kafka’s console consumer with group.protocol=consumer reads the topic, and kafka-consumer-groups describes its group, as on Kafka', async () => {
    const bootstraps = await diff.start()
    // Keyed, so that both clusters' producers pick the same partitions (murmur2 of the key).
    const lines = Array.from({ length: 40 }, (_, i) => `key-${i}:record-${i}`)
    const properties = ['--consumer-property', 'group.protocol=consumer', '--consumer-property', 'client.id=cg-reader']
    await diff.compareTool(bootstraps, 'kafka-topics', 'create the topic', ['--create', '--topic', 'cg-console', '--partitions', '3', '--replication-factor', '1'], (out) => out.trim())
    await diff.compareTool(bootstraps, 'kafka-console-producer', 'produce 40 records', ['--topic', 'cg-console', '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=:'], (out) => out.trim(), { input: `${lines.join('\n')}\n` })
    await diff.compareTool(bootstraps, 'kafka-console-consumer', 'read them in a consumer group of the new protocol', ['--topic', 'cg-console', '--group', 'cg-console-group', '--from-beginning', '--max-messages', '40', ...properties], (out) => out.trim().split('\n').sort())
    await diff.compareTool(bootstraps, 'kafka-consumer-groups', 'list the groups with their type', ['--list', '--type'], (out) => out.trim().split('\n').filter((l) => l.includes('cg-console-group')))
    // The member is gone (it left when it stopped): the committed offsets and lag remain.
    await diff.compareTool(bootstraps, 'kafka-consumer-groups', 'describe the group after its member left', ['--describe', '--group', 'cg-console-group'], (out) =>
      out.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')).sort(),
    )

    // The console sees the embedded cluster's consumer group as it sees Kafka's: a live member
    // (a console consumer idling in the group) with every partition, and no lag.
    const member = runKafkaTool('kafka-console-consumer', ['--bootstrap-server', bootstraps.brokerlab, '--topic', 'cg-console', '--group', 'cg-console-group', '--timeout-ms', '15000', ...properties])
    const view = new GroupsView(lab(diff.brokerlabCluster).kafka)
    const shown = await eventually('the console shows the live member', async () => (await view.groups()).find((g) => g.groupId === 'cg-console-group' && g.members.length === 1), 30_000)
    expect(shown).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'uniform', totalLag: 0, members: [{ clientId: 'cg-reader', assignment: [{ topic: 'cg-console', partitions: [0, 1, 2] }] }] })
    await member
  }, 240_000)
})
