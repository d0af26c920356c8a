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
import { decodeRecordBatches, encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
import { ControlRecordType, encodeEndTransactionMarkerBatch } from '../../main/cluster/protocol/controlRecord'
import { decodeAbortedTxns } from '../../main/cluster/broker/log/transactionIndex'
import { ZERO_UUID } from '../../main/cluster/protocol/messages'
import type { WriteTxnMarkersRequest } from '../../main/cluster/protocol/messages'
import { producerBatch } from '../helpers/batches'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'
import { consumerFetch } from '../helpers/fetchRequest'
import { kcat, kcatAvailable } from '../helpers/kcat'
import { Kafka, logLevel } from 'kafkajs'

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
  return { markers: [{ producerId: BigInt(producerId), producerEpoch, transactionResult: committed, coordinatorEpoch: 0, transactionVersion: 0, topics: [{ name: topic, partitionIndexes: partitions }] }] }
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
      const listed = await viaWire.request(2, 5, { replicaId: -1, isolationLevel: 1, timeoutMs: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] })
      expect(listed.topics[0].partitions[0].offset).toBe(8n)
      const logDirs = await c.broker(leader).client.call('describeLogDirs', {})
      expect(logDirs.partitions.find((p) => p.topic === TOPIC)).toMatchObject({ highWatermark: 10, lastStableOffset: 8 })
    } finally {
      viaWire.close()
    }
  })

  it('serves WriteTxnMarkers v1 and v2 on the wire with Kafka’s per-partition errors, and refuses control batches from clients', async () => {
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
      expect(markerErrors(await client.request(27, 1, markers(p1, true, 3, 'nope')))).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
      const follower = c.image.partition(TOPIC, 0)!.replicas.find((id) => id !== leader)!
      const followerClient = await rawLeader(c, follower)
      expect(markerErrors(await followerClient.request(27, 1, markers(p1, true, 3)))).toEqual([ErrorCode.NOT_LEADER_OR_FOLLOWER])
      followerClient.close()
      // v2 (with the marker's transaction version) commits it.
      const ok = await client.request(27, 2, markers(p1, true, 3))
      expect(ok.markers[0]).toMatchObject({ producerId: BigInt(p1), topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, errorCode: 0 }] }] })
      expect((await fetchFrom(c, leader, IsolationLevel.READ_COMMITTED)).lastStableOffset).toBe(3)
      // A client cannot produce a control batch.
      const control = encodeEndTransactionMarkerBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 0, producerId: BigInt(p1), producerEpoch: 3 })
      const produced = await client.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ topicId: ZERO_UUID, name: TOPIC, partitionData: [{ index: 0, records: control }] }] })
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

    // Every broker crashes (SIGKILL-like: no flush, no snapshot at the log end), then the whole
    // cluster starts again: the open transaction, the LSO and the aborted list come back from disk.
    await c.produce(TOPIC, 0, txnBatch(p1, 2, 'open', 1, 0)) // 7: left open
    for (const id of c.brokerIds) await c.crashBroker(id)
    await fixture.stop()
    const again = await fixture.start({}, 3)
    const answer = await eventually('the restarted leader answers', async () => {
      const leader = leaderOf(again)
      if (leader < 0) return undefined
      const r = await fetchFrom(again, leader, IsolationLevel.READ_COMMITTED).catch(() => undefined)
      return r && r.errorCode === 0 && r.highWatermark === 8 ? r : undefined
    }, 20_000)
    expect(answer).toMatchObject({ lastStableOffset: 7, abortedTransactions: [{ producerId: p1, firstOffset: 0 }] })
    const leader = leaderOf(again)
    const raw = await rawLeader(again, leader)
    try {
      const producers = await raw.request(61, 0, { topics: [{ name: TOPIC, partitionIndexes: [0] }] })
      expect(producers.topics[0].partitions[0].activeProducers.find((s) => s.producerId === BigInt(p1))).toMatchObject({ currentTxnStartOffset: 7n })
    } finally {
      raw.close()
    }
    // Its abort releases the LSO on the restarted cluster (once the ISR meets min.insync.replicas again).
    await eventually('the ISR back to 2 or more', () => again.image.partition(TOPIC, 0)!.isr.length >= 2 || undefined, 15_000)
    expect(markerErrors(await again.broker(leader).client.call('writeTxnMarkers', markers(p1, false)))).toEqual([0])
    const released = await fetchFrom(again, leader, IsolationLevel.READ_COMMITTED)
    expect(released).toMatchObject({ lastStableOffset: 9, abortedTransactions: [{ producerId: p1, firstOffset: 0 }, { producerId: p1, firstOffset: 7 }] })
  })
})

describe('the log cleaner on real brokers', () => {
  it('every replica of a compacted partition drops the records of aborted transactions, which never hide a committed value', async () => {
    const c = await fixture.start({ 'log.cleaner.backoff.ms': '100' }, 3)
    await c.createTopic({ name: 'table', partitions: 1, replicationFactor: 3, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '2048', 'min.cleanable.dirty.ratio': '0.01', 'min.insync.replicas': '2' } })
    const leader = c.image.partition('table', 0)!.leader
    const keyed = (producerId: number, seq: number, txn: string, n: number) =>
      encodeRecordBatch({ isTransactional: true, producerId: BigInt(producerId), producerEpoch: 0, baseSequence: seq, records: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `${txn}-${i}`.padEnd(80, '.'), timestamp: BigInt(Date.now()) })) })
    const { producerId } = await c.initProducerId()
    // t0..t29 write keys k0-k4; every third (t2, t5, ... t29) aborts, so t28 holds the committed values.
    for (let t = 0; t < 30; t++) {
      expect(await c.produce('table', 0, keyed(producerId, t * 5, `t${t}`, 5))).toMatchObject({ errorCode: 0 })
      expect(markerErrors(await c.broker(leader).client.call('writeTxnMarkers', { markers: [{ producerId: BigInt(producerId), producerEpoch: 0, transactionResult: t % 3 !== 2, coordinatorEpoch: 0, transactionVersion: 0, topics: [{ name: 'table', partitionIndexes: [0] }] }] }))).toEqual([0])
    }
    // Other keys push every transaction out of the active segment, so it all becomes cleanable.
    for (let f = 0; f < 40; f++) expect(await c.produce('table', 0, encodeRecordBatch({ records: [{ key: `f${f}`, value: 'x'.repeat(80), timestamp: BigInt(Date.now()) }] }))).toMatchObject({ errorCode: 0 })
    const aborted = (v: string) => /^t(\d+)-/.test(v) && Number(/^t(\d+)-/.exec(v)![1]) % 3 === 2
    for (const broker of [1, 2, 3]) {
      const values = await eventually(`broker ${broker} cleaned the aborted transactions`, async () => {
        const v = await replicaValues(c, broker)
        return v.length > 0 && !v.some(aborted) && v.filter((x) => x.startsWith('t')).length === 5 ? v : undefined
      }, 25_000)
      expect(values.filter((v) => v.startsWith('t'))).toEqual([0, 1, 2, 3, 4].map((i) => `t28-${i}`))
    }
  }, 60_000)
})

/** A replica's data records (markers left out), read from it to its high watermark, values trimmed. */
async function replicaValues(c: Cluster, broker: number): Promise<string[]> {
  const out: string[] = []
  for (let offset = 0; ; ) {
    const response = await c.broker(broker).client.call('fetch', { replicaId: -1, fetchOnlyFromLeader: false, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ name: 'table', partitions: [{ index: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }] })
    const p = response.topics[0].partitions[0]
    if (p.errorCode !== 0 || p.records.byteLength === 0) return out
    for (const batch of decodeRecordBatches(p.records)) {
      if (!batch.isControl) for (const r of batch.records) if (Number(r.offset) >= offset) out.push(r.value!.toString().replace(/\.+$/, ''))
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
    }
  }
}

describe('real clients read transactions written by markers', () => {
  it.skipIf(!kcatAvailable)('librdkafka (kcat) and kafkajs consumers skip aborted records and markers under read_committed, and read all the data under read_uncommitted', async () => {
    const { c, p1, p2 } = await setUp()
    const leader = leaderOf(c)
    await c.produce(TOPIC, 0, producerBatch({ count: 1, tag: 'plain' })) // 0
    await c.produce(TOPIC, 0, txnBatch(p1, 0, 'aborted', 3)) // 1-3
    await c.produce(TOPIC, 0, txnBatch(p2, 0, 'committed', 2)) // 4-5
    await c.produce(TOPIC, 0, txnBatch(p1, 3, 'aborted-again', 1)) // 6
    expect(markerErrors(await c.broker(leader).client.call('writeTxnMarkers', markers(p1, false)))).toEqual([0]) // 7
    expect(markerErrors(await c.broker(leader).client.call('writeTxnMarkers', markers(p2, true)))).toEqual([0]) // 8
    await c.produce(TOPIC, 0, producerBatch({ count: 1, tag: 'tail' })) // 9
    const committed = ['plain-0', 'committed-0', 'committed-1', 'tail-0']
    const everything = ['plain-0', 'aborted-0', 'aborted-1', 'aborted-2', 'committed-0', 'committed-1', 'aborted-again-0', 'tail-0']

    const read = async (isolation: string) => {
      const result = await kcat(['-b', c.bootstrapServers, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\n', '-X', `isolation.level=${isolation}`], undefined, 20_000)
      expect(result.status, result.stderr).toBe(0)
      return result.stdout.split('\n').filter((l) => l !== '')
    }
    expect(await read('read_committed')).toEqual(committed)
    expect(await read('read_uncommitted')).toEqual(everything)

    for (const readUncommitted of [false, true]) {
      const consumer = new Kafka({ clientId: 'txn-log', brokers: c.bootstrapServers.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: `g-${readUncommitted}`, readUncommitted })
      const seen: string[] = []
      try {
        await consumer.connect()
        await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
        await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
        const expected = readUncommitted ? everything : committed
        await eventually(`kafkajs (readUncommitted: ${readUncommitted}) read ${expected.length} records`, () => seen.length >= expected.length || undefined, 30_000)
        await new Promise((r) => setTimeout(r, 500))
        expect(seen).toEqual(expected)
      } finally {
        await consumer.disconnect()
      }
    }
  })
})

/** A raw client on broker `id`'s listener. */
async function rawLeader(c: Cluster, id: number): Promise<RawClient> {
  const state = c.brokerStates().find((b) => b.id === id)!
  return RawClient.connect(state.listener!)
}
