// kafkajs, a real Kafka client, against the embedded cluster over real sockets.
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import type { Cluster } from '../../main/cluster/cluster'
import { eventually, useCluster } from '../helpers/cluster'
import { javaPartitionFor } from '../helpers/javaPartitioner'
import { RawClient } from '../helpers/rawClient'

const fixture = useCluster()
const clients: Array<Admin | Producer> = []
afterEach(async () => {
  for (const client of clients.splice(0)) await client.disconnect().catch(() => undefined)
})

function kafka(c: Cluster): Kafka {
  return new Kafka({ clientId: 'interop', brokers: c.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100 } })
}

async function admin(c: Cluster): Promise<Admin> {
  const a = kafka(c).admin()
  await a.connect()
  clients.push(a)
  return a
}

/** Every (key, value) of a partition, read through the cluster API. */
async function partitionRecords(c: Cluster, topic: string, partition: number): Promise<Array<{ key: string | null; value: string }>> {
  const out: Array<{ key: string | null; value: string }> = []
  let offset = 0
  for (;;) {
    const fetched = await c.fetch(topic, partition, offset)
    if (fetched.records.byteLength === 0) return out
    for (const batch of decodeRecordBatches(fetched.records)) {
      for (const r of batch.records) if (Number(r.offset) >= offset) out.push({ key: r.key?.toString() ?? null, value: r.value!.toString() })
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
    }
  }
}

describe('kafkajs', () => {
  it('admin creates, lists, describes and deletes topics, and describes and alters configs', async () => {
    const c = await fixture.start()
    const a = await admin(c)
    expect(await a.createTopics({ topics: [{ topic: 'admin-made', numPartitions: 3, replicationFactor: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] })).toBe(true)
    expect(await a.listTopics()).toContain('admin-made')
    const { topics } = await a.fetchTopicMetadata({ topics: ['admin-made'] })
    expect(topics[0].partitions.length).toBe(3)
    for (const p of topics[0].partitions) {
      const registration = c.image.partition('admin-made', p.partitionId)!
      expect(p.leader).toBe(registration.leader)
      expect(p.replicas.sort()).toEqual([...registration.replicas].sort())
    }
    const described = await a.describeConfigs({ resources: [{ type: 2, name: 'admin-made', configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false })
    const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e]))
    expect(entries['retention.ms']).toMatchObject({ configValue: '3600000', isDefault: false })
    expect(entries['cleanup.policy']).toMatchObject({ configValue: 'delete', isDefault: true })

    await a.alterConfigs({ resources: [{ type: 2, name: 'admin-made', configEntries: [{ name: 'retention.ms', value: '60000' }] }], validateOnly: false })
    await eventually('the new retention', () => c.image.topicConfigs('admin-made')['retention.ms'] === '60000')
    // kafkajs throws Kafka's error type but drops the broker's message: read that off the wire.
    await expect(
      a.alterConfigs({ resources: [{ type: 2, name: 'admin-made', configEntries: [{ name: 'retention.ms', value: '-5' }] }], validateOnly: false }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG', code: 40 })
    const raw = await RawClient.connect(c.bootstrapServers)
    const answer = await raw.request(33, 1, { resources: [{ resourceType: 2, resourceName: 'admin-made', configs: [{ name: 'retention.ms', value: '-5' }] }], validateOnly: false })
    raw.close()
    expect(answer.responses[0]).toMatchObject({ errorCode: 40, errorMessage: 'Invalid value -5 for configuration retention.ms: Value must be at least -1' })
    expect(c.image.topicConfigs('admin-made')['retention.ms']).toBe('60000')

    expect(await a.createTopics({ topics: [{ topic: 'admin-made' }] })).toBe(false) // already exists
    await a.deleteTopics({ topics: ['admin-made'] })
    await eventually('the topic is gone', async () => !(await a.listTopics()).includes('admin-made'))
  })

  it("a keyed producer lands each key on the partition Java's murmur2 partitioner picks", async () => {
    const c = await fixture.start()
    await c.createTopic({ name: 'keyed', partitions: 6, replicationFactor: 3 })
    const producer = kafka(c).producer()
    await producer.connect()
    clients.push(producer)
    const keys = Array.from({ length: 60 }, (_, i) => `customer-${i}`)
    await producer.send({ topic: 'keyed', acks: -1, messages: keys.map((key) => ({ key, value: `order of ${key}` })) })
    for (let p = 0; p < 6; p++) {
      const records = await partitionRecords(c, 'keyed', p)
      for (const r of records) expect(javaPartitionFor(r.key!, 6)).toBe(p)
      expect(records.map((r) => r.key)).toEqual(keys.filter((k) => javaPartitionFor(k, 6) === p))
    }
  })

  it('an idempotent producer with acks=-1 keeps working through a leader crash, losing nothing acknowledged', async () => {
    const c = await fixture.start()
    await c.createTopic({ name: 'steady', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })
    const producer = kafka(c).producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    clients.push(producer)
    const acked: string[] = []
    const send = async (i: number) => {
      await producer.send({ topic: 'steady', acks: -1, messages: [{ value: `v${i}` }] })
      acked.push(`v${i}`)
    }
    for (let i = 0; i < 20; i++) await send(i)
    await c.crashBroker(c.topic('steady').partitions[0].leader)
    for (let i = 20; i < 40; i++) await send(i)
    const values = (await partitionRecords(c, 'steady', 0)).map((r) => r.value)
    expect(values).toEqual(acked)
  })
})
