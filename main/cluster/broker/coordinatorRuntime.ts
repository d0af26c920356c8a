// Kafka's CoordinatorRuntime for consumer groups: one group coordinator shard for each
// __consumer_offsets partition this broker leads. A shard is built by replaying its
// partition's records (so a new leader after a failover carries on with the groups and
// offsets its predecessor wrote) and writes through the partition with acks=all.
import { ErrorCode, KafkaError, kafkaErrorFor } from '../errors'
import { encodeRecordBatch } from '../protocol/recordBatch'
import { logBatches } from './log/logBatches'
import { incrementSequence } from './log/producerStateEntry'
import { GroupCoordinatorShard, partitionFor, type GroupCoordinatorConfig, type LoadEntry, type TransactionalProducer, type VerifyTransaction } from './group'
import type { Partition } from './partition'
import type { ReplicaManager } from './replicaManager'
import type { MetadataImage } from '../metadata/image'
import type { BrokerEvent } from './api'

export const OFFSETS_TOPIC = '__consumer_offsets'

/** How often shards look at session, rebalance and retention timers. */
const TICK_MS = 100
/** Group metadata and offset writes wait this long for the ISR (Kafka: offsets.commit.timeout.ms). */
const COMMIT_TIMEOUT_MS = 5000

/** What a producer is told as is about a transactional write it asked for. */
const PRODUCER_ERRORS = new Set<number>([
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.INVALID_TXN_STATE,
  ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  ErrorCode.INVALID_PRODUCER_ID_MAPPING,
])

type ShardState = { kind: 'loading'; partition: Partition } | { kind: 'ready'; partition: Partition; shard: GroupCoordinatorShard }

export interface CoordinatorRuntimeOptions {
  replicaManager: ReplicaManager
  config: () => GroupCoordinatorConfig
  now?: () => number
  log(message: string): void
  /** The broker's event stream: completed rebalances go on the console's timeline. */
  emit?: (event: BrokerEvent) => void
  /**
   * KIP-890 part 1 for TxnOffsetCommit (Kafka's maybeStartTransactionVerification): asks the
   * transaction coordinator whether the partition is in the producer's ongoing transaction and
   * resolves with its error code (NONE when it is). Absent: transactional offset commits are not
   * verified, as with Kafka's transaction.partition.verification.enable=false. `addPartition`:
   * a TV2 client's commit (v5+), whose partition the coordinator adds (KIP-890 part 2).
   */
  verifyTransaction?: (request: { transactionalId: string; producerId: number; producerEpoch: number; topic: string; partition: number; addPartition: boolean }) => Promise<number>
}

export class CoordinatorRuntime {
  private readonly shards = new Map<number, ShardState>()
  private readonly timer: NodeJS.Timeout
  private readonly now: () => number

  constructor(private readonly options: CoordinatorRuntimeOptions) {
    this.now = options.now ?? Date.now
    options.replicaManager.onLeadershipChange((partition, isLeader) => {
      if (partition.topic !== OFFSETS_TOPIC) return
      if (isLeader) void this.load(partition)
      else this.shards.delete(partition.partition)
    })
    // A marker in one of our partitions ends a producer's transaction there (seam 2).
    options.replicaManager.onTxnMarker((event) => this.onTxnMarker(event))
    this.timer = setInterval(() => {
      const now = this.now()
      for (const state of this.shards.values()) if (state.kind === 'ready') state.shard.tick(now)
    }, TICK_MS)
    this.timer.unref()
  }

  /** Replays the partition's log into a new shard; requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS. */
  private async load(partition: Partition): Promise<void> {
    const index = partition.partition
    const loading: ShardState = { kind: 'loading', partition }
    this.shards.set(index, loading)
    const shard = new GroupCoordinatorShard({
      partition: index,
      now: this.now,
      config: this.options.config,
      append: (records, producer) => this.append(partition, records, producer),
      onRebalanced: (rebalance) => this.options.emit?.({ type: 'group-rebalanced', ...rebalance, timestamp: this.now() }),
      verifyTransaction: this.verifierFor(index),
    })
    try {
      shard.load(this.readRecords(partition))
    } catch (err) {
      this.options.log(`loading groups from ${OFFSETS_TOPIC}-${index} failed: ${(err as Error).message}`)
    }
    // Leadership may have moved on while loading.
    if (this.shards.get(index) === loading) this.shards.set(index, { kind: 'ready', partition, shard })
  }

  private verifierFor(partition: number): VerifyTransaction | undefined {
    const verify = this.options.verifyTransaction
    return verify && ((transactionalId, producer, addPartition) => verify({ transactionalId, ...producer, topic: OFFSETS_TOPIC, partition, addPartition }))
  }

  /**
   * The partition's records, as Kafka's CoordinatorLoaderImpl reads them: a record of a
   * transactional batch carries its producer id (its offsets stay pending), and a control
   * batch is the end of a producer's transaction (its control record's key: version, then
   * type 0 ABORT or 1 COMMIT).
   */
  private *readRecords(partition: Partition): Generator<LoadEntry> {
    for (const batch of logBatches(partition.log)) {
      const producerId = batch.isTransactional ? Number(batch.producerId) : -1
      if (batch.isControl) {
        for (const r of batch.records) {
          const type = r.key && r.key.length >= 4 ? r.key.readInt16BE(2) : -1
          if (type === 0 || type === 1) yield { marker: { producerId, committed: type === 1 }, offset: Number(r.offset) }
        }
        continue
      }
      for (const r of batch.records) yield { key: r.key, value: r.value, offset: Number(r.offset), timestamp: Number(r.timestamp), producerId }
    }
  }

  /**
   * Writes the records with acks=all and returns the offset of the first. A transactional
   * write (TxnOffsetCommit) goes in a transactional batch of the producer, which the log
   * treats like any of that producer's batches: the epoch is checked (an older one is
   * INVALID_PRODUCER_EPOCH) and the batch takes the producer's next sequence in this partition
   * (Kafka's coordinator writes skip the sequence check instead; here the sequence is read from
   * the partition's producer state right before the synchronous append, so it is always next).
   */
  private async append(partition: Partition, records: Array<{ key: Buffer; value: Buffer | null }>, producer?: TransactionalProducer): Promise<number> {
    const timestamp = BigInt(this.now())
    const input = { records: records.map((r) => ({ key: r.key, value: r.value, timestamp })) }
    let batch: Buffer
    if (producer) {
      const entry = partition.log.producerStateManager.lastEntry(producer.producerId)
      const baseSequence = entry && entry.producerEpoch === producer.producerEpoch ? incrementSequence(entry.lastSeq, 1) : 0
      batch = encodeRecordBatch({ ...input, isTransactional: true, producerId: BigInt(producer.producerId), producerEpoch: producer.producerEpoch, baseSequence })
    } else {
      batch = encodeRecordBatch(input)
    }
    const response = await this.options.replicaManager.produce({
      acks: -1,
      timeoutMs: COMMIT_TIMEOUT_MS,
      topics: [{ name: OFFSETS_TOPIC, partitions: [{ index: partition.partition, records: batch }] }],
    })
    const result = response!.topics[0].partitions[0]
    if (result.errorCode === ErrorCode.NONE) return Number(result.baseOffset)
    const message = `Writing to ${OFFSETS_TOPIC}-${partition.partition} failed: ${result.errorMessage}`
    // The producer's own errors are the client's to see (Kafka's handleOperationException passes them on).
    if (producer && PRODUCER_ERRORS.has(result.errorCode)) throw kafkaErrorFor(result.errorCode, message)
    // Kafka maps a failed write of group state to the coordinator errors a client retries on.
    const retriable = result.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER ? 'NOT_COORDINATOR' : 'COORDINATOR_NOT_AVAILABLE'
    throw new KafkaError(retriable, message)
  }

  /**
   * A transaction marker was appended to a partition of __consumer_offsets this broker leads,
   * and replicated (ReplicaManager.onTxnMarker): the producer's pending offsets there become
   * committed, or are dropped.
   */
  onTxnMarker(event: { topic: string; partition: number; producerId: number; committed: boolean }): void {
    if (event.topic !== OFFSETS_TOPIC) return
    const state = this.shards.get(event.partition)
    if (state?.kind === 'ready') state.shard.replayEndTransactionMarker(event.producerId, event.committed)
  }

  /** The shard that coordinates `groupId`, or Kafka's error telling the client to look again. */
  shardFor(groupId: string, numPartitions: number): GroupCoordinatorShard {
    const state = this.shards.get(partitionFor(groupId, numPartitions))
    if (!state) throw new KafkaError('NOT_COORDINATOR', `This broker is not the coordinator of group "${groupId}"`)
    if (state.kind === 'loading') throw new KafkaError('COORDINATOR_LOAD_IN_PROGRESS', `The coordinator of group "${groupId}" is still loading it`)
    return state.shard
  }

  /** shardFor, with the partition count of __consumer_offsets taken from `image`. */
  shardForGroup(groupId: string, image: MetadataImage): GroupCoordinatorShard {
    const offsets = image.topicsByName.get(OFFSETS_TOPIC)
    if (!offsets) throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `${OFFSETS_TOPIC} does not exist yet`)
    return this.shardFor(groupId, offsets.partitions.length)
  }

  /** Every ready shard, for listing groups. */
  readyShards(): GroupCoordinatorShard[] {
    return [...this.shards.values()].flatMap((s) => (s.kind === 'ready' ? [s.shard] : []))
  }

  get loading(): boolean {
    return [...this.shards.values()].some((s) => s.kind === 'loading')
  }

  shutdown(): void {
    clearInterval(this.timer)
    this.shards.clear()
  }
}
