// Real schema-registry clients against the embedded registry on a real cluster:
// @kafkajs/confluent-schema-registry and Confluent's own @confluentinc/schemaregistry with
// its Avro serializer and deserializer, their records through a real topic (kafkajs).
import { SchemaRegistry as KafkajsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry'
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { useRegistry } from '../helpers/registry'

const ORDER_V1 = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'item', type: 'string' },
    { name: 'quantity', type: 'int' },
  ],
}
const ORDER_V2 = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'note', type: ['null', 'string'], default: null }] }
const ORDER_BREAKING = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'price', type: 'double' }] }

describe('schema registry clients', () => {
  const env = useRegistry()

  it('@kafkajs/confluent-schema-registry registers, encodes and decodes, and is refused a breaking change', async () => {
    const cluster = await env.cluster.start({}, 3)
    const { url } = await env.start(cluster)
    const registry = new KafkajsRegistry({ host: url })
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V1) }, { subject: 'orders-value' })
    expect(id).toBe(1)
    const encoded = await registry.encode(id, { id: 7, item: 'book', quantity: 2 })
    expect(encoded[0]).toBe(0)
    expect(encoded.readInt32BE(1)).toBe(1)
    expect(await registry.decode(encoded)).toEqual({ id: 7, item: 'book', quantity: 2 })
    expect(await registry.getLatestSchemaId('orders-value')).toBe(1)
    const v2 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V2) }, { subject: 'orders-value' })
    expect(v2.id).toBe(2)
    expect(await registry.getRegistryIdBySchema('orders-value', { type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V1) })).toBe(1)
    await expect(registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER_BREAKING) }, { subject: 'orders-value' })).rejects.toThrow(/incompatible/)
    // Records of both versions through a topic, decoded by id.
    const kafka = new Kafka({ clientId: 'sr-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: 'orders',
      acks: -1,
      messages: [
        { value: await registry.encode(1, { id: 1, item: 'pen', quantity: 3 }) },
        { value: await registry.encode(2, { id: 2, item: 'ink', quantity: 1, note: 'blue' }) },
      ],
    })
    await producer.disconnect()
    const consumer = kafka.consumer({ groupId: 'sr-kafkajs' })
    await consumer.connect()
    await consumer.subscribe({ topic: 'orders', fromBeginning: true })
    const decoded: unknown[] = []
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          decoded.push(await registry.decode(message.value as Buffer))
          if (decoded.length === 2) resolve()
        },
      })
    })
    await consumer.disconnect()
    expect(decoded).toEqual([
      { id: 1, item: 'pen', quantity: 3 },
      { id: 2, item: 'ink', quantity: 1, note: 'blue' },
    ])
  }, 90_000)

  it('@confluentinc/schemaregistry: its Avro serializer and deserializer round-trip 1,000 records through a topic, and a breaking registration gets 409', async () => {
    const cluster = await env.cluster.start({}, 3)
    const { url } = await env.start(cluster)
    const client = new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 })
    const id = await client.register('payments-value', { schemaType: 'AVRO', schema: JSON.stringify(ORDER_V1) })
    expect(id).toBe(1)
    expect(await client.getCompatibility('payments-value').catch(() => 'none')).toBeTruthy()
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
    const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {})
    const records = Array.from({ length: 1_000 }, (_, i) => ({ id: i, item: `item-${i}`, quantity: i % 17 }))
    const kafka = new Kafka({ clientId: 'sr-confluent', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'payments', numPartitions: 3, replicationFactor: 3 }] })
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    const values = await Promise.all(records.map((r) => serializer.serialize('payments', r)))
    for (let i = 0; i < values.length; i += 250) {
      await producer.send({ topic: 'payments', acks: -1, messages: values.slice(i, i + 250).map((value, j) => ({ key: String(i + j), value })) })
    }
    await producer.disconnect()
    const consumer = kafka.consumer({ groupId: 'sr-confluent' })
    await consumer.connect()
    await consumer.subscribe({ topic: 'payments', fromBeginning: true })
    const read: Array<{ id: number }> = []
    await new Promise<void>((resolve, reject) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          try {
            read.push(await deserializer.deserialize('payments', message.value as Buffer))
            if (read.length === records.length) resolve()
          } catch (err) {
            reject(err)
          }
        },
      })
    })
    await consumer.disconnect()
    expect(read.sort((a, b) => a.id - b.id)).toEqual(records)
    // A compatible change is accepted; a breaking one is refused with 409.
    expect(await client.register('payments-value', { schemaType: 'AVRO', schema: JSON.stringify(ORDER_V2) })).toBe(2)
    const refused = await client.register('payments-value', { schemaType: 'AVRO', schema: JSON.stringify(ORDER_BREAKING) }).then(
      () => null,
      (err: { status?: number; errorCode?: number; message: string }) => err,
    )
    expect(refused).not.toBeNull()
    expect(refused?.status).toBe(409)
    expect(refused?.errorCode).toBe(409)
    expect(refused?.message).toContain('field price added without a default')
    expect(await client.testSubjectCompatibility('payments-value', { schemaType: 'AVRO', schema: JSON.stringify(ORDER_BREAKING) })).toBe(false)
  }, 120_000)
})
