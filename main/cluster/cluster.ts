// Starts broker workers and talks to them. Until the controller lands (it will own topic
// metadata, placement and elections), the Cluster places replicas itself and tells each
// broker its partitions' state.
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { emptyConfigLayers, validateTopicConfigs, type ConfigLayers } from './config'
import { deserializeError, KafkaError } from './errors'
import { onMessages, RpcClient, transferable } from './rpc'
import { startWorker } from './workers'
import type { Acks, BrokerApi, BrokerEvent, BrokerInit, BrokerReady, PartitionState } from './broker/api'

export interface ClusterOptions {
  dataDir: string
  brokers?: number
  /** Static broker properties (server.properties), the same for every broker. */
  brokerConfigs?: Record<string, string>
}

export interface BrokerHandle {
  id: number
  worker: Worker
  client: RpcClient<BrokerApi, BrokerEvent>
  ready: BrokerReady
}

export interface TopicAssignment {
  name: string
  topicId: string
  configs: Record<string, string>
  partitions: PartitionState[]
}

export interface CreateTopicOptions {
  name: string
  partitions?: number
  replicationFactor?: number
  configs?: Record<string, string>
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/
const MAX_TOPIC_NAME_LENGTH = 249

/** Kafka's Topic.validate: the reasons a topic name is refused. */
export function validateTopicName(name: string): void {
  const problem =
    name.length === 0 ? 'it is empty'
    : name === '.' || name === '..' ? `"${name}" is reserved`
    : name.length > MAX_TOPIC_NAME_LENGTH ? `it is longer than ${MAX_TOPIC_NAME_LENGTH} characters`
    : !LEGAL_TOPIC_NAME.test(name) ? 'it contains characters other than ASCII letters, digits, ".", "_" and "-"'
    : null
  if (problem) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name "${name}" is illegal: ${problem}`)
}

async function launchBroker(init: BrokerInit): Promise<BrokerHandle> {
  const worker = startWorker('broker', init, `broker-${init.brokerId}`)
  const client = new RpcClient<BrokerApi, BrokerEvent>(worker)
  const ready = await new Promise<BrokerReady>((resolve, reject) => {
    onMessages(worker, (message) => {
      if (message.kind === 'ready') resolve(message.info as BrokerReady)
      else if (message.kind === 'init-failed') reject(deserializeError(message.error))
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`Broker ${init.brokerId} exited with code ${code} before it was ready`)))
  })
  worker.on('exit', (code) => client.close(new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${init.brokerId} is not running (its worker exited with code ${code})`)))
  return { id: init.brokerId, worker, client, ready }
}

export class Cluster {
  private readonly brokers = new Map<number, BrokerHandle>()
  private readonly topics = new Map<string, TopicAssignment>()
  private readonly listeners = new Set<(brokerId: number, event: BrokerEvent) => void>()
  private readonly configs: ConfigLayers

  private constructor(readonly options: Required<ClusterOptions>) {
    this.configs = { ...emptyConfigLayers(), static: options.brokerConfigs }
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster({ brokers: 1, brokerConfigs: {}, ...options })
    mkdirSync(options.dataDir, { recursive: true })
    const ids = Array.from({ length: cluster.options.brokers }, (_, i) => i + 1)
    const handles = await Promise.all(
      ids.map((brokerId) =>
        launchBroker({
          brokerId,
          dataDir: join(options.dataDir, `broker-${brokerId}`),
          configs: { ...cluster.configs, static: { ...cluster.configs.static, 'node.id': String(brokerId) } },
        }),
      ),
    )
    for (const handle of handles) {
      cluster.brokers.set(handle.id, handle)
      handle.client.onEvent((event) => {
        for (const listener of cluster.listeners) listener(handle.id, event)
      })
    }
    return cluster
  }

  get brokerIds(): number[] {
    return [...this.brokers.keys()]
  }

  broker(id: number): BrokerHandle {
    const handle = this.brokers.get(id)
    if (!handle) throw new KafkaError('BROKER_NOT_AVAILABLE', `There is no broker ${id}`)
    return handle
  }

  onEvent(listener: (brokerId: number, event: BrokerEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  topic(name: string): TopicAssignment {
    const topic = this.topics.get(name)
    if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${name}" does not exist`)
    return topic
  }

  /** Creates a topic: replicas placed round-robin on distinct brokers, leaders spread. */
  async createTopic(options: CreateTopicOptions): Promise<TopicAssignment> {
    const { name } = options
    validateTopicName(name)
    if (this.topics.has(name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic "${name}" already exists`)
    const partitionCount = options.partitions ?? 1
    const replicationFactor = options.replicationFactor ?? 1
    if (!Number.isInteger(partitionCount) || partitionCount < 1) {
      throw new KafkaError('INVALID_PARTITIONS', `Number of partitions must be at least 1, not ${partitionCount}`)
    }
    const brokerIds = this.brokerIds
    if (!Number.isInteger(replicationFactor) || replicationFactor < 1 || replicationFactor > brokerIds.length) {
      throw new KafkaError(
        'INVALID_REPLICATION_FACTOR',
        `Replication factor ${replicationFactor} is invalid: it must be between 1 and the number of brokers (${brokerIds.length})`,
      )
    }
    const configs = options.configs ?? {}
    validateTopicConfigs(configs)
    const partitions = Array.from({ length: partitionCount }, (_, partition): PartitionState => {
      const replicas = Array.from({ length: replicationFactor }, (_, r) => brokerIds[(partition + r) % brokerIds.length])
      return { topic: name, topicId: '', partition, leader: replicas[0], leaderEpoch: 0, replicas, isr: [...replicas] }
    })
    const topic: TopicAssignment = { name, topicId: randomUUID(), configs, partitions }
    for (const p of partitions) p.topicId = topic.topicId
    await Promise.all(
      brokerIds.map(async (id) => {
        const partitionStates = partitions.filter((p) => p.replicas.includes(id))
        if (partitionStates.length === 0) return
        const { partitions: results } = await this.broker(id).client.call('leaderAndIsr', { partitionStates, topicConfigs: { [name]: configs } })
        const failed = results.find((r) => r.errorCode !== 0)
        if (failed) throw new Error(`Broker ${id} could not create ${name}-${failed.partition}: ${failed.errorMessage}`)
      }),
    )
    this.topics.set(name, topic)
    return topic
  }

  leaderOf(topic: string, partition: number): BrokerHandle {
    const state = this.topic(topic).partitions[partition]
    if (!state) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${topic}" has no partition ${partition}`)
    return this.broker(state.leader)
  }

  /** Produces record batches to one partition's leader; the batches are transferred, not copied. */
  async produce(topic: string, partition: number, batches: Uint8Array, acks: Acks = -1, timeoutMs = 30_000) {
    const { bytes, buffer } = transferable(batches)
    const response = await this.leaderOf(topic, partition).client.call(
      'produce',
      { acks, timeoutMs, topics: [{ name: topic, partitions: [{ index: partition, records: bytes }] }] },
      [buffer],
    )
    return response?.topics[0].partitions[0] ?? null
  }

  async fetch(topic: string, partition: number, fetchOffset: number, maxBytes = 1 << 20, maxWaitMs = 0) {
    const response = await this.leaderOf(topic, partition).client.call('fetch', {
      replicaId: -1,
      maxWaitMs,
      minBytes: 1,
      maxBytes,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ index: partition, fetchOffset, partitionMaxBytes: maxBytes }] }],
    })
    return response.topics[0].partitions[0]
  }

  async listOffsets(topic: string, partition: number, timestamp: number) {
    const response = await this.leaderOf(topic, partition).client.call('listOffsets', {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ index: partition, timestamp }] }],
    })
    return response.topics[0].partitions[0]
  }

  /** Clean shutdown of every broker: logs flushed and closed, then the workers exit. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.brokers.values()].map(async (b) => {
        const exited = new Promise((resolve) => b.worker.once('exit', resolve))
        await b.client.call('shutdown', {}).catch(() => undefined)
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
        await b.worker.terminate()
      }),
    )
    this.brokers.clear()
  }
}
