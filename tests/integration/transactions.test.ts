// Issue 16, the transaction coordinator: kafkajs transactions against real brokers. A
// transactional id finds its coordinator (FindCoordinator key type 1, __transaction_state
// created on first use), InitProducerId fences older producers, EndTxn writes
// PrepareCommit / PrepareAbort and the markers reach each partition, a transaction left open
// is aborted after its timeout, and a transactional produce to a partition not added to the
// transaction is refused (KIP-890 part 1).
import { describe, expect, it } from 'vitest'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
import { ErrorCode } from '../../main/cluster/errors'
import type { Cluster } from '../../main/cluster/cluster'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'
import { consumerFetch } from '../helpers/fetchRequest'
import { ZERO_UUID } from '../../main/cluster/protocol/messages'

const fixture = useCluster()

/** Small internal topics: the tests start several clusters on two cores. */
const CONFIGS = { 'transaction.state.log.num.partitions': '3', 'offsets.topic.num.partitions': '3' }

function kafka(cluster: Cluster): Kafka {
  return new Kafka({ brokers: cluster.bootstrapServers.split(','), clientId: 'txn-test', logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } })
}

async function transactionalProducer(cluster: Cluster, transactionalId: string, transactionTimeout?: number): Promise<Producer> {
  const producer = kafka(cluster).producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout })
  await producer.connect()
  return producer
}

async function createTopic(cluster: Cluster, topic: string, numPartitions = 1, replicationFactor = 1): Promise<void> {
  const admin = kafka(cluster).admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: true })
  await admin.disconnect()
}

/** Every batch of a partition as the leader's log holds it (data and control). */
async function batchesOf(cluster: Cluster, topic: string, partition = 0) {
  const client = await RawClient.connect(cluster.bootstrapServers)
  try {
    const metadata = await client.request(3, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    const leader = metadata.topics[0].partitions.find((p) => p.partitionIndex === partition)!.leaderId
    const broker = metadata.brokers.find((b) => b.nodeId === leader)!
    const leaderClient = await RawClient.connect(`${broker.host}:${broker.port}`)
    try {
      const fetched = await leaderClient.request(1, 4, consumerFetch({ topic, partition }))
      const records = fetched.responses[0].partitions[0].records
      return records ? [...decodeRecordBatches(records)] : []
    } finally {
      leaderClient.close()
    }
  } finally {
    client.close()
  }
}

/** A read_committed Fetch of one partition at its leader. */
async function readCommitted(cluster: Cluster, topic: string, partition: number) {
  const client = await RawClient.connect(cluster.bootstrapServers)
  try {
    const metadata = await client.request(3, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    const leader = metadata.brokers.find((b) => b.nodeId === metadata.topics[0].partitions.find((p) => p.partitionIndex === partition)!.leaderId)!
    const leaderClient = await RawClient.connect(`${leader.host}:${leader.port}`)
    try {
      return (await leaderClient.request(1, 12, consumerFetch({ topic, partition, isolationLevel: 1 }))).responses[0].partitions[0]
    } finally {
      leaderClient.close()
    }
  } finally {
    client.close()
  }
}

/** Control records: key int16 version, int16 type (0 ABORT, 1 COMMIT). */
function markerType(batch: ReturnType<typeof decodeRecordBatches> extends Generator<infer B> ? B : never): 'COMMIT' | 'ABORT' {
  return batch.records[0].key!.readInt16BE(2) === 1 ? 'COMMIT' : 'ABORT'
}

async function describeTxn(cluster: Cluster, transactionalId: string) {
  const client = await RawClient.connect(cluster.bootstrapServers)
  try {
    const found = await client.request(10, 4, { key: '', keyType: 1, coordinatorKeys: [transactionalId] })
    const coordinator = found.coordinators[0]
    const direct = await RawClient.connect(`${coordinator.host}:${coordinator.port}`)
    try {
      return (await direct.request(65, 0, { transactionalIds: [transactionalId] })).transactionStates[0]
    } finally {
      direct.close()
    }
  } finally {
    client.close()
  }
}

describe('transactions with kafkajs', () => {
  it('commits and aborts: the markers reach the log, and the coordinator tells the states', async () => {
    const c = await fixture.start(CONFIGS, 3)
    await createTopic(c, 'txn-out', 2, 3)
    const producer = await transactionalProducer(c, 'tx-commit')
    const committed = await producer.transaction()
    await committed.send({ topic: 'txn-out', messages: [{ key: 'a', value: 'committed-1', partition: 0 }, { key: 'b', value: 'committed-2', partition: 1 }] })
    expect((await describeTxn(c, 'tx-commit')).transactionState).toBe('Ongoing')
    await committed.commit()
    const aborted = await producer.transaction()
    await aborted.send({ topic: 'txn-out', messages: [{ key: 'c', value: 'aborted-1', partition: 0 }] })
    await aborted.abort()

    const described = await eventually('the abort completed', async () => {
      const d = await describeTxn(c, 'tx-commit')
      return d.transactionState === 'CompleteAbort' ? d : undefined
    })
    expect(described.errorCode).toBe(ErrorCode.NONE)
    expect(described.producerEpoch).toBe(0)
    expect(described.topics).toEqual([])

    const partition0 = await eventually('both markers in partition 0', async () => {
      const batches = await batchesOf(c, 'txn-out', 0)
      return batches.filter((b) => b.isControl).length === 2 ? batches : undefined
    })
    expect(partition0.map((b) => (b.isControl ? markerType(b) : b.records[0].value!.toString()))).toEqual(['committed-1', 'COMMIT', 'aborted-1', 'ABORT'])
    expect(partition0.every((b) => b.isTransactional && b.producerId === partition0[0].producerId)).toBe(true)
    // read_committed: the LSO is past both markers, and the aborted transaction is listed for the reader to drop.
    const committedRead = await readCommitted(c, 'txn-out', 0)
    expect(Number(committedRead.lastStableOffset)).toBe(4)
    expect(committedRead.abortedTransactions!.map((a) => Number(a.firstOffset))).toEqual([2])
    const partition1 = await batchesOf(c, 'txn-out', 1)
    expect(partition1.map((b) => (b.isControl ? markerType(b) : b.records[0].value!.toString()))).toEqual(['committed-2', 'COMMIT'])
    await producer.disconnect()
  }, 60_000)

  it('shows read_committed consumers only committed records, read_uncommitted ones all', async () => {
    const c = await fixture.start({ ...CONFIGS, 'group.initial.rebalance.delay.ms': '0' }, 1)
    await createTopic(c, 'isolation')
    const producer = await transactionalProducer(c, 'tx-isolation')
    for (const [value, commit] of [['a', true], ['b', false], ['c', true]] as const) {
      const txn = await producer.transaction()
      await txn.send({ topic: 'isolation', messages: [{ value }] })
      await (commit ? txn.commit() : txn.abort())
    }
    const read = async (readUncommitted: boolean) => {
      const consumer = kafka(c).consumer({ groupId: `reader-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 100 })
      await consumer.connect()
      await consumer.subscribe({ topic: 'isolation', fromBeginning: true })
      const values: string[] = []
      await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) })
      await eventually('records read', () => values.length >= (readUncommitted ? 3 : 2), 20_000)
      await new Promise((r) => setTimeout(r, 300))
      await consumer.disconnect()
      return values
    }
    expect(await read(false)).toEqual(['a', 'c'])
    expect(await read(true)).toEqual(['a', 'b', 'c'])
    await producer.disconnect()
  }, 60_000)

  it('sends offsets in a transaction: committed with a commit, dropped with an abort', async () => {
    const c = await fixture.start(CONFIGS, 1)
    await createTopic(c, 'offsets-in')
    await createTopic(c, 'offsets-out')
    const producer = await transactionalProducer(c, 'tx-offsets')
    const admin = kafka(c).admin()
    await admin.connect()
    const committedOffset = async () => (await admin.fetchOffsets({ groupId: 'copier', topics: ['offsets-in'] }))[0].partitions[0].offset

    const kept = await producer.transaction()
    await kept.send({ topic: 'offsets-out', messages: [{ value: 'copied' }] })
    await kept.sendOffsets({ consumerGroupId: 'copier', topics: [{ topic: 'offsets-in', partitions: [{ partition: 0, offset: '5' }] }] })
    expect((await describeTxn(c, 'tx-offsets')).topics.map((t) => t.topic).sort()).toEqual(['__consumer_offsets', 'offsets-out'])
    await kept.commit()
    await eventually('the offset committed by the marker', async () => (await committedOffset()) === '5')

    const dropped = await producer.transaction()
    await dropped.send({ topic: 'offsets-out', messages: [{ value: 'not copied' }] })
    await dropped.sendOffsets({ consumerGroupId: 'copier', topics: [{ topic: 'offsets-in', partitions: [{ partition: 0, offset: '9' }] }] })
    await dropped.abort()
    await eventually('the abort completed', async () => (await describeTxn(c, 'tx-offsets')).transactionState === 'CompleteAbort')
    expect(await committedOffset()).toBe('5')
    const markers = (await batchesOf(c, 'offsets-out')).filter((b) => b.isControl).map(markerType)
    expect(markers).toEqual(['COMMIT', 'ABORT'])
    await admin.disconnect()
    await producer.disconnect()
  }, 60_000)

  it('fences the first producer when a second one initializes the same transactional id', async () => {
    const c = await fixture.start(CONFIGS, 1)
    await createTopic(c, 'zombies')
    const zombie = await transactionalProducer(c, 'tx-zombie')
    const first = await zombie.transaction()
    await first.send({ topic: 'zombies', messages: [{ value: 'from the zombie' }] })
    await first.commit()
    const late = await zombie.transaction()
    const successor = await transactionalProducer(c, 'tx-zombie')
    // kafkajs asks InitProducerId as its first transaction begins: the epoch goes to 1.
    const txn = await successor.transaction()
    // kafkajs speaks AddPartitionsToTxn v1, which knows INVALID_PRODUCER_EPOCH, not PRODUCER_FENCED.
    await expect(late.send({ topic: 'zombies', messages: [{ value: 'too late' }] })).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' })
    await txn.send({ topic: 'zombies', messages: [{ value: 'from the successor' }] })
    await txn.commit()
    const d = await describeTxn(c, 'tx-zombie')
    expect(d.producerEpoch).toBe(1)
    const values = (await batchesOf(c, 'zombies')).filter((b) => !b.isControl).map((b) => b.records[0].value!.toString())
    expect(values).toEqual(['from the zombie', 'from the successor'])
    await successor.disconnect()
    await zombie.disconnect().catch(() => undefined)
  }, 60_000)

  it('aborts the ongoing transaction of a producer whose transactional id is initialized again', async () => {
    const c = await fixture.start(CONFIGS, 1)
    await createTopic(c, 'reinit')
    const zombie = await transactionalProducer(c, 'tx-reinit')
    const open = await zombie.transaction()
    await open.send({ topic: 'reinit', messages: [{ value: 'never committed' }] })
    // The coordinator fences the epoch, aborts, and answers CONCURRENT_TRANSACTIONS until done; kafkajs retries.
    const successor = await transactionalProducer(c, 'tx-reinit')
    const txn = await successor.transaction()
    const d = await describeTxn(c, 'tx-reinit')
    // Epoch 1 fenced the ongoing transaction, epoch 2 is the successor's.
    expect(d.producerEpoch).toBe(2)
    expect(d.transactionState).toBe('Empty')
    await expect(open.commit()).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' })
    await txn.send({ topic: 'reinit', messages: [{ value: 'committed' }] })
    await txn.commit()
    const batches = await eventually('both markers', async () => {
      const b = await batchesOf(c, 'reinit')
      return b.filter((x) => x.isControl).length === 2 ? b : undefined
    })
    expect(batches.map((b) => (b.isControl ? markerType(b) : b.records[0].value!.toString()))).toEqual(['never committed', 'ABORT', 'committed', 'COMMIT'])
    await successor.disconnect()
    await zombie.disconnect().catch(() => undefined)
  }, 60_000)

  it('refuses a transaction timeout above transaction.max.timeout.ms', async () => {
    const c = await fixture.start({ ...CONFIGS, 'transaction.max.timeout.ms': '5000' }, 1)
    const producer = kafka(c).producer({ transactionalId: 'tx-too-long', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 6000 })
    await producer.connect()
    // kafkajs asks InitProducerId when the first transaction begins.
    await expect(producer.transaction()).rejects.toMatchObject({ type: 'INVALID_TRANSACTION_TIMEOUT' })
    await producer.disconnect()
  }, 60_000)

  it('aborts a transaction left open past its timeout, fencing its producer', async () => {
    const c = await fixture.start({ ...CONFIGS, 'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200' }, 1)
    await createTopic(c, 'forgotten')
    const producer = await transactionalProducer(c, 'tx-forgotten', 1000)
    const txn = await producer.transaction()
    await txn.send({ topic: 'forgotten', messages: [{ value: 'left open' }] })
    const aborted = await eventually('the coordinator aborted it', async () => {
      const d = await describeTxn(c, 'tx-forgotten')
      return d.transactionState === 'CompleteAbort' ? d : undefined
    })
    // The abort bumped the epoch, so the producer that left it open is fenced.
    expect(aborted.producerEpoch).toBe(1)
    await expect(txn.commit()).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' })
    const batches = await batchesOf(c, 'forgotten')
    expect(batches.filter((b) => b.isControl).map(markerType)).toEqual(['ABORT'])
    await producer.disconnect().catch(() => undefined)
  }, 60_000)

  it('expires a transactional id idle past transactional.id.expiration.ms', async () => {
    const c = await fixture.start({ ...CONFIGS, 'transactional.id.expiration.ms': '800', 'transaction.remove.expired.transaction.cleanup.interval.ms': '200' }, 1)
    await createTopic(c, 'expiring')
    const producer = await transactionalProducer(c, 'tx-expiring')
    const txn = await producer.transaction()
    await txn.send({ topic: 'expiring', messages: [{ value: 'once' }] })
    await txn.commit()
    const before = await eventually('the commit completed', async () => {
      const d = await describeTxn(c, 'tx-expiring')
      return d.transactionState === 'CompleteCommit' ? d : undefined
    })
    const gone = await eventually('the id expired', async () => {
      const d = await describeTxn(c, 'tx-expiring')
      return d.errorCode === ErrorCode.TRANSACTIONAL_ID_NOT_FOUND ? d : undefined
    })
    expect(gone.transactionState).toBe('')
    await producer.disconnect()
    // The same id starts over with a new producer id.
    const again = await transactionalProducer(c, 'tx-expiring')
    await again.transaction()
    const d = await describeTxn(c, 'tx-expiring')
    expect(d.producerId).not.toBe(before.producerId)
    expect(d.producerEpoch).toBe(0)
    await again.disconnect()
  }, 60_000)

  it('answers ListTransactions with state, producer id and duration filters', async () => {
    const c = await fixture.start(CONFIGS, 1)
    await createTopic(c, 'listed')
    const open = await transactionalProducer(c, 'tx-open')
    const done = await transactionalProducer(c, 'tx-done')
    const txn = await open.transaction()
    await txn.send({ topic: 'listed', messages: [{ value: 'pending' }] })
    // An initialized id without a transaction: Empty.
    const idle = await done.transaction()
    const client = await RawClient.connect(c.bootstrapServers)
    try {
      const all = await client.request(66, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: null })
      expect(all.errorCode).toBe(ErrorCode.NONE)
      expect(all.transactionStates.map((t) => `${t.transactionalId}:${t.transactionState}`).sort()).toEqual(['tx-done:Empty', 'tx-open:Ongoing'])
      const ongoing = await client.request(66, 0, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: null })
      expect(ongoing.transactionStates.map((t) => t.transactionalId)).toEqual(['tx-open'])
      expect(ongoing.unknownStateFilters).toEqual(['Bogus'])
      const byPid = await client.request(66, 1, { stateFilters: [], producerIdFilters: [all.transactionStates.find((t) => t.transactionalId === 'tx-done')!.producerId], durationFilter: -1n, transactionalIdPattern: null })
      expect(byPid.transactionStates.map((t) => t.transactionalId)).toEqual(['tx-done'])
      await new Promise((r) => setTimeout(r, 300))
      const long = await client.request(66, 1, { stateFilters: ['Ongoing'], producerIdFilters: [], durationFilter: 200n, transactionalIdPattern: null })
      expect(long.transactionStates.map((t) => t.transactionalId)).toEqual(['tx-open'])
      // As Kafka: the duration counts from the transaction's start, which an Empty id has not (-1), so it passes.
      const longer = await client.request(66, 1, { stateFilters: [], producerIdFilters: [], durationFilter: 60_000n, transactionalIdPattern: null })
      expect(longer.transactionStates.map((t) => t.transactionalId)).toEqual(['tx-done'])
      // v2 (KIP-1152): a pattern matched against the whole id; one Java would refuse is INVALID_REGULAR_EXPRESSION.
      const byPattern = await client.request(66, 2, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: 'tx-o.*' })
      expect(byPattern.transactionStates.map((t) => t.transactionalId)).toEqual(['tx-open'])
      expect((await client.request(66, 2, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: 'open' })).transactionStates).toEqual([])
      expect((await client.request(66, 2, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: 'tx-(' })).errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION)
      const unknown = await client.request(65, 0, { transactionalIds: ['never-seen'] })
      expect(unknown.transactionStates[0].errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
    } finally {
      client.close()
    }
    await txn.abort()
    await idle.abort().catch(() => undefined)
    await open.disconnect()
    await done.disconnect()
  }, 60_000)
})

describe('the coordinator on the wire', () => {
  it('answers EndTxn of an empty transaction with INVALID_TXN_STATE and refuses a produce to a partition not added (KIP-890)', async () => {
    const c = await fixture.start(CONFIGS, 1)
    await createTopic(c, 'unadded', 2)
    const client = await RawClient.connect(c.bootstrapServers)
    try {
      const found = await eventually('a transaction coordinator', async () => {
        const f = await client.request(10, 3, { key: 'tx-raw', keyType: 1, coordinatorKeys: [] })
        return f.errorCode === ErrorCode.NONE ? f : undefined
      })
      expect(found.nodeId).toBe(1)
      const init = await eventually('a producer id', async () => {
        const r = await client.request(22, 4, { transactionalId: 'tx-raw', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
        return r.errorCode === ErrorCode.NONE ? r : undefined
      })
      expect(init.producerEpoch).toBe(0)
      const endEmpty = await client.request(26, 3, { transactionalId: 'tx-raw', producerId: init.producerId, producerEpoch: init.producerEpoch, committed: true })
      expect(endEmpty.errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
      const wrongEpoch = await client.request(24, 3, {
        transactions: [],
        v3AndBelowTransactionalId: 'tx-raw',
        v3AndBelowProducerId: init.producerId,
        v3AndBelowProducerEpoch: init.producerEpoch + 1,
        v3AndBelowTopics: [{ name: 'unadded', partitions: [0] }],
      })
      expect(wrongEpoch.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(ErrorCode.PRODUCER_FENCED)
      const records = encodeRecordBatch({ isTransactional: true, producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: 0, records: [{ value: Buffer.from('sneaked in') }] })
      const produce = (version: number) =>
        client.request(0, version, { transactionalId: 'tx-raw', acks: -1, timeoutMs: 5000, topicData: [{ topicId: ZERO_UUID, name: 'unadded', partitionData: [{ index: 0, records }] }] })
      expect((await produce(9)).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_TXN_STATE)
      expect((await produce(11)).responses[0].partitionResponses[0].errorCode).toBe(120) // TRANSACTION_ABORTABLE
      // Once added, the same batch goes in.
      const added = await client.request(24, 3, {
        transactions: [],
        v3AndBelowTransactionalId: 'tx-raw',
        v3AndBelowProducerId: init.producerId,
        v3AndBelowProducerEpoch: init.producerEpoch,
        v3AndBelowTopics: [{ name: 'unadded', partitions: [0] }],
      })
      expect(added.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(ErrorCode.NONE)
      const verify = await client.request(24, 4, {
        transactions: [{ transactionalId: 'tx-raw', producerId: init.producerId, producerEpoch: init.producerEpoch, verifyOnly: true, topics: [{ name: 'unadded', partitions: [0, 1] }] }],
        v3AndBelowTransactionalId: '',
        v3AndBelowProducerId: 0n,
        v3AndBelowProducerEpoch: 0,
        v3AndBelowTopics: [],
      })
      expect(verify.resultsByTransaction[0].topicResults.flatMap((t) => t.resultsByPartition.map((p) => `${t.name}-${p.partitionIndex}:${p.partitionErrorCode}`))).toEqual(['unadded-0:0', 'unadded-1:120'])
      expect((await produce(9)).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE)
      const end = await client.request(26, 1, { transactionalId: 'tx-raw', producerId: init.producerId, producerEpoch: init.producerEpoch, committed: false })
      expect(end.errorCode).toBe(ErrorCode.NONE)
      // transaction.partition.verification.enable=false (cluster-wide, dynamic) turns the check off, as in Kafka.
      await c.alterConfigs({ broker: '' }, { 'transaction.partition.verification.enable': 'false' })
      const unverified = await eventually('an unverified transactional append', async () => {
        const r = await client.request(0, 9, { transactionalId: 'tx-raw', acks: -1, timeoutMs: 5000, topicData: [{ topicId: ZERO_UUID, name: 'unadded', partitionData: [{ index: 1, records }] }] })
        return r.responses[0].partitionResponses[0].errorCode === ErrorCode.NONE ? r : undefined
      })
      expect(unverified.responses[0].partitionResponses[0].baseOffset).toBe(0n)
    } finally {
      client.close()
    }
  }, 60_000)
})
