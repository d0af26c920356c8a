// The console's one-record producer on a real cluster: Kafka's built-in partitioner when no
// partition is given, and idempotence with a producer id and per-partition sequences that the
// brokers check.
import { describe, expect, it } from 'vitest'
import { ConsoleService } from '../../main/console/consoleService'
import { javaPartitionFor } from '../helpers/javaPartitioner'
import { readBatchHeader } from '../../main/cluster/protocol/batchHeader'
import type { ProducedRecord } from '../../preload/contract'
import { eventually, useCluster } from '../helpers/cluster'

const fixture = useCluster()

async function produce(host: ConsoleService, request: Record<string, unknown>): Promise<ProducedRecord> {
  const outcome = await host.call('message:produce', request)
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), outcome.error)
  return outcome.result as ProducedRecord
}

describe('console producer', () => {
  it('partitions keyed records as the Java client does and spreads unkeyed ones one partition after another', async () => {
    const c = await fixture.start({}, 1)
    const host = new ConsoleService(c)
    await c.createTopic({ name: 'keyed', partitions: 6 })
    for (const key of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) {
      const first = await produce(host, { topic: 'keyed', key, value: 'v' })
      const again = await produce(host, { topic: 'keyed', key, value: 'w' })
      expect([first.partition, again.partition]).toEqual([javaPartitionFor(key, 6), javaPartitionFor(key, 6)])
      expect(again.offset).toBe(first.offset + 1)
    }
    // Records without a key: the client library's round robin, each to the next partition.
    const unkeyed: ProducedRecord[] = []
    for (let i = 0; i < 5; i++) unkeyed.push(await produce(host, { topic: 'keyed', value: `u${i}` }))
    const partitions = unkeyed.map((r) => r.partition)
    expect(new Set(partitions).size).toBe(5)
    for (let i = 1; i < 5; i++) expect(partitions[i]).toBe((partitions[i - 1] + 1) % 6)
    // An explicit partition outside the topic is refused before anything is sent.
    await expect(produce(host, { topic: 'keyed', partition: 6, value: 'x' })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' })
  })

  it('sends idempotently with sequences per partition, and starts over with a new producer id after a failure', async () => {
    const c = await fixture.start({}, 1)
    const host = new ConsoleService(c)
    await c.createTopic({ name: 'exactly', partitions: 2 })
    const sent = await Promise.all(Array.from({ length: 6 }, (_, i) => produce(host, { topic: 'exactly', partition: i % 2, value: `r${i}`, idempotent: true })))
    const producerId = sent[0].producerId!
    expect(producerId).toBeGreaterThanOrEqual(0)
    expect(sent.map((r) => [r.partition, r.offset, r.sequence, r.producerId])).toEqual([
      [0, 0, 0, producerId],
      [1, 0, 0, producerId],
      [0, 1, 1, producerId],
      [1, 1, 1, producerId],
      [0, 2, 2, producerId],
      [1, 2, 2, producerId],
    ])
    // The batches on disk carry the producer id and the sequences.
    const fetched = await c.fetch('exactly', 0, 0)
    const header = readBatchHeader(fetched.records!)
    expect([Number(header.producerId), header.baseSequence]).toEqual([producerId, 0])

    // acks other than all: the Java producer's ConfigException, nothing sent.
    await expect(produce(host, { topic: 'exactly', partition: 0, value: 'x', idempotent: true, acks: 1 })).rejects.toMatchObject({ kind: 'invalid-request', field: 'acks' })

    // A failed send leaves its outcome unknown: the next one uses a fresh producer id from sequence 0.
    await c.createTopic({ name: 'strict', partitions: 1, configs: { 'min.insync.replicas': '2' } })
    await expect(produce(host, { topic: 'strict', partition: 0, value: 'refused', idempotent: true })).rejects.toMatchObject({ errorName: 'NOT_ENOUGH_REPLICAS' })
    await c.alterConfigs({ topic: 'strict' }, { 'min.insync.replicas': null })
    // The brokers apply the change when the metadata reaches them; until then sends still fail.
    const after = await eventually('a send once min.insync.replicas is back to 1', () => produce(host, { topic: 'strict', partition: 0, value: 'accepted', idempotent: true }).catch(() => undefined))
    expect(after.producerId).not.toBe(producerId)
    expect([after.offset, after.sequence]).toEqual([0, 0])
  })
})
