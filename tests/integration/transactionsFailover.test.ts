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
    // While its markers are pending (CompleteCommit is the pending state), Kafka answers every
    // change CONCURRENT_TRANSACTIONS, even an abort that PrepareCommit alone would call invalid.
    const { producerId, producerEpoch } = prepared.transactionStates[0]
    await onBroker(c, coordinator, async (client) => {
      const endTxn = (committed: boolean) => client.request(26, 3, { transactionalId: 'tx-failover', producerId, producerEpoch, committed })
      expect((await endTxn(true)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
      expect((await endTxn(false)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
      const init = await client.request(22, 4, { transactionalId: 'tx-failover', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
      expect(init.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
      const add = await client.request(24, 3, { transactions: [], v3AndBelowTransactionalId: 'tx-failover', v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: 'failover', partitions: [0] }] })
      expect(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    })

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

  it('keeps an open transaction over a restart of the whole cluster, and ends it afterwards', async () => {
    const configs = { 'transaction.state.log.num.partitions': '3', 'offsets.topic.num.partitions': '3' }
    let c = await fixture.start(configs, 1)
    const kafka = new Kafka({ brokers: c.bootstrapServers.split(','), clientId: 'restart', logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'restarted', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })
    await admin.disconnect()
    const producer = kafka.producer({ transactionalId: 'tx-restart', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const txn = await producer.transaction()
    await txn.send({ topic: 'restarted', messages: [{ value: 'open across the restart' }] })
    await producer.disconnect()
    const before = await onBroker(c, 1, (client) => client.request(65, 0, { transactionalIds: ['tx-restart'] }))
    expect(before.transactionStates[0].transactionState).toBe('Ongoing')

    await fixture.stop()
    c = await fixture.start(configs, 1)
    const after = await eventually('the transaction loaded again', () =>
      onBroker(c, 1, async (client) => {
        const d = (await client.request(65, 0, { transactionalIds: ['tx-restart'] })).transactionStates[0]
        return d.errorCode === ErrorCode.NONE ? d : undefined
      }),
    )
    const { producerId, producerEpoch, transactionStartTimeMs, topics } = before.transactionStates[0]
    expect(after).toMatchObject({ transactionState: 'Ongoing', producerId, producerEpoch, transactionStartTimeMs, topics })
    await onBroker(c, 1, async (client) => {
      const ended = await client.request(26, 3, { transactionalId: 'tx-restart', producerId, producerEpoch, committed: false })
      expect(ended.errorCode).toBe(ErrorCode.NONE)
    })
    await eventually('the abort completed', () =>
      onBroker(c, 1, async (client) => (await client.request(65, 0, { transactionalIds: ['tx-restart'] })).transactionStates[0].transactionState === 'CompleteAbort'),
    )
    const fetched = await onBroker(c, 1, (client) => client.request(1, 12, consumerFetch({ topic: 'restarted', isolationLevel: 1 })))
    expect(fetched.responses[0].partitions[0].abortedTransactions!.map((a) => Number(a.firstOffset))).toEqual([0])
  }, 90_000)

  it('sends a marker again to the new leader when the partition leader crashes before it got it', async () => {
    const c = await fixture.start({ 'transaction.state.log.num.partitions': '3', 'offsets.topic.num.partitions': '3' }, 3)
    const coordinator = await coordinatorOf(c, 'tx-moving', 1)
    const leader = c.brokerIds.find((id) => id !== coordinator)!
    const third = c.brokerIds.find((id) => id !== coordinator && id !== leader)!
    const kafka = new Kafka({ brokers: c.bootstrapServers.split(','), clientId: 'moving', logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'moving', replicaAssignment: [{ partition: 0, replicas: [leader, third, coordinator] }] }], waitForLeaders: true })
    await admin.disconnect()
    const producer = kafka.producer({ transactionalId: 'tx-moving', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const txn = await producer.transaction()
    await txn.send({ topic: 'moving', messages: [{ value: 'moved with its marker' }] })
    await c.setLinkFault(coordinator, leader, { mode: 'cut' })
    await txn.commit()
    // The marker cannot reach the leader; the leader dies, and the third broker takes the partition over.
    await c.crashBroker(leader)
    await eventually('the commit completed through the new leader', () =>
      onBroker(c, coordinator, async (client) => (await client.request(65, 0, { transactionalIds: ['tx-moving'] })).transactionStates[0].transactionState === 'CompleteCommit'),
      60_000,
    )
    const fetched = await onBroker(c, third, (client) => client.request(1, 12, consumerFetch({ topic: 'moving', isolationLevel: 1 })))
    const batches = [...decodeRecordBatches(fetched.responses[0].partitions[0].records!)]
    expect(batches.map((b) => (b.isControl ? `marker:${b.records[0].key!.readInt16BE(2)}` : b.records[0].value!.toString()))).toEqual(['moved with its marker', 'marker:1'])
    await producer.disconnect().catch(() => undefined)
  }, 120_000)
})
