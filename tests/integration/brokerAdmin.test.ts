// DescribeQuorum, ListConfigResources, UnregisterBroker and AlterReplicaLogDirs on real broker workers: the
// controller describes itself as the metadata log's one voter and the brokers as observers
// catching up with it; a stopped broker's
// registration is removed through the controller (and a restart registers it again), and a
// replica can only "move" into its broker's one log dir. tests/reference/adminApis.test.ts
// compares the error answers with Apache Kafka's.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClients } from '../helpers/rawClient'

const lab = useCluster()
const clients = new RawClients()

const connect = clients.connect

describe('broker administration', () => {
  afterEach(() => {
    clients.closeAll()
  })

  it('DescribeQuorum: the controller leads alone, every broker observes and catches up', async () => {
    const cluster = await lab.start()
    const client = await connect(cluster.bootstrapServers.split(',')[0])
    const ask = () => client.request(ApiKey.DescribeQuorum, 2, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] })
    const answer = await eventually('every observer caught up', async () => {
      const r = await ask()
      const p = r.topics[0].partitions[0]
      return p.observers.length === 3 && p.observers.every((o) => o.logEndOffset === p.highWatermark) && r
    }, 20_000)
    const p = answer.topics[0].partitions[0]
    expect(p).toMatchObject({ partitionIndex: 0, errorCode: 0, leaderId: 3000, leaderEpoch: 1 })
    expect(p.currentVoters).toEqual([expect.objectContaining({ replicaId: 3000, logEndOffset: p.highWatermark })])
    expect(p.observers.map((o) => o.replicaId)).toEqual([1, 2, 3])
    for (const o of p.observers) expect(o.lastCaughtUpTimestamp).toBeGreaterThan(0n)
    expect(answer.nodes).toEqual([{ nodeId: 3000, listeners: [] }])

    // A new topic is new records: the high watermark moves on, and the brokers follow.
    await cluster.createTopic({ name: 'more-metadata', partitions: 1 })
    await eventually('the high watermark moved and the observers followed', async () => {
      const q = (await ask()).topics[0].partitions[0]
      return q.highWatermark > p.highWatermark && q.observers.every((o) => o.logEndOffset === q.highWatermark)
    }, 20_000)
  })

  it('ListConfigResources: topics, brokers and broker loggers; no client metrics or groups', async () => {
    const cluster = await lab.start({}, 2)
    await cluster.createTopic({ name: 'listed', partitions: 1 })
    const client = await connect(cluster.bootstrapServers.split(',')[0])
    const all = await client.request(ApiKey.ListConfigResources, 1, { resourceTypes: [] })
    expect(all).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      configResources: [
        { resourceName: 'listed', resourceType: 2 },
        { resourceName: '1', resourceType: 4 },
        { resourceName: '2', resourceType: 4 },
        { resourceName: '1', resourceType: 8 },
        { resourceName: '2', resourceType: 8 },
      ],
    })
    expect((await client.request(ApiKey.ListConfigResources, 1, { resourceTypes: [16, 32] })).configResources).toEqual([])
    expect((await client.request(ApiKey.ListConfigResources, 1, { resourceTypes: [3] })).errorCode).toBe(35)
    expect(await client.request(ApiKey.ListConfigResources, 0, { resourceTypes: [] })).toEqual({ throttleTimeMs: 0, errorCode: 0, configResources: [] })
  })

  it('UnregisterBroker removes a stopped broker’s registration; a restart registers it again', async () => {
    const cluster = await lab.start()
    await cluster.createTopic({ name: 'spread', partitions: 3, replicationFactor: 3 })
    const client = await connect(cluster.bootstrapServers.split(',')[0])
    await cluster.stopBroker(3)
    await eventually('broker 3 fenced', () => cluster.image.brokers.get(3)?.fenced === true, 20_000)

    expect(await client.request(ApiKey.UnregisterBroker, 0, { brokerId: 3 })).toEqual({ throttleTimeMs: 0, errorCode: 0, errorMessage: '' })
    await eventually('broker 3 unregistered', () => !cluster.image.brokers.has(3))
    // Its replicas stay assigned (as in Kafka) but out of every ISR and leadership.
    for (const p of cluster.image.topicsByName.get('spread')!.partitions) {
      expect(p.replicas).toContain(3)
      expect(p.isr).not.toContain(3)
      expect(p.leader).not.toBe(3)
    }
    expect(await client.request(ApiKey.UnregisterBroker, 0, { brokerId: 3 })).toEqual({ throttleTimeMs: 0, errorCode: 102, errorMessage: 'Broker ID 3 is not currently registered' })

    await cluster.restartBroker(3)
    await eventually('broker 3 registered and unfenced again', () => cluster.image.brokers.get(3)?.fenced === false, 20_000)
  })

  it('AlterReplicaLogDirs: the broker’s own dir is where a hosted replica already is', async () => {
    const cluster = await lab.start({}, 1)
    await cluster.createTopic({ name: 'moves', partitions: 2 })
    const client = await connect(cluster.bootstrapServers)
    const { logDir } = (await client.request(ApiKey.DescribeLogDirs, 4, { topics: [] })).results[0]
    const move = (path: string) => client.request(ApiKey.AlterReplicaLogDirs, 2, { dirs: [{ path, topics: [{ name: 'moves', partitions: [0, 1, 5] }] }] })
    expect((await move(logDir)).results).toEqual([
      {
        topicName: 'moves',
        partitions: [
          { partitionIndex: 0, errorCode: 0 },
          { partitionIndex: 1, errorCode: 0 },
          { partitionIndex: 5, errorCode: 3 },
        ],
      },
    ])
    expect((await move(`${logDir}-elsewhere`)).results[0].partitions.map((p) => p.errorCode)).toEqual([57, 57, 57])
    // Nothing moved: the partitions are still described in the one dir.
    const after = await client.request(ApiKey.DescribeLogDirs, 4, { topics: null })
    expect(after.results.map((r) => r.logDir)).toEqual([logDir])
  })
})
