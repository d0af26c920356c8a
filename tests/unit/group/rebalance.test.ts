// The classic rebalance protocol, driven through the shard's handlers with a test clock.
import { describe, expect, it } from 'vitest'
import { ErrorCode as E } from '../../../main/cluster/errors'
import { Consumer, Harness, START, assignment, joinRequest, rebalance, settle } from './harness'

const client = { clientId: 'c', clientHost: '/127.0.0.1' }

describe('joining a group', () => {
  it('the whole dance with 3 members: MEMBER_ID_REQUIRED, the initial delay, leader and follower sync, Stable, heartbeats', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 3000 })
    // v4+: the first JoinGroup only hands out a member id.
    const first = await h.shard.joinGroup(joinRequest('g'), 9, { clientId: 'app-1', clientHost: '/10.0.0.1' })
    expect(first).toMatchObject({ errorCode: E.MEMBER_ID_REQUIRED, memberId: 'app-1-uuid-1', generationId: -1 })
    expect(h.shard.groups()).toEqual([expect.objectContaining({ groupId: 'g', state: 'Empty', members: [] })])

    const a = new Consumer(h, 'g', 'app-1')
    const b = new Consumer(h, 'g', 'app-2')
    const c = new Consumer(h, 'g', 'app-3')
    const joins = [await a.join(), await b.join()]
    await h.advance(2000)
    joins.push(await c.join())
    expect(h.shard.groups()[0].state).toBe('PreparingRebalance')
    // The delay (3 s) ends at +3 s, but members came meanwhile: Kafka waits one more delay.
    await h.advance(1500)
    let answered = 0
    for (const j of joins) void j.response.then(() => answered++)
    await settle()
    expect(answered).toBe(0)
    await h.advance(3000)
    expect(answered).toBe(3)
    const [ra, rb, rc] = await Promise.all(joins.map((j) => j.response))
    expect(ra).toMatchObject({ errorCode: E.NONE, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: a.memberId })
    expect(ra.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId, c.memberId])
    expect(rb.members).toEqual([])
    expect(rc.leader).toBe(a.memberId)
    expect(h.shard.groups()[0].state).toBe('CompletingRebalance')

    // Followers wait for the leader's assignment.
    const syncB = b.sync()
    const syncC = c.sync()
    let followersDone = false
    void Promise.all([syncB, syncC]).then(() => (followersDone = true))
    await settle()
    expect(followersDone).toBe(false)
    const written = h.log.length
    const syncA = await a.sync([
      { memberId: a.memberId, assignment: assignment({ orders: [0] }) },
      { memberId: b.memberId, assignment: assignment({ orders: [1] }) },
      { memberId: c.memberId, assignment: assignment({ orders: [2] }) },
    ])
    expect(syncA).toMatchObject({ errorCode: E.NONE, protocolType: 'consumer', protocolName: 'range' })
    expect((await syncB).assignment).toEqual(assignment({ orders: [1] }))
    expect((await syncC).errorCode).toBe(E.NONE)
    // The leader's sync wrote the group with its assignments before anyone got them.
    expect(h.log.length).toBe(written + 1)

    const [view] = h.shard.groups()
    expect(view).toMatchObject({ state: 'Stable', generation: 1, protocolType: 'consumer', protocol: 'range' })
    expect(view.members.map((m) => [m.clientId, m.assignment])).toEqual([
      ['app-1', [{ topic: 'orders', partitions: [0] }]],
      ['app-2', [{ topic: 'orders', partitions: [1] }]],
      ['app-3', [{ topic: 'orders', partitions: [2] }]],
    ])
    // Heartbeats keep the members well past their 10 s session.
    for (let i = 0; i < 10; i++) {
      await h.advance(3000)
      expect([a.heartbeat(), b.heartbeat(), c.heartbeat()]).toEqual([E.NONE, E.NONE, E.NONE])
    }
    expect(h.shard.groups()[0]).toMatchObject({ state: 'Stable', generation: 1 })
  })

  it('stops extending the initial delay at the rebalance timeout', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 3000 })
    const options = { rebalanceTimeoutMs: 7000 }
    const ja = await new Consumer(h, 'g', 'a', options).join()
    let answeredAt = 0
    void ja.response.then(() => (answeredAt = h.time))
    // A new member every second would extend the delay forever; the rebalance timeout (7 s) bounds it.
    for (let i = 0; i < 10 && answeredAt === 0; i++) {
      await new Consumer(h, 'g', `n${i}`, options).join()
      await h.advance(1000)
    }
    expect(answeredAt - START).toBe(7000)
    expect((await ja.response).members).toHaveLength(8)
  })

  it('answers with the errors of the classic protocol', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 0, groupMaxSize: 2 })
    const join = (o: Parameters<typeof joinRequest>[1], version = 9) => h.shard.joinGroup(joinRequest('g', o), version, client)
    expect((await join({ sessionTimeoutMs: 1000 })).errorCode).toBe(E.INVALID_SESSION_TIMEOUT)
    expect((await join({ sessionTimeoutMs: 1_900_000 })).errorCode).toBe(E.INVALID_SESSION_TIMEOUT)
    expect((await h.shard.joinGroup(joinRequest(''), 9, client)).errorCode).toBe(E.INVALID_GROUP_ID)
    expect((await join({ memberId: 'nobody' })).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    // v3 and older: no MEMBER_ID_REQUIRED round trip.
    const a = await join({}, 3)
    expect(a).toMatchObject({ errorCode: E.NONE, generationId: 1, memberId: 'c-uuid-1', leader: 'c-uuid-1', protocolName: 'range' })
    expect((await join({ protocolType: 'connect' })).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    expect((await join({ protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] })).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    const pending = await join({})
    expect(pending.errorCode).toBe(E.MEMBER_ID_REQUIRED)
    // One member and one pending member: the group is full.
    expect((await join({})).errorCode).toBe(E.GROUP_MAX_SIZE_REACHED)
  })

  it('selects the protocol most members prefer among those all support', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }))
    const consumers = [p('range', 'sticky'), p('sticky', 'range'), p('sticky', 'range', 'roundrobin')].map((protocols, i) => new Consumer(h, 'g', `c${i}`, { protocols }))
    const joins = await Promise.all(consumers.map((c) => c.join()))
    await h.advance(200)
    const responses = await Promise.all(joins.map((j) => j.response))
    expect(responses.map((r) => r.protocolName)).toEqual(['sticky', 'sticky', 'sticky'])
    expect(responses[0].members.map((m) => m.metadata.toString())).toEqual(['sticky', 'sticky', 'sticky'])
  })
})

describe('rebalancing', () => {
  async function stableGroup(h: Harness, n = 3, options = {}) {
    const consumers = Array.from({ length: n }, (_, i) => new Consumer(h, 'g', `app-${i + 1}`, options))
    await rebalance(h, consumers)
    expect(h.shard.groups()[0]).toMatchObject({ state: 'Stable', generation: 1 })
    return consumers
  }

  it('a member leaving makes the others rejoin; heartbeats say REBALANCE_IN_PROGRESS until they do', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 3000 })
    const [a, b, c] = await stableGroup(h)
    const left = h.shard.leaveGroup({ groupId: 'g', memberId: '', members: [{ memberId: b.memberId, groupInstanceId: null, reason: 'bye' }] }, 5)
    expect(left).toEqual({ throttleTimeMs: 0, errorCode: E.NONE, members: [{ memberId: b.memberId, groupInstanceId: null, errorCode: E.NONE }] })
    expect(h.shard.groups()[0].state).toBe('PreparingRebalance')
    expect(a.heartbeat()).toBe(E.REBALANCE_IN_PROGRESS)
    expect(b.heartbeat()).toBe(E.UNKNOWN_MEMBER_ID)
    // Syncing or committing with the old generation is refused until the members rejoin.
    expect((await c.sync()).errorCode).toBe(E.REBALANCE_IN_PROGRESS)
    const ja = await a.join()
    const jc = await c.join()
    // No initial delay outside Empty: the join phase ends when the last member rejoins.
    const [ra, rc] = await Promise.all([ja.response, jc.response])
    expect(ra).toMatchObject({ generationId: 2, leader: a.memberId })
    expect(ra.members.map((m) => m.memberId)).toEqual([a.memberId, c.memberId])
    expect(rc.generationId).toBe(2)
    expect(c.heartbeat()).toBe(E.NONE)
    // A heartbeat with the old generation is a stale member.
    expect(h.shard.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }, 4).errorCode).toBe(E.ILLEGAL_GENERATION)
    // LeaveGroup v0-v2 names one member and answers at the top level.
    expect(h.shard.leaveGroup({ groupId: 'g', memberId: 'ghost', members: [] }, 1).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    expect(h.shard.leaveGroup({ groupId: 'nope', memberId: 'ghost', members: [] }, 1).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
  })

  it('a member whose session expires is removed and the group rebalances without it', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a, b, c] = await stableGroup(h)
    for (let i = 0; i < 4; i++) {
      await h.advance(3000)
      a.heartbeat()
      b.heartbeat()
    }
    const [view] = h.shard.groups()
    expect(view.state).toBe('PreparingRebalance')
    expect(view.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId])
    expect(c.heartbeat()).toBe(E.UNKNOWN_MEMBER_ID)
    const joins = [await a.join(), await b.join()]
    expect((await joins[0].response).generationId).toBe(2)
  })

  it('the rebalance timeout kicks members that did not rejoin', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a, b, c] = await stableGroup(h, 3, { rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 30_000 })
    // a rejoins (say its subscription changed); b and c keep heartbeating but never rejoin.
    const changed = new Consumer(h, 'g', 'x', { topics: ['orders', 'payments'], rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 30_000 })
    changed.memberId = a.memberId
    const ja = await changed.join()
    let done = false
    void ja.response.then(() => (done = true))
    for (let t = 0; t < 19_000; t += 3000) {
      await h.advance(3000)
      if (!done) expect([b.heartbeat(), c.heartbeat()]).toEqual([E.REBALANCE_IN_PROGRESS, E.REBALANCE_IN_PROGRESS])
    }
    await h.advance(2000)
    expect(done).toBe(true)
    const ra = await ja.response
    expect(ra).toMatchObject({ errorCode: E.NONE, generationId: 2, leader: a.memberId })
    expect(ra.members.map((m) => m.memberId)).toEqual([a.memberId])
    expect(b.heartbeat()).toBe(E.UNKNOWN_MEMBER_ID)
  })

  /** Two members through the join phase (the initial delay gathers both), not yet synced. */
  async function joinTwo(h: Harness, options = {}) {
    const a = new Consumer(h, 'g', 'a', options)
    const b = new Consumer(h, 'g', 'b', options)
    const joins = [await a.join(), await b.join()]
    await h.advance(200)
    const responses = await Promise.all(joins.map((j) => j.response))
    expect(responses[0].members).toHaveLength(2)
    expect(h.shard.groups()[0].state).toBe('CompletingRebalance')
    return [a, b]
  }

  it('members that joined but never synced are removed after the rebalance timeout', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a, b] = await joinTwo(h, { rebalanceTimeoutMs: 5000 })
    await a.sync([{ memberId: a.memberId, assignment: assignment({ orders: [0] }) }])
    expect(h.shard.groups()[0].state).toBe('Stable')
    await h.advance(4000)
    a.heartbeat()
    await h.advance(1000)
    expect(h.shard.groups()[0].members.map((m) => m.memberId)).toEqual([a.memberId])
    expect(h.shard.groups()[0].state).toBe('PreparingRebalance')
    expect(b.heartbeat()).toBe(E.UNKNOWN_MEMBER_ID)
  })

  it('a failed write of the assignment makes the group rebalance and tells the members', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const [a, b] = await joinTwo(h)
    h.failAppends()
    const followerSync = b.sync()
    expect((await a.sync([{ memberId: a.memberId, assignment: assignment({ orders: [0] }) }])).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE)
    expect((await followerSync).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE)
    expect(h.shard.groups()[0].state).toBe('PreparingRebalance')
    h.failAppends(null)
    await rebalance(h, [a, b])
    expect(h.shard.groups()[0]).toMatchObject({ state: 'Stable', generation: 2 })
  })
})

describe('static membership (group.instance.id)', () => {
  it('a restarted static member takes its place back without a rebalance; the old instance is fenced', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const a = new Consumer(h, 'g', 'a', { instanceId: 'host-a' })
    const b = new Consumer(h, 'g', 'b', { instanceId: 'host-b' })
    await rebalance(h, [a])
    // b first: the leader rejoining alone would complete the join phase without it.
    await rebalance(h, [b, a])
    const before = h.shard.groups()[0]
    expect(before).toMatchObject({ state: 'Stable', generation: 2 })
    expect(b.memberId).toBe('host-b-uuid-2')

    // b restarts: same instance id, no member id (static members skip MEMBER_ID_REQUIRED).
    const restarted = new Consumer(h, 'g', 'b', { instanceId: 'host-b' })
    const r = await (await restarted.join()).response
    expect(r).toMatchObject({ errorCode: E.NONE, generationId: 2, leader: a.memberId, memberId: 'host-b-uuid-3', members: [] })
    const after = h.shard.groups()[0]
    expect(after).toMatchObject({ state: 'Stable', generation: 2 })
    expect(after.members.map((m) => [m.groupInstanceId, m.memberId])).toEqual([
      ['host-a', a.memberId],
      ['host-b', 'host-b-uuid-3'],
    ])
    // Its assignment survived; the new instance syncs and gets it at once.
    expect((await restarted.sync()).assignment).toEqual(assignment({ orders: [1] }))
    // The old instance's member id is stale.
    expect(b.heartbeat()).toBe(E.FENCED_INSTANCE_ID)
    expect((await b.commit('orders', 1, 5n)).topics[0].partitions[0].errorCode).toBe(E.FENCED_INSTANCE_ID)
    expect((await b.send()).errorCode).toBe(E.FENCED_INSTANCE_ID)
    expect(h.shard.leaveGroup({ groupId: 'g', memberId: '', members: [{ memberId: b.memberId, groupInstanceId: 'host-b', reason: null }] }, 5).members[0].errorCode).toBe(E.FENCED_INSTANCE_ID)
    expect(restarted.heartbeat()).toBe(E.NONE)
  })
})
