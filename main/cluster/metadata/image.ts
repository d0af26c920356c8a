// The metadata image: the state the metadata log's records add up to (Kafka's MetadataImage).
// The controller keeps one as it writes records; each broker keeps one as it receives them,
// applying the very same function, and acts on the changes it reports.
import type { ConfigLayers } from '../config'
import {
  ConfigResourceType,
  type BrokerEndpoint,
  type ClientQuotaEntityPart,
  type PartitionRecord,
  type MetadataLogEntry,
  type MetadataRecord,
  type UserScramCredentialRecord,
} from './records'

export interface BrokerRegistration {
  id: number
  /** Bumped at every registration: requests carrying an older epoch are stale. */
  epoch: number
  incarnationId: string
  endPoints: BrokerEndpoint[]
  rack: string | null
  fenced: boolean
  inControlledShutdown: boolean
}

/**
 * A partition as the image holds it: its PartitionRecord without the record's own keys.
 * During a reassignment `replicas` is the target set (the new replicas first, then those
 * being removed) and `addingReplicas` / `removingReplicas` are present and not empty.
 */
export type PartitionRegistration = Omit<PartitionRecord, 'type' | 'partitionId' | 'topicId'>

export interface TopicImage {
  name: string
  topicId: string
  /** Indexed by partition id. */
  partitions: PartitionRegistration[]
}

export interface ConfigImage {
  topics: Record<string, Record<string, string>>
  /** By broker id as a string. */
  brokers: Record<string, Record<string, string>>
  clusterDefaults: Record<string, string>
}

/** An entity's client quotas (Kafka's ClientQuotaImage), by quota key. */
export interface ClientQuotaImage {
  entity: ClientQuotaEntityPart[]
  values: Record<string, number>
}

/** A user's SCRAM credential for one mechanism; the keys are secrets and never leave the cluster. */
export type ScramCredential = Omit<UserScramCredentialRecord, 'type'>

/** The key of a client quota entity: its parts, ordered by type. */
export function quotaEntityKey(entity: ClientQuotaEntityPart[]): string {
  return JSON.stringify([...entity].sort((a, b) => a.entityType.localeCompare(b.entityType)).map((p) => [p.entityType, p.entityName]))
}

const scramKey = (name: string, mechanism: number) => `${mechanism}:${name}`

/** Plain data of an image: what a snapshot stores. */
export interface MetadataImageData {
  offset: number
  brokers: BrokerRegistration[]
  topics: TopicImage[]
  configs: ConfigImage
  nextProducerId: number
  /** Absent in snapshots written before client quotas and SCRAM credentials were kept. */
  clientQuotas?: ClientQuotaImage[]
  scramCredentials?: ScramCredential[]
  /** Absent in snapshots written before features were finalized in the log. */
  finalizedFeatures?: Record<string, number>
}

export type MetadataChange =
  | { kind: 'broker'; brokerId: number; previous: BrokerRegistration | null; current: BrokerRegistration | null }
  | { kind: 'topic-created'; topic: string; topicId: string }
  | { kind: 'topic-removed'; topic: string; topicId: string; partitionCount: number }
  | {
      kind: 'partition'
      topic: string
      topicId: string
      partition: number
      previous: PartitionRegistration | null
      current: PartitionRegistration
    }
  | { kind: 'config'; resourceType: ConfigResourceType; resourceName: string; name: string; value: string | null }
  | { kind: 'producer-ids'; nextProducerId: number }
  | { kind: 'client-quota'; entity: ClientQuotaEntityPart[]; key: string; value: number | null }
  | { kind: 'scram-credential'; name: string; mechanism: number; removed: boolean }
  | { kind: 'feature-level'; name: string; featureLevel: number }

function setConfig(map: Record<string, string>, name: string, value: string | null): void {
  if (value === null) delete map[name]
  else map[name] = value
}

/** Keeps a reassignment's adding and removing replicas only while one is in progress. */
function setReassignment(partition: PartitionRegistration, adding: number[] | undefined, removing: number[] | undefined): void {
  if (adding?.length) partition.addingReplicas = [...adding]
  if (removing?.length) partition.removingReplicas = [...removing]
}

/** Whether a partition is being reassigned (Kafka's isReassignmentInProgress). */
export function isReassigning(partition: PartitionRegistration): boolean {
  return (partition.addingReplicas?.length ?? 0) > 0 || (partition.removingReplicas?.length ?? 0) > 0
}

export class MetadataImage {
  /** Offset of the last record applied; -1 for an empty image. */
  offset = -1
  readonly brokers = new Map<number, BrokerRegistration>()
  readonly topicsByName = new Map<string, TopicImage>()
  readonly topicsById = new Map<string, TopicImage>()
  readonly configs: ConfigImage = { topics: {}, brokers: {}, clusterDefaults: {} }
  nextProducerId = 0
  /** By quotaEntityKey; an entity without quotas is gone. */
  readonly clientQuotas = new Map<string, ClientQuotaImage>()
  /** By mechanism and user name. */
  readonly scramCredentials = new Map<string, ScramCredential>()
  /**
   * Every feature the log has finalized, by name, level 0 included: an empty map is a log
   * that never finalized any (one written before features were kept), which the controller
   * then bootstraps. finalizedLevel and ApiVersions treat 0 as Kafka does, as not finalized.
   */
  readonly finalizedFeatures = new Map<string, number>()

  static fromData(data: MetadataImageData): MetadataImage {
    const image = new MetadataImage()
    image.offset = data.offset
    for (const b of data.brokers) image.brokers.set(b.id, structuredClone(b))
    for (const t of data.topics) {
      const topic = structuredClone(t)
      image.topicsByName.set(topic.name, topic)
      image.topicsById.set(topic.topicId, topic)
    }
    Object.assign(image.configs, structuredClone(data.configs))
    image.nextProducerId = data.nextProducerId
    for (const q of data.clientQuotas ?? []) image.clientQuotas.set(quotaEntityKey(q.entity), structuredClone(q))
    for (const c of data.scramCredentials ?? []) image.scramCredentials.set(scramKey(c.name, c.mechanism), { ...c })
    for (const [name, level] of Object.entries(data.finalizedFeatures ?? {})) image.finalizedFeatures.set(name, level)
    return image
  }

  toData(): MetadataImageData {
    return structuredClone({
      offset: this.offset,
      brokers: [...this.brokers.values()],
      topics: [...this.topicsByName.values()],
      configs: this.configs,
      nextProducerId: this.nextProducerId,
      clientQuotas: [...this.clientQuotas.values()],
      scramCredentials: [...this.scramCredentials.values()],
      finalizedFeatures: Object.fromEntries(this.finalizedFeatures),
    })
  }

  /** The config layers a broker resolves with: its static properties plus the dynamic ones. */
  brokerConfigLayers(brokerId: number, staticConfigs: Record<string, string>): ConfigLayers {
    return {
      static: staticConfigs,
      clusterDefaults: { ...this.configs.clusterDefaults },
      perBroker: { ...(this.configs.brokers[String(brokerId)] ?? {}) },
    }
  }

  topicConfigs(topic: string): Record<string, string> {
    return { ...(this.configs.topics[topic] ?? {}) }
  }

  scramCredential(name: string, mechanism: number): ScramCredential | undefined {
    return this.scramCredentials.get(scramKey(name, mechanism))
  }

  /** A feature's finalized level; 0 when it is not finalized (Kafka's default). */
  finalizedLevel(name: string): number {
    return this.finalizedFeatures.get(name) ?? 0
  }

  /** Brokers that are registered and not fenced, by id. */
  liveBrokerIds(): number[] {
    return [...this.brokers.values()].filter((b) => !b.fenced).map((b) => b.id).sort((a, b) => a - b)
  }

  partition(topic: string, partition: number): PartitionRegistration | undefined {
    return this.topicsByName.get(topic)?.partitions[partition]
  }

  private topicById(topicId: string): TopicImage {
    const topic = this.topicsById.get(topicId)
    if (!topic) throw new Error(`Metadata record names unknown topic id ${topicId}`)
    return topic
  }

  private changeBroker(id: number, change: (b: BrokerRegistration) => void): MetadataChange {
    const previous = this.brokers.get(id) ?? null
    if (!previous) throw new Error(`Metadata record names unknown broker ${id}`)
    const current = { ...previous }
    change(current)
    this.brokers.set(id, current)
    return { kind: 'broker', brokerId: id, previous, current }
  }

  /** Applies one record and reports what it changed. Records must come in offset order. */
  apply(entry: MetadataLogEntry): MetadataChange {
    if (entry.offset <= this.offset) throw new Error(`Metadata record at offset ${entry.offset} is not after ${this.offset}`)
    const change = this.applyRecord(entry.record)
    this.offset = entry.offset
    return change
  }

  private applyRecord(record: MetadataRecord): MetadataChange {
    switch (record.type) {
      case 'RegisterBrokerRecord': {
        const previous = this.brokers.get(record.brokerId) ?? null
        const current: BrokerRegistration = {
          id: record.brokerId,
          epoch: record.brokerEpoch,
          incarnationId: record.incarnationId,
          endPoints: record.endPoints,
          rack: record.rack,
          fenced: record.fenced,
          inControlledShutdown: record.inControlledShutdown,
        }
        this.brokers.set(record.brokerId, current)
        return { kind: 'broker', brokerId: record.brokerId, previous, current }
      }
      case 'UnregisterBrokerRecord': {
        const previous = this.brokers.get(record.brokerId) ?? null
        this.brokers.delete(record.brokerId)
        return { kind: 'broker', brokerId: record.brokerId, previous, current: null }
      }
      case 'FenceBrokerRecord':
        return this.changeBroker(record.id, (b) => (b.fenced = true))
      case 'UnfenceBrokerRecord':
        return this.changeBroker(record.id, (b) => (b.fenced = false))
      case 'BrokerRegistrationChangeRecord':
        return this.changeBroker(record.brokerId, (b) => {
          if (record.fenced !== undefined) b.fenced = record.fenced
          if (record.inControlledShutdown !== undefined) b.inControlledShutdown = record.inControlledShutdown
        })
      case 'TopicRecord': {
        const topic: TopicImage = { name: record.name, topicId: record.topicId, partitions: [] }
        this.topicsByName.set(topic.name, topic)
        this.topicsById.set(topic.topicId, topic)
        return { kind: 'topic-created', topic: topic.name, topicId: topic.topicId }
      }
      case 'PartitionRecord': {
        const topic = this.topicById(record.topicId)
        const previous = topic.partitions[record.partitionId] ?? null
        const current: PartitionRegistration = {
          replicas: [...record.replicas],
          isr: [...record.isr],
          leader: record.leader,
          leaderRecoveryState: record.leaderRecoveryState,
          leaderEpoch: record.leaderEpoch,
          partitionEpoch: record.partitionEpoch,
        }
        setReassignment(current, record.addingReplicas, record.removingReplicas)
        topic.partitions[record.partitionId] = current
        return { kind: 'partition', topic: topic.name, topicId: topic.topicId, partition: record.partitionId, previous, current }
      }
      case 'PartitionChangeRecord': {
        const topic = this.topicById(record.topicId)
        const previous = topic.partitions[record.partitionId]
        if (!previous) throw new Error(`PartitionChangeRecord names unknown partition ${topic.name}-${record.partitionId}`)
        // As Kafka: a record that names the leader starts a new leader epoch, even for the same
        // leader (a reassignment removing replicas does that to fence them).
        const leaderChanged = record.leader !== undefined
        const current: PartitionRegistration = {
          replicas: record.replicas ? [...record.replicas] : [...previous.replicas],
          isr: record.isr ? [...record.isr] : [...previous.isr],
          leader: record.leader ?? previous.leader,
          leaderRecoveryState: record.leaderRecoveryState ?? previous.leaderRecoveryState,
          leaderEpoch: leaderChanged ? previous.leaderEpoch + 1 : previous.leaderEpoch,
          partitionEpoch: previous.partitionEpoch + 1,
        }
        setReassignment(current, record.addingReplicas ?? previous.addingReplicas, record.removingReplicas ?? previous.removingReplicas)
        topic.partitions[record.partitionId] = current
        return { kind: 'partition', topic: topic.name, topicId: topic.topicId, partition: record.partitionId, previous, current }
      }
      case 'RemoveTopicRecord': {
        const topic = this.topicById(record.topicId)
        this.topicsById.delete(topic.topicId)
        this.topicsByName.delete(topic.name)
        delete this.configs.topics[topic.name]
        return { kind: 'topic-removed', topic: topic.name, topicId: topic.topicId, partitionCount: topic.partitions.length }
      }
      case 'ConfigRecord': {
        const { resourceType, resourceName, name, value } = record
        if (resourceType === ConfigResourceType.TOPIC) setConfig((this.configs.topics[resourceName] ??= {}), name, value)
        else if (resourceName === '') setConfig(this.configs.clusterDefaults, name, value)
        else setConfig((this.configs.brokers[resourceName] ??= {}), name, value)
        return { kind: 'config', resourceType, resourceName, name, value }
      }
      case 'ProducerIdsRecord':
        this.nextProducerId = record.nextProducerId
        return { kind: 'producer-ids', nextProducerId: record.nextProducerId }
      case 'ClientQuotaRecord': {
        const key = quotaEntityKey(record.entity)
        const quotas = this.clientQuotas.get(key) ?? { entity: record.entity.map((p) => ({ ...p })), values: {} }
        if (record.remove) delete quotas.values[record.key]
        else quotas.values[record.key] = record.value
        if (Object.keys(quotas.values).length) this.clientQuotas.set(key, quotas)
        else this.clientQuotas.delete(key)
        return { kind: 'client-quota', entity: record.entity, key: record.key, value: record.remove ? null : record.value }
      }
      case 'UserScramCredentialRecord': {
        const { type: _type, ...credential } = record
        this.scramCredentials.set(scramKey(record.name, record.mechanism), credential)
        return { kind: 'scram-credential', name: record.name, mechanism: record.mechanism, removed: false }
      }
      case 'RemoveUserScramCredentialRecord':
        this.scramCredentials.delete(scramKey(record.name, record.mechanism))
        return { kind: 'scram-credential', name: record.name, mechanism: record.mechanism, removed: true }
      case 'FeatureLevelRecord':
        this.finalizedFeatures.set(record.name, record.featureLevel)
        return { kind: 'feature-level', name: record.name, featureLevel: record.featureLevel }
    }
  }
}
