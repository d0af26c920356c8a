// kafkajs's sendOffsets against real brokers with the transaction coordinator: the offsets
// are pending (RequireStable answers UNSTABLE_OFFSET_COMMIT) until EndTxn's markers reach the
// group's __consumer_offsets partition; commit makes them the group's, abort drops them.
import { describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { ErrorCode as E } from '../../main/cluster/errors'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'

const fixture = useCluster()

async function offsetOf(client: RawClient, groupId: string, requireStable: boolean): Promise<string> {
  const found = (await client.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: [groupId] })).coordinators[0]
  const coordinator = await RawClient.connect(`${found.host}:${found.port}`)
  try {
    const answer = await coordinator.request(ApiKey.OffsetFetch, 7, { groupId, topics: [{ name: 'in', partitionIndexes: [0] }], requireStable, groups: [] })
    const p = answer.topics[0].partitions[0]
    return `${p.committedOffset}/${p.errorCode}`
  } finally {
    coordinator.close()
  }
}

describe('kafkajs sendOffsets', () => {
  it('commits the offsets with the transaction, and an abort drops them', async () => {
    const cluster = await fixture.start({ 'transaction.state.log.num.partitions': '3', 'offsets.topic.num.partitions': '3' }, 3)
    const kafka = new Kafka({ brokers: cluster.bootstrapServers.split(','), clientId: 'eos', logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'in', numPartitions: 1, replicationFactor: 3 }, { topic: 'out', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true })
    const producer = kafka.producer({ transactionalId: 'eos-1', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const raw = await RawClient.connect(cluster.bootstrapServers)
    try {
      const txn = await producer.transaction()
      await txn.send({ topic: 'out', messages: [{ value: 'a' }] })
      await txn.sendOffsets({ consumerGroupId: 'eos-group', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '5' }] }] })
      expect(await offsetOf(raw, 'eos-group', true)).toBe(`-1/${E.UNSTABLE_OFFSET_COMMIT}`)
      expect(await offsetOf(raw, 'eos-group', false)).toBe('-1/0')
      await txn.commit()
      await eventually('the committed offset', async () => (await offsetOf(raw, 'eos-group', true)) === '5/0')
      expect((await admin.fetchOffsets({ groupId: 'eos-group', topics: ['in'] }))[0].partitions[0].offset).toBe('5')

      const aborted = await producer.transaction()
      await aborted.send({ topic: 'out', messages: [{ value: 'b' }] })
      await aborted.sendOffsets({ consumerGroupId: 'eos-group', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '9' }] }] })
      expect(await offsetOf(raw, 'eos-group', true)).toBe(`-1/${E.UNSTABLE_OFFSET_COMMIT}`)
      await aborted.abort()
      await eventually('the transaction aborted', async () => (await offsetOf(raw, 'eos-group', true)) === '5/0')
    } finally {
      raw.close()
      await producer.disconnect()
      await admin.disconnect()
    }
  })
})
