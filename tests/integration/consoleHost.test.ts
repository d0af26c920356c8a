// The console's read paths through the ConsoleService on a real cluster: recent events for a
// console that connects late, configs with their sources, the message browser, and config
// changes checked with validateOnly before they are applied.
import { describe, expect, it } from 'vitest'
import { ConsoleService } from '../../main/console/consoleService'
import { eventually, useCluster } from '../helpers/cluster'
import { call } from '../helpers/contract'

const fixture = useCluster()

describe('console host', () => {
  it('replays recent events, describes configs with their sources, and browses messages', async () => {
    const c = await fixture.start({}, 1)
    const host = new ConsoleService(c)
    await call(host, 'topic:create', { name: 'browsed', partitions: 2, configs: { 'retention.ms': '3600000' } })
    const events = await call<Array<{ type: string; topic?: string }>>(host, 'events:recent', {})
    expect(events.some((e) => e.type === 'topic-created' && e.topic === 'browsed')).toBe(true)

    const configs = await call<Array<{ name: string; value: string; source: number }>>(host, 'config:describeTopic', { name: 'browsed' })
    expect(configs.find((x) => x.name === 'retention.ms')).toMatchObject({ value: '3600000', source: 1 })
    expect(configs.find((x) => x.name === 'cleanup.policy')).toMatchObject({ value: 'delete', source: 5 })
    const broker = await call<Array<{ name: string; value: string }>>(host, 'config:describeBroker', { brokerId: 1 })
    expect(broker.find((x) => x.name === 'node.id')).toMatchObject({ value: '1' })

    for (let i = 0; i < 6; i++) {
      await call(host, 'message:produce', { topic: 'browsed', partition: i % 2, key: `k${i}`, value: i === 5 ? null : `value ${i}`, headers: { n: String(i) } })
    }
    const first = await call<Array<{ partition: number; offset: number; key: { text: string } | null; value: { text: string } | null; headers: Array<{ key: string; value: { text: string } }> }>>(
      host,
      'message:browse',
      { topic: 'browsed', partition: 0, from: { kind: 'earliest' }, limit: 10 },
    )
    expect(first.map((r) => [r.offset, r.key?.text, r.value?.text, r.headers[0].value.text])).toEqual([
      [0, 'k0', 'value 0', '0'],
      [1, 'k2', 'value 2', '2'],
      [2, 'k4', 'value 4', '4'],
    ])
    const all = await call<Array<{ partition: number; value: { text: string } | null }>>(host, 'message:browse', { topic: 'browsed', from: { kind: 'latest' }, limit: 2 })
    expect(all.length).toBe(2)
    const tail = await call<Array<{ offset: number; value: unknown }>>(host, 'message:browse', { topic: 'browsed', partition: 1, from: { kind: 'latest' }, limit: 1 })
    expect(tail).toEqual([expect.objectContaining({ offset: 2, value: null })])
    const refused = await host.call('message:browse', { topic: 'browsed', from: { kind: 'offset', offset: -1 }, limit: 10 })
    expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid-request', field: 'from.offset' } })
  })

  it('checks config changes with validateOnly: Kafka’s error for an invalid value, nothing changed for a valid one', async () => {
    const c = await fixture.start({}, 1)
    const host = new ConsoleService(c)
    await call(host, 'topic:create', { name: 'checked', partitions: 1, configs: { 'retention.ms': '3600000' } })
    const retention = async () => (await call<Array<{ name: string; value: string; source: number }>>(host, 'config:describeTopic', { name: 'checked' })).find((x) => x.name === 'retention.ms')

    const invalid = await host.call('config:alter', { topic: 'checked', configs: { 'retention.ms': '-5' }, validateOnly: true })
    expect(invalid).toMatchObject({ ok: false, error: { kind: 'kafka', errorName: 'INVALID_CONFIG', message: expect.stringMatching(/^Invalid value -5 for configuration retention\.ms: /) } })
    await call(host, 'config:alter', { topic: 'checked', configs: { 'retention.ms': '60000' }, validateOnly: true })
    await call(host, 'config:alter', { topic: 'checked', configs: { 'retention.ms': null }, validateOnly: true })
    expect(await retention()).toMatchObject({ value: '3600000', source: 1 })

    const readOnly = await host.call('config:alter', { broker: '', configs: { 'log.retention.check.interval.ms': '1000' }, validateOnly: true })
    expect(readOnly).toMatchObject({ ok: false, error: { errorName: 'INVALID_REQUEST', message: 'Cannot update these configs dynamically: Set(log.retention.check.interval.ms)' } })
    await call(host, 'config:alter', { broker: '', configs: { 'log.retention.bytes': '1048576' }, validateOnly: true })
    // Only what the controller wrote at bootstrap (as Kafka 4.4 does) is set cluster-wide.
    expect((await call<Array<{ name: string }>>(host, 'config:describeBroker', { brokerId: '' })).map((c) => c.name)).toEqual(['min.insync.replicas'])

    await call(host, 'config:alter', { topic: 'checked', configs: { 'retention.ms': '60000' } })
    expect(await retention()).toMatchObject({ value: '60000', source: 1 })
  })

  it('reassigns a topic\'s partition (topic:reassign): RF 1 -> 3 in the snapshot once in sync, and Kafka\'s errors for bad replicas', async () => {
    const c = await fixture.start({}, 3)
    const host = new ConsoleService(c)
    await call(host, 'topic:create', { name: 'moved', partitions: 1, replicationFactor: 1 })
    await call(host, 'topic:reassign', { name: 'moved', partitions: [{ partition: 0, replicas: [3, 2, 1] }] })
    await eventually('the reassignment to complete', () => {
      const p = c.image.partition('moved', 0)!
      return p.isr.length === 3 && p.addingReplicas === undefined
    })
    expect(c.image.partition('moved', 0)!.replicas).toEqual([3, 2, 1])
    const refused = await host.call('topic:reassign', { name: 'moved', partitions: [{ partition: 0, replicas: [1, 9] }] })
    expect(refused).toMatchObject({ ok: false, error: { kind: 'kafka', errorName: 'INVALID_REPLICA_ASSIGNMENT' } })
    const cancelled = await host.call('topic:reassign', { name: 'moved', partitions: [{ partition: 0, replicas: null }] })
    expect(cancelled).toMatchObject({ ok: false, error: { kind: 'kafka', errorName: 'NO_REASSIGNMENT_IN_PROGRESS' } })
  })
})
