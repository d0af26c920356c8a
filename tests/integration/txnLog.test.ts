// Issue 16, the partition side, on real brokers: transactional batches and COMMIT/ABORT
// markers (BrokerApi writeTxnMarkers and the wire's WriteTxnMarkers), the last stable offset,
// read_committed vs read_uncommitted Fetch and ListOffsets, DescribeProducers, markers
// replicated to followers and kept across a failover, a crash and a restart.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../main/cluster/cluster'
import { ErrorCode } from '../../main/cluster/errors'
import { IsolationLevel, OffsetSpec, type FetchPartitionResponse } from '../../main/cluster/broker/api'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { ControlRecordType, encodeEndTransactionMarkerBatch } from '../../main/cluster/protocol/controlRecord'
import { decodeAbortedTxns } from '../../main/cluster/broker/log/transactionIndex'
import type { WriteTxnMarkersRequest } from '../../main/cluster/protocol/messages'
import { producerBatch } from '../helpers/batches'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'
import { consumerFetch } from '../helpers/fetchRequest'

const fixture = useCluster()
const TOPIC = 'txn'

function leaderOf(c: Cluster, topic = TOPIC, partition = 0): number {
  return c.image.partition(topic, partition)!.leader
}

async function fetchFrom(c: Cluster, broker: number, isolationLevel: IsolationLevel, fetchOffset = 0, maxWaitMs = 0, minBytes = 0): Promise<FetchPartitionResponse> {
  const response = await c.broker(broker).client.call('fetch', {
    replicaId: -1,
    maxWaitMs,
    minBytes,
    maxBytes: 1 << 20,
    isolationLevel,
    topics: [{ name: TOPIC, partitions: [{ index: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
  })
  return response.topics[0].partitions[0]
}

async function latest(c: Cluster, isolationLevel: IsolationLevel): Promise<number> {
  const response = await c.broker(leaderOf(c)).client.call('listOffsets', { replicaId: -1, isolationLevel, topics: [{ name: TOPIC, partitions: [{ index: 0, timestamp: OffsetSpec.LATEST }] }] })
  return response.topics[0].partitions[0].offset
}

/** Record values (control records as "<COMMIT>"/"<ABORT>") of fetched batches. */
function values(records: Uint8Array): string[] {
  const out: string[] = []
  for (const batch of decodeRecordBatches(records)) {
    for (const r of batch.records) out.push(batch.isControl ? (r.key!.readInt16BE(2) === ControlRecordType.Commit ? '<COMMIT>' : '<ABORT>') : r.value!.toString())
  }
  return out
}

function txnBatch(producerId: number, baseSequence: number, tag: string, count = 2, producerEpoch = 0): Buffer {
  return producerBatch({ producerId, producerEpoch, baseSequence, count, tag, transactional: true })
}

function markers(producerId: number, committed: boolean, producerEpoch = 0, topic = TOPIC, partitions = [0]): WriteTxnMarkersRequest {
  return { markers: [{ producerId: BigInt(producerId), producerEpoch, transactionResult: committed, coordinatorEpoch: 0, topics: [{ name: topic, partitionIndexes: partitions }] }] }
}

function markerErrors(response: { markers: Array<{ topics: Array<{ partitions: Array<{ errorCode: number }> }> }> }): number[] {
  return response.markers.flatMap((m) => m.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)))
}

async function setUp(brokers = 3) {
  const c = await fixture.start({}, brokers)
  await c.createTopic({ name: TOPIC, partitions: 1, replicationFactor: brokers, configs: { 'min.insync.replicas': String(Math.min(2, brokers)) } })
  const { producerId: p1 } = await c.initProducerId()
  const { producerId: p2 } = await c.initProducerId()
  return { c, p1, p2 }
}

describe('transactions in the partition log, on real brokers', () => {
  it('keeps read_committed readers below an open transaction, then shows committed data and lists aborted transactions', async () => {
    const { c, p1, p2 } = await setUp()
    const leader = leaderOf(c)
    expect(await c.produce(TOPIC, 0, producerBatch({ count: 2, tag: 'plain' }))).toMatchObject({ errorCode: 0, baseOffset: 0 }) // 0-1
    expect(await c.produce(TOPIC, 0, txnBatch(p1, 0, 'a'))).toMatchObject({ errorCode: 0, baseOffset: 2 }) // 2-3
    expect(await c.produce(TOPIC, 0, txnBatch(p2, 0, 'b'))).toMatchObject({ errorCode: 0, baseOffset: 4 }) // 4-5

    let committed = await fetchFrom(c, leader, IsolationLevel.READ_COMMITTED)
    expect(committed).toMatchObject({ highWatermark: 6, lastStableOffset: 2, abortedTransactions: [] })
    expect(values(committed.records)).toEqual(['plain-0', 'plain-1'])
    const uncommitted = await fetchFrom(c, leader, IsolationLevel.READ_UNCOMMITTED)
    expect(uncommitted).toMatchObject({ highWatermark: 6, lastStableOffset: 2, abortedTransactions: null })
    expect(values(uncommitted.records)).toEqual(['plain-0', 'plain-1', 'a-0', 'a-1', 'b-0', 'b-1'])
    expect(await latest(c, IsolationLevel.READ_COMMITTED)).toBe(2)
    expect(await latest(c, IsolationLevel.READ_UNCOMMITTED)).toBe(6)

    // p1 aborts (offset 6), p2 commits (offset 7), through the broker RPC.
    expect(markerErrors(await c.broker(leader).client.call('writeTxnMarkers', markers(p1, false)))).toEqual([ErrorCode.NONE])
    committed = await fetchFrom(c, leader, IsolationLevel.READ_COMMITTED)
    expect(committed.lastStableOffset).toBe(4)
    expect(values(committed.records)).toEqual(['plain-0', 'plain-1', 'a-0', 'a-1'])
    expect(committed.abortedTransactions).toEqual([{ producerId: p1, firstOffset: 2 }])
    expect(markerErrors(await c.broker(leader).client.call('writeTxnMarkers', markers(p2, true)))).toEqual([ErrorCode.NONE])
    committed = await fetchFrom(c, leader, IsolationLevel.READ_COMMITTED)
    expect(committed).toMatchObject({ highWatermark: 8, lastStableOffset: 8 })
    expect(values(committed.records)).toEqual(['plain-0', 'plain-1', 'a-0', 'a-1', 'b-0', 'b-1', '<ABORT>', '<COMMIT>'])
    expect(committed.abortedTransactions).toEqual([{ producerId: p1, firstOffset: 2 }])
    // A fetch past the aborted transaction lists nothing.
    expect((await fetchFrom(c, leader, IsolationLevel.READ_COMMITTED, 7)).abortedTransactions).toEqual([])
    expect(await latest(c, IsolationLevel.READ_COMMITTED)).toBe(8)

    // The wire: Fetch v11 read_committed carries the aborted list; DescribeProducers the open transaction.
    expect(await c.produce(TOPIC, 0, txnBatch(p1, 2, 'c'))).toMatchObject({ errorCode: 0, baseOffset: 8 })
    const viaWire = await rawLeader(c, leader)
    try {
      const fetched = await viaWire.request(1, 11, consumerFetch({ topic: TOPIC, isolationLevel: 1 }))
      const partition = fetched.responses[0].partitions[0]
      expect(partition.lastStableOffset).toBe(8n)
      expect(partition.abortedTransactions).toEqual([{ producerId: BigInt(p1), firstOffset: 2n }])
      const plainFetch = await viaWire.request(1, 11, consumerFetch({ topic: TOPIC, isolationLevel: 0 }))
      expect(plainFetch.responses[0].partitions[0].abortedTransactions).toBeNull()
      const producers = await viaWire.request(61, 0, { topics: [{ name: TOPIC, partitionIndexes: [0] }] })
      const states = producers.topics[0].partitions[0].activeProducers
      expect(states.find((s) => s.producerId === BigInt(p1))).toMatchObject({ currentTxnStartOffset: 8n, coordinatorEpoch: 0 })
      expect(states.find((s) => s.producerId === BigInt(p2))).toMatchObject({ currentTxnStartOffset: -1n })
      const listed = await viaWire.request(2, 5, { replicaId: -1, isolationLevel: 1, timeoutMs: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] })
      expect(listed.topics[0].partitions[0].offset).toBe(8n)
    } finally {
      viaWire.close()
    }
  })

  it('serves WriteTxnMarkers v0 and v1 on the wire with Kafka’s per-partition errors, and refuses control batches from clients', async () => {
    const { c, p1 } = await setUp()
    const leader = leaderOf(c)
    expect(await c.produce(TOPIC, 0, txnBatch(p1, 0, 'a', 2, 3))).toMatchObject({ errorCode: 0 })
    const client = await rawLeader(c, leader)
    try {
      // A marker older than the producer's epoch is refused, and the transaction stays open.
      const stale = await client.request(27, 1, markers(p1, true, 2))
      expect(markerErrors(stale)).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH])
      expect((await fetchFrom(c, leader, IsolationLevel.READ_COMMITTED)).lastStableOffset).toBe(0)
      // Unknown topic; a follower is not the leader.
      expect(markerErrors(await client.request(27, 0, markers(p1, true, 3, 'nope')))).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
      const follower = c.image.partition(TOPIC, 0)!.replicas.find((id) => id !== leader)!
      const followerClient = await rawLeader(c, follower)
      expect(markerErrors(await followerClient.request(27, 1, markers(p1, true, 3)))).toEqual([ErrorCode.NOT_LEADER_OR_FOLLOWER])
      followerClient.close()
      // v0 commits it.
      const ok = await client.request(27, 0, markers(p1, true, 3))
      expect(ok.markers[0]).toMatchObject({ producerId: BigInt(p1), topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 0 }] }] })
      expect((await fetchFrom(c, leader, IsolationLevel.READ_COMMITTED)).lastStableOffset).toBe(3)
      // A client cannot produce a control batch.
      const control = encodeEndTransactionMarkerBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 0, producerId: BigInt(p1), producerEpoch: 3 })
      const produced = await client.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: control }] }] })
      expect(produced.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_RECORD)
    } finally {
      client.close()
    }
  })

  it('a read_committed long poll waits for the LSO, not the high watermark', async () => {
    const { c, p1 } = await setUp()
    const leader = leaderOf(c)
    await c.produce(TOPIC, 0, txnBatch(p1, 0, 'a'))
    const started = Date.now()
    const polling = fetchFrom(c, leader, IsolationLevel.READ_COMMITTED, 0, 8000, 1)
    await new Promise((r) => setTimeout(r, 300))
    await c.produce(TOPIC, 0, txnBatch(p1, 2, 'b'))
    await new Promise((r) => setTimeout(r, 300))
    await c.broker(leader).client.call('writeTxnMarkers', markers(p1, true))
    const answer = await polling
    expect(Date.now() - started).toBeLessThan(5000)
    expect(values(answer.records).slice(0, 4)).toEqual(['a-0', 'a-1', 'b-0', 'b-1'])
    expect(answer.lastStableOffset).toBe(5)
  })

  it('followers replicate markers: after the leader crashes, the new leader has the same LSO, open transaction and aborted list; after a restart the .txnindex is back', async () => {
    const { c, p1, p2 } = await setUp()
    const first = leaderOf(c)
    await c.produce(TOPIC, 0, txnBatch(p1, 0, 'a')) // 0-1
    await c.produce(TOPIC, 0, txnBatch(p2, 0, 'b')) // 2-3
    expect(markerErrors(await c.broker(first).client.call('writeTxnMarkers', markers(p1, false)))).toEqual([0]) // 4
    await c.produce(TOPIC, 0, producerBatch({ count: 1, tag: 'plain' })) // 5
    const before = await fetchFrom(c, first, IsolationLevel.READ_COMMITTED)
    expect(before).toMatchObject({ highWatermark: 6, lastStableOffset: 2, abortedTransactions: [{ producerId: p1, firstOffset: 0 }] })

    await c.crashBroker(first)
    const second = await eventually('a new leader', () => {
      const l = leaderOf(c)
      return l >= 0 && l !== first ? l : undefined
    })
    const after = await eventually('the new leader answers', async () => {
      const r = await fetchFrom(c, second, IsolationLevel.READ_COMMITTED)
      return r.errorCode === 0 && r.highWatermark === 6 ? r : undefined
    })
    expect(after).toMatchObject({ lastStableOffset: 2, abortedTransactions: [{ producerId: p1, firstOffset: 0 }] })
    // The open transaction of p2 is the new leader's too: its commit releases the LSO.
    expect(markerErrors(await c.broker(second).client.call('writeTxnMarkers', markers(p2, true)))).toEqual([0]) // 6
    expect((await fetchFrom(c, second, IsolationLevel.READ_COMMITTED)).lastStableOffset).toBe(7)

    // The crashed broker comes back, catches up, and its index holds the abort.
    await c.restartBroker(first)
    await eventually('the old leader back in the ISR', () => c.image.partition(TOPIC, 0)!.isr.includes(first) || undefined, 15_000)
    const dir = join(fixture.dataDir!, `broker-${first}`)
    const partitionDir = readdirSync(dir).find((name) => name === `${TOPIC}-0`)!
    const indexes = readdirSync(join(dir, partitionDir)).filter((name) => name.endsWith('.txnindex'))
    const entries = indexes.flatMap((name) => decodeAbortedTxns(readFileSync(join(dir, partitionDir, name))))
    expect(entries).toEqual([{ producerId: p1, firstOffset: 0, lastOffset: 4, lastStableOffset: 2 }])

    // The whole cluster restarts: the LSO and the aborted list come back from disk.
    await c.produce(TOPIC, 0, txnBatch(p1, 2, 'open', 1, 0)) // 7: left open
    await fixture.stop()
    const again = await fixture.start({}, 3)
    const answer = await eventually('the restarted leader answers', async () => {
      const leader = leaderOf(again)
      if (leader < 0) return undefined
      const r = await fetchFrom(again, leader, IsolationLevel.READ_COMMITTED).catch(() => undefined)
      return r && r.errorCode === 0 && r.highWatermark === 8 ? r : undefined
    }, 20_000)
    expect(answer).toMatchObject({ lastStableOffset: 7, abortedTransactions: [{ producerId: p1, firstOffset: 0 }] })
  })
})

/** A raw client on broker `id`'s listener. */
async function rawLeader(c: Cluster, id: number): Promise<RawClient> {
  const state = c.brokerStates().find((b) => b.id === id)!
  return RawClient.connect(state.listener!)
}
