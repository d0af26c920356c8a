// Transactions from the outside, over the Kafka protocol: the coordinator of a transactional
// id, raw transactional requests (InitProducerId, AddPartitionsToTxn, EndTxn,
// DescribeTransactions) and a partition read as a read_committed or read_uncommitted consumer
// reads it (aborted transactions filtered by the fetch's abortedTransactions, control batches
// skipped), so a test sees exactly what a client would.
import { partitionFor } from '../../main/cluster/broker/group'
import { decodeControlRecordKey } from '../../main/cluster/protocol/controlRecord'
import { ZERO_UUID, ApiKey } from '../../main/cluster/protocol/messages'
import { decodeRecordBatches, encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
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
  const r = await leader.request(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n }] }], timeoutMs: 5_000 })
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

/** readPartition with each record's offset and its batch's producer id, epoch and base sequence. */
export async function readPartitionRecords(leader: RawClient, topic: string, partition: number, isolationLevel: number): Promise<Array<{ offset: bigint; value: string; producerId: bigint; producerEpoch: number; baseSequence: number }>> {
  const end = await latestOffset(leader, topic, partition, isolationLevel)
  const values: Array<{ offset: bigint; value: string; producerId: bigint; producerEpoch: number; baseSequence: number }> = []
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
        for (const record of batch.records) if (record.offset >= offset && record.offset < end) values.push({ offset: record.offset, value: record.value!.toString(), producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence })
      }
      offset = last + 1n
    }
    if (offset === before) throw new Error(`Fetch ${topic}-${partition} at ${offset} returned nothing below ${end}`)
  }
  return values
}

/** A request that gives up after `timeoutMs` (a paused or crashed broker never answers). */
async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('request timed out')), timeoutMs)))])
  } finally {
    clearTimeout(timer)
  }
}

const RETRIABLE = new Set([6, 7, 14, 15, 16, 19, 20, 51])

/**
 * A transactional producer over raw requests that retries as Kafka's Java client does: a
 * produce that failed or timed out goes again with the same sequence numbers (so only the
 * broker's duplicate detection keeps it from being written twice), to the partition's leader
 * of the moment; coordinator requests go again to the transactional id's coordinator of the
 * moment. `addresses` gives the brokers' listeners; `leaderOf` a partition's current leader.
 */
export class RetryingTxnProducer {
  private clients = new Map<string, RawClient>()
  private producer: TxnProducer | undefined
  private sequences = new Map<number, number>()

  constructor(
    private readonly transactionalId: string,
    private readonly topic: string,
    private readonly addresses: () => string[],
    private readonly leaderOf: (partition: number) => string | undefined,
  ) {}

  private async client(address: string): Promise<RawClient> {
    let c = this.clients.get(address)
    if (!c) {
      c = await within(RawClient.connect(address), 2_000)
      c.socket.on('close', () => this.clients.get(address) === c && this.clients.delete(address))
      this.clients.set(address, c)
    }
    return c
  }

  private drop(address: string): void {
    this.clients.get(address)?.close()
    this.clients.delete(address)
  }

  /** Sends to `address`, retrying `retries` times on errors a client retries and on lost connections. */
  private async call<T>(what: string, address: () => Promise<string | undefined> | string | undefined, send: (c: RawClient) => Promise<T>, code: (r: T) => number, deadlineMs = 60_000): Promise<T> {
    const deadline = Date.now() + deadlineMs
    for (;;) {
      const to = await address()
      if (to) {
        try {
          const r = await within(send(await this.client(to)), 3_000)
          if (!RETRIABLE.has(code(r))) return r
        } catch {
          this.drop(to)
        }
      }
      if (Date.now() > deadline) throw new Error(`${what}: no answer within ${deadlineMs} ms`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  private async coordinator(): Promise<string | undefined> {
    for (const address of this.addresses()) {
      try {
        const c = await this.client(address)
        const r = await within(c.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [this.transactionalId] }), 2_000)
        if (r.coordinators[0].errorCode === 0) return `${r.coordinators[0].host}:${r.coordinators[0].port}`
      } catch {
        this.drop(address)
      }
    }
    return undefined
  }

  /** InitProducerId: a new epoch, the previous transaction (if open) aborted; sequences start again. */
  async init(): Promise<void> {
    const r = await this.call('InitProducerId', () => this.coordinator(), (c) => c.request(ApiKey.InitProducerId, 5, { transactionalId: this.transactionalId, transactionTimeoutMs: 20_000, producerId: -1n, producerEpoch: -1 }), (r) => r.errorCode)
    if (r.errorCode !== 0) throw new Error(`InitProducerId: error ${r.errorCode}`)
    this.producer = { transactionalId: this.transactionalId, producerId: r.producerId, producerEpoch: r.producerEpoch }
    this.sequences.clear()
  }

  /**
   * One transaction: `values` by partition, then EndTxn. Resolves 'committed' or 'aborted' when
   * EndTxn answered NONE, or throws (the outcome is then unknown to the caller).
   */
  async transaction(values: Map<number, string[]>, commit: boolean): Promise<'committed' | 'aborted'> {
    const p = this.producer
    if (!p) throw new Error('init() first')
    const partitions = [...values.keys()]
    const added = await this.call('AddPartitionsToTxn', () => this.coordinator(), (c) => addPartitionsToTxn(c, p, this.topic, partitions), (codes) => codes.find((x) => x !== 0) ?? 0)
    if (added.some((x) => x !== 0)) throw new Error(`AddPartitionsToTxn: ${added}`)
    for (const [partition, records] of values) {
      const baseSequence = this.sequences.get(partition) ?? 0
      const batch = encodeRecordBatch({ records: records.map((value) => ({ value, timestamp: BigInt(Date.now()) })), producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence, isTransactional: true })
      const r = await this.call(
        `Produce to ${partition}`,
        () => this.leaderOf(partition),
        (c) => c.request(ApiKey.Produce, 11, { transactionalId: p.transactionalId, acks: -1, timeoutMs: 5_000, topicData: [{ topicId: ZERO_UUID, name: this.topic, partitionData: [{ index: partition, records: batch }] }] }),
        (r) => r.responses[0].partitionResponses[0].errorCode,
      )
      const code = r.responses[0].partitionResponses[0].errorCode
      // DUPLICATE_SEQUENCE_NUMBER: an earlier attempt was written; the broker said so.
      if (code !== 0 && code !== 46) throw new Error(`Produce to ${partition}: error ${code}`)
      this.sequences.set(partition, baseSequence + records.length)
    }
    const ended = await this.call('EndTxn', () => this.coordinator(), (c) => endTxn(c, p, commit), (code) => code)
    if (ended !== 0) throw new Error(`EndTxn: error ${ended}`)
    return commit ? 'committed' : 'aborted'
  }

  close(): void {
    for (const c of this.clients.values()) c.close()
    this.clients.clear()
  }
}
