// The controller (Kafka's QuorumController, with a quorum of one): the metadata authority.
// Every mutation runs the same way: a control manager validates the request against the
// image and builds records; the records are appended to the metadata log as one batch (all
// or nothing) and applied to the image; then listeners get the committed entries and the
// events they amount to. Everything is synchronous and single-threaded, so requests are
// processed one at a time in arrival order, as Kafka's controller event queue does. Time
// comes from `now`, and `tick` does what Kafka schedules: fencing expired sessions and the
// periodic leader rebalance.
import { validateStaticBrokerConfigs } from '../config'
import type { MetadataImage } from '../metadata/image'
import type { MetadataLogEntry } from '../metadata/records'
import type {
  AllocateProducerIdsRequest,
  AllocateProducerIdsResponse,
  BrokerHeartbeatRequest,
  BrokerHeartbeatResponse,
  ControllerApi,
  ControllerEvent,
  ControllerSnapshot,
  RegisterBrokerRequest,
  RegisterBrokerResponse,
} from './api'
import { BrokerHeartbeatManager } from './brokerHeartbeatManager'
import { ClientQuotaControlManager } from './clientQuotaControl'
import { ClusterControlManager } from './clusterControl'
import { ConfigurationControlManager } from './configurationControl'
import { eventsFor } from './events'
import { FeatureControlManager } from './featureControl'
import { MetadataLog, type MetadataCatchUp } from './metadataLog'
import { StripedReplicaPlacer, type Random } from './placement'
import { ProducerIdControlManager } from './producerIdControl'
import { ReassignmentControlManager } from './reassignmentControl'
import { ReplicationControlManager } from './replicationControl'
import type { ControllerResult } from './result'
import { ScramControlManager } from './scramControl'
import { TopicControlManager } from './topicControl'

export interface QuorumControllerOptions {
  /** Where metadata.db lives. */
  dataDir: string
  controllerId: number
  /** The cluster's static broker properties (server.properties). */
  staticConfigs: Record<string, string>
  now?: () => number
  /** Records between snapshots of the metadata log. */
  snapshotEvery?: number
  /** Replica placement's random start; inject one for reproducible placement. */
  random?: Random
}

export type CommitListener = (entries: MetadataLogEntry[]) => void
export type ControllerEventListener = (event: ControllerEvent) => void

/** One method per ControllerApi entry, answering synchronously. */
export type ControllerHandlers = { [K in keyof ControllerApi]: (request: ControllerApi[K][0]) => ControllerApi[K][1] }

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener)
  return () => set.delete(listener)
}

/** A listener that throws must not undo or interrupt a commit: its error surfaces on its own. */
function notify<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const listener of listeners) {
    try {
      listener(value)
    } catch (error) {
      queueMicrotask(() => {
        throw error
      })
    }
  }
}

export class QuorumController implements ControllerHandlers {
  readonly controllerId: number
  private readonly now: () => number
  private readonly commitListeners = new Set<CommitListener>()
  private readonly eventListeners = new Set<ControllerEventListener>()
  private readonly configs: ConfigurationControlManager
  private readonly replication: ReplicationControlManager
  private readonly reassignments: ReassignmentControlManager
  private readonly topics: TopicControlManager
  private readonly cluster: ClusterControlManager
  private readonly producerIds: ProducerIdControlManager
  private readonly clientQuotas: ClientQuotaControlManager
  private readonly scram: ScramControlManager
  private readonly features: FeatureControlManager
  private readonly heartbeats: BrokerHeartbeatManager
  private nextRebalanceMs: number

  /** Opens the metadata log in `dataDir` (creating it if new) and restores the image from it. */
  static open(options: QuorumControllerOptions): QuorumController {
    validateStaticBrokerConfigs(options.staticConfigs)
    return new QuorumController(options, MetadataLog.open(options.dataDir, { snapshotEvery: options.snapshotEvery }))
  }

  private constructor(
    options: QuorumControllerOptions,
    private readonly log: MetadataLog,
  ) {
    this.controllerId = options.controllerId
    this.now = options.now ?? Date.now
    this.configs = new ConfigurationControlManager(log, { ...options.staticConfigs })
    this.replication = new ReplicationControlManager(log, this.configs)
    this.reassignments = new ReassignmentControlManager(log, this.configs)
    this.topics = new TopicControlManager(log, this.configs, new StripedReplicaPlacer(options.random))
    this.heartbeats = new BrokerHeartbeatManager(this.sessionTimeoutMs)
    this.cluster = new ClusterControlManager(log, this.replication, this.heartbeats)
    this.producerIds = new ProducerIdControlManager(log)
    this.clientQuotas = new ClientQuotaControlManager(log)
    this.scram = new ScramControlManager(log)
    this.features = new FeatureControlManager(log, this.controllerId)
    const now = this.now()
    if (log.nextOffset === 0) this.commit(this.configs.bootstrapRecords(), now)
    // A new log, or one written before features were finalized in it, starts at Kafka 4.4's levels.
    if (log.image.finalizedFeatures.size === 0) this.commit(this.features.bootstrapRecords(), now)
    // Sessions are not persisted: every registered broker must heartbeat again, as after a Kafka controller failover.
    for (const id of log.image.brokers.keys()) this.heartbeats.start(id, now)
    this.nextRebalanceMs = now + this.rebalanceIntervalMs
  }

  /** The current metadata image. Read it, never change it. */
  get image(): MetadataImage {
    return this.log.image
  }

  get sessionTimeoutMs(): number {
    return this.configs.brokerValue('broker.session.timeout.ms') as number
  }

  /** How often the wiring should call tick: often enough to fence a broker soon after its session expires. */
  get tickIntervalMs(): number {
    return Math.max(1, Math.min(this.configs.brokerValue('broker.heartbeat.interval.ms') as number, this.sessionTimeoutMs / 2))
  }

  private get rebalanceIntervalMs(): number {
    return (this.configs.brokerValue('leader.imbalance.check.interval.seconds') as number) * 1000
  }

  /** Committed entries, in offset order, right after they are applied. Returns the unsubscribe function. */
  onCommit(listener: CommitListener): () => void {
    return subscribe(this.commitListeners, listener)
  }

  onEvent(listener: ControllerEventListener): () => void {
    return subscribe(this.eventListeners, listener)
  }

  private commit<T>(result: ControllerResult<T>, timestamp = this.now()): T {
    if (result.records.length === 0) return result.response
    const { entries, changes } = this.log.append(result.records, timestamp)
    const events = eventsFor(changes, result.cause, this.log.image, timestamp)
    notify(this.commitListeners, entries)
    for (const event of events) notify(this.eventListeners, event)
    return result.response
  }

  registerBroker(request: RegisterBrokerRequest): RegisterBrokerResponse {
    const now = this.now()
    // A broker whose session just expired is fenced (its partitions moved) before another incarnation takes its id.
    this.fenceExpiredSessions(now)
    return this.commit(this.cluster.registerBroker(request, this.log.nextOffset, now), now)
  }

  brokerHeartbeat(request: BrokerHeartbeatRequest): BrokerHeartbeatResponse {
    const now = this.now()
    return this.commit(this.cluster.heartbeat(request, this.log.nextOffset, now), now)
  }

  alterPartition(request: ControllerApi['alterPartition'][0]): ControllerApi['alterPartition'][1] {
    this.cluster.checkBrokerEpoch(request.brokerId, request.brokerEpoch)
    return this.commit(this.replication.alterPartition(request))()
  }

  allocateProducerIds(request: AllocateProducerIdsRequest): AllocateProducerIdsResponse {
    this.cluster.checkBrokerEpoch(request.brokerId, request.brokerEpoch)
    return this.commit(this.producerIds.allocate(request.brokerId, request.brokerEpoch))
  }

  /** numPartitions / replicationFactor -1 take num.partitions / default.replication.factor (offsets.topic.* for __consumer_offsets): auto-creation is this call. */
  createTopics(request: ControllerApi['createTopics'][0]): ControllerApi['createTopics'][1] {
    return this.commit(this.topics.createTopics(request))
  }

  deleteTopics(request: ControllerApi['deleteTopics'][0]): ControllerApi['deleteTopics'][1] {
    return this.commit(this.topics.deleteTopics(request))
  }

  createPartitions(request: ControllerApi['createPartitions'][0]): ControllerApi['createPartitions'][1] {
    return this.commit(this.topics.createPartitions(request))
  }

  incrementalAlterConfigs(request: ControllerApi['incrementalAlterConfigs'][0]): ControllerApi['incrementalAlterConfigs'][1] {
    const response = this.commit(this.configs.incrementalAlterConfigs(request))
    // unclean.leader.election.enable may now allow offline partitions a leader.
    if (!request.validateOnly) {
      this.commit({ records: this.replication.electOfflinePartitions(), response: undefined, cause: { text: 'unclean.leader.election.enable may have changed' } })
    }
    return response
  }

  electLeaders(request: ControllerApi['electLeaders'][0]): ControllerApi['electLeaders'][1] {
    return this.commit(this.replication.electLeaders(request))
  }

  alterPartitionReassignments(request: ControllerApi['alterPartitionReassignments'][0]): ControllerApi['alterPartitionReassignments'][1] {
    return this.commit(this.reassignments.alterPartitionReassignments(request))
  }

  listPartitionReassignments(request: ControllerApi['listPartitionReassignments'][0]): ControllerApi['listPartitionReassignments'][1] {
    return this.reassignments.listPartitionReassignments(request)
  }

  /**
   * The metadata log's quorum as Kafka's DescribeQuorum tells it: this controller is its only
   * voter and leader, and has never held an election (epoch 1); every record is committed as
   * it is written, so the high watermark is the log end. The brokers are the observers, each
   * at the offset its last heartbeat reported, caught up when that was the log end.
   */
  describeQuorum(): ControllerApi['describeQuorum'][1] {
    const now = this.now()
    const highWatermark = this.log.nextOffset
    const observers = [...this.log.image.brokers.keys()].sort((a, b) => a - b).map((brokerId) => {
      const contact = this.heartbeats.lastContact(brokerId)
      const heard = contact !== undefined && contact.metadataOffset >= 0
      const logEndOffset = heard ? contact.metadataOffset + 1 : -1
      const lastFetchTimestamp = heard ? contact.lastContactMs : -1
      return { replicaId: brokerId, logEndOffset, lastFetchTimestamp, lastCaughtUpTimestamp: heard && logEndOffset >= highWatermark ? lastFetchTimestamp : -1 }
    })
    const leader = { replicaId: this.controllerId, logEndOffset: highWatermark, lastFetchTimestamp: now, lastCaughtUpTimestamp: now }
    return { leaderId: this.controllerId, leaderEpoch: 1, highWatermark, voters: [leader], observers }
  }

  unregisterBroker(request: ControllerApi['unregisterBroker'][0]): ControllerApi['unregisterBroker'][1] {
    return this.commit(this.cluster.unregisterBroker(request.brokerId))
  }

  alterClientQuotas(request: ControllerApi['alterClientQuotas'][0]): ControllerApi['alterClientQuotas'][1] {
    return this.commit(this.clientQuotas.alterClientQuotas(request))
  }

  alterUserScramCredentials(request: ControllerApi['alterUserScramCredentials'][0]): ControllerApi['alterUserScramCredentials'][1] {
    return this.commit(this.scram.alterUserScramCredentials(request))
  }

  updateFeatures(request: ControllerApi['updateFeatures'][0]): ControllerApi['updateFeatures'][1] {
    return this.commit(this.features.updateFeatures(request))
  }

  snapshot(): ControllerSnapshot {
    return { controllerId: this.controllerId, image: this.log.image.toData() }
  }

  /** What a broker that applied records up to `afterOffset` needs to catch up (a snapshot if it is too far behind). */
  readFrom(afterOffset: number): MetadataCatchUp {
    return this.log.readFrom(afterOffset)
  }

  /** Fences brokers whose session expired, one batch each as Kafka does, and rebalances leaders when due. */
  tick(nowMs: number = this.now()): void {
    this.fenceExpiredSessions(nowMs)
    if (nowMs >= this.nextRebalanceMs) {
      this.nextRebalanceMs = nowMs + this.rebalanceIntervalMs
      if (this.configs.brokerValue('auto.leader.rebalance.enable') === true) {
        const text = 'auto leader rebalance (auto.leader.rebalance.enable)'
        this.commit({ records: this.replication.preferredElections(), response: undefined, cause: { election: 'preferred', text } }, nowMs)
      }
    }
  }

  private fenceExpiredSessions(nowMs: number): void {
    for (const id of this.heartbeats.takeExpired(nowMs)) {
      if (!this.log.image.brokers.has(id)) continue
      const text = `broker ${id} sent no heartbeat for ${this.sessionTimeoutMs} ms (broker.session.timeout.ms)`
      this.commit(this.cluster.fence(id, 'session-timeout', text, undefined), nowMs)
    }
  }

  /** Snapshots the image and closes the metadata log. */
  close(): void {
    this.log.close(this.now())
  }
}
