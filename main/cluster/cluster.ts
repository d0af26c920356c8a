// The embedded cluster as the host sees it: a controller worker and one worker per broker,
// the MessagePort links between them, the faults an operator can cause, a metadata image
// kept from the controller's pushes, and a snapshot plus an event stream for the console.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { MessageChannel, type Worker } from 'node:worker_threads'
import { HEALTHY, type LinkFault } from './faults'
import { deserializeError, ErrorCode, errorName, KafkaError, kafkaErrorFor } from './errors'
import { MetadataImage } from './metadata/image'
import { describeTopicPartitions, LogOffsetIndex, summarizeTopic, type BrokerSnapshot, type BrokerStatus, type ClusterSnapshot, type TopicDescription } from './snapshot'
import { browsePartition, type BrowseFrom, type BrowsedRecord, type BrowseSource } from './messages'
import { describeBrokerConfigs, describeClusterDefaultConfigs, describeTopicConfigs, type DescribedConfig } from './config'
import { loadOrCreateClusterId } from './metaProperties'
import type { ClientsApi } from './clients/api'
import { DemoClients } from './clients/demoClients'
import { deleteGroupError, groupSnapshots, planReset, requireInactive, type GroupSnapshot, type GroupSource, type ResetPlanEntry, type ResetTarget } from './groups'
import { partitionFor } from './broker/group'
import { OFFSETS_TOPIC } from './broker/coordinatorRuntime'
import { onMessages, RpcClient, transferable } from './rpc'
import { startWorker, type WorkerKind } from './workers'
import { describeDeath, logDeath, watchWorker, type WatchedWorker, type WorkerDeath } from './workerDeath'
import type { Acks, BrokerApi, BrokerEvent, BrokerInit, BrokerReady, PartitionLogInfo, ProducePartitionResponse } from './broker/api'
import type { BrokerTrafficTotals } from './broker/brokerTopicMetrics'
import type { ControllerApi, ControllerEvent, ControllerInit, ControllerPush, ControllerWorkerApi, CreatableTopic } from './controller/api'
export { validateTopicName } from './metadata/topicName'

export interface ClusterOptions {
  dataDir: string
  brokers?: number
  /** Static broker properties (server.properties), the same for every broker and the controller. */
  brokerConfigs?: Record<string, string>
  /**
   * Kafka listeners: broker N listens on basePort + N - 1. Base port 0 (the default here; the
   * CLI and the desktop app use 9092) gives every broker any free port.
   */
  listeners?: { host?: string; basePort?: number }
  /**
   * A broker whose thread died unasked (a bug, not a crash the operator caused) is started
   * again after a second, as a supervisor such as systemd restarts Kafka's process with
   * Restart=on-failure. Off by default, so that the death stays on screen; never when it
   * died within a minute of such a restart (a crash loop). See docs/reliability.md.
   */
  restartOnFailure?: boolean
  /** Where worker deaths are logged with their stacks (default: stderr). */
  log?: (line: string) => void
}

export type { WorkerDeath } from './workerDeath'

export type { BrokerSnapshot, BrokerStatus, ClusterSnapshot, PartitionSnapshot, ReplicaSnapshot, TopicDescription, TopicSummary } from './snapshot'

interface BrokerHandle {
  id: number
  status: BrokerStatus
  worker: Worker | null
  client: RpcClient<BrokerApi, BrokerEvent> | null
  ready: BrokerReady | null
  pauseSignal: SharedArrayBuffer
  /** Its links to the controller and the other brokers are set up. */
  wired: boolean
  /** Faults on this broker's links, by peer ('controller' or a broker id), to apply again after a restart. */
  faults: Map<number | 'controller', LinkFault>
  watched: WatchedWorker | null
  /** Its latest unasked death, kept after a restart. */
  lastDeath: WorkerDeath | null
  /** When restartOnFailure last restarted it. */
  restartedOnFailureAt: number
}

export interface CreateTopicOptions {
  name: string
  partitions?: number
  replicationFactor?: number
  configs?: Record<string, string>
}

export type ClusterEvent =
  | ({ source: 'controller' } & ControllerEvent)
  | ({ source: 'broker'; brokerId: number } & BrokerEvent)
  | { source: 'cluster'; type: 'broker-stopped' | 'broker-crashed' | 'broker-paused' | 'broker-resumed' | 'broker-started'; brokerId: number; timestamp: number }
  | { source: 'cluster'; type: 'link-fault'; a: number; b: number | 'controller'; fault: LinkFault; timestamp: number }
  /** A worker ended without being asked: `message` is its error ("MalformedMessageError: ..."), `death` the rest. */
  | { source: 'cluster'; type: 'broker-died'; brokerId: number; message: string; death: WorkerDeath; restarting: boolean; timestamp: number }
  | { source: 'cluster'; type: 'controller-died' | 'clients-died'; message: string; death: WorkerDeath; timestamp: number }

/** Node id of the controller, apart from the brokers' ids as in a KRaft cluster with its own controller. */
const CONTROLLER_ID = 3000
const RETRIABLE = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.BROKER_NOT_AVAILABLE,
])
/** Events kept for consoles that connect late. */
const RECENT_EVENTS = 1000
/** Lag history: a point every 5 seconds, an hour of them kept per group. */
const LAG_SAMPLE_MS = 5000
const LAG_HISTORY_POINTS = 720
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** A grace period that does not keep the process alive once everything else is done. */
const grace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref())
/** restartOnFailure waits this long, and gives up on a broker that dies again this soon after. */
const RESTART_DELAY_MS = 1000
const CRASH_LOOP_MS = 60_000

/** Starts a worker and waits for its ready (or init-failed) message. */
async function launch<A extends Record<string, [unknown, unknown]>, E, R>(kind: WorkerKind, init: object, name: string, onDeath: (death: WorkerDeath) => void) {
  const worker = startWorker(kind, init, name)
  const client = new RpcClient<A, E>(worker)
  const ready = await new Promise<R>((resolve, reject) => {
    onMessages(worker, (message) => {
      if (message.kind === 'ready') resolve(message.info as R)
      else if (message.kind === 'init-failed') reject(deserializeError(message.error))
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)))
  }).catch(async (err) => {
    await worker.terminate()
    throw err
  })
  worker.on('exit', (code) => client.close(new KafkaError('BROKER_NOT_AVAILABLE', `${name} is not running (its worker exited with code ${code})`)))
  return { worker, client, ready, watched: watchWorker(worker, onDeath) }
}

export class Cluster {
  private readonly brokers = new Map<number, BrokerHandle>()
  private controller!: { worker: Worker; client: RpcClient<ControllerWorkerApi, ControllerPush>; watched: WatchedWorker; exited: Promise<unknown> }
  /** The host's own view of the metadata, from the controller's pushes. */
  image = new MetadataImage()
  private readonly listeners = new Set<(event: ClusterEvent) => void>()
  private readonly recent: ClusterEvent[] = []
  private readonly imageWaiters = new Set<() => void>()
  private lagSampler: NodeJS.Timeout | null = null
  private stopping = false
  private readonly lagHistory = new Map<string, Array<{ timestamp: number; totalLag: number }>>()
  private readonly staticConfigs: Record<string, string>
  /** meta.properties' cluster.id: made at the first start, read back at every later one. */
  clusterId = ''

  private constructor(readonly options: Required<Omit<ClusterOptions, 'log'>> & Pick<ClusterOptions, 'log'>) {
    this.staticConfigs = options.brokerConfigs
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster({ brokers: 1, brokerConfigs: {}, listeners: {}, restartOnFailure: false, ...options })
    mkdirSync(options.dataDir, { recursive: true })
    cluster.clusterId = loadOrCreateClusterId(options.dataDir)
    await cluster.startController()
    const ids = Array.from({ length: cluster.options.brokers }, (_, i) => i + 1)
    for (const id of ids) {
      cluster.brokers.set(id, {
        id,
        status: 'stopped',
        worker: null,
        client: null,
        ready: null,
        wired: false,
        pauseSignal: new SharedArrayBuffer(4),
        faults: new Map(),
        watched: null,
        lastDeath: null,
        restartedOnFailureAt: 0,
      })
    }
    try {
      // Threads boot in parallel; links are wired one broker at a time, so each pair gets one.
      const launched = await Promise.allSettled(ids.map((id) => cluster.launchBroker(id)))
      const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
      for (const id of ids) await cluster.wireBroker(id)
      await cluster.waitFor(() => ids.every((id) => cluster.image.brokers.get(id)?.fenced === false), 30_000, 'every broker registered and unfenced')
      cluster.lagSampler = setInterval(() => {
        if (cluster.image.topicsByName.has(OFFSETS_TOPIC)) void cluster.groups().catch(() => undefined)
      }, LAG_SAMPLE_MS)
      cluster.lagSampler.unref()
    } catch (err) {
      await cluster.stop()
      throw err
    }
    return cluster
  }

  /** host:port of every broker's Kafka listener, for a client's bootstrap.servers. */
  get bootstrapServers(): string {
    return [...this.brokers.values()]
      .filter((h) => h.ready)
      .map((h) => `${h.ready!.listener.host}:${h.ready!.listener.port}`)
      .join(',')
  }

  private async startController(): Promise<void> {
    const init: ControllerInit = { controllerId: CONTROLLER_ID, dataDir: join(this.options.dataDir, 'controller'), staticConfigs: this.staticConfigs }
    const { worker, client, watched } = await launch<ControllerWorkerApi, ControllerPush, unknown>('controller', init, 'controller', (death) => this.workerDied('controller', death))
    this.controller = { worker, client, watched, exited: new Promise((resolve) => worker.once('exit', resolve)) }
    client.onEvent((push) => this.onControllerPush(push))
    const snapshot = await client.call('snapshot', {})
    this.image = MetadataImage.fromData(snapshot.image)
  }

  private onControllerPush(push: ControllerPush): void {
    if (push.type === 'event') {
      this.publish({ source: 'controller', ...push.event })
      return
    }
    for (const entry of push.entries) if (entry.offset > this.image.offset) this.image.apply(entry)
    for (const wake of this.imageWaiters) wake()
  }

  private publish(event: ClusterEvent): void {
    this.recent.push(event)
    if (this.recent.length > RECENT_EVENTS) this.recent.splice(0, this.recent.length - RECENT_EVENTS)
    for (const listener of this.listeners) listener(event)
  }

  /** The latest events, oldest first, for a console that connects late. */
  recentEvents(limit = RECENT_EVENTS): ClusterEvent[] {
    return this.recent.slice(-limit)
  }

  onEvent(listener: (event: ClusterEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Resolves once `condition` holds on the host's image (checked at every metadata push). */
  waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return
        this.imageWaiters.delete(check)
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        this.imageWaiters.delete(check)
        reject(new KafkaError('REQUEST_TIMED_OUT', `Timed out after ${timeoutMs} ms waiting for ${what}`))
      }, timeoutMs)
      this.imageWaiters.add(check)
    })
  }

  get brokerIds(): number[] {
    return [...this.brokers.keys()]
  }

  private handle(id: number): BrokerHandle {
    const handle = this.brokers.get(id)
    if (!handle) throw new KafkaError('BROKER_NOT_AVAILABLE', `There is no broker ${id}`)
    return handle
  }

  /** The RPC client of a running broker. */
  broker(id: number): { id: number; client: RpcClient<BrokerApi, BrokerEvent>; ready: BrokerReady } {
    const handle = this.handle(id)
    if (!handle.client || !handle.ready || handle.status === 'stopped' || handle.status === 'crashed' || handle.status === 'died') {
      throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is ${handle.status}`)
    }
    return { id, client: handle.client, ready: handle.ready }
  }

  brokerStatus(id: number): BrokerStatus {
    return this.handle(id).status
  }

  private async startBroker(id: number): Promise<void> {
    await this.launchBroker(id)
    await this.wireBroker(id)
  }

  private async launchBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    // A restarted broker keeps the port it had, so clients' bootstrap lists stay valid.
    const previousPort = handle.ready?.listener.port
    const init: BrokerInit = {
      brokerId: id,
      clusterId: this.clusterId,
      dataDir: join(this.options.dataDir, `broker-${id}`),
      configs: { static: { ...this.staticConfigs, 'node.id': String(id) }, clusterDefaults: {}, perBroker: {} },
      pauseSignal: handle.pauseSignal,
      listener: {
        host: this.options.listeners.host ?? '127.0.0.1',
        port: previousPort ?? (this.options.listeners.basePort ? this.options.listeners.basePort + id - 1 : 0),
      },
    }
    const { worker, client, ready, watched } = await launch<BrokerApi, BrokerEvent, BrokerReady>('broker', init, `broker-${id}`, (death) =>
      this.brokerDied(handle, worker, death).catch((err: Error) => this.log(`brokerlab: after broker ${id} died: ${err.stack ?? err.message}`)),
    )
    Object.assign(handle, { worker, client, ready, watched, status: 'running' as BrokerStatus })
    client.onEvent((event) => this.publish({ source: 'broker', brokerId: id, ...event }))
  }

  // ---- unasked worker deaths (docs/reliability.md) ------------------------------------

  private log(line: string): void {
    ;(this.options.log ?? console.error)(line)
  }

  /**
   * A broker's thread ended without being asked: logged with its stack, published with its
   * error, shown as "died" (not "crashed", which the operator causes), and its links are
   * dropped as after a crash, so the controller fences it. Restarted with restartOnFailure.
   */
  private async brokerDied(handle: BrokerHandle, worker: Worker, death: WorkerDeath): Promise<void> {
    if (handle.worker !== worker) return
    const restarting = this.options.restartOnFailure && death.timestamp - handle.restartedOnFailureAt > CRASH_LOOP_MS
    handle.status = 'died'
    handle.lastDeath = death
    logDeath(`broker ${handle.id}`, death, (line) => this.log(line))
    this.publish({ source: 'cluster', type: 'broker-died', brokerId: handle.id, message: describeDeath(death), death, restarting, timestamp: death.timestamp })
    await this.detach(handle)
    if (!restarting) return
    await sleep(RESTART_DELAY_MS)
    // The operator may have restarted it meanwhile, or the cluster may be stopping.
    if (handle.status !== 'died' || this.stopping) return
    handle.restartedOnFailureAt = Date.now()
    await this.restartBroker(handle.id).catch((err: Error) => this.log(`brokerlab: broker ${handle.id} could not be restarted after it died: ${err.message}`))
  }

  /** The controller or the demo clients' worker ended unasked: logged and published. */
  private workerDied(kind: 'controller' | 'clients', death: WorkerDeath): void {
    logDeath(kind === 'controller' ? 'the controller' : 'the demo clients worker', death, (line) => this.log(line))
    this.publish({ source: 'cluster', type: kind === 'controller' ? 'controller-died' : 'clients-died', message: describeDeath(death), death, timestamp: death.timestamp })
  }

  /** The broker's link to the controller, then one to every other wired broker. */
  private async wireBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    const client = handle.client!
    handle.wired = true
    const toController = new MessageChannel()
    await this.controller.client.call('connectBroker', { brokerId: id, port: toController.port1 }, [toController.port1])
    await client.call('connectController', { port: toController.port2 }, [toController.port2])
    for (const other of this.brokers.values()) {
      if (other.id === id || !other.client || !other.wired || (other.status !== 'running' && other.status !== 'paused')) continue
      const channel = new MessageChannel()
      await other.client.call('connectPeer', { brokerId: id, port: channel.port1 }, [channel.port1])
      await client.call('connectPeer', { brokerId: other.id, port: channel.port2 }, [channel.port2])
    }
    for (const [peer, fault] of handle.faults) await this.applyLinkFault(id, peer, fault)
  }

  // ---- metadata operations, through the controller ------------------------------------

  private async controllerCall<K extends keyof ControllerApi & string>(api: K, body: ControllerApi[K][0]): Promise<ControllerApi[K][1]> {
    return this.controller.client.call(api, body)
  }

  /** Throws the first per-item error of a controller answer as a KafkaError. */
  private static raise(results: Array<{ errorCode: number; errorMessage: string | null }>): void {
    const failed = results.find((r) => r.errorCode !== ErrorCode.NONE)
    if (failed) throw kafkaErrorFor(failed.errorCode, failed.errorMessage ?? errorName(failed.errorCode))
  }

  /** Creates a topic and waits until every partition has a leader. */
  async createTopic(options: CreateTopicOptions): Promise<{ name: string; topicId: string }> {
    const topic: CreatableTopic = {
      name: options.name,
      numPartitions: options.partitions ?? -1,
      replicationFactor: options.replicationFactor ?? -1,
      configs: options.configs ?? {},
    }
    const { topics } = await this.controllerCall('createTopics', { topics: [topic], validateOnly: false })
    Cluster.raise(topics)
    await this.waitForLeaders(options.name)
    return { name: options.name, topicId: topics[0].topicId }
  }

  /** Waits until every partition has a leader that knows it leads (as an admin client's metadata wait). */
  private async waitForLeaders(topic: string, timeoutMs = 10_000): Promise<void> {
    await this.waitFor(() => {
      const t = this.image.topicsByName.get(topic)
      return !!t && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)
    }, timeoutMs, `leaders of every partition of ${topic}`)
    const partitions = this.topic(topic).partitions.length
    await Promise.all(Array.from({ length: partitions }, (_, p) => this.listOffsets(topic, p, -1)))
  }

  async deleteTopic(name: string): Promise<void> {
    const { responses } = await this.controllerCall('deleteTopics', { names: [name] })
    Cluster.raise(responses)
  }

  async createPartitions(name: string, count: number): Promise<void> {
    const { results } = await this.controllerCall('createPartitions', { topics: [{ name, count }], validateOnly: false })
    Cluster.raise(results)
    await this.waitForLeaders(name)
  }

  /**
   * IncrementalAlterConfigs SET (value) or DELETE (null) on a topic, a broker, or '' (every
   * broker). validateOnly checks every value as Kafka would and changes nothing.
   */
  async alterConfigs(resource: { topic: string } | { broker: number | '' }, configs: Record<string, string | null>, validateOnly = false): Promise<void> {
    const [resourceType, resourceName] = 'topic' in resource ? ([2, resource.topic] as const) : ([4, String(resource.broker)] as const)
    const { responses } = await this.controllerCall('incrementalAlterConfigs', {
      resources: [
        {
          resourceType,
          resourceName,
          configs: Object.entries(configs).map(([name, value]) => ({ name, configOperation: value === null ? 1 : 0, value })),
        },
      ],
      validateOnly,
    })
    Cluster.raise(responses)
  }

  /** AlterPartitionReassignments for one topic: replicas per partition, null to cancel; the first refusal is thrown. */
  async reassignPartitions(topic: string, partitions: Array<{ partition: number; replicas: number[] | null }>): Promise<void> {
    const { responses } = await this.controllerCall('alterPartitionReassignments', {
      topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas })) }],
    })
    Cluster.raise(responses.flatMap((r) => r.partitions))
  }

  async electPreferredLeaders(topicPartitions: Array<{ topic: string; partitions: number[] }> | null = null) {
    return this.controllerCall('electLeaders', { electionType: 0, topicPartitions })
  }

  topic(name: string) {
    const topic = this.image.topicsByName.get(name)
    if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${name}" does not exist`)
    return topic
  }

  private leaderOf(topic: string, partition: number): number {
    const registration = this.topic(topic).partitions[partition]
    if (!registration) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${topic}" has no partition ${partition}`)
    return registration.leader
  }

  // ---- data paths, routed to the leader as a client would --------------------------------

  /**
   * Runs `attempt` against the partition's leader, retrying on the errors a Kafka client
   * retries after refreshing metadata (not leader, no leader yet) until `timeoutMs`.
   */
  private async onLeader<T extends { errorCode: number; errorMessage: string | null }>(
    topic: string,
    partition: number,
    timeoutMs: number,
    attempt: (client: RpcClient<BrokerApi, BrokerEvent>) => Promise<T>,
  ): Promise<T> {
    if (!this.image.topicsByName.has(topic) && this.topicAutoCreateDisabled()) this.topic(topic)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      let result: T
      try {
        const leader = this.leaderOf(topic, partition)
        if (leader < 0) throw new KafkaError('LEADER_NOT_AVAILABLE', `${topic}-${partition} has no leader`)
        result = await attempt(this.broker(leader).client)
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
    return (this.image.configs.clusterDefaults['auto.create.topics.enable'] ?? this.staticConfigs['auto.create.topics.enable'] ?? 'true') === 'false'
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
    if (!this.image.topicsByName.has(topic)) await this.autoCreate(topic)
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
    const running = [...this.brokers.values()].find((h) => h.status === 'running' && h.client)
    if (!running) throw new KafkaError('BROKER_NOT_AVAILABLE', 'No broker is running')
    return running.client!.call('initProducerId', {})
  }

  async fetch(topic: string, partition: number, fetchOffset: number, maxBytes = 1 << 20, maxWaitMs = 0) {
    return this.onLeader(topic, partition, 10_000, async (client) => {
      const response = await client.call('fetch', {
        replicaId: -1,
        maxWaitMs,
        minBytes: 1,
        maxBytes,
        isolationLevel: 0,
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

  // ---- configs and records, for the console ----------------------------------------------

  /** A topic's configs as DescribeConfigs shows them: every value with its source and synonyms. */
  describeTopicConfigs(topic: string): DescribedConfig[] {
    this.topic(topic)
    return describeTopicConfigs(this.image.topicConfigs(topic), this.image.brokerConfigLayers(this.brokerIds[0], this.staticConfigs))
  }

  /** A broker's configs, or with '' the cluster-wide dynamic defaults. */
  describeBrokerConfigs(brokerId: number | ''): DescribedConfig[] {
    if (brokerId === '') return describeClusterDefaultConfigs(this.image.brokerConfigLayers(this.brokerIds[0], this.staticConfigs))
    this.handle(brokerId)
    return describeBrokerConfigs(this.image.brokerConfigLayers(brokerId, { ...this.staticConfigs, 'node.id': String(brokerId) }))
  }

  /** A page of records of one partition, or of every partition (merged by timestamp). */
  async browseMessages(topic: string, from: BrowseFrom, limit: number, partition?: number): Promise<BrowsedRecord[]> {
    const source: BrowseSource = {
      listOffset: async (t, p, spec) => (await this.listOffsets(t, p, spec)).offset,
      fetch: (t, p, offset) => this.fetch(t, p, offset),
    }
    const partitions = partition !== undefined ? [partition] : this.topic(topic).partitions.map((_, i) => i)
    const pages = await Promise.all(partitions.map((p) => browsePartition(source, topic, p, from, limit)))
    return pages.flat().sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset).slice(0, limit)
  }

  // ---- consumer groups ----------------------------------------------------------------

  private groupSource(): GroupSource {
    return {
      coordinatorGroups: async () =>
        Promise.all(
          [...this.brokers.values()]
            .filter((h) => h.status === 'running' && h.client)
            .map(async (h) => ({ coordinator: h.id, groups: await h.client!.call('listGroupViews', {}, [], 5000).catch(() => []) })),
        ),
      listOffset: async (topic, partition, spec) => (await this.listOffsets(topic, partition, spec)).offset,
      partitionCount: (topic) => this.topic(topic).partitions.length,
    }
  }

  /** Every group with its members, assignments, committed offsets and lag. */
  async groups(): Promise<GroupSnapshot[]> {
    const snapshots = await groupSnapshots(this.groupSource())
    this.recordLag(snapshots)
    return snapshots
  }

  private recordLag(snapshots: GroupSnapshot[]): void {
    const now = Date.now()
    for (const g of snapshots) {
      const history = this.lagHistory.get(g.groupId) ?? []
      history.push({ timestamp: now, totalLag: g.totalLag })
      if (history.length > LAG_HISTORY_POINTS) history.splice(0, history.length - LAG_HISTORY_POINTS)
      this.lagHistory.set(g.groupId, history)
    }
  }

  /** Total lag over time: a point every 5 seconds, and one at every groups() call. */
  groupLagHistory(groupId: string): Array<{ timestamp: number; totalLag: number }> {
    return [...(this.lagHistory.get(groupId) ?? [])]
  }

  private coordinatorOf(groupId: string) {
    const offsets = this.image.topicsByName.get(OFFSETS_TOPIC)
    const leader = offsets?.partitions[partitionFor(groupId, offsets.partitions.length)]?.leader ?? -1
    if (leader < 0) throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `Group "${groupId}" has no coordinator yet`)
    return this.broker(leader).client
  }

  /**
   * Resets an inactive group's offsets on `topic` (every partition, or `partitions`). With
   * dryRun the plan is returned and nothing changes; otherwise the plan is committed.
   */
  async resetGroupOffsets(groupId: string, topic: string, target: ResetTarget, options: { partitions?: number[]; dryRun?: boolean } = {}): Promise<ResetPlanEntry[]> {
    const group = (await this.groups()).find((g) => g.groupId === groupId)
    requireInactive(group, groupId)
    const plan = await planReset(this.groupSource(), group, topic, options.partitions ?? null, target)
    if (options.dryRun) return plan
    await this.coordinatorOf(groupId).call('resetGroupOffsets', { groupId, plan: plan.map(({ topic: t, partition, newOffset }) => ({ topic: t, partition, offset: newOffset })) })
    return plan
  }

  async deleteGroup(groupId: string): Promise<void> {
    const { errorCode } = await this.coordinatorOf(groupId).call('deleteGroup', { groupId })
    const error = deleteGroupError(groupId, errorCode)
    if (error) throw error
  }

  // ---- demo clients -------------------------------------------------------------------

  /** The console's demo consumer runs and load producers, on this cluster's listeners. */
  readonly demo: DemoClients = new DemoClients(
    () =>
      launch<ClientsApi, unknown, unknown>('clients', {}, 'demo-clients', (death) => {
        this.demo.died()
        this.workerDied('clients', death)
      }),
    () => this.bootstrapServers,
  )

  /** The demo clients' worker (kafkajs consumers and producers), started on first use. */
  demoClients(): Promise<RpcClient<ClientsApi>> {
    return this.demo.client()
  }

  // ---- faults -------------------------------------------------------------------------

  /** Controlled shutdown: the controller moves the broker's leaderships first, then it stops. */
  async stopBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    if (handle.status === 'paused') this.resumeBroker(id)
    if (!handle.worker || handle.status !== 'running') throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is ${handle.status}`)
    await this.shutdownWorker(handle, true)
    handle.status = 'stopped'
    this.publish({ source: 'cluster', type: 'broker-stopped', brokerId: id, timestamp: Date.now() })
  }

  /** Kills the broker's thread at once: no controlled shutdown, nothing flushed. */
  async crashBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    if (!handle.worker || handle.status === 'stopped' || handle.status === 'crashed' || handle.status === 'died') throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is ${handle.status}`)
    handle.status = 'crashed'
    this.resumeSignal(handle)
    handle.watched?.expectExit()
    await handle.worker.terminate()
    await this.detach(handle)
    this.publish({ source: 'cluster', type: 'broker-crashed', brokerId: id, timestamp: Date.now() })
  }

  /** Starts a stopped or crashed broker again on its data directory. */
  async restartBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    if (handle.status === 'running' || handle.status === 'paused') throw new KafkaError('INVALID_REQUEST', `Broker ${id} is already ${handle.status}`)
    await this.startBroker(id)
    this.publish({ source: 'cluster', type: 'broker-started', brokerId: id, timestamp: Date.now() })
  }

  /** Freezes the broker's whole thread (no heartbeats, fetches or answers), as a long GC pause. */
  async pauseBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    if (handle.status !== 'running') throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is ${handle.status}`)
    Atomics.store(new Int32Array(handle.pauseSignal), 0, 1)
    await handle.client!.call('pause', {})
    handle.status = 'paused'
    this.publish({ source: 'cluster', type: 'broker-paused', brokerId: id, timestamp: Date.now() })
  }

  resumeBroker(id: number): void {
    const handle = this.handle(id)
    if (handle.status !== 'paused') throw new KafkaError('INVALID_REQUEST', `Broker ${id} is not paused`)
    this.resumeSignal(handle)
    handle.status = 'running'
    this.publish({ source: 'cluster', type: 'broker-resumed', brokerId: id, timestamp: Date.now() })
  }

  private resumeSignal(handle: BrokerHandle): void {
    const flag = new Int32Array(handle.pauseSignal)
    Atomics.store(flag, 0, 0)
    Atomics.notify(flag, 0)
  }

  /**
   * Cuts or slows the link between broker `a` and broker `b` (or the controller), both ways;
   * `HEALTHY` heals it. Faults persist across restarts of either broker.
   */
  async setLinkFault(a: number, b: number | 'controller', fault: LinkFault): Promise<void> {
    const handleA = this.handle(a)
    if (fault.mode === 'ok') handleA.faults.delete(b)
    else handleA.faults.set(b, fault)
    if (b !== 'controller') {
      const handleB = this.handle(b)
      if (fault.mode === 'ok') handleB.faults.delete(a)
      else handleB.faults.set(a, fault)
    }
    await this.applyLinkFault(a, b, fault)
    this.publish({ source: 'cluster', type: 'link-fault', a, b, fault, timestamp: Date.now() })
  }

  /** Isolates a broker from the controller and every other broker (a network partition). */
  async isolateBroker(id: number, fault: LinkFault = { mode: 'cut' }): Promise<void> {
    await this.setLinkFault(id, 'controller', fault)
    for (const other of this.brokerIds) if (other !== id) await this.setLinkFault(id, other, fault)
  }

  async healAllLinks(): Promise<void> {
    for (const handle of this.brokers.values()) {
      for (const peer of [...handle.faults.keys()]) await this.setLinkFault(handle.id, peer, HEALTHY)
    }
  }

  private async applyLinkFault(a: number, b: number | 'controller', fault: LinkFault): Promise<void> {
    const tell = async (client: RpcClient<BrokerApi, BrokerEvent> | null, peer: number | 'controller') => {
      if (client) await client.call('setLinkFault', { peer, fault }).catch(() => undefined)
    }
    const handleA = this.handle(a)
    if (handleA.status === 'running') await tell(handleA.client, b)
    if (b === 'controller') await this.controller.client.call('setLinkFault', { brokerId: a, fault })
    else if (this.handle(b).status === 'running') await tell(this.handle(b).client, a)
  }

  private async shutdownWorker(handle: BrokerHandle, controlled: boolean): Promise<void> {
    const worker = handle.worker!
    handle.watched?.expectExit()
    const exited = new Promise((resolve) => worker.once('exit', resolve))
    await handle.client!.call('shutdown', { controlled }).catch(() => undefined)
    await Promise.race([exited, grace(5000)])
    await worker.terminate()
    await this.detach(handle)
  }

  /** Forgets a broker's thread: its links to the others and to the controller go with it. */
  private async detach(handle: BrokerHandle): Promise<void> {
    handle.worker = null
    handle.client = null
    handle.wired = false
    await this.controller.client.call('disconnectBroker', { brokerId: handle.id }).catch(() => undefined)
    for (const other of this.brokers.values()) {
      // During stop() the others are being detached at the same time: skip a client already gone.
      if (other.id !== handle.id && other.status === 'running' && other.client) await other.client.call('disconnectPeer', { brokerId: handle.id }).catch(() => undefined)
    }
  }

  // ---- observability ------------------------------------------------------------------

  /** Brokers with their traffic, and a summary line per topic. */
  async snapshot(): Promise<ClusterSnapshot> {
    const running = [...this.brokers.values()].filter((h) => h.status === 'running' && h.client)
    const traffic = new Map<number, BrokerTrafficTotals>()
    const [logs] = await Promise.all([
      this.logOffsets(),
      ...running.map(async (h) => {
        const totals = await h.client!.call('brokerTopicMetrics', {}, [], 2000).catch(() => null)
        if (totals) traffic.set(h.id, totals)
      }),
    ])
    const topics = [...this.image.topicsByName.values()].map((t) => summarizeTopic(t, logs))
    const brokers = [...this.brokers.values()].map((h): BrokerSnapshot => {
      const registration = this.image.brokers.get(h.id)
      let leaderOf = 0
      let followerOf = 0
      for (const t of this.image.topicsByName.values()) {
        for (const p of t.partitions) {
          if (p.leader === h.id) leaderOf++
          else if (p.replicas.includes(h.id)) followerOf++
        }
      }
      const listener = h.ready ? `${h.ready.listener.host}:${h.ready.listener.port}` : null
      return {
        id: h.id,
        status: h.status,
        lastDeath: h.lastDeath,
        listener,
        fenced: registration?.fenced ?? true,
        registered: !!registration,
        leaderOf,
        followerOf,
        bytes: logs.bytesByBroker.get(h.id) ?? 0,
        traffic: traffic.get(h.id) ?? null,
      }
    })
    return { controllerId: CONTROLLER_ID, metadataOffset: this.image.offset, brokers, topics }
  }

  /** One topic's partitions with their leader, ISR, offsets and each replica's log end and lag. */
  async describeTopic(name: string): Promise<TopicDescription> {
    const topic = this.topic(name)
    return describeTopicPartitions(topic, await this.logOffsets(name), new Set(this.image.liveBrokerIds()))
  }

  /** Every running broker's log offsets (of one topic, or all); a broker that does not answer in 2 s is left out. */
  private async logOffsets(topic?: string): Promise<LogOffsetIndex> {
    const logs = new LogOffsetIndex()
    await Promise.all(
      [...this.brokers.values()]
        .filter((h) => h.status === 'running' && h.client)
        .map(async (h) => {
          const packed = await h.client!.call('logOffsets', topic === undefined ? {} : { topic }, [], 2000).catch(() => null)
          if (packed) logs.add(h.id, packed)
        }),
    )
    return logs
  }

  /** Clean shutdown of every broker (logs flushed and closed), then of the controller. */
  async stop(): Promise<void> {
    this.stopping = true
    if (this.lagSampler) clearInterval(this.lagSampler)
    await this.demo.stop()
    await Promise.all(
      [...this.brokers.values()].map(async (h) => {
        if (h.status === 'paused') this.resumeSignal(h)
        if (h.worker) await this.shutdownWorker(h, false)
        h.status = 'stopped'
      }),
    )
    this.controller.watched.expectExit()
    await this.controller.client.call('shutdown', {}).catch(() => undefined)
    await Promise.race([this.controller.exited, grace(5000)])
    await this.controller.worker.terminate()
  }
}
