// Answers at the edges that the comparison with Apache Kafka (tests/reference) found differing,
// made Kafka's and kept so here on a one-broker cluster through its Kafka listener.
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { ErrorCode } from '../../main/cluster/errors'
import { producerBatch } from '../helpers/batches'
import { useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'

const lab = useCluster()
const clients: RawClient[] = []

async function started(topic = 'edges') {
  const cluster = await lab.start({}, 1)
  await cluster.createTopic({ name: topic, partitions: 1 })
  await cluster.produce(topic, 0, producerBatch({ count: 3 }), -1)
  const client = await RawClient.connect(cluster.bootstrapServers)
  clients.push(client)
  return { cluster, client }
}

describe('Kafka answers at the edges', () => {
  afterEach(() => {
    for (const c of clients.splice(0)) c.close()
  })

  it('ListOffsets checks the current leader epoch as Fetch does', async () => {
    const { client } = await started()
    const list = (currentLeaderEpoch: number) =>
      client.request(ApiKey.ListOffsets, 10, { replicaId: -1, isolationLevel: 0, timeoutMs: 30_000, topics: [{ name: 'edges', partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp: -1n, maxNumOffsets: 1 }] }] })
    expect((await list(-1)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 3n })
    expect((await list(0)).topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 3n })
    expect((await list(5)).topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, offset: -1n, timestamp: -1n, leaderEpoch: -1 })
  })
})
