// Issue "Multi-broker cluster" acceptance: a controller and three broker workers over real
// files, replicating over MessagePorts, with brokers crashed, stopped, paused and cut off.
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../main/cluster/cluster'
import { ErrorCode, isKafkaError } from '../../main/cluster/errors'
import { describeTopic } from '../../main/console/views/snapshot'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { producerBatch } from '../helpers/batches'
import { eventually, lab, useCluster } from '../helpers/cluster'
import { IdempotentProducer } from '../helpers/producer'

const fixture = useCluster()
const start = fixture.start

/** Every record value of a partition, read from its current leader up to the high watermark. */
async function readAll(c: Cluster, topic: string, partition: number): Promise<Array<{ offset: number; value: string }>> {
  const out: Array<{ offset: number; value: string }> = []
  let offset = 0
  for (;;) {
    const fetched = await c.fetch(topic, partition, offset)
    if (fetched.errorCode !== ErrorCode.NONE) throw new Error(`fetch failed: ${fetched.errorMessage}`)
    if (fetched.records.byteLength === 0) return out
    for (const batch of decodeRecordBatches(fetched.records)) {
      for (const r of batch.records) if (Number(r.offset) >= offset) out.push({ offset: Number(r.offset), value: r.value!.toString() })
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
    }
  }
}

describe('replication', () => {
  it('replicates to every replica and advances the high watermark with the ISR', async () => {
    const c = await start()
    await c.createTopic({ name: 'r3', partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })
    const leaders = c.topic('r3').partitions.map((p) => p.leader)
    expect(new Set(leaders).size).toBe(3) // leaders spread over the brokers
    for (let p = 0; p < 3; p++) expect(await c.produce('r3', p, producerBatch({ count: 5, tag: `p${p}` }), -1)).toMatchObject({ errorCode: 0 })
    const snapshot = await eventually('all replicas caught up', async () => {
      const s = await describeTopic(lab(c), 'r3')
      return s.partitions.every((p) => p.replicaStates.every((r) => r.logEndOffset === 5)) ? s : undefined
    })
    for (const p of snapshot.partitions) {
      expect(p.highWatermark).toBe(5)
      expect(p.isr.sort()).toEqual([1, 2, 3])
      expect(p.replicaStates.every((r) => r.lag === 0 && r.inSync)).toBe(true)
    }
  })

  it('survives a leader crash under acks=all with idempotence: every acknowledged record once, in order', async () => {
    const c = await start()
    await c.createTopic({ name: 'orders', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })
    const producer = await IdempotentProducer.create(c, 'orders')
    const firstLeader = c.topic('orders').partitions[0].leader
    let stop = false
    let sent = 0
    const sending = (async () => {
      while (!stop) {
        const values = Array.from({ length: 3 }, (_, i) => `m${sent * 3 + i}`)
        if (await producer.send(0, values, Date.now() + 15_000)) sent++
        else throw new Error(`batch ${sent} was never acknowledged`)
      }
    })()
    await eventually('some records acknowledged', () => producer.acked.length >= 20 || undefined)
    const crashedAt = Date.now()
    await c.crashBroker(firstLeader)
    const newLeader = await eventually('a new leader', () => {
      const leader = c.image.partition('orders', 0)!.leader
      return leader >= 0 && leader !== firstLeader ? leader : undefined
    })
    // Fenced once its last heartbeat is broker.session.timeout.ms (1000) old; the slack is the
    // controller's tick and the push to the host, on a busy 2-core machine.
    expect(Date.now() - crashedAt).toBeLessThan(1000 + 500)
    await eventually('the ISR shrinks', () => (c.image.partition('orders', 0)!.isr.includes(firstLeader) ? undefined : true))
    const ackedBeforeRestart = producer.acked.length
    await eventually('more records acknowledged by the new leader', () => producer.acked.length >= ackedBeforeRestart + 20 || undefined)
    await c.restartBroker(firstLeader)
    await eventually('the ISR expands again', () => (c.image.partition('orders', 0)!.isr.includes(firstLeader) ? true : undefined), 15_000)
    stop = true
    await sending

    const records = await readAll(c, 'orders', 0)
    const values = records.map((r) => r.value)
    expect(new Set(values).size).toBe(values.length) // exactly once
    const expected = producer.acked.flatMap((a) => a.values)
    expect(values.slice(0, expected.length)).toEqual(expected) // all acknowledged, in order
    expect(fixture.events.some((e) => e.type === 'leader-elected' && e.partition === 0 && e.leader === newLeader)).toBe(true)
    expect(fixture.events.some((e) => e.type === 'isr-shrunk')).toBe(true)
    expect(fixture.events.some((e) => e.type === 'isr-expanded')).toBe(true)
  })

  it('with 2 of 3 brokers down, acks=all gets NOT_ENOUGH_REPLICAS and acks=1 still works', async () => {
    const c = await start()
    await c.createTopic({ name: 'mins', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })
    const [leader, ...followers] = c.topic('mins').partitions[0].replicas
    const survivor = c.topic('mins').partitions[0].leader
    for (const id of [leader, ...followers].filter((id) => id !== survivor)) await c.crashBroker(id)
    await eventually('the ISR shrinks to the survivor', () => (c.image.partition('mins', 0)!.isr.length === 1 ? true : undefined))
    // The controller's image may show the shrunk ISR before the leader's own partition state does;
    // the leader decides, so ask until it has heard.
    await eventually('the leader refuses acks=all', async () => ((await c.produce('mins', 0, producerBatch(), -1, 3000))?.errorCode === ErrorCode.NOT_ENOUGH_REPLICAS ? true : undefined))
    expect(await c.produce('mins', 0, producerBatch(), 1)).toMatchObject({ errorCode: ErrorCode.NONE })
  })

  it('keeps a partition offline without unclean election, and reports the loss with it', async () => {
    const c = await start()
    await c.createTopic({ name: 'u', partitions: 1, replicationFactor: 2 })
    const { leader, replicas } = c.topic('u').partitions[0]
    const follower = replicas.find((id) => id !== leader)!
    expect(await c.produce('u', 0, producerBatch({ count: 4 }), -1)).toMatchObject({ errorCode: 0 })
    // The follower falls out of the ISR, the leader takes more writes, then dies.
    await c.crashBroker(follower)
    await eventually('the follower leaves the ISR', () => (c.image.partition('u', 0)!.isr.length === 1 ? true : undefined))
    expect(await c.produce('u', 0, producerBatch({ count: 6 }), 1)).toMatchObject({ errorCode: 0 })
    await c.crashBroker(leader)
    await c.restartBroker(follower)
    await eventually('the partition is offline', () => (c.image.partition('u', 0)!.leader === -1 ? true : undefined))
    await new Promise((r) => setTimeout(r, 1500))
    expect(c.image.partition('u', 0)!.leader).toBe(-1)
    expect(fixture.events.some((e) => e.type === 'partition-offline')).toBe(true)

    await c.alterConfigs({ topic: 'u' }, { 'unclean.leader.election.enable': 'true' })
    await eventually('an unclean leader', () => (c.image.partition('u', 0)!.leader === follower ? true : undefined))
    expect(fixture.events.find((e) => e.type === 'unclean-election')).toMatchObject({ topic: 'u', partition: 0, leader: follower })
    // The old leader comes back, follows, and reports the offsets it had to give up.
    await c.restartBroker(leader)
    const truncated = await eventually('the old leader truncates', () =>
      fixture.events.find((e) => e.source === 'broker' && e.type === 'log-truncated' && e.brokerId === leader),
    )
    expect(truncated).toMatchObject({ fromOffset: 10, toOffset: 4 })
  })

  it('ends a network partition around the leader with one leader and no acknowledged acks=all record lost', async () => {
    const c = await start()
    await c.createTopic({ name: 'np', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })
    const producer = await IdempotentProducer.create(c, 'np')
    for (let i = 0; i < 5; i++) expect(await producer.send(0, [`a${i}`], Date.now() + 5000)).toBe(true)
    const oldLeader = c.topic('np').partitions[0].leader
    await c.isolateBroker(oldLeader)
    // Writes to the isolated leader cannot reach min.insync.replicas: not acknowledged.
    const isolated = c.broker(oldLeader).client
    const stuck = await isolated.call('produce', { acks: -1, timeoutMs: 1500, topics: [{ name: 'np', partitions: [{ index: 0, records: producerBatch({ tag: 'lost' }) }] }] })
    expect(stuck!.topics[0].partitions[0].errorCode).not.toBe(ErrorCode.NONE)
    const newLeader = await eventually('a new leader on the majority side', () => {
      const leader = c.image.partition('np', 0)!.leader
      return leader >= 0 && leader !== oldLeader ? leader : undefined
    })
    for (let i = 5; i < 10; i++) expect(await producer.send(0, [`a${i}`], Date.now() + 5000)).toBe(true)
    await c.healAllLinks()
    await eventually('the old leader follows again and rejoins the ISR', async () => {
      const p = (await describeTopic(lab(c), 'np')).partitions[0]
      return p.leader === newLeader && p.isr.length === 3 ? true : undefined
    }, 15_000)
    const values = (await readAll(c, 'np', 0)).map((r) => r.value)
    expect(values).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`))
  })

  it("answers Kafka's errors for impossible topics and operations", async () => {
    const c = await start({ 'delete.topic.enable': 'false', 'auto.create.topics.enable': 'false' })
    await expect(c.createTopic({ name: 'big', replicationFactor: 4 })).rejects.toSatisfy((e) => isKafkaError(e, 'INVALID_REPLICATION_FACTOR'))
    await c.createTopic({ name: 'keep', replicationFactor: 3 })
    await expect(c.deleteTopic('keep')).rejects.toSatisfy((e) => isKafkaError(e, 'TOPIC_DELETION_DISABLED') && /delete.topic.enable/.test((e as Error).message))
    await expect(c.produce('nowhere', 0, producerBatch(), 1)).rejects.toSatisfy((e) => isKafkaError(e, 'UNKNOWN_TOPIC_OR_PARTITION'))
  })

  it('restarts the whole cluster with topics, configs, data and high watermarks intact', async () => {
    let c = await start()
    await c.createTopic({ name: 'kept', partitions: 2, replicationFactor: 3, configs: { 'retention.ms': '3600000' } })
    for (let p = 0; p < 2; p++) await c.produce('kept', p, producerBatch({ count: 7, tag: `k${p}` }), -1)
    await fixture.stop()
    c = await start()
    expect(c.topic('kept').partitions.length).toBe(2)
    expect(c.image.topicConfigs('kept')).toEqual({ 'retention.ms': '3600000' })
    for (let p = 0; p < 2; p++) {
      const values = await eventually(`partition ${p} readable`, async () => {
        const all = await readAll(c, 'kept', p).catch(() => [])
        return all.length === 7 ? all.map((r) => r.value) : undefined
      })
      expect(values).toEqual(Array.from({ length: 7 }, (_, i) => `k${p}-${i}`))
    }
  })
})
