// Consumer groups over the wire with real clients: kafkajs's consumer and kcat's balanced
// consumer, against the group coordinator in the brokers.
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Cluster } from '../../main/cluster/cluster'
import { eventually, lab, useCluster } from '../helpers/cluster'
import { kcat, kcatAvailable } from '../helpers/kcat'
import { RawClient } from '../helpers/rawClient'
import { ErrorCode } from '../../main/cluster/errors'
import { GroupsView } from '../../main/console/views/groups'

/** Quick rebalances: no initial delay, sessions as short as a second. */
const GROUP_CLOCKS = { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500', 'offsets.topic.num.partitions': '6' }

const fixture = useCluster()
const clients: Array<Consumer | Producer> = []
afterEach(async () => {
  for (const client of clients.splice(0)) await client.disconnect().catch(() => undefined)
})

function kafka(c: Cluster): Kafka {
  return new Kafka({ clientId: 'groups', brokers: c.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100 } })
}

async function produce(c: Cluster, topic: string, count: number, partitions: number): Promise<void> {
  const producer = kafka(c).producer()
  await producer.connect()
  clients.push(producer)
  await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ value: `m${i}`, partition: i % partitions })) })
}

interface Member {
  consumer: Consumer
  assigned: () => number[]
  seen: Array<{ partition: number; value: string }>
}

async function member(c: Cluster, groupId: string, topic: string, options: { sessionTimeout?: number } = {}): Promise<Member> {
  const consumer = kafka(c).consumer({ groupId, sessionTimeout: options.sessionTimeout ?? 6000, heartbeatInterval: 300, rebalanceTimeout: 5000 })
  await consumer.connect()
  clients.push(consumer)
  const seen: Member['seen'] = []
  let assigned: number[] = []
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assigned = ((e.payload.memberAssignment as Record<string, number[]>)[topic] ?? []).slice().sort((a, b) => a - b)
  })
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push({ partition, value: message.value!.toString() }) })
  return { consumer, assigned: () => assigned, seen }
}

describe('consumer groups', () => {
  it('a kafkajs consumer reads everything back in order', async () => {
    const c = await fixture.start(GROUP_CLOCKS)
    await c.createTopic({ name: 'ordered', partitions: 1, replicationFactor: 3 })
    await produce(c, 'ordered', 200, 1)
    const m = await member(c, 'readers', 'ordered')
    await eventually('all 200 read', () => m.seen.length >= 200, 20_000)
    expect(m.seen.map((s) => s.value)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`))
  })

  it('three members share six partitions, two survive a leave, a restart resumes from committed offsets', async () => {
    const c = await fixture.start(GROUP_CLOCKS)
    await c.createTopic({ name: 'shared', partitions: 6, replicationFactor: 3 })
    await produce(c, 'shared', 60, 6)
    const members = await Promise.all([0, 1, 2].map(() => member(c, 'sharers', 'shared')))
    await eventually('each member has two partitions', () => members.every((m) => m.assigned().length === 2), 20_000)
    expect(members.flatMap((m) => m.assigned()).sort()).toEqual([0, 1, 2, 3, 4, 5])
    await eventually('all 60 read', () => members.reduce((n, m) => n + m.seen.length, 0) >= 60, 20_000)

    await members[2].consumer.disconnect()
    await eventually('two members cover all six', () => members[0].assigned().length + members[1].assigned().length === 6, 20_000)
    expect([...members[0].assigned(), ...members[1].assigned()].sort()).toEqual([0, 1, 2, 3, 4, 5])
    for (const m of members.slice(0, 2)) await m.consumer.disconnect()

    await produce(c, 'shared', 12, 6)
    const again = await member(c, 'sharers', 'shared')
    await eventually('only the new records', () => again.seen.length >= 12, 20_000)
    await new Promise((r) => setTimeout(r, 500))
    expect(again.seen.length).toBe(12) // resumed from the committed offsets, nothing read twice
  }, 60_000)

  it.skipIf(!kcatAvailable)("kcat's balanced consumer joins, and lag is log end minus committed", async () => {
    const c = await fixture.start(GROUP_CLOCKS)
    const view = new GroupsView(lab(c).kafka)
    await c.createTopic({ name: 'lagging', partitions: 2, replicationFactor: 3 })
    await produce(c, 'lagging', 40, 2)
    const consumed = await kcat(['-b', c.bootstrapServers, '-G', 'kcat-group', '-o', 'beginning', '-e', '-q', '-X', 'enable.auto.commit=true', '-X', 'auto.commit.interval.ms=100', 'lagging'], undefined, 60_000)
    expect(consumed.status, consumed.stderr).toBe(0)
    expect(consumed.stdout.split('\n').filter(Boolean).length).toBe(40)
    await produce(c, 'lagging', 10, 2)
    const groups = await view.groups()
    const group = groups.find((g) => g.groupId === 'kcat-group')!
    expect(group.totalLag).toBe(10)
    for (const p of group.partitions) expect([p.status, p.lag]).toEqual(['committed', p.logEndOffset! - p.committedOffset!])
    expect(view.lagHistoryOf('kcat-group').at(-1)).toMatchObject({ totalLag: 10 })
  }, 90_000)
})

describe('consumer groups through failures and admin actions', () => {
  it('removes a member that stops heartbeating after its session timeout', async () => {
    const c = await fixture.start(GROUP_CLOCKS)
    const view = new GroupsView(lab(c).kafka)
    // A bare client joins as a real consumer would, then never heartbeats.
    const bootstrap = await RawClient.connect(c.bootstrapServers)
    const coordinatorOf = async () => (await bootstrap.request(10, 4, { key: '', keyType: 0, coordinatorKeys: ['silent'] })).coordinators[0]
    const found = await eventually('a coordinator', async () => {
      const coordinator = await coordinatorOf()
      return coordinator.errorCode === ErrorCode.NONE ? coordinator : undefined
    })
    bootstrap.close()
    const client = await RawClient.connect(`${found.host}:${found.port}`)
    const join = (memberId: string) =>
      client.request(11, 9, {
        groupId: 'silent',
        sessionTimeoutMs: 1000,
        rebalanceTimeoutMs: 1000,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
        reason: null,
      })
    const first = await join('')
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    const joined = await join(first.memberId)
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, leader: first.memberId, generationId: 1 })
    const synced = await client.request(14, 5, { groupId: 'silent', generationId: 1, memberId: first.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] })
    expect(synced.errorCode).toBe(ErrorCode.NONE)
    await eventually('a stable group of one', async () => (await view.groups()).find((g) => g.groupId === 'silent' && g.state === 'Stable' && g.members.length === 1))
    const removed = await eventually('the silent member removed after its 1 s session', async () => (await view.groups()).find((g) => g.groupId === 'silent' && g.members.length === 0))
    expect(removed.state).toBe('Empty')
    const late = await client.request(12, 4, { groupId: 'silent', generationId: 1, memberId: first.memberId, groupInstanceId: null })
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    client.close()
  })

  it('keeps offsets when the coordinator broker dies, and resets an inactive group with a faithful dry run', async () => {
    const c = await fixture.start(GROUP_CLOCKS)
    const view = new GroupsView(lab(c).kafka)
    await c.createTopic({ name: 'kept', partitions: 2, replicationFactor: 3 })
    await produce(c, 'kept', 20, 2)
    const m = await member(c, 'keepers', 'kept')
    await eventually('all 20 read and committed', async () => (await view.groups()).find((g) => g.groupId === 'keepers' && g.totalLag === 0 && g.partitions.length === 2))
    // Resetting an active group is refused.
    await expect(view.resetOffsets('keepers', 'kept', { kind: 'earliest' })).rejects.toThrow(/inactive, but its state is Stable/)
    await m.consumer.disconnect()
    await eventually('the group is empty', async () => (await view.groups()).find((g) => g.groupId === 'keepers' && g.state === 'Empty'))

    const coordinator = (await view.groups()).find((g) => g.groupId === 'keepers')!.coordinator
    await c.crashBroker(coordinator)
    const moved = await eventually('a new coordinator with the offsets', async () => {
      const g = (await view.groups()).find((x) => x.groupId === 'keepers')
      return g && g.coordinator !== coordinator ? g : undefined
    }, 15_000)
    expect(moved.partitions.map((p) => p.committedOffset)).toEqual([10, 10])

    const dry = await view.resetOffsets('keepers', 'kept', { kind: 'shift', by: -3 }, { dryRun: true })
    expect(dry.map((p) => [p.partition, p.currentOffset, p.newOffset])).toEqual([[0, 10, 7], [1, 10, 7]])
    expect((await view.groups()).find((g) => g.groupId === 'keepers')!.partitions.map((p) => p.committedOffset)).toEqual([10, 10])
    const applied = await view.resetOffsets('keepers', 'kept', { kind: 'shift', by: -3 })
    expect(applied).toEqual(dry)
    expect((await view.groups()).find((g) => g.groupId === 'keepers')!.partitions.map((p) => p.committedOffset)).toEqual([7, 7])

    // A consumer finds the new coordinator and resumes from the reset offsets: 3 + 3 records.
    const resumed = await member(c, 'keepers', 'kept')
    await eventually('the six records after the reset', () => resumed.seen.length >= 6, 20_000)
    await new Promise((r) => setTimeout(r, 300))
    expect(resumed.seen.map((s) => s.value).sort()).toEqual(['m14', 'm15', 'm16', 'm17', 'm18', 'm19'])
    await resumed.consumer.disconnect()
    await eventually('empty again', async () => (await view.groups()).find((g) => g.groupId === 'keepers' && g.state === 'Empty'))

    await view.deleteGroup('keepers')
    expect((await view.groups()).find((g) => g.groupId === 'keepers')).toBeUndefined()
  }, 90_000)
})
