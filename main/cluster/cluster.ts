// The embedded cluster as the host sees it: a controller worker and one worker per broker.
// Cluster is the composition, one part a job, along Kafka's seams:
// - WorkerSupervisor (workerSupervisor.ts): starts the workers and wires their links; stops,
//   crashes, pauses and restarts brokers; unasked deaths and restartOnFailure.
// - LinkFaults (linkFaults.ts): cut or slow links between brokers and to the controller.
// - ClusterAdmin (admin.ts): topics, partitions, configs and elections, through the controller.
// - LeaderRouter (leaderRouter.ts): produce, fetch and list offsets, routed to the leader.
// - MetadataCache (metadataCache.ts): the image kept from the controller's pushes.
// - ClusterEventLog (clusterEvents.ts): the event stream.
// The console's views of the cluster are in main/console.
import { mkdirSync } from 'node:fs'
import type { LinkFault } from './faults'
import { loadOrCreateClusterId } from './metaProperties'
import type { ClientsApi } from './clients/api'
import { DemoClients } from './clients/demoClients'
import type { RpcClient } from './rpc'
import type { Acks } from './broker/api'
import type { ControllerPush } from './controller/api'
import { ClusterAdmin, type CreateTopicOptions } from './admin'
import { ClusterEventLog } from './clusterEvents'
import { LeaderRouter } from './leaderRouter'
import { LinkFaults } from './linkFaults'
import { MetadataCache } from './metadataCache'
import { CONTROLLER_ID, launch, WorkerSupervisor, type BrokerClient, type BrokerState } from './workerSupervisor'
import type { BrokerStatus, ClusterEvent } from '../../preload/contract'

export { validateTopicName } from './metadata/topicName'
export type { ClusterEvent, CreateTopicOptions, BrokerState }
export type { WorkerDeath } from './workerDeath'

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

export class Cluster {
  private readonly events = new ClusterEventLog()
  private readonly metadata = new MetadataCache()
  private readonly supervisor: WorkerSupervisor
  private readonly links: LinkFaults
  private readonly admin: ClusterAdmin
  private readonly router: LeaderRouter
  /** The brokers' static properties (server.properties). */
  readonly staticConfigs: Record<string, string>
  readonly controllerId = CONTROLLER_ID

  private constructor(
    readonly options: Required<Omit<ClusterOptions, 'log'>> & Pick<ClusterOptions, 'log'>,
    /** meta.properties' cluster.id: made at the first start, read back at every later one. */
    readonly clusterId: string,
  ) {
    this.staticConfigs = options.brokerConfigs
    const { dataDir, listeners, restartOnFailure, log } = options
    this.supervisor = new WorkerSupervisor({ dataDir, clusterId, staticConfigs: this.staticConfigs, listeners, restartOnFailure, log }, this.events)
    this.links = new LinkFaults(this.supervisor, this.events)
    this.admin = new ClusterAdmin((api, body) => this.supervisor.controller.client.call(api, body), this.metadata, (topic, p) => this.router.listOffsets(topic, p, -1))
    this.router = new LeaderRouter(this.metadata, this.supervisor, this.staticConfigs, (topic) => this.admin.createTopic(topic))
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    mkdirSync(options.dataDir, { recursive: true })
    const cluster = new Cluster({ brokers: 1, brokerConfigs: {}, listeners: {}, restartOnFailure: false, ...options }, loadOrCreateClusterId(options.dataDir))
    await cluster.supervisor.startController((push) => cluster.onControllerPush(push))
    const snapshot = await cluster.supervisor.controller.client.call('snapshot', {})
    cluster.metadata.load(snapshot.image)
    try {
      await cluster.supervisor.startBrokers(cluster.options.brokers)
      const ids = cluster.brokerIds
      await cluster.waitFor(() => ids.every((id) => cluster.image.brokers.get(id)?.fenced === false), 30_000, 'every broker registered and unfenced')
    } catch (err) {
      await cluster.stop()
      throw err
    }
    return cluster
  }

  private onControllerPush(push: ControllerPush): void {
    if (push.type === 'event') this.events.publish({ source: 'controller', ...push.event })
    else this.metadata.apply(push.entries)
  }

  /** The host's own view of the metadata, from the controller's pushes. */
  get image() {
    return this.metadata.image
  }

  /** host:port of every broker's Kafka listener, for a client's bootstrap.servers. */
  get bootstrapServers(): string {
    return this.supervisor
      .brokerStates()
      .flatMap((b) => (b.listener ? [b.listener] : []))
      .join(',')
  }

  // ---- events -------------------------------------------------------------------------

  /** The latest events, oldest first, for a console that connects late. */
  recentEvents(limit?: number): ClusterEvent[] {
    return this.events.recentEvents(limit)
  }

  onEvent(listener: (event: ClusterEvent) => void): () => void {
    return this.events.onEvent(listener)
  }

  /** Resolves once `condition` holds on the host's image (checked at every metadata push). */
  waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return this.metadata.waitFor(condition, timeoutMs, what)
  }

  topic(name: string) {
    return this.metadata.topic(name)
  }

  // ---- brokers, as supervision sees them ---------------------------------------------------

  get brokerIds(): number[] {
    return [...this.supervisor.brokers.keys()]
  }

  /** The RPC client of a running broker. */
  broker(id: number) {
    return this.supervisor.broker(id)
  }

  brokerStatus(id: number): BrokerStatus {
    return this.supervisor.handle(id).status
  }

  /** Every broker as supervision sees it: status, listener and latest unasked death. */
  brokerStates(): BrokerState[] {
    return this.supervisor.brokerStates()
  }

  /** The RPC clients of the running brokers (not paused ones: they would not answer). */
  runningBrokers(): Array<{ id: number; client: BrokerClient }> {
    return this.supervisor.runningBrokers()
  }

  // ---- admin, through the controller ---------------------------------------------------

  /** Creates a topic and waits until every partition has a leader. */
  createTopic(options: CreateTopicOptions) {
    return this.admin.createTopic(options)
  }

  deleteTopic(name: string) {
    return this.admin.deleteTopic(name)
  }

  createPartitions(name: string, count: number) {
    return this.admin.createPartitions(name, count)
  }

  /** AlterPartitionReassignments (KIP-455): replicas per partition, null to cancel. */
  reassignPartitions(topic: string, partitions: Array<{ partition: number; replicas: number[] | null }>) {
    return this.admin.reassignPartitions(topic, partitions)
  }

  /** IncrementalAlterConfigs SET (value) or DELETE (null); validateOnly changes nothing. */
  alterConfigs(resource: { topic: string } | { broker: number | '' }, configs: Record<string, string | null>, validateOnly = false) {
    return this.admin.alterConfigs(resource, configs, validateOnly)
  }

  electPreferredLeaders(topicPartitions: Array<{ topic: string; partitions: number[] }> | null = null) {
    return this.admin.electPreferredLeaders(topicPartitions)
  }

  // ---- data paths, routed to the leader as a client would --------------------------------

  /** Produces record batches to one partition's leader (with `transfer`, the batches' memory is handed over). */
  produce(topic: string, partition: number, batches: Uint8Array, acks: Acks = -1, timeoutMs = 30_000, options: { transfer?: boolean } = {}) {
    return this.router.produce(topic, partition, batches, acks, timeoutMs, options)
  }

  /** InitProducerId on any running broker: a fresh idempotent producer id at epoch 0. */
  initProducerId() {
    return this.router.initProducerId()
  }

  /** isolationLevel 1 (read_committed): up to the last stable offset, with the aborted transactions listed. */
  fetch(topic: string, partition: number, fetchOffset: number, maxBytes = 1 << 20, maxWaitMs = 0, isolationLevel: 0 | 1 = 0) {
    return this.router.fetch(topic, partition, fetchOffset, maxBytes, maxWaitMs, isolationLevel)
  }

  listOffsets(topic: string, partition: number, timestamp: number) {
    return this.router.listOffsets(topic, partition, timestamp)
  }

  // ---- demo clients -------------------------------------------------------------------

  /** The console's demo consumer runs and load producers, on this cluster's listeners. */
  readonly demo: DemoClients = new DemoClients(
    () =>
      launch<ClientsApi, unknown, unknown>('clients', {}, 'demo-clients', (death) => {
        this.demo.died()
        this.supervisor.workerDied('clients', death)
      }),
    () => this.bootstrapServers,
  )

  /** The demo clients' worker (kafkajs consumers and producers), started on first use. */
  demoClients(): Promise<RpcClient<ClientsApi>> {
    return this.demo.client()
  }

  // ---- faults -------------------------------------------------------------------------

  /** Controlled shutdown: the controller moves the broker's leaderships first, then it stops. */
  stopBroker(id: number): Promise<void> {
    return this.supervisor.stopBroker(id)
  }

  /** Kills the broker's thread at once: no controlled shutdown, nothing flushed. */
  crashBroker(id: number): Promise<void> {
    return this.supervisor.crashBroker(id)
  }

  /** Starts a stopped or crashed broker again on its data directory. */
  restartBroker(id: number): Promise<void> {
    return this.supervisor.restartBroker(id)
  }

  /** Freezes the broker's whole thread (no heartbeats, fetches or answers), as a long GC pause. */
  pauseBroker(id: number): Promise<void> {
    return this.supervisor.pauseBroker(id)
  }

  resumeBroker(id: number): void {
    this.supervisor.resumeBroker(id)
  }

  /** Cuts or slows the link between broker `a` and broker `b` (or the controller), both ways; `HEALTHY` heals it. */
  setLinkFault(a: number, b: number | 'controller', fault: LinkFault): Promise<void> {
    return this.links.setLinkFault(a, b, fault)
  }

  /** Isolates a broker from the controller and every other broker (a network partition). */
  isolateBroker(id: number, fault: LinkFault = { mode: 'cut' }): Promise<void> {
    return this.links.isolateBroker(id, fault)
  }

  healAllLinks(): Promise<void> {
    return this.links.healAllLinks()
  }

  /** Clean shutdown of every broker (logs flushed and closed), then of the controller. */
  async stop(): Promise<void> {
    this.supervisor.stopping = true
    await this.demo.stop()
    await this.supervisor.stop()
  }
}
