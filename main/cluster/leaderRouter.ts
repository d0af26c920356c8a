// The data paths the host uses, routed as a Kafka client routes them: each request goes to the
// partition's leader in the host's metadata, and is retried after "not leader" or "no leader
// yet" until its deadline. A produce to an unknown topic creates it when
// auto.create.topics.enable allows.
import { ErrorCode, KafkaError } from './errors'
import type { MetadataCache } from './metadataCache'
import { transferable } from './rpc'
import type { BrokerClient, WorkerSupervisor } from './workerSupervisor'
import type { Acks, ProducePartitionResponse } from './broker/api'

const RETRIABLE = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.BROKER_NOT_AVAILABLE,
])
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class LeaderRouter {
  constructor(
    private readonly metadata: MetadataCache,
    private readonly supervisor: WorkerSupervisor,
    private readonly staticConfigs: Record<string, string>,
    private readonly createTopic: (options: { name: string }) => Promise<unknown>,
  ) {}

  /**
   * Runs `attempt` against the partition's leader, retrying on the errors a Kafka client
   * retries after refreshing metadata (not leader, no leader yet) until `timeoutMs`.
   */
  private async onLeader<T extends { errorCode: number; errorMessage: string | null }>(
    topic: string,
    partition: number,
    timeoutMs: number,
    attempt: (client: BrokerClient) => Promise<T>,
  ): Promise<T> {
    if (!this.metadata.image.topicsByName.has(topic) && this.topicAutoCreateDisabled()) this.metadata.topic(topic)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      let result: T
      try {
        const leader = this.metadata.leaderOf(topic, partition)
        if (leader < 0) throw new KafkaError('LEADER_NOT_AVAILABLE', `${topic}-${partition} has no leader`)
        result = await attempt(this.supervisor.broker(leader).client)
      } catch (err) {
        if (!(err instanceof KafkaError) || !RETRIABLE.has(err.errorCode) || Date.now() >= deadline) throw err
        await sleep(50)
        continue
      }
      if (!RETRIABLE.has(result.errorCode) || Date.now() >= deadline) return result
      await sleep(50)
    }
  }

  private topicAutoCreateDisabled(): boolean {
    return (this.metadata.image.configs.clusterDefaults['auto.create.topics.enable'] ?? this.staticConfigs['auto.create.topics.enable'] ?? 'true') === 'false'
  }

  /**
   * Produces record batches to one partition's leader, retrying as a client does while the
   * partition has no leader or the broker is not (yet) its leader. With `transfer` the
   * batches' memory is handed to the broker instead of copied (the caller must not use them
   * again), and a first attempt that fails is returned rather than retried.
   */
  async produce(
    topic: string,
    partition: number,
    batches: Uint8Array,
    acks: Acks = -1,
    timeoutMs = 30_000,
    options: { transfer?: boolean } = {},
  ): Promise<ProducePartitionResponse | null> {
    if (!this.metadata.image.topicsByName.has(topic)) await this.autoCreate(topic)
    const handOver = options.transfer ? transferable(batches) : null
    const response = await this.onLeader(topic, partition, handOver ? 0 : timeoutMs, async (client) => {
      const records = handOver?.bytes ?? batches
      const answer = await client.call('produce', { acks, timeoutMs, topics: [{ name: topic, partitions: [{ index: partition, records }] }] }, handOver ? [handOver.buffer] : [])
      return answer?.topics[0].partitions[0] ?? { index: partition, errorCode: 0, errorMessage: null, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 }
    })
    return acks === 0 ? null : response
  }

  /** auto.create.topics.enable: a produce to an unknown topic creates it with the defaults. */
  private async autoCreate(topic: string): Promise<void> {
    if (this.topicAutoCreateDisabled()) {
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${topic}" does not exist and auto.create.topics.enable is false`)
    }
    try {
      await this.createTopic({ name: topic })
    } catch (err) {
      if (!(err instanceof KafkaError && err.errorName === 'TOPIC_ALREADY_EXISTS')) throw err
    }
  }

  /** InitProducerId on any running broker: a fresh idempotent producer id at epoch 0. */
  async initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    const running = this.supervisor.runningBrokers()[0]
    if (!running) throw new KafkaError('BROKER_NOT_AVAILABLE', 'No broker is running')
    return running.client.call('initProducerId', {})
  }

  /** isolationLevel 1 (read_committed): up to the last stable offset, with the aborted transactions listed. */
  async fetch(topic: string, partition: number, fetchOffset: number, maxBytes = 1 << 20, maxWaitMs = 0, isolationLevel: 0 | 1 = 0) {
    return this.onLeader(topic, partition, 10_000, async (client) => {
      const response = await client.call('fetch', {
        replicaId: -1,
        maxWaitMs,
        minBytes: 1,
        maxBytes,
        isolationLevel,
        topics: [{ name: topic, partitions: [{ index: partition, fetchOffset, partitionMaxBytes: maxBytes }] }],
      })
      return response.topics[0].partitions[0]
    })
  }

  async listOffsets(topic: string, partition: number, timestamp: number) {
    return this.onLeader(topic, partition, 10_000, async (client) => {
      const response = await client.call('listOffsets', { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ index: partition, timestamp }] }] })
      return response.topics[0].partitions[0]
    })
  }
}
