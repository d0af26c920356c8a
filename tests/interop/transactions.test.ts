// kafkajs transactions against the embedded cluster: producer.transaction(), sendOffsets,
// commit and abort; a read_committed consumer sees only committed records and waits at the
// last stable offset while a transaction is open, a read_uncommitted one sees everything; and a
// consume-transform-produce loop commits its offsets with its output.
// INTEROP_BOOTSTRAP=host:port runs the same test against another cluster (Apache Kafka: `npm
// run kafka -- start`) instead of starting Brokerlab, to check the test itself.
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import { useCluster } from '../helpers/cluster'

const fixture = useCluster()
const clients: Array<Admin | Producer | Consumer> = []
afterEach(async () => {
  for (const client of clients.splice(0)) await client.disconnect().catch(() => undefined)
})

async function bootstrap(): Promise<string[]> {
  if (process.env.INTEROP_BOOTSTRAP) return process.env.INTEROP_BOOTSTRAP.split(',')
  const c = await fixture.start({ 'group.initial.rebalance.delay.ms': '0' })
  return c.bootstrapServers.split(',')
}

/** Names unique to this run, so a long-lived cluster (INTEROP_BOOTSTRAP) can run the test again. */
const run = Date.now().toString(36)
const named = (name: string) => `${name}-${run}`

async function connected<T extends Admin | Producer | Consumer>(client: T): Promise<T> {
  await client.connect()
  clients.push(client)
  return client
}

/**
 * Every record of `topic` a new consumer group reads from the beginning: read until `expected`
 * records came, then a second more, so a reader that gets too many is caught.
 */
async function readAll(kafka: Kafka, topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = await connected(kafka.consumer({ groupId: named(`reader-${readUncommitted ? 'uncommitted' : 'committed'}-${Math.random().toString(36).slice(2)}`), readUncommitted, maxWaitTimeInMs: 100 }))
  const values: string[] = []
  await consumer.subscribe({ topic, fromBeginning: true })
  let reached: () => void
  const done = new Promise<void>((resolve) => (reached = resolve))
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value!.toString())
      if (values.length >= expected) reached()
    },
  })
  await Promise.race([done, new Promise((r) => setTimeout(r, 30_000))])
  await new Promise((r) => setTimeout(r, 1_000))
  await consumer.disconnect()
  return values.sort()
}

describe('kafkajs transactions', () => {
  it('commit and abort: read_committed sees only committed records, read_uncommitted sees both, sendOffsets commits with the transaction', async () => {
    const brokers = await bootstrap()
    const kafka = new Kafka({ clientId: 'interop-txn', brokers, logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100 } })
    const admin = await connected(kafka.admin())
    const [input, output, group] = [named('kjs-txn-in'), named('kjs-txn-out'), named('kjs-txn-group')]
    const replicationFactor = Math.min(3, (await admin.describeCluster()).brokers.length)
    await admin.createTopics({ topics: [{ topic: input, numPartitions: 1, replicationFactor }, { topic: output, numPartitions: 3, replicationFactor }], waitForLeaders: true })

    const producer = await connected(kafka.producer({ transactionalId: named('kjs-txn'), idempotent: true, maxInFlightRequests: 1 }))
    const offsetsOf = (offset: number) => ({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: String(offset) }] }] })
    const messages = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${tag}-${i}`, value: `${tag}-${i}` }))

    const first = await producer.transaction()
    await first.send({ topic: output, messages: messages('committed-a', 10) })
    await first.sendOffsets(offsetsOf(5))
    await first.commit()

    const aborted = await producer.transaction()
    await aborted.send({ topic: output, messages: messages('aborted', 7) })
    await aborted.sendOffsets(offsetsOf(9))
    await aborted.abort()

    const second = await producer.transaction()
    await second.send({ topic: output, messages: messages('committed-b', 5) })
    await second.commit()

    const committed = await readAll(kafka, output, false, 15)
    expect(committed).toHaveLength(15)
    expect(committed.every((v) => v.startsWith('committed-'))).toBe(true)
    const everything = await readAll(kafka, output, true, 22)
    expect(everything).toHaveLength(22)
    expect(everything.filter((v) => v.startsWith('aborted-'))).toHaveLength(7)
    // The aborted transaction's offsets never became the group's.
    const fetched = await admin.fetchOffsets({ groupId: group, topics: [input] })
    expect(fetched[0].partitions).toEqual([{ partition: 0, offset: '5', metadata: null }])

    // An open transaction: read_committed readers stop at the last stable offset until it commits.
    const open = await producer.transaction()
    await open.send({ topic: output, messages: messages('open', 3) })
    const whileOpen = await readAll(kafka, output, false, 15)
    expect(whileOpen).toHaveLength(15)
    expect(await readAll(kafka, output, true, 25)).toHaveLength(25)
    await open.commit()
    const afterCommit = await readAll(kafka, output, false, 18)
    expect(afterCommit).toHaveLength(18)
    expect(afterCommit.filter((v) => v.startsWith('open-'))).toHaveLength(3)
  }, 120_000)

  it('consume-transform-produce: each batch and its offsets in one transaction, one batch aborted and processed again', async () => {
    const brokers = await bootstrap()
    const kafka = new Kafka({ clientId: 'interop-ctp', brokers, logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100 } })
    const admin = await connected(kafka.admin())
    const [input, output, group] = [named('kjs-ctp-in'), named('kjs-ctp-out'), named('kjs-ctp-group')]
    const replicationFactor = Math.min(3, (await admin.describeCluster()).brokers.length)
    await admin.createTopics({ topics: [{ topic: input, numPartitions: 2, replicationFactor }, { topic: output, numPartitions: 2, replicationFactor }], waitForLeaders: true })
    const plain = await connected(kafka.producer())
    await plain.send({ topic: input, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) })

    const producer = await connected(kafka.producer({ transactionalId: named('kjs-ctp'), idempotent: true, maxInFlightRequests: 1 }))
    const consumer = await connected(kafka.consumer({ groupId: group, readUncommitted: false, maxWaitTimeInMs: 100 }))
    await consumer.subscribe({ topic: input, fromBeginning: true })
    let abortedOnce = false
    let abortedRecords = 0
    let processed = 0
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.messages.length === 0) return
        const transaction = await producer.transaction()
        await transaction.send({ topic: output, messages: batch.messages.map((m) => ({ key: m.key, value: m.value!.toString().toUpperCase() })) })
        await transaction.sendOffsets({ consumerGroupId: group, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }] }] })
        if (!abortedOnce) {
          abortedOnce = true
          abortedRecords = batch.messages.length
          await transaction.abort()
          // Processed again from the group's committed offset (none yet: the beginning).
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: batch.firstOffset()! })
          throw new Error('aborted on purpose: this batch is processed again')
        }
        await transaction.commit()
        processed += batch.messages.length
      },
    })
    const deadline = Date.now() + 60_000
    while (processed < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    await consumer.stop()
    expect(processed).toBe(40)
    const out = await readAll(kafka, output, false, 40)
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => `V${i}`).sort())
    expect(abortedRecords).toBeGreaterThan(0)
    expect(await readAll(kafka, output, true, 40 + abortedRecords)).toHaveLength(40 + abortedRecords)
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [input] })
    const ends = await admin.fetchTopicOffsets(input)
    expect(offsets[0].partitions.map((p) => [p.partition, p.offset]).sort()).toEqual(ends.map((p) => [p.partition, p.high]).sort())
  }, 120_000)
})
