// DescribeLogDirs, DescribeProducers and DescribeTopicPartitions on real broker workers,
// through their Kafka listeners: what the comparison with Kafka cannot show, such as sizes
// against the segment files on disk, every replica's producer state, and a stopped broker's
// replicas offline.
import { readdirSync, statSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { producerBatch } from '../helpers/batches'
import { eventually, useCluster } from '../helpers/cluster'
import { IdempotentProducer } from '../helpers/producer'
import { RawClients } from '../helpers/rawClient'

const lab = useCluster()
const clients = new RawClients()

const connect = clients.connect

/** The bytes of a partition's segment files (its .log files), as Kafka's log.size counts them. */
function segmentBytes(logDir: string, topic: string, partition: number): number {
  const dir = join(logDir, `${topic}-${partition}`)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)
}

describe('admin APIs on real brokers', () => {
  afterEach(() => {
    clients.closeAll()
  })

  it('DescribeLogDirs reports each partition by the bytes of its segment files, and the volume in v4', async () => {
    const cluster = await lab.start({}, 1)
    await cluster.createTopic({ name: 'sizes', partitions: 3 })
    for (let i = 0; i < 4; i++) await cluster.produce('sizes', 0, producerBatch({ count: 10, valueSize: 200 }), -1)
    await cluster.produce('sizes', 1, producerBatch({ count: 1 }), -1)
    const client = await connect(cluster.bootstrapServers)

    const all = await client.request(ApiKey.DescribeLogDirs, 4, { topics: null })
    expect(all.errorCode).toBe(0)
    expect(all.results).toHaveLength(1)
    const [dir] = all.results
    expect(dir.errorCode).toBe(0)
    expect(isAbsolute(dir.logDir)).toBe(true)
    expect(dir.totalBytes).toBeGreaterThan(0n)
    expect(dir.usableBytes).toBeGreaterThan(0n)
    expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes)
    const partitions = dir.topics.find((t) => t.name === 'sizes')!.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex)
    expect(partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2])
    for (const p of partitions) {
      expect(p.partitionSize).toBe(BigInt(segmentBytes(dir.logDir, 'sizes', p.partitionIndex)))
      expect(p).toMatchObject({ offsetLag: 0n, isFutureKey: false })
    }
    expect(partitions[0].partitionSize).toBeGreaterThan(8000n)
    expect(partitions[2].partitionSize).toBe(0n)

    // Named partitions only; v3 has no volume fields, so they decode as their default -1.
    const one = await client.request(ApiKey.DescribeLogDirs, 3, { topics: [{ topic: 'sizes', partitions: [1] }, { topic: 'missing', partitions: [0] }] })
    expect(one.results[0].topics).toEqual([{ name: 'sizes', partitions: [expect.objectContaining({ partitionIndex: 1, partitionSize: partitions[1].partitionSize })] }])
    expect(one.results[0]).toMatchObject({ totalBytes: -1n, usableBytes: -1n })
  })

  it("DescribeProducers shows an idempotent producer's epoch and last sequence on the leader and on every follower", async () => {
    const cluster = await lab.start()
    await cluster.createTopic({ name: 'producers', partitions: 2, replicationFactor: 3 })
    const producer = await IdempotentProducer.create(cluster, 'producers')
    const deadline = Date.now() + 20_000
    expect(await producer.send(0, ['a', 'b', 'c'], deadline)).toBe(true)
    expect(await producer.send(0, ['d', 'e'], deadline)).toBe(true)

    for (const bootstrap of cluster.bootstrapServers.split(',')) {
      const client = await connect(bootstrap)
      // acks=all reached every ISR member, so each replica already knows the producer.
      const { topics } = await client.request(ApiKey.DescribeProducers, 0, { topics: [{ name: 'producers', partitionIndexes: [0, 1] }] })
      const [withProducer, without] = topics[0].partitions
      expect(withProducer).toMatchObject({ partitionIndex: 0, errorCode: 0, errorMessage: null })
      expect(withProducer.activeProducers).toEqual([
        { producerId: BigInt(producer.producerId), producerEpoch: producer.producerEpoch, lastSequence: 4, lastTimestamp: expect.any(BigInt), coordinatorEpoch: -1, currentTxnStartOffset: -1n },
      ])
      expect(withProducer.activeProducers[0].lastTimestamp).toBeGreaterThan(0n)
      expect(without).toMatchObject({ partitionIndex: 1, errorCode: 0, activeProducers: [] })
    }
  })

  it("DescribeTopicPartitions lists a stopped broker's replicas as offline, and pages by partitions", async () => {
    const cluster = await lab.start()
    await cluster.createTopic({ name: 'paged', partitions: 4, replicationFactor: 3 })
    const client = await connect(cluster.bootstrapServers)
    await cluster.stopBroker(3)

    const described = await eventually('broker 3 offline in every partition', async () => {
      const r = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: 'paged' }], responsePartitionLimit: 2000, cursor: null })
      return r.topics[0].partitions.every((p) => p.offlineReplicas.includes(3) && !p.isrNodes.includes(3)) && r
    }, 20_000)
    for (const p of described.topics[0].partitions) {
      expect(p.leaderId).not.toBe(3)
      expect(p.isrNodes).toContain(p.leaderId)
      expect(p).toMatchObject({ errorCode: 0, offlineReplicas: [3], eligibleLeaderReplicas: [], lastKnownElr: [] })
      expect(p.replicaNodes).toHaveLength(3)
    }

    const first = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: 'paged' }], responsePartitionLimit: 3, cursor: null })
    expect(first.topics[0].partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2])
    expect(first.nextCursor).toEqual({ topicName: 'paged', partitionIndex: 3 })
    const second = await client.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: 'paged' }], responsePartitionLimit: 3, cursor: first.nextCursor })
    expect(second.topics[0].partitions.map((p) => p.partitionIndex)).toEqual([3])
    expect(second.nextCursor).toBeNull()
  })
})
