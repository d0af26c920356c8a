// Issue 16's benchmark: what transactions cost, over the Kafka protocol on a 3-broker cluster.
// 1. Produce: 4 producers, one partition each (RF 3, min.insync.replicas 2, acks=all), send
//    batches of 100 records one request at a time. Idempotent: Produce, Produce, ... .
//    Transactional, 100 records per transaction: AddPartitionsToTxn, Produce, EndTxn commit,
//    as a transaction-version-1 client does (it retries CONCURRENT_TRANSACTIONS while the
//    previous transaction's markers are written). Same run, same cluster; target >= 0.5.
//    Transactional as a transaction-version-2 client (KIP-890 part 2, what Kafka 4.x's Java
//    client speaks to a cluster that finalizes transaction.version 2): Produce v12 (the leader
//    adds the partition), EndTxn v5 commit (the answer's bumped epoch is the next transaction's).
// 2. Fetch: the transactional topic read from the start to its end by one consumer per
//    partition, 1 MiB per Fetch, with read_committed (up to the LSO, the aborted transactions
//    listed) and read_uncommitted; target >= 0.8.
// The same requests then go to Apache Kafka 4.4 (tests/reference's launcher, 3 brokers), as the
// peer: what Kafka's own design gives for this workload on this machine.
import { join } from 'node:path'
import { Cluster } from '../main/cluster/cluster'
import { ReferenceCluster } from '../tests/reference/kafka/cluster'
import { ApiKey, ZERO_UUID } from '../main/cluster/protocol/messages'
import { encodeRecordBatch } from '../main/cluster/protocol/recordBatch'
import { consumerFetch } from '../tests/helpers/fetchRequest'
import { RawClient, RawClients } from '../tests/helpers/rawClient'
import { type BenchResult, rate, tempDir } from './report'

const PARTITIONS = 4
const BATCHES_PER_PRODUCER = 400
const RECORDS_PER_BATCH = 100
const VALUE_BYTES = 100
const ROUNDS = 3
/** A read of the topic takes about 0.1 s, short enough for the machine's other load to swing one: the median of 9 each way. */
const READ_ROUNDS = 9
const CONCURRENT_TRANSACTIONS = 51

interface Producer {
  producerId: bigint
  producerEpoch: number
  transactionalId: string | null
}

function batch(p: Producer, sequence: number): Buffer {
  const value = Buffer.alloc(VALUE_BYTES, 'x')
  const timestamp = BigInt(Date.now())
  return encodeRecordBatch({
    records: Array.from({ length: RECORDS_PER_BATCH }, () => ({ value, timestamp })),
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    baseSequence: sequence,
    isTransactional: p.transactionalId !== null,
  })
}

/** Where a transactional run's time goes: milliseconds in each step, and retries of CONCURRENT_TRANSACTIONS. */
type Steps = { addPartitions: number; produce: number; endTxn: number; retries: number }

async function retrying<T extends { errorCode: number }>(what: string, send: () => Promise<T>, retriable: number[], steps?: Steps): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const r = await send()
    if (r.errorCode === 0) return r
    if (retriable.includes(r.errorCode) && steps) steps.retries++
    if (!retriable.includes(r.errorCode) || attempt > 10_000) throw new Error(`${what}: error ${r.errorCode}`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

const UNKNOWN_TOPIC_OR_PARTITION = 3
const NOT_LEADER_OR_FOLLOWER = 6
const NOT_ENOUGH_REPLICAS = 19

/**
 * Produce v11, or v12 for a TV2 transaction. Retried as clients do: a new topic's leader named
 * by Metadata a moment before it knew the topic or took leadership (UNKNOWN_TOPIC_OR_PARTITION,
 * NOT_LEADER_OR_FOLLOWER); for v12, while the
 * previous transaction's markers are written, Brokerlab's leader answers NOT_ENOUGH_REPLICAS
 * after retrying the add for 100 ms, and Kafka's answers CONCURRENT_TRANSACTIONS at once when the
 * partition still holds the previous transaction (KAFKA-18575); both counted in the TV2 steps.
 */
async function produce(leader: RawClient, p: Producer, topic: string, partition: number, sequence: number, version = 11, steps?: Steps): Promise<void> {
  const records = batch(p, sequence)
  for (let attempt = 0; ; attempt++) {
    const r = await leader.request(ApiKey.Produce, version, { transactionalId: p.transactionalId, acks: -1, timeoutMs: 30_000, topicData: [{ topicId: ZERO_UUID, name: topic, partitionData: [{ index: partition, records }] }] })
    const code = r.responses[0].partitionResponses[0].errorCode
    if (code === 0) return
    const newLeader = code === NOT_LEADER_OR_FOLLOWER || code === UNKNOWN_TOPIC_OR_PARTITION
    const retriable = newLeader || (version >= 12 && (code === NOT_ENOUGH_REPLICAS || code === CONCURRENT_TRANSACTIONS))
    if (!retriable || attempt >= 10_000) throw new Error(`Produce ${topic}-${partition}: error ${code}`)
    if (!newLeader && steps) steps.retries++
    await new Promise((resolve) => setTimeout(resolve, newLeader ? 20 : 1))
  }
}

/** A cluster the same requests go to: Brokerlab's, or Apache Kafka's. */
interface Target {
  bootstrap: string
  stop(): Promise<void>
}

interface Measured {
  idempotent: number[]
  transactional: number[]
  transactionalV2: number[]
  committed: Array<{ seconds: number; records: number; bytes: number }>
  uncommitted: Array<{ seconds: number; records: number; bytes: number }>
  steps: Steps
  stepsV2: Steps
}

const RF = 3

/** ROUNDS of idempotent and transactional produce, alternately on fresh topics, then the last transactional topic read both ways. */
async function measure(target: Target): Promise<Measured> {
  const clients = new RawClients()
  const connect = clients.connect
  const steps: Steps = { addPartitions: 0, produce: 0, endTxn: 0, retries: 0 }
  const stepsV2: Steps = { addPartitions: 0, produce: 0, endTxn: 0, retries: 0 }
  try {
    const bootstrap = await connect(target.bootstrap)
    /** Creates the topic over the Kafka protocol and waits until Metadata names a leader for every partition. */
    const createTopic = async (topic: string) => {
      const created = await bootstrap.request(ApiKey.CreateTopics, 5, {
        topics: [{ name: topic, numPartitions: PARTITIONS, replicationFactor: RF, assignments: [], configs: [{ name: 'min.insync.replicas', value: '2' }] }],
        timeoutMs: 30_000,
        validateOnly: false,
      })
      if (created.topics[0].errorCode !== 0) throw new Error(`CreateTopics ${topic}: error ${created.topics[0].errorCode}`)
    }
    const leaders = async (topic: string): Promise<RawClient[]> => {
      for (;;) {
        const m = await bootstrap.request(ApiKey.Metadata, 9, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
        const partitions = m.topics[0]?.partitions ?? []
        if (partitions.length === PARTITIONS && partitions.every((p) => p.leaderId >= 0 && p.isrNodes.length === RF)) {
          const address = (id: number) => m.brokers.find((b) => b.nodeId === id)!
          return Promise.all([...partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => connect(`${address(p.leaderId).host}:${address(p.leaderId).port}`)))
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    const coordinatorOf = async (transactionalId: string) => {
      for (;;) {
        const r = await bootstrap.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [transactionalId] })
        if (r.coordinators[0].errorCode === 0) return connect(`${r.coordinators[0].host}:${r.coordinators[0].port}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    const init = (at: RawClient, transactionalId: string | null) =>
      retrying(`InitProducerId ${transactionalId}`, () => at.request(ApiKey.InitProducerId, 5, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }), [14, 15, 16, CONCURRENT_TRANSACTIONS])

    const idempotentRun = async (topic: string): Promise<number> => {
      await createTopic(topic)
      const at = await leaders(topic)
      const producers = await Promise.all(at.map((c) => init(c, null).then((r) => ({ producerId: r.producerId, producerEpoch: r.producerEpoch, transactionalId: null }))))
      const start = performance.now()
      await Promise.all(producers.map(async (p, partition) => {
        for (let i = 0; i < BATCHES_PER_PRODUCER; i++) await produce(at[partition], p, topic, partition, i * RECORDS_PER_BATCH)
      }))
      return (performance.now() - start) / 1000
    }

    /** A fresh topic, its leaders, and one transactional producer per partition with its coordinator. */
    const transactionalProducers = async (topic: string, idPrefix: string) => {
      await createTopic(topic)
      const at = await leaders(topic)
      const ids = Array.from({ length: PARTITIONS }, (_, p) => `${idPrefix}-${p}`)
      const coordinators: RawClient[] = []
      for (const id of ids) coordinators.push(await coordinatorOf(id)) // one request at a time on the bootstrap client
      const producers = await Promise.all(ids.map((id, p) => init(coordinators[p], id).then((r) => ({ producerId: r.producerId, producerEpoch: r.producerEpoch, transactionalId: id }))))
      return { at, coordinators, producers }
    }

    const transactionalRun = async (topic: string, round: number): Promise<number> => {
      const { at, coordinators, producers } = await transactionalProducers(topic, `bench-txn-${round}`)
      const start = performance.now()
      await Promise.all(producers.map(async (p, partition) => {
        const coordinator = coordinators[partition]
        for (let i = 0; i < BATCHES_PER_PRODUCER; i++) {
          let t = performance.now()
          const lap = (step: 'addPartitions' | 'produce' | 'endTxn') => {
            const now = performance.now()
            steps[step] += now - t
            t = now
          }
          await retrying('AddPartitionsToTxn', async () => {
            const r = await coordinator.request(ApiKey.AddPartitionsToTxn, 3, { transactions: [], v3AndBelowTransactionalId: p.transactionalId!, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: topic, partitions: [partition] }] })
            return { errorCode: r.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode }
          }, [CONCURRENT_TRANSACTIONS], steps)
          lap('addPartitions')
          await produce(at[partition], p, topic, partition, i * RECORDS_PER_BATCH)
          lap('produce')
          await retrying('EndTxn', () => coordinator.request(ApiKey.EndTxn, 4, { transactionalId: p.transactionalId!, producerId: p.producerId, producerEpoch: p.producerEpoch, committed: true }), [CONCURRENT_TRANSACTIONS], steps)
          lap('endTxn')
        }
      }))
      return (performance.now() - start) / 1000
    }

    /** TV2: no AddPartitionsToTxn; each EndTxn bumps the epoch, so each transaction's sequences start at 0. */
    const transactionalV2Run = async (topic: string, round: number): Promise<number> => {
      const { at, coordinators, producers } = await transactionalProducers(topic, `bench-tv2-${round}`)
      const start = performance.now()
      await Promise.all(producers.map(async (p, partition) => {
        const coordinator = coordinators[partition]
        for (let i = 0; i < BATCHES_PER_PRODUCER; i++) {
          let t = performance.now()
          await produce(at[partition], p, topic, partition, 0, 12, stepsV2)
          stepsV2.produce += performance.now() - t
          t = performance.now()
          const ended = await retrying('EndTxn v5', () => coordinator.request(ApiKey.EndTxn, 5, { transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed: true }), [CONCURRENT_TRANSACTIONS], stepsV2)
          stepsV2.endTxn += performance.now() - t
          p.producerId = ended.producerId
          p.producerEpoch = ended.producerEpoch
        }
      }))
      return (performance.now() - start) / 1000
    }

    /** Reads every partition of `topic` from 0 to its end (LSO or high watermark) with one Fetch after another; records read. */
    const fetchAll = async (topic: string, isolationLevel: number): Promise<{ seconds: number; records: number; bytes: number }> => {
      const at = await leaders(topic)
      let records = 0
      let bytes = 0
      const start = performance.now()
      await Promise.all(at.map(async (leader, partition) => {
        let offset = 0n
        for (;;) {
          const r = await leader.request(ApiKey.Fetch, 12, consumerFetch({ topic, partition, fetchOffset: offset, isolationLevel }))
          const p = r.responses[0].partitions[0]
          const data = p.records ?? new Uint8Array()
          if (p.errorCode !== 0) throw new Error(`Fetch ${topic}-${partition}: error ${p.errorCode}`)
          if (data.byteLength === 0) break
          bytes += data.byteLength
          // Walk the batch headers only (base offset, length, record count), as a consumer's fetcher does before handing records out.
          const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
          for (let pos = 0; pos + 61 <= buf.length; ) {
            const length = buf.readInt32BE(pos + 8)
            if (pos + 12 + length > buf.length) break
            const attributes = buf.readInt16BE(pos + 21)
            const lastOffsetDelta = buf.readInt32BE(pos + 23)
            if (!(attributes & 0x20)) records += buf.readInt32BE(pos + 57)
            offset = buf.readBigInt64BE(pos) + BigInt(lastOffsetDelta) + 1n
            pos += 12 + length
          }
        }
      }))
      return { seconds: (performance.now() - start) / 1000, records, bytes }
    }

    const measured: Measured = { idempotent: [], transactional: [], transactionalV2: [], committed: [], uncommitted: [], steps, stepsV2 }
    for (let round = 0; round < ROUNDS; round++) {
      measured.idempotent.push(await idempotentRun(`bench-idempotent-${round}`))
      measured.transactional.push(await transactionalRun(`bench-transactional-${round}`, round))
      measured.transactionalV2.push(await transactionalV2Run(`bench-tv2-${round}`, round))
    }
    // The last transactional topic, once its last markers are in: read both ways, alternately.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    for (let round = 0; round < READ_ROUNDS; round++) {
      measured.uncommitted.push(await fetchAll(`bench-transactional-${ROUNDS - 1}`, 0))
      measured.committed.push(await fetchAll(`bench-transactional-${ROUNDS - 1}`, 1))
    }
    return measured
  } finally {
    clients.closeAll()
  }
}

async function brokerlab(): Promise<Target> {
  const tmp = tempDir()
  const cluster = await Cluster.start({ dataDir: join(tmp.dir, 'cluster'), brokers: 3 })
  const listener = cluster.brokerStates().find((b) => b.id === 1)!.listener!
  return {
    bootstrap: listener,
    stop: async () => {
      await cluster.stop()
      tmp.remove()
    },
  }
}

async function apacheKafka(): Promise<Target> {
  const tmp = tempDir()
  const cluster = await ReferenceCluster.start({ dir: join(tmp.dir, 'kafka') })
  return {
    bootstrap: cluster.bootstrapServers,
    stop: async () => {
      await cluster.stop()
      tmp.remove()
    },
  }
}

async function measureOn(start: () => Promise<Target>): Promise<Measured> {
  const target = await start()
  try {
    return await measure(target)
  } finally {
    await target.stop()
  }
}

export async function benchTransactions(): Promise<{ produce: BenchResult[]; fetch: BenchResult[]; notes: string[] }> {
  const lab = await measureOn(brokerlab)
  const kafka = await measureOn(apacheKafka)
  const records = PARTITIONS * BATCHES_PER_PRODUCER * RECORDS_PER_BATCH
  const transactionsRun = ROUNDS * PARTITIONS * BATCHES_PER_PRODUCER
  const bytes = records * (VALUE_BYTES + 8)
  const median = (runs: Measured['committed']) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]
  const produceRows = (m: Measured, on: string, target?: number): BenchResult[] => {
    const [idem, txn, tv2] = [m.idempotent, m.transactional, m.transactionalV2].map((s) => Math.min(...s))
    return [
      { name: `${on}: idempotent producer, batches of 100, acks=all`, ...rate(records, bytes, idem) },
      { name: `${on}: transactional producer, 100 records per transaction (AddPartitionsToTxn, Produce, EndTxn)`, ...rate(records, bytes, txn), ratio: idem / txn, ...(target ? { target } : {}) },
      { name: `${on}: transactional producer, transaction version 2 (Produce v12, EndTxn v5)`, ...rate(records, bytes, tv2), ratio: idem / tv2, ...(target ? { target } : {}) },
    ]
  }
  const fetchRows = (m: Measured, on: string, target?: number): BenchResult[] => {
    const [rc, ru] = [median(m.committed), median(m.uncommitted)]
    return [
      { name: `${on}: read_uncommitted Fetch of the transactional topic`, ...rate(ru.records, ru.bytes, ru.seconds) },
      { name: `${on}: read_committed Fetch of the same topic (up to the LSO, aborted transactions listed)`, ...rate(rc.records, rc.bytes, rc.seconds), ratio: ru.seconds / rc.seconds, ...(target ? { target } : {}) },
    ]
  }
  const stepsNote = (m: Measured, on: string) =>
    `${on}, a transaction's steps averaged over every round: AddPartitionsToTxn ${(m.steps.addPartitions / transactionsRun).toFixed(1)} ms (with ${(m.steps.retries / transactionsRun).toFixed(1)} retries of CONCURRENT_TRANSACTIONS while the previous markers are written), Produce ${(m.steps.produce / transactionsRun).toFixed(1)} ms, EndTxn ${(m.steps.endTxn / transactionsRun).toFixed(1)} ms; TV2: Produce v12 ${(m.stepsV2.produce / transactionsRun).toFixed(1)} ms (the leader adds the partition, backing off 20 ms while the previous markers are written), EndTxn v5 ${(m.stepsV2.endTxn / transactionsRun).toFixed(1)} ms, ${(m.stepsV2.retries / transactionsRun).toFixed(1)} client retries`
  const roundsNote = (m: Measured, on: string) =>
    `${on}, every round's seconds: idempotent ${m.idempotent.map((s) => s.toFixed(2)).join(', ')}; transactional ${m.transactional.map((s) => s.toFixed(2)).join(', ')}; TV2 ${m.transactionalV2.map((s) => s.toFixed(2)).join(', ')}; read_uncommitted ${m.uncommitted.map((r) => r.seconds.toFixed(3)).join(', ')}; read_committed ${m.committed.map((r) => r.seconds.toFixed(3)).join(', ')}`
  return {
    produce: [...produceRows(lab, 'Brokerlab', 0.5), ...produceRows(kafka, 'Apache Kafka 4.4 (peer)')],
    fetch: [...fetchRows(lab, 'Brokerlab', 0.8), ...fetchRows(kafka, 'Apache Kafka 4.4 (peer)')],
    notes: [
      stepsNote(lab, 'Brokerlab'),
      stepsNote(kafka, 'Apache Kafka 4.4'),
      `${records.toLocaleString('en-US')} records of ${VALUE_BYTES} bytes per run: ${PARTITIONS} producers × ${BATCHES_PER_PRODUCER} batches of ${RECORDS_PER_BATCH}; ${ROUNDS} rounds of producers, the fastest shown, then ${READ_ROUNDS} reads each way alternately, the median shown; Brokerlab first, then Kafka, the same requests (our codec over loopback sockets)`,
      `read on Brokerlab: ${median(lab.uncommitted).records.toLocaleString('en-US')} records read_uncommitted, ${median(lab.committed).records.toLocaleString('en-US')} read_committed (control batches not counted)`,
      roundsNote(lab, 'Brokerlab'),
      roundsNote(kafka, 'Apache Kafka 4.4'),
    ],
  }
}
