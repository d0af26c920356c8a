// kcat (librdkafka, Debian's package) against the embedded cluster over real sockets.
import { afterEach, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../main/cluster/errors'
import { CompressionType } from '../../main/cluster/protocol/batchHeader'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { clusterSnapshot, describeTopic } from '../../main/console/views/snapshot'
import { lab, useCluster } from '../helpers/cluster'
import { consumerFetch } from '../helpers/fetchRequest'
import { kcat, kcatAvailable } from '../helpers/kcat'
import { RawClients } from '../helpers/rawClient'

const fixture = useCluster()
const clients = new RawClients()
afterEach(() => clients.closeAll())

describe.skipIf(!kcatAvailable)('kcat', () => {
  it('-L lists exactly the brokers, topics, partitions, leaders, replicas and ISR of the snapshot', async () => {
    const c = await fixture.start()
    await c.createTopic({ name: 'listed', partitions: 4, replicationFactor: 3 })
    await c.createTopic({ name: 'single', partitions: 1, replicationFactor: 1 })
    const { status, stdout, stderr } = await kcat(['-b', c.bootstrapServers, '-L', '-J'])
    expect(status, stderr).toBe(0)
    const metadata = JSON.parse(stdout) as {
      brokers: Array<{ id: number; name: string }>
      topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>
    }
    const snapshot = await clusterSnapshot(lab(c))
    expect(metadata.brokers.map((b) => b.name).sort()).toEqual(c.bootstrapServers.split(',').sort())
    expect(metadata.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3])
    const shown = (name: string) => metadata.topics.find((t) => t.topic === name)!
    for (const { name } of snapshot.topics) {
      const topic = await describeTopic(lab(c), name)
      const listed = shown(topic.name).partitions.sort((a, b) => a.partition - b.partition)
      expect(listed.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas.map((r) => r.id), isr: p.isrs.map((r) => r.id) }))).toEqual(
        topic.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr })),
      )
    }
  })

  it('-P of 100,000 lines and -C -e read back exactly those lines', async () => {
    const c = await fixture.start()
    await c.createTopic({ name: 'lines', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })
    const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`)
    const produced = await kcat(['-b', c.bootstrapServers, '-P', '-t', 'lines', '-p', '0', '-X', 'acks=all'], lines.join('\n') + '\n', 120_000)
    expect(produced.status, produced.stderr).toBe(0)
    const consumed = await kcat(['-b', c.bootstrapServers, '-C', '-t', 'lines', '-p', '0', '-o', 'beginning', '-e', '-q'], undefined, 120_000)
    expect(consumed.status, consumed.stderr).toBe(0)
    const read = consumed.stdout.split('\n').slice(0, -1)
    expect(read.length).toBe(lines.length)
    expect(read).toEqual(lines)
    expect(await c.listOffsets('lines', 0, -1)).toMatchObject({ errorCode: ErrorCode.NONE, offset: 100_000 })
  }, 180_000)

  it('-z gzip, snappy, lz4 and zstd store compressed batches (librdkafka 2.0 compresses only where ApiVersions lists Produce v0, as Kafka 4 does)', async () => {
    const c = await fixture.start({}, 1)
    const codecs = { gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4, zstd: CompressionType.Zstd }
    const client = await clients.connect(c.bootstrapServers)
    for (const [codec, type] of Object.entries(codecs)) {
      await c.createTopic({ name: codec, partitions: 1, replicationFactor: 1 })
      const lines = Array.from({ length: 200 }, (_, i) => `${codec} line ${i} ${'y'.repeat(40)}`)
      const produced = await kcat(['-b', c.bootstrapServers, '-P', '-t', codec, '-p', '0', '-z', codec], lines.join('\n') + '\n')
      expect(produced.status, produced.stderr).toBe(0)
      const fetched = await client.request(ApiKey.Fetch, 12, consumerFetch({ topic: codec }))
      const records = fetched.responses[0].partitions[0].records!
      const stored = [...decodeRecordBatches(records)].map((batch) => batch.compression)
      expect(stored.length, codec).toBeGreaterThan(0)
      expect(new Set(stored), codec).toEqual(new Set([type]))
      const consumed = await kcat(['-b', c.bootstrapServers, '-C', '-t', codec, '-p', '0', '-o', 'beginning', '-e', '-q'])
      expect(consumed.stdout.split('\n').slice(0, -1), codec).toEqual(lines)
    }
  })

  it('-Q finds offsets by timestamp', async () => {
    const c = await fixture.start()
    await c.createTopic({ name: 'times', partitions: 1, replicationFactor: 1 })
    const first = await kcat(['-b', c.bootstrapServers, '-P', '-t', 'times', '-p', '0'], 'a\nb\nc\n')
    expect(first.status, first.stderr).toBe(0)
    await new Promise((r) => setTimeout(r, 100))
    const between = Date.now()
    await new Promise((r) => setTimeout(r, 100))
    const second = await kcat(['-b', c.bootstrapServers, '-P', '-t', 'times', '-p', '0'], 'd\ne\n')
    expect(second.status, second.stderr).toBe(0)
    const query = await kcat(['-b', c.bootstrapServers, '-Q', '-t', `times:0:${between}`])
    expect(query.status, query.stderr).toBe(0)
    expect(query.stdout).toMatch(/times \[0\] offset 3\b/)
  })
})
