// Transactional data for the console's browser tests, written by real clients: kafkajs
// transactions (committed, aborted, or left open) and a hanging transaction as Kafka's own
// find-hanging looks for, a transactional batch no coordinator knows (written with Produce
// once transaction.partition.verification.enable is off, as before KIP-890).
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { ZERO_UUID, ApiKey } from '../../main/cluster/protocol/messages'
import { encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
import { RawClient } from '../helpers/rawClient'

export function kafkaClient(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'e2e-transactions', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING })
}

export async function transactionalProducer(bootstrap: string, transactionalId: string, transactionTimeout = 60_000): Promise<Producer> {
  const producer = kafkaClient(bootstrap).producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout })
  await producer.connect()
  return producer
}

/** One transaction of `values` to one partition, then committed or aborted. */
export async function transaction(producer: Producer, topic: string, partition: number, values: string[], outcome: 'commit' | 'abort'): Promise<void> {
  const txn = await producer.transaction()
  await txn.send({ topic, messages: values.map((value) => ({ value, partition })) })
  await (outcome === 'commit' ? txn.commit() : txn.abort())
}

/** The partition's leader's Kafka listener, as Metadata names it. */
async function leaderOf(bootstrap: string, topic: string, partition: number): Promise<string> {
  const admin = kafkaClient(bootstrap).admin()
  await admin.connect()
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics
    const leader = metadata.partitions.find((p) => p.partitionId === partition)!.leader
    const broker = (await admin.describeCluster()).brokers.find((b) => b.nodeId === leader)!
    return `${broker.host}:${broker.port}`
  } finally {
    await admin.disconnect()
  }
}

/**
 * A transaction that no coordinator knows, open in one partition: an idempotent producer id
 * (InitProducerId without a transactional id) writes a transactional batch straight to the
 * leader. No marker will ever end it; only kafka-transactions --abort (WriteTxnMarkers) can.
 */
export async function hangingTransaction(bootstrap: string, topic: string, partition: number, values: string[]): Promise<{ producerId: number; offset: number }> {
  const client = await RawClient.connect(await leaderOf(bootstrap, topic, partition))
  try {
    const init = await client.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
    if (init.errorCode !== 0) throw new Error(`InitProducerId answered error ${init.errorCode}`)
    const records = encodeRecordBatch({ producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: 0, isTransactional: true, records: values.map((value) => ({ value })) })
    const produced = await client.request(ApiKey.Produce, 9, {
      transactionalId: `hanging-${init.producerId}`,
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ topicId: ZERO_UUID, name: topic, partitionData: [{ index: partition, records }] }],
    })
    const answer = produced.responses[0].partitionResponses[0]
    if (answer.errorCode !== 0) throw new Error(`Produce of a transactional batch answered error ${answer.errorCode}`)
    return { producerId: Number(init.producerId), offset: Number(answer.baseOffset) }
  } finally {
    client.socket.end()
  }
}
