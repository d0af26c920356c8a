// Topics (the topic half of Kafka's ReplicationControlManager): CreateTopics, CreatePartitions
// and DeleteTopics, validated as Kafka does and answered per topic. A topic's records
// (TopicRecord, PartitionRecords, ConfigRecords) go into one batch with the other topics of
// the request that succeeded.
import { randomUUID } from 'node:crypto'
import { validateTopicConfigs } from '../config'
import { KafkaError } from '../errors'
import type { MetadataImage } from '../metadata/image'
import { ConfigResourceType, LeaderRecoveryState, type MetadataRecord, type PartitionRecord } from '../metadata/records'
import { unifyCollisionChars, validateTopicName } from '../metadata/topicName'
import type {
  CreatableTopic,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
} from './api'
import type { ConfigurationControlManager } from './configurationControl'
import { StripedReplicaPlacer, type UsableBroker } from './placement'
import { isUsable } from './replicationControl'
import { errorOf, NO_ERROR, type ControllerResult, type ImageSource } from './result'

/** The group coordinator's topic: its defaults come from offsets.topic.*, as Kafka's auto-creation sends them. */
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets'
/** The transaction coordinator's topic: its defaults come from transaction.state.log.*. */
export const TRANSACTION_STATE_TOPIC = '__transaction_state'

const invalidAssignment = (message: string) => new KafkaError('INVALID_REPLICA_ASSIGNMENT', message)

/** Names given more than once in one request: Kafka acts on none of them. */
function duplicatesOf(names: readonly string[]): Set<string> {
  return new Set(names.filter((n, i) => names.indexOf(n) !== i))
}

function refuseDuplicate(name: string, duplicates: Set<string>): void {
  if (duplicates.has(name)) throw new KafkaError('INVALID_REQUEST', `Duplicate topic name ${name} in the request`)
}

/** Kafka's validateManualPartitionAssignment: distinct registered brokers, as many as the other partitions have. */
export function checkManualAssignment(image: MetadataImage, partitionId: number, replicas: readonly number[], replicationFactor?: number): void {
  if (replicas.length === 0) throw invalidAssignment('The manual partition assignment includes an empty replica list.')
  const repeated = replicas.find((id, i) => replicas.indexOf(id) !== i)
  if (repeated !== undefined) throw invalidAssignment(`The manual partition assignment includes the broker ${repeated} more than once.`)
  const unknown = replicas.find((id) => !image.brokers.has(id))
  if (unknown !== undefined) throw invalidAssignment(`The manual partition assignment includes broker ${unknown}, but no such broker is registered.`)
  if (replicationFactor !== undefined && replicas.length !== replicationFactor) {
    throw invalidAssignment(
      `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is inconsistent with previous partitions, which have ${replicationFactor} replica(s).`,
    )
  }
  if (!replicas.some((id) => isUsable(image.brokers.get(id)))) {
    throw invalidAssignment(`All brokers specified in the manual partition assignment for partition ${partitionId} are fenced or in controlled shutdown.`)
  }
}

export class TopicControlManager {
  constructor(
    private readonly metadata: ImageSource,
    private readonly configs: ConfigurationControlManager,
    private readonly placer: StripedReplicaPlacer,
  ) {}

  /** Brokers new replicas may go to: registered and not shutting down; fenced ones only as followers. */
  private usableBrokers(): UsableBroker[] {
    return [...this.metadata.image.brokers.values()]
      .filter((b) => !b.inControlledShutdown)
      .map((b) => ({ id: b.id, rack: b.rack, fenced: b.fenced }))
  }

  /** New partitions: the ISR is every usable replica, the leader the first of them. */
  private partitionRecords(topicId: string, firstId: number, assignments: readonly number[][]): PartitionRecord[] {
    return assignments.map((replicas, i) => {
      const isr = replicas.filter((id) => isUsable(this.metadata.image.brokers.get(id)))
      return {
        type: 'PartitionRecord',
        partitionId: firstId + i,
        topicId,
        replicas: [...replicas],
        isr,
        leader: isr[0],
        leaderRecoveryState: LeaderRecoveryState.RECOVERED,
        leaderEpoch: 0,
        partitionEpoch: 0,
      }
    })
  }

  private place(numPartitions: number, replicationFactor: number): number[][] {
    try {
      return this.placer.place(numPartitions, replicationFactor, this.usableBrokers())
    } catch (error) {
      if (error instanceof KafkaError) {
        throw new KafkaError(error.errorName, `Unable to replicate the partition ${replicationFactor} time(s): ${error.message}`)
      }
      throw error
    }
  }

  private defaults(name: string): { numPartitions: number; replicationFactor: number; configs: Record<string, string> } {
    if (name === TRANSACTION_STATE_TOPIC) return this.transactionStateDefaults()
    const internal = name === CONSUMER_OFFSETS_TOPIC
    const replicationFactor = this.configs.brokerValue(internal ? 'offsets.topic.replication.factor' : 'default.replication.factor') as number
    return {
      numPartitions: this.configs.brokerValue(internal ? 'offsets.topic.num.partitions' : 'num.partitions') as number,
      // A sandbox of fewer brokers than offsets.topic.replication.factor still gets its groups.
      replicationFactor: internal ? Math.max(1, Math.min(replicationFactor, this.usableBrokers().length)) : replicationFactor,
      // As Kafka's GroupCoordinatorService.groupMetadataTopicConfigs.
      configs: internal
        ? { 'cleanup.policy': 'compact', 'compression.type': 'producer', 'segment.bytes': String(this.configs.brokerValue('offsets.topic.segment.bytes')) }
        : {},
    }
  }

  /**
   * The transaction coordinator's topic, from transaction.state.log.* and with Kafka's
   * TransactionStateManager.transactionTopicConfigs. DEVIATION: a sandbox of fewer brokers than
   * the replication factor still gets it (as __consumer_offsets), and its min.insync.replicas
   * is capped at the replication factor it got, so a one-broker cluster can run transactions.
   */
  private transactionStateDefaults(): { numPartitions: number; replicationFactor: number; configs: Record<string, string> } {
    const wanted = this.configs.brokerValue('transaction.state.log.replication.factor') as number
    const replicationFactor = Math.max(1, Math.min(wanted, this.usableBrokers().length))
    const minIsr = Math.min(this.configs.brokerValue('transaction.state.log.min.isr') as number, replicationFactor)
    return {
      numPartitions: this.configs.brokerValue('transaction.state.log.num.partitions') as number,
      replicationFactor,
      configs: {
        'cleanup.policy': 'compact',
        'compression.type': 'uncompressed',
        'min.insync.replicas': String(minIsr),
        'segment.bytes': String(this.configs.brokerValue('transaction.state.log.segment.bytes')),
        'unclean.leader.election.enable': 'false',
      },
    }
  }

  createTopics(request: CreateTopicsRequest): ControllerResult<CreateTopicsResponse> {
    const records: MetadataRecord[] = []
    const duplicates = duplicatesOf(request.topics.map((t) => t.name))
    const created = new Map<string, string>()
    const topics = request.topics
      .filter((topic) => !duplicates.has(topic.name))
      .map((topic) => {
        try {
          const { topicRecords, topicId, numPartitions, replicationFactor } = this.createTopic(topic, created)
          if (!request.validateOnly) records.push(...topicRecords)
          created.set(unifyCollisionChars(topic.name), topic.name)
          // validateOnly answers the id the topic would have had, as Kafka 4 does.
          return { name: topic.name, topicId, numPartitions, replicationFactor, ...NO_ERROR }
        } catch (error) {
          return { name: topic.name, topicId: '', numPartitions: -1, replicationFactor: -1, ...errorOf(error) }
        }
      })
    // As Kafka's ControllerApis: one result per duplicated name, after the others.
    const refused = [...duplicates].map((name) => ({ name, topicId: '', numPartitions: -1, replicationFactor: -1, ...errorOf(new KafkaError('INVALID_REQUEST', 'Duplicate topic name.')) }))
    return { records, response: { topics: [...topics, ...refused] }, cause: { text: 'CreateTopics' } }
  }

  private createTopic(topic: CreatableTopic, createdInRequest: Map<string, string>) {
    const { name } = topic
    const image = this.metadata.image
    validateTopicName(name)
    if (image.topicsByName.has(name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`)
    const unified = unifyCollisionChars(name)
    const collision = createdInRequest.get(unified) ?? [...image.topicsByName.keys()].find((t) => unifyCollisionChars(t) === unified)
    if (collision) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${collision}`)
    const defaults = this.defaults(name)
    const nullConfig = Object.keys(topic.configs).find((key) => topic.configs[key] === null)
    if (nullConfig !== undefined) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${nullConfig}`)
    const configs = { ...defaults.configs, ...(topic.configs as Record<string, string>) }
    validateTopicConfigs(configs)
    const assignments = topic.assignments?.length ? this.manualAssignments(topic) : this.placeTopic(topic, defaults)
    const topicId = randomUUID()
    const topicRecords: MetadataRecord[] = [
      { type: 'TopicRecord', name, topicId },
      ...this.partitionRecords(topicId, 0, assignments),
      ...Object.entries(configs).map(([configName, value]): MetadataRecord => ({
        type: 'ConfigRecord',
        resourceType: ConfigResourceType.TOPIC,
        resourceName: name,
        name: configName,
        value,
      })),
    ]
    return { topicRecords, topicId, numPartitions: assignments.length, replicationFactor: assignments[0].length }
  }

  private placeTopic(topic: CreatableTopic, defaults: { numPartitions: number; replicationFactor: number }): number[][] {
    const numPartitions = topic.numPartitions === -1 ? defaults.numPartitions : topic.numPartitions
    const replicationFactor = topic.replicationFactor === -1 ? defaults.replicationFactor : topic.replicationFactor
    if (!Number.isInteger(numPartitions) || numPartitions <= 0) {
      throw new KafkaError('INVALID_PARTITIONS', `Number of partitions was set to an invalid non-positive value: ${numPartitions}.`)
    }
    if (!Number.isInteger(replicationFactor) || replicationFactor <= 0) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.')
    }
    return this.place(numPartitions, replicationFactor)
  }

  private manualAssignments(topic: CreatableTopic): number[][] {
    if (topic.numPartitions !== -1) throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but numPartitions was not set to -1.')
    if (topic.replicationFactor !== -1) throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but replicationFactor was not set to -1.')
    const sorted = [...topic.assignments!].sort((a, b) => a.partitionIndex - b.partitionIndex)
    if (sorted.some((a, i) => a.partitionIndex !== i)) throw invalidAssignment('Partitions should be a consecutive 0-based integer sequence.')
    const replicationFactor = sorted[0].brokerIds.length
    for (const a of sorted) checkManualAssignment(this.metadata.image, a.partitionIndex, a.brokerIds, replicationFactor)
    return sorted.map((a) => [...a.brokerIds])
  }

  createPartitions(request: CreatePartitionsRequest): ControllerResult<CreatePartitionsResponse> {
    const records: MetadataRecord[] = []
    const duplicates = duplicatesOf(request.topics.map((t) => t.name))
    const results = request.topics.map((topic) => {
      try {
        refuseDuplicate(topic.name, duplicates)
        const partitionRecords = this.createPartitionsOf(topic)
        if (!request.validateOnly) records.push(...partitionRecords)
        return { name: topic.name, ...NO_ERROR }
      } catch (error) {
        return { name: topic.name, ...errorOf(error) }
      }
    })
    return { records, response: { results }, cause: { text: 'CreatePartitions' } }
  }

  private createPartitionsOf({ name, count, assignments }: CreatePartitionsRequest['topics'][number]): PartitionRecord[] {
    const topic = this.metadata.image.topicsByName.get(name)
    if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist`)
    const current = topic.partitions.length
    if (count < current) throw new KafkaError('INVALID_PARTITIONS', `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`)
    if (count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`)
    const added = count - current
    const replicationFactor = topic.partitions[0].replicas.length
    if (assignments && assignments.length !== added) {
      throw invalidAssignment(`Attempted to add ${added} additional partition(s), but only ${assignments.length} assignment(s) were specified.`)
    }
    assignments?.forEach((a, i) => checkManualAssignment(this.metadata.image, current + i, a.brokerIds, replicationFactor))
    const placed = assignments ? assignments.map((a) => [...a.brokerIds]) : this.place(added, replicationFactor)
    return this.partitionRecords(topic.topicId, current, placed)
  }

  deleteTopics(request: DeleteTopicsRequest): ControllerResult<DeleteTopicsResponse> {
    const records: MetadataRecord[] = []
    const duplicates = duplicatesOf(request.names)
    const enabled = this.configs.brokerValue('delete.topic.enable') === true
    const responses = request.names.map((name) => {
      try {
        if (!enabled) throw new KafkaError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled: delete.topic.enable is false on this cluster.')
        refuseDuplicate(name, duplicates)
        const topic = this.metadata.image.topicsByName.get(name)
        if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist`)
        records.push({ type: 'RemoveTopicRecord', topicId: topic.topicId })
        return { name, topicId: topic.topicId, ...NO_ERROR }
      } catch (error) {
        return { name, topicId: '', ...errorOf(error) }
      }
    })
    return { records, response: { responses }, cause: { text: 'DeleteTopics' } }
  }
}
