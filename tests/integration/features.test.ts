// Finalized features on a real cluster: UpdateFeatures through any broker reaches the
// controller, every broker's ApiVersions follows the level, KIP-848's heartbeat is refused at
// group.version 0, and the level survives a restart of the whole cluster.
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../main/cluster/errors'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'
import type { Cluster } from '../../main/cluster/cluster'

const fixture = useCluster()

async function onEveryBroker<T>(cluster: Cluster, ask: (client: RawClient) => Promise<T>): Promise<T[]> {
  const answers: T[] = []
  for (const address of cluster.bootstrapServers.split(',')) {
    const client = await RawClient.connect(address)
    try {
      answers.push(await ask(client))
    } finally {
      client.close()
    }
  }
  return answers
}

const finalized = (client: RawClient) =>
  client.request(ApiKey.ApiVersions, 4, { clientSoftwareName: 'features-test', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 }).then((r) => Object.fromEntries(r.finalizedFeatures.map((f) => [f.name, f.maxVersionLevel])))

const heartbeat = { groupId: 'g', memberId: 'member-000000000000000', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000, subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [] }

describe('finalized features', () => {
  it('a downgrade reaches every broker, turns the consumer group protocol off, and survives a restart', async () => {
    let cluster = await fixture.start({}, 2)
    expect(await onEveryBroker(cluster, finalized)).toEqual([{ 'group.version': 1, 'share.version': 2, 'transaction.version': 2 }, { 'group.version': 1, 'share.version': 2, 'transaction.version': 2 }])

    const client = await RawClient.connect(cluster.bootstrapServers)
    const answer = await client.request(ApiKey.UpdateFeatures, 2, { timeoutMs: 60_000, featureUpdates: [{ feature: 'group.version', maxVersionLevel: 0, allowDowngrade: false, upgradeType: 2 }], validateOnly: false })
    client.close()
    expect(answer).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null, results: [] })
    await eventually('every broker sees group.version 0', async () => (await onEveryBroker(cluster, finalized)).every((f) => !('group.version' in f)))
    const [refused] = await onEveryBroker(cluster, (c) => c.request(ApiKey.ConsumerGroupHeartbeat, 1, heartbeat))
    expect(refused).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION, errorMessage: null })

    await fixture.stop()
    cluster = await fixture.start({}, 2)
    expect(cluster.image.finalizedLevel('group.version')).toBe(0)
    await eventually('every broker sees group.version 0 after the restart', async () => (await onEveryBroker(cluster, finalized)).every((f) => f['transaction.version'] === 2 && !('group.version' in f)))
  })
})
