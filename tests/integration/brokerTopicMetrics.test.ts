// Kafka's BrokerTopicMetrics on a real 2-broker cluster, as the console's snapshot reports them:
// produce counts on the leader, consumer fetches as client traffic, follower fetches as
// replication on both ends, and counters that start again at 0 when a broker restarts.
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../main/cluster/cluster'
import { ErrorCode } from '../../main/cluster/errors'
import { clusterSnapshot } from '../../main/console/views/snapshot'
import { producerBatch } from '../helpers/batches'
import { eventually, lab, useCluster } from '../helpers/cluster'

const fixture = useCluster()
const trafficOf = async (c: Cluster, id: number) => (await clusterSnapshot(lab(c))).brokers.find((b) => b.id === id)!.traffic

describe('broker traffic counters', () => {
  it('count produce, consumer fetches and replication apart, and restart at 0 with the broker', async () => {
    const c = await fixture.start({}, 2)
    await c.createTopic({ name: 'metered', partitions: 1, replicationFactor: 2 })
    const leader = c.topic('metered').partitions[0].leader
    const follower = leader === 1 ? 2 : 1
    const batches = [producerBatch({ count: 3 }), producerBatch({ count: 5 })]
    for (const batch of batches) expect(await c.produce('metered', 0, batch, -1)).toMatchObject({ errorCode: ErrorCode.NONE })
    const produced = batches.reduce((n, b) => n + b.byteLength, 0)

    const fetched = await c.fetch('metered', 0, 0)
    expect(fetched.records.byteLength).toBe(produced)
    const onLeader = await trafficOf(c, leader)
    expect(onLeader).toMatchObject({ messagesIn: 8, bytesIn: produced, messagesOut: 8, bytesOut: produced })
    // acks=all: the follower had fetched both batches before the second produce was answered.
    expect(onLeader!.replicationBytesOut).toBeGreaterThanOrEqual(produced)
    expect(await trafficOf(c, follower)).toMatchObject({ messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0, replicationBytesIn: produced })

    await c.crashBroker(follower)
    expect(await trafficOf(c, follower)).toBeNull()
    await c.restartBroker(follower)
    const restarted = await trafficOf(c, follower)
    expect(restarted!.since).toBeGreaterThan(onLeader!.since)
    // It recovered its log from disk, so it has nothing to fetch again: its counters stay at 0.
    expect(restarted).toMatchObject({ messagesIn: 0, replicationBytesIn: 0 })
    await eventually('the restarted follower is back in the ISR', () => c.image.partition('metered', 0)!.isr.includes(follower))
  })
})
