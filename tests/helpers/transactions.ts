// Transactions from the outside, over the Kafka protocol: the coordinator of a transactional
// id, raw transactional requests (InitProducerId, AddPartitionsToTxn, EndTxn,
// DescribeTransactions) and a partition read as a read_committed or read_uncommitted consumer
// reads it (aborted transactions filtered by the fetch's abortedTransactions, control batches
// skipped), so a test sees exactly what a client would.
import { partitionFor } from '../../main/cluster/broker/group'
import { decodeControlRecordKey } from '../../main/cluster/protocol/controlRecord'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { eventually } from './cluster'
import { consumerFetch } from './fetchRequest'
import { RawClient } from './rawClient'

export const READ_UNCOMMITTED = 0
export const READ_COMMITTED = 1

/** `count` transactional ids starting with `prefix` on one __transaction_state partition (of 50), so one coordinator has them all. */
export function idsOnOneCoordinator(prefix: string, count: number): string[] {
  const target = partitionFor(`${prefix}0`, 50)
  return Array.from({ length: 10_000 }, (_, i) => `${prefix}${i}`).filter((id) => partitionFor(id, 50) === target).slice(0, count)
}

/** The coordinator of a transactional id as FindCoordinator (key type 1) answers, once it has one. */
export async function transactionCoordinator(bootstrap: string, transactionalId: string, timeoutMs = 30_000): Promise<{ nodeId: number; address: string }> {
  const client = await RawClient.connect(bootstrap)
  try {
    return await eventually(`the coordinator of ${transactionalId}`, async () => {
      const r = await client.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [transactionalId] })
      const c = r.coordinators[0]
      return c.errorCode === 0 && { nodeId: c.nodeId, address: `${c.host}:${c.port}` }
    }, timeoutMs)
  } finally {
    client.close()
  }
}

export interface TxnProducer {
  transactionalId: string
  producerId: bigint
  producerEpoch: number
}

/** InitProducerId at the coordinator, retried while it loads or a previous transaction completes. */
export async function initTransactions(coordinator: RawClient, transactionalId: string, transactionTimeoutMs = 60_000): Promise<TxnProducer> {
  return eventually(`InitProducerId ${transactionalId}`, async () => {
    const r = await coordinator.request(ApiKey.InitProducerId, 5, { transactionalId, transactionTimeoutMs, producerId: -1n, producerEpoch: -1 })
    return r.errorCode === 0 && { transactionalId, producerId: r.producerId, producerEpoch: r.producerEpoch }
  }, 30_000)
}

/** AddPartitionsToTxn v3 (as a client sends it); the partitions' error codes. */
export async function addPartitionsToTxn(coordinator: RawClient, p: TxnProducer, topic: string, partitions: number[]): Promise<number[]> {
  const r = await coordinator.request(ApiKey.AddPartitionsToTxn, 3, {
    transactions: [],
    v3AndBelowTransactionalId: p.transactionalId,
    v3AndBelowProducerId: p.producerId,
    v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: [{ name: topic, partitions }],
  })
  return r.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((x) => x.partitionErrorCode))
}

export async function endTxn(coordinator: RawClient, p: TxnProducer, committed: boolean): Promise<number> {
  const r = await coordinator.request(ApiKey.EndTxn, 4, { transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed })
  return r.errorCode
}

/** The coordinator's state of a transactional id (Ongoing, PrepareCommit, CompleteCommit...), or its error code. */
export async function transactionState(coordinator: RawClient, transactionalId: string): Promise<string> {
  const r = await coordinator.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [transactionalId] })
  const s = r.transactionStates[0]
  return s.errorCode === 0 ? s.transactionState : `error ${s.errorCode}`
}

/** A partition's last stable offset (read_committed) or high watermark, from ListOffsets LATEST at its leader. */
export async function latestOffset(leader: RawClient, topic: string, partition: number, isolationLevel: number): Promise<bigint> {
  const r = await leader.request(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }], timeoutMs: 5_000 })
  const p = r.topics[0].partitions[0]
  if (p.errorCode !== 0) throw new Error(`ListOffsets ${topic}-${partition}: error ${p.errorCode}`)
  return p.offset
}

/**
 * The values of a partition's records as a consumer with this isolation level reads them, from
 * the start up to the LSO (read_committed) or the high watermark: control batches skipped, and
 * for read_committed the batches of aborted transactions dropped, as Kafka's consumers do.
 */
export async function readPartition(leader: RawClient, topic: string, partition: number, isolationLevel: number): Promise<string[]> {
  return (await readPartitionRecords(leader, topic, partition, isolationLevel)).map((r) => r.value)
}

/** readPartition with each record's offset and its batch's producer id and epoch. */
export async function readPartitionRecords(leader: RawClient, topic: string, partition: number, isolationLevel: number): Promise<Array<{ offset: bigint; value: string; producerId: bigint; producerEpoch: number }>> {
  const end = await latestOffset(leader, topic, partition, isolationLevel)
  const values: Array<{ offset: bigint; value: string; producerId: bigint; producerEpoch: number }> = []
  const abortedProducers = new Set<bigint>()
  let offset = 0n
  while (offset < end) {
    const r = await leader.request(ApiKey.Fetch, 12, consumerFetch({ topic, partition, fetchOffset: offset, isolationLevel }))
    const p = r.responses[0].partitions[0]
    if (p.errorCode !== 0) throw new Error(`Fetch ${topic}-${partition} at ${offset}: error ${p.errorCode}`)
    const aborted = [...(p.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset - b.firstOffset))
    const before = offset
    for (const batch of decodeRecordBatches(p.records ?? new Uint8Array())) {
      const last = batch.baseOffset + BigInt(batch.lastOffsetDelta)
      if (last < offset) continue
      while (aborted.length && aborted[0].firstOffset <= last) abortedProducers.add(aborted.shift()!.producerId)
      if (batch.isControl) {
        const key = decodeControlRecordKey(batch.records[0].key!)
        if (key.type === 0 || key.type === 1) abortedProducers.delete(batch.producerId)
      } else if (!(isolationLevel === READ_COMMITTED && batch.isTransactional && abortedProducers.has(batch.producerId))) {
        for (const record of batch.records) if (record.offset >= offset && record.offset < end) values.push({ offset: record.offset, value: record.value!.toString(), producerId: batch.producerId, producerEpoch: batch.producerEpoch })
      }
      offset = last + 1n
    }
    if (offset === before) throw new Error(`Fetch ${topic}-${partition} at ${offset} returned nothing below ${end}`)
  }
  return values
}
