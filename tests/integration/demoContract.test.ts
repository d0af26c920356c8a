// The demo clients through the console contract on a real cluster: a consumer run is listed
// with its members, a killed member says so, a stopped run leaves the group; a load producer's
// counters and series grow; bad payloads and unknown ids answer clear errors.
import { describe, expect, it } from 'vitest'
import type { ProducerStats, RunStats } from '../../main/cluster/clients/api'
import type { GroupSnapshot } from '../../preload/contract'
import { ConsoleService } from '../../main/console/consoleService'
import { eventually, useCluster } from '../helpers/cluster'
import { call } from '../helpers/contract'

const fixture = useCluster()
const CONFIGS = { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500', 'offsets.topic.num.partitions': '4' }

describe('demo clients over the contract', () => {
  it('starts, lists, kills a member of and stops a consumer run; runs a load producer', async () => {
    const c = await fixture.start(CONFIGS, 1)
    const host = new ConsoleService(c)
    await call(host, 'topic:create', { name: 'work', partitions: 2 })

    const started = await call<ProducerStats>(host, 'demo:startProducer', { topic: 'work', ratePerSec: 200, messageBytes: 64, keyCardinality: 10, acks: -1, idempotent: true })
    expect(started.options).toEqual({ topic: 'work', ratePerSec: 200, messageBytes: 64, keyCardinality: 10, acks: -1, idempotent: true })
    const grown = await eventually(
      'throughput and latency points',
      async () => {
        const [p] = await call<ProducerStats[]>(host, 'demo:producers', {})
        return p.throughput.length >= 2 && p.latency.length >= 2 && p.acked > 100 ? p : undefined
      },
      20_000,
    )
    expect(grown.producerId).toBe(started.producerId)
    expect(grown.failed).toBe(0)
    expect(grown.latency[0].p99).toBeGreaterThanOrEqual(grown.latency[0].p50)

    const run = await call<RunStats>(host, 'demo:startConsumers', { groupId: 'demo-ui', topic: 'work', members: 2, processingDelayMs: 5, commitMode: 'after-processing', sessionTimeoutMs: 1500 })
    expect(run.members.map((m) => [m.index, m.state, m.clientId])).toEqual([
      [0, 'running', 'demo-demo-ui-0'],
      [1, 'running', 'demo-demo-ui-1'],
    ])
    const listed = await call<RunStats[]>(host, 'demo:consumerRuns', {})
    expect(listed.map((r) => r.runId)).toEqual([run.runId])
    // The group itself has the two members and their assignments.
    await eventually(
      'both members assigned',
      async () => {
        const group = (await call<GroupSnapshot[]>(host, 'group:list', {})).find((g) => g.groupId === 'demo-ui')
        return group?.state === 'Stable' && group.members.length === 2 && group.members.every((m) => m.assignment?.[0]?.partitions.length === 1)
      },
      20_000,
    )
    await eventually('both members processing', async () => (await call<RunStats[]>(host, 'demo:consumerRuns', {}))[0].members.every((m) => m.processed > 0), 20_000)

    const afterKill = await call<RunStats>(host, 'demo:killMember', { runId: run.runId, member: 0 })
    expect(afterKill.members.map((m) => m.state)).toEqual(['killed', 'running'])
    // Killed, not left: the group drops it when its session times out, and the survivor takes both partitions.
    await eventually(
      'the survivor owns both partitions',
      async () => {
        const group = (await call<GroupSnapshot[]>(host, 'group:list', {})).find((g) => g.groupId === 'demo-ui')
        return group?.members.length === 1 && group.members[0].clientId === 'demo-demo-ui-1' && group.members[0].assignment?.[0]?.partitions.length === 2
      },
      20_000,
    )
    const refused = await host.call('demo:killMember', { runId: run.runId, member: 0 })
    expect(refused).toMatchObject({ ok: false, error: { kind: 'kafka', errorName: 'INVALID_REQUEST', message: 'Member 0 is killed' } })
    const restarted = await call<RunStats>(host, 'demo:restartMember', { runId: run.runId, member: 0 })
    expect(restarted.members.map((m) => m.state)).toEqual(['running', 'running'])

    const stoppedProducer = await call<ProducerStats>(host, 'demo:stopProducer', { producerId: started.producerId })
    expect(stoppedProducer.acked).toBeGreaterThanOrEqual(grown.acked)
    expect(await call(host, 'demo:producers', {})).toEqual([])

    const final = await call<RunStats>(host, 'demo:stopConsumers', { runId: run.runId })
    expect(final.members.map((m) => m.state)).toEqual(['stopped', 'stopped'])
    expect(await call(host, 'demo:consumerRuns', {})).toEqual([])
    // Stopped members leave the group at once (no session timeout to wait out), so it is Empty and resettable.
    await eventually('the group is empty', async () => (await call<GroupSnapshot[]>(host, 'group:list', {})).find((g) => g.groupId === 'demo-ui')?.state === 'Empty', 5000)
    const plan = await call<Array<{ newOffset: number }>>(host, 'group:resetOffsets', { groupId: 'demo-ui', topic: 'work', target: { kind: 'earliest' }, dryRun: true })
    expect(plan.map((e) => e.newOffset)).toEqual([0, 0])
  }, 120_000)

  it('answers invalid payloads and unknown ids with clear errors', async () => {
    const c = await fixture.start({}, 1)
    const host = new ConsoleService(c)
    const start = { groupId: 'g', topic: 'work', members: 2, processingDelayMs: 10, commitMode: 'auto' }
    expect(await host.call('demo:startConsumers', { ...start, members: 0 })).toMatchObject({ ok: false, error: { kind: 'invalid-request', field: 'members' } })
    expect(await host.call('demo:startConsumers', { ...start, commitMode: 'sometimes' })).toMatchObject({ ok: false, error: { kind: 'invalid-request', field: 'commitMode' } })
    expect(await host.call('demo:startConsumers', { ...start, bootstrap: 'elsewhere:9092' })).toMatchObject({ ok: false, error: { kind: 'invalid-request' } })
    const produce = { topic: 'work', ratePerSec: 10, messageBytes: 10, keyCardinality: null, acks: -1, idempotent: false }
    expect(await host.call('demo:startProducer', { ...produce, ratePerSec: 0 })).toMatchObject({ ok: false, error: { kind: 'invalid-request', field: 'ratePerSec' } })
    expect(await host.call('demo:startProducer', { ...produce, acks: 1, idempotent: true })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request', field: 'acks', message: expect.stringContaining('idempotent producer needs acks=all') },
    })

    for (const [method, request] of [
      ['demo:killMember', { runId: 'nope', member: 0 }],
      ['demo:restartMember', { runId: 'nope', member: 0 }],
      ['demo:stopConsumers', { runId: 'nope' }],
    ] as const) {
      expect(await host.call(method, request)).toMatchObject({ ok: false, error: { kind: 'kafka', errorName: 'INVALID_REQUEST', message: expect.stringContaining('no demo consumer run "nope"') } })
    }
    expect(await host.call('demo:stopProducer', { producerId: 'nope' })).toMatchObject({ ok: false, error: { kind: 'kafka', message: expect.stringContaining('no load producer "nope"') } })
    // A topic that does not exist: Kafka's error for it.
    expect(await host.call('demo:startConsumers', { ...start, topic: 'missing' })).toMatchObject({
      ok: false,
      error: { kind: 'kafka', errorName: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'Topic "missing" does not exist' },
    })
    expect(await call(host, 'demo:consumerRuns', {})).toEqual([])
  }, 60_000)
})
