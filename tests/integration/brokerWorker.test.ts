// A real broker worker thread over real files, driven through the Cluster class.
import { afterEach, describe, expect, it } from 'vitest'
import { Cluster, type ClusterEvent } from '../../main/cluster/cluster'
import { ErrorCode, isKafkaError } from '../../main/cluster/errors'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { producerBatch, tempDir } from '../helpers/batches'

let cluster: Cluster | undefined
let tmp: ReturnType<typeof tempDir> | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
  tmp?.remove()
})

async function startCluster(brokerConfigs: Record<string, string> = {}) {
  tmp ??= tempDir()
  cluster = await Cluster.start({ dataDir: tmp.dir, brokers: 1, brokerConfigs })
  return cluster
}

function values(records: Uint8Array): string[] {
  return [...decodeRecordBatches(records)].flatMap((b) => b.records.map((r) => r.value!.toString()))
}

describe('broker worker', () => {
  it('creates a topic, produces with acks=all, fetches and lists offsets', async () => {
    const c = await startCluster()
    await c.createTopic({ name: 'orders', partitions: 3 })
    const t0 = Date.now() - 1000
    const first = await c.produce('orders', 1, producerBatch({ count: 3, tag: 'a', timestamp: t0 }), -1)
    const second = await c.produce('orders', 1, producerBatch({ count: 2, tag: 'b', timestamp: t0 + 500 }), 1)
    expect(first).toMatchObject({ errorCode: 0, baseOffset: 0, logStartOffset: 0 })
    expect(second).toMatchObject({ errorCode: 0, baseOffset: 3 })

    const fetched = await c.fetch('orders', 1, 0)
    expect(fetched).toMatchObject({ errorCode: 0, highWatermark: 5, logStartOffset: 0 })
    expect(values(fetched.records)).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1'])

    expect(await c.listOffsets('orders', 1, -2)).toMatchObject({ offset: 0 })
    expect(await c.listOffsets('orders', 1, -1)).toMatchObject({ offset: 5 })
    expect(await c.listOffsets('orders', 1, t0 + 400)).toMatchObject({ offset: 3, timestamp: t0 + 500 })
    expect(await c.listOffsets('orders', 1, -3)).toMatchObject({ offset: 4, timestamp: t0 + 501 })
    expect(await c.listOffsets('orders', 0, -1)).toMatchObject({ offset: 0 })
  })

  it('copies the batches it produces unless told to hand them over', async () => {
    const c = await startCluster()
    await c.createTopic({ name: 'own' })
    const kept = producerBatch({ count: 2 })
    const size = kept.byteLength
    expect(await c.produce('own', 0, kept, 1)).toMatchObject({ errorCode: 0, baseOffset: 0 })
    expect(kept.byteLength).toBe(size)
    const handed = producerBatch({ count: 2 })
    expect(await c.produce('own', 0, handed, 1, 1000, { transfer: true })).toMatchObject({ errorCode: 0, baseOffset: 2 })
    expect(handed.byteLength).toBe(0) // detached: its memory went to the broker
  })

  it('answers acks=0 with nothing and still appends', async () => {
    const c = await startCluster()
    await c.createTopic({ name: 'fire' })
    expect(await c.produce('fire', 0, producerBatch({ count: 4 }), 0)).toBeNull()
    expect(await c.listOffsets('fire', 0, -1)).toMatchObject({ offset: 4 })
  })

  it("answers with Kafka's error codes and keeps serving", async () => {
    const c = await startCluster()
    await c.createTopic({ name: 't' })
    const client = c.broker(1).client
    const unknown = await client.call('produce', { acks: 1, timeoutMs: 1000, topics: [{ name: 'nope', partitions: [{ index: 0, records: producerBatch() }] }] })
    expect(unknown!.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1 })

    const corrupt = producerBatch()
    corrupt[corrupt.length - 1] ^= 1
    expect(await c.produce('t', 0, corrupt, 1)).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE, errorMessage: expect.stringMatching(/CRC/) })

    await expect(client.call('produce', { acks: 2 as never, timeoutMs: 1, topics: [] })).rejects.toThrow(/acks must be/)
    expect(await c.fetch('t', 0, 99)).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, errorMessage: expect.stringMatching(/Offset 99/) })
    await expect(client.call('nope' as never, {} as never)).rejects.toThrow(/Unknown worker API "nope"/)

    // Still serving after all of that.
    expect(await c.produce('t', 0, producerBatch(), 1)).toMatchObject({ errorCode: 0, baseOffset: 0 })
  })

  it('refuses bad topics the way Kafka does', async () => {
    const c = await startCluster()
    await expect(c.createTopic({ name: 'x', replicationFactor: 2 })).rejects.toSatisfy(
      (e) => isKafkaError(e, 'INVALID_REPLICATION_FACTOR') && /replication factor of 2.*only 1 broker/.test((e as Error).message),
    )
    await expect(c.createTopic({ name: 'bad name!' })).rejects.toSatisfy((e) => isKafkaError(e, 'INVALID_TOPIC_EXCEPTION'))
    await expect(c.createTopic({ name: 'x', configs: { 'retention.ms': '-5' } })).rejects.toThrow(/retention.ms/)
    await c.createTopic({ name: 'x' })
    await expect(c.createTopic({ name: 'x' })).rejects.toSatisfy((e) => isKafkaError(e, 'TOPIC_ALREADY_EXISTS'))
  })

  it('long-polls a fetch until data arrives', async () => {
    const c = await startCluster()
    await c.createTopic({ name: 'poll' })
    const started = Date.now()
    const pending = c.fetch('poll', 0, 0, 1 << 20, 5000)
    await new Promise((r) => setTimeout(r, 200))
    await c.produce('poll', 0, producerBatch({ tag: 'late' }), 1)
    const fetched = await pending
    expect(values(fetched.records)).toEqual(['late-0'])
    expect(Date.now() - started).toBeLessThan(4000)
    // With nothing to read, the fetch waits out maxWaitMs and answers empty.
    const t = Date.now()
    const empty = await c.fetch('poll', 0, 1, 1 << 20, 300)
    expect(empty.records.byteLength).toBe(0)
    expect(Date.now() - t).toBeGreaterThanOrEqual(250)
  })

  it('runs the periodic retention check and reports deleted segments', async () => {
    const c = await startCluster({ 'log.retention.check.interval.ms': '100' })
    const events: ClusterEvent[] = []
    c.onEvent((e) => events.push(e))
    await c.createTopic({ name: 'short', configs: { 'segment.bytes': '1024', 'retention.bytes': '2048' } })
    for (let i = 0; i < 20; i++) await c.produce('short', 0, producerBatch({ count: 2, valueSize: 100 }), 1)
    const deadline = Date.now() + 5000
    while (!events.some((e) => e.type === 'segments-deleted') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const deleted = events.find((e) => e.type === 'segments-deleted')
    expect(deleted).toMatchObject({ topic: 'short', partition: 0, reason: 'retention.bytes' })
    const earliest = await c.listOffsets('short', 0, -2)
    expect(earliest.offset).toBeGreaterThan(0)
    expect(await c.fetch('short', 0, 0)).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE })
    const { partitions } = await c.broker(1).client.call('describeLogDirs', {})
    expect(partitions[0].size).toBeGreaterThanOrEqual(2048)
  })

  it('keeps its logs across a clean restart', async () => {
    let c = await startCluster()
    await c.createTopic({ name: 'durable', partitions: 2 })
    await c.produce('durable', 1, producerBatch({ count: 7, tag: 'd' }), -1)
    await c.stop()
    c = await startCluster()
    expect(c.broker(1).ready.loadedLogs).toContainEqual({ topic: 'durable', partition: 1, logEndOffset: 7, logStartOffset: 0 })
    // The controller kept the topic: no need to create it again.
    expect(c.topic('durable').partitions.length).toBe(2)
    expect(values((await c.fetch('durable', 1, 0)).records)).toEqual(['d-0', 'd-1', 'd-2', 'd-3', 'd-4', 'd-5', 'd-6'])
  })
})
