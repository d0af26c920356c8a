// What operators expect of an admin console, through the ConsoleService over the Kafka
// protocol on a real cluster: preferred leader election after a failover, purging records
// (DeleteRecords), deleting a group's offsets on one topic (OffsetDelete), and resetting a
// group on all its topics at once.
import { describe, expect, it } from 'vitest'
import { ConsoleService } from '../../main/console/consoleService'
import type { ElectionResult, GroupSnapshot, PurgeResult, ResetPlanEntry, TopicDescription } from '../../preload/contract'
import { eventually, useCluster } from '../helpers/cluster'
import { call } from '../helpers/contract'

const fixture = useCluster()

async function produce(host: ConsoleService, topic: string, partition: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await call(host, 'message:produce', { topic, partition, value: `v${i}` })
}

describe('operator actions', () => {
  it('elects the preferred leaders back after a failover, for a topic and for the whole cluster', async () => {
    const c = await fixture.start()
    const host = new ConsoleService(c)
    await call(host, 'topic:create', { name: 'moved', partitions: 3, replicationFactor: 3 })
    const describe = () => call<TopicDescription>(host, 'topic:describe', { name: 'moved' })
    const preferredOf0 = (await describe()).partitions[0].replicas[0]
    await c.crashBroker(preferredOf0)
    await eventually('partition 0 led by another broker', async () => (await describe()).partitions[0].leader !== preferredOf0)
    await c.restartBroker(preferredOf0)
    await eventually('the restarted broker back in every ISR', async () => (await describe()).partitions.every((p) => p.isr.length === 3))
    const displaced = (await describe()).partitions.filter((p) => p.leader !== p.replicas[0]).map((p) => p.partition)
    expect(displaced.length).toBeGreaterThan(0)

    const results = await call<ElectionResult[]>(host, 'cluster:electLeaders', { topic: 'moved' })
    expect(results.filter((r) => r.outcome === 'elected').map((r) => r.partition)).toEqual(displaced)
    expect(results.every((r) => r.outcome !== 'failed')).toBe(true)
    await eventually('every partition led by its preferred replica', async () => (await describe()).partitions.every((p) => p.leader === p.replicas[0]))
    // Named partitions already led by their preferred replica answer ELECTION_NOT_NEEDED...
    const again = await call<ElectionResult[]>(host, 'cluster:electLeaders', { topic: 'moved' })
    expect(again.map((r) => [r.outcome, r.errorName])).toEqual([
      ['not-needed', 'ELECTION_NOT_NEEDED'],
      ['not-needed', 'ELECTION_NOT_NEEDED'],
      ['not-needed', 'ELECTION_NOT_NEEDED'],
    ])
    // ...and an election of every partition lists only those it moved, as Kafka's controller answers it: none here.
    expect(await call<ElectionResult[]>(host, 'cluster:electLeaders', {})).toEqual([])
  }, 60_000)

  it('purges records below an offset, or all of a topic, moving the log start offset', async () => {
    const c = await fixture.start({}, 1)
    const host = new ConsoleService(c)
    await call(host, 'topic:create', { name: 'purged', partitions: 2 })
    await produce(host, 'purged', 0, 10)
    await produce(host, 'purged', 1, 5)
    expect(await call<PurgeResult[]>(host, 'topic:purge', { name: 'purged', partition: 0, offset: 4 })).toEqual([{ partition: 0, logStartOffset: 4 }])
    const first = await call<Array<{ offset: number }>>(host, 'message:browse', { topic: 'purged', partition: 0, from: { kind: 'earliest' }, limit: 1 })
    expect(first.map((r) => r.offset)).toEqual([4])
    expect(await call<PurgeResult[]>(host, 'topic:purge', { name: 'purged' })).toEqual([
      { partition: 0, logStartOffset: 10 },
      { partition: 1, logStartOffset: 5 },
    ])
    // Beyond the high watermark: Kafka's OFFSET_OUT_OF_RANGE.
    const outcome = await host.call('topic:purge', { name: 'purged', partition: 1, offset: 99 })
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'kafka', errorName: 'OFFSET_OUT_OF_RANGE' } })
  })

  it('resets a group on every topic it has offsets on, and deletes its offsets on one topic', async () => {
    const c = await fixture.start({}, 1)
    const host = new ConsoleService(c)
    for (const topic of ['left', 'right']) {
      await call(host, 'topic:create', { name: topic, partitions: 1 })
      await produce(host, topic, 0, 6)
    }
    // A group without members gets offsets the way kafka-consumer-groups --reset-offsets gives them.
    for (const topic of ['left', 'right']) await call(host, 'group:resetOffsets', { groupId: 'two-topics', topic, target: { kind: 'latest' } })
    const plan = await call<ResetPlanEntry[]>(host, 'group:resetOffsets', { groupId: 'two-topics', target: { kind: 'earliest' }, dryRun: true })
    expect(plan.map((p) => [p.topic, p.currentOffset, p.newOffset])).toEqual([
      ['left', 6, 0],
      ['right', 6, 0],
    ])
    await call(host, 'group:resetOffsets', { groupId: 'two-topics', target: { kind: 'shift', by: -2 } })
    const group = async () => (await call<GroupSnapshot[]>(host, 'group:list', {})).find((g) => g.groupId === 'two-topics')
    expect((await group())!.partitions.map((p) => [p.topic, p.committedOffset])).toEqual([
      ['left', 4],
      ['right', 4],
    ])
    await call(host, 'group:deleteOffsets', { groupId: 'two-topics', topic: 'left' })
    expect((await group())!.partitions.map((p) => p.topic)).toEqual(['right'])
    // Partitions without a topic say which field is wrong.
    expect(await host.call('group:resetOffsets', { groupId: 'two-topics', partitions: [0], target: { kind: 'earliest' } })).toMatchObject({ ok: false, error: { field: 'partitions' } })
  })
})
