// Issue 16, faults: the coordinator's broker crashes after EndTxn wrote PrepareCommit but
// before the markers reached the partition. The broker that takes over its
// __transaction_state partition replays it, finds the transaction in PrepareCommit, sends
// the markers again and writes CompleteCommit; read_committed readers then see the data.
import { describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { ErrorCode } from '../../main/cluster/errors'
import type { Cluster } from '../../main/cluster/cluster'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'
import { consumerFetch } from '../helpers/fetchRequest'

const fixture = useCluster()

async function onBroker<T>(cluster: Cluster, brokerId: number, use: (client: RawClient) => Promise<T>): Promise<T> {
  const address = cluster.bootstrapServers.split(',')[brokerId - 1]
  const client = await RawClient.connect(address)
  try {
    return await use(client)
  } finally {
    client.close()
  }
}

async function coordinatorOf(cluster: Cluster, transactionalId: string, via: number, not?: number): Promise<number> {
  return eventually(`the coordinator of ${transactionalId}`, () =>
    onBroker(cluster, via, async (client) => {
      const found = await client.request(10, 4, { key: '', keyType: 1, coordinatorKeys: [transactionalId] })
      const { errorCode, nodeId } = found.coordinators[0]
      return errorCode === ErrorCode.NONE && nodeId !== not ? nodeId : undefined
    }).catch(() => undefined),
    20_000,
  )
}

describe('transaction coordinator failover', () => {
  it('completes a commit whose coordinator crashed between EndTxn and the markers', async () => {
    const c = await fixture.start({ 'transaction.state.log.num.partitions': '3', 'offsets.topic.num.partitions': '3' }, 3)
    const coordinator = await coordinatorOf(c, 'tx-failover', 1)
    // The data partition is led by another broker, so its marker has to cross a link we can cut.
    const leader = c.brokerIds.find((id) => id !== coordinator)!
    const third = c.brokerIds.find((id) => id !== coordinator && id !== leader)!
    const kafka = new Kafka({ brokers: c.bootstrapServers.split(','), clientId: 'failover', logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'failover', replicaAssignment: [{ partition: 0, replicas: [leader, third, coordinator] }] }], waitForLeaders: true })
    await admin.disconnect()

    const producer = kafka.producer({ transactionalId: 'tx-failover', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const txn = await producer.transaction()
    await txn.send({ topic: 'failover', messages: [{ key: 'k', value: 'committed before the crash' }] })
    await c.setLinkFault(coordinator, leader, { mode: 'cut' })
    await txn.commit()
    const prepared = await onBroker(c, coordinator, (client) => client.request(65, 0, { transactionalIds: ['tx-failover'] }))
    expect(prepared.transactionStates[0].transactionState).toBe('PrepareCommit')
    expect(prepared.transactionStates[0].topics).toEqual([{ topic: 'failover', partitions: [0] }])

    await c.crashBroker(coordinator)
    await c.healAllLinks()
    // Once the controller fenced the crashed broker, another leads its __transaction_state partition.
    const successor = await coordinatorOf(c, 'tx-failover', leader, coordinator)
    const completed = await eventually(
      'the new coordinator completed the commit',
      () =>
        onBroker(c, successor, async (client) => {
          const d = (await client.request(65, 0, { transactionalIds: ['tx-failover'] })).transactionStates[0]
          return d.transactionState === 'CompleteCommit' ? d : undefined
        }),
      20_000,
    )
    expect(completed.topics).toEqual([])

    const fetched = await onBroker(c, leader, (client) => client.request(1, 12, consumerFetch({ topic: 'failover', isolationLevel: 1 })))
    const partition = fetched.responses[0].partitions[0]
    const batches = [...decodeRecordBatches(partition.records!)]
    expect(batches.map((b) => (b.isControl ? `marker:${b.records[0].key!.readInt16BE(2)}` : b.records[0].value!.toString()))).toEqual(['committed before the crash', 'marker:1'])
    expect(Number(partition.lastStableOffset)).toBe(2)
    await producer.disconnect().catch(() => undefined)
  }, 90_000)
})
