// Broker registrations (Kafka's ClusterControlManager with the heartbeat state machine of
// BrokerHeartbeatManager.calculateNextBrokerState). A broker registers fenced, is unfenced
// once it has caught up with the metadata log up to its own registration, is fenced again
// when its session expires or it asks, and shuts down in a controlled way: its leaderships
// move first, and it is told to shut down once it leads nothing and the other brokers have
// seen the moves.
import { KafkaError } from '../errors'
import type { BrokerRegistration } from '../metadata/image'
import type { BrokerRegistrationChangeRecord, MetadataRecord } from '../metadata/records'
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse, RegisterBrokerRequest, RegisterBrokerResponse } from './api'
import type { BrokerHeartbeatManager } from './brokerHeartbeatManager'
import { isUsable, type ReplicationControlManager } from './replicationControl'
import type { ChangeCause, ControllerResult, FenceReason, ImageSource } from './result'

export class ClusterControlManager {
  constructor(
    private readonly metadata: ImageSource,
    private readonly replication: ReplicationControlManager,
    readonly heartbeats: BrokerHeartbeatManager,
  ) {}

  registration(brokerId: number): BrokerRegistration {
    const registration = this.metadata.image.brokers.get(brokerId)
    if (!registration) throw new KafkaError('BROKER_ID_NOT_REGISTERED', `Broker ${brokerId} is not registered`)
    return registration
  }

  /** Requests from a broker carry the epoch of its registration; an older one is from a previous incarnation. */
  checkBrokerEpoch(brokerId: number, brokerEpoch: number): BrokerRegistration {
    const registration = this.registration(brokerId)
    if (registration.epoch !== brokerEpoch) {
      throw new KafkaError('STALE_BROKER_EPOCH', `Broker ${brokerId} sent epoch ${brokerEpoch}, but its registration has epoch ${registration.epoch}`)
    }
    return registration
  }

  /** The broker epoch is the offset of its RegisterBrokerRecord, as in Kafka: unique and increasing. */
  registerBroker(request: RegisterBrokerRequest, nextOffset: number, nowMs: number): ControllerResult<RegisterBrokerResponse> {
    const { brokerId, incarnationId } = request
    const existing = this.metadata.image.brokers.get(brokerId)
    const text = `broker ${brokerId} registered (incarnation ${incarnationId})`
    if (existing?.incarnationId === incarnationId) {
      return { records: [], response: { brokerEpoch: existing.epoch }, cause: { text } }
    }
    if (existing && !existing.fenced && this.heartbeats.hasValidSession(brokerId, nowMs)) {
      throw new KafkaError(
        'DUPLICATE_BROKER_REGISTRATION',
        `Another broker is registered with id ${brokerId} (incarnation ${existing.incarnationId}) and its session has not expired`,
      )
    }
    this.heartbeats.start(brokerId, nowMs)
    const record: MetadataRecord = {
      type: 'RegisterBrokerRecord',
      brokerId,
      incarnationId,
      brokerEpoch: nextOffset,
      endPoints: request.endPoints,
      rack: request.rack,
      fenced: true,
      inControlledShutdown: false,
    }
    return { records: [record], response: { brokerEpoch: nextOffset }, cause: { text } }
  }

  /**
   * Kafka's ReplicationControlManager.unregisterBroker: the broker leaves every ISR and
   * leadership, then its registration goes. Kafka allows it for a live broker too (whose
   * next heartbeat is then refused); an operator uses it for one that is gone for good.
   */
  unregisterBroker(brokerId: number): ControllerResult<void> {
    const registration = this.metadata.image.brokers.get(brokerId)
    if (!registration) throw new KafkaError('BROKER_ID_NOT_REGISTERED', `Broker ID ${brokerId} is not currently registered`)
    const records: MetadataRecord[] = [...this.replication.brokerLeaving(brokerId), { type: 'UnregisterBrokerRecord', brokerId, brokerEpoch: registration.epoch }]
    return { records, response: undefined, cause: { election: 'broker-fenced', text: `broker ${brokerId} was unregistered (UnregisterBroker)` } }
  }

  /** Fencing: partitions first (leaders move, ISRs shrink), then the broker itself. */
  fence<T>(brokerId: number, fence: FenceReason, text: string, response: T): ControllerResult<T> {
    const registration = this.registration(brokerId)
    const records: MetadataRecord[] = this.replication.brokerLeaving(brokerId)
    if (!registration.fenced) records.push(this.change(registration, { fenced: true }))
    return { records, response, cause: { election: fence === 'controlled-shutdown' ? 'controlled-shutdown' : 'broker-fenced', fence, text } }
  }

  private change(registration: BrokerRegistration, change: { fenced?: boolean; inControlledShutdown?: boolean }): BrokerRegistrationChangeRecord {
    return { type: 'BrokerRegistrationChangeRecord', brokerId: registration.id, brokerEpoch: registration.epoch, ...change }
  }

  heartbeat(request: BrokerHeartbeatRequest, nextOffset: number, nowMs: number): ControllerResult<BrokerHeartbeatResponse> {
    const { brokerId, currentMetadataOffset, wantFence, wantShutDown } = request
    const registration = this.checkBrokerEpoch(brokerId, request.brokerEpoch)
    this.heartbeats.touch(brokerId, nowMs, currentMetadataOffset)
    const isCaughtUp = currentMetadataOffset >= registration.epoch
    const reply = (isFenced: boolean, shouldShutDown = false): BrokerHeartbeatResponse => ({ isCaughtUp, isFenced, shouldShutDown })
    const nothing = (response: BrokerHeartbeatResponse): ControllerResult<BrokerHeartbeatResponse> => ({
      records: [],
      response,
      cause: { text: `heartbeat from broker ${brokerId}` },
    })
    const shutDownNow = () => this.fence(brokerId, 'controlled-shutdown', `broker ${brokerId} completed its controlled shutdown`, reply(true, true))

    if (registration.fenced) {
      if (wantShutDown) return nothing(reply(true, true))
      if (wantFence || !isCaughtUp) return nothing(reply(true))
      const records = [this.change(registration, { fenced: false }), ...this.replication.electOfflinePartitions(brokerId)]
      const cause: ChangeCause = { election: 'offline-recovered', text: `broker ${brokerId} caught up with the metadata log` }
      return { records, response: reply(false), cause }
    }
    if (registration.inControlledShutdown) return this.readyToShutDown(brokerId) ? shutDownNow() : nothing(reply(false))
    if (wantFence) return this.fence(brokerId, 'requested', `broker ${brokerId} asked to be fenced`, reply(true))
    if (!wantShutDown) return nothing(reply(false))
    if (!this.replication.hasLeaderships(brokerId)) return shutDownNow()
    const records = [this.change(registration, { inControlledShutdown: true }), ...this.replication.brokerLeaving(brokerId)]
    this.heartbeats.beginControlledShutdown(brokerId, nextOffset + records.length - 1)
    return { records, response: reply(false), cause: { election: 'controlled-shutdown', text: `broker ${brokerId} began a controlled shutdown` } }
  }

  /** It leads nothing, and every other active broker has applied the records that moved its leaderships. */
  private readyToShutDown(brokerId: number): boolean {
    if (this.replication.hasLeaderships(brokerId)) return false
    const others = [...this.metadata.image.brokers.values()].filter((b) => b.id !== brokerId && isUsable(b)).map((b) => b.id)
    return this.heartbeats.lowestOffset(others) >= (this.heartbeats.controlledShutdownOffset(brokerId) ?? -1)
  }
}
