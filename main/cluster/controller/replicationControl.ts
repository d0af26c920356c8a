// Leaders and ISRs (the election half of Kafka's ReplicationControlManager): what happens to
// partitions when a broker leaves or comes back, ISR changes proposed by leaders
// (AlterPartition), and preferred or unclean elections on request or by auto rebalance.
import { ErrorCode, KafkaError } from '../errors'
import type { BrokerRegistration, MetadataImage, PartitionRegistration, TopicImage } from '../metadata/image'
import { LeaderRecoveryState, NO_LEADER, type PartitionChangeRecord } from '../metadata/records'
import { ElectionType, type AlterPartitionRequest, type AlterPartitionResponse, type ElectLeadersRequest, type ElectLeadersResponse } from './api'
import type { ConfigurationControlManager } from './configurationControl'
import { buildPartitionChange, isrWithout, type LeaderAcceptor, type PartitionChangeOptions } from './partitionChange'
import { NO_ERROR, partitionError, type ControllerResult, type ImageSource } from './result'

/** Registered, unfenced and not in controlled shutdown: a broker that may lead and join ISRs. */
export const isUsable = (broker: BrokerRegistration | undefined): boolean => broker !== undefined && !broker.fenced && !broker.inControlledShutdown

/** Who may lead once this batch is applied: the image's usable brokers, minus one leaving or plus one joining. */
export function leaderAcceptor(image: MetadataImage, change: { leaving?: number; joining?: number } = {}): LeaderAcceptor {
  return (id) => id === change.joining || (id !== change.leaving && isUsable(image.brokers.get(id)))
}

interface PartitionRef {
  topic: TopicImage
  partitionId: number
  partition: PartitionRegistration
}

function* allPartitions(image: MetadataImage): Generator<PartitionRef> {
  for (const topic of image.topicsByName.values()) {
    for (const [partitionId, partition] of topic.partitions.entries()) yield { topic, partitionId, partition }
  }
}

type AlterPartitionData = AlterPartitionRequest['topics'][number]['partitions'][number]
type AlterPartitionResult = AlterPartitionResponse['topics'][number]['partitions'][number]

const hasDuplicates = (ids: readonly number[]) => new Set(ids).size !== ids.length

export class ReplicationControlManager {
  constructor(
    private readonly metadata: ImageSource,
    private readonly configs: ConfigurationControlManager,
  ) {}

  private change(ref: PartitionRef, options: Omit<PartitionChangeOptions, 'unclean'> & { unclean?: boolean }): PartitionChangeRecord | null {
    const unclean = options.unclean ?? this.configs.uncleanLeaderElectionEnabled(ref.topic.name)
    return buildPartitionChange(ref.topic.topicId, ref.partitionId, ref.partition, { ...options, unclean })
  }

  private changes(filter: (ref: PartitionRef) => boolean, options: (ref: PartitionRef) => Omit<PartitionChangeOptions, 'unclean'>): PartitionChangeRecord[] {
    const records: PartitionChangeRecord[] = []
    for (const ref of allPartitions(this.metadata.image)) {
      const record = filter(ref) ? this.change(ref, options(ref)) : null
      if (record) records.push(record)
    }
    return records
  }

  /** A broker is fenced or shuts down: its leaderships move to other ISR members, and it leaves every ISR it is not the last member of. */
  brokerLeaving(brokerId: number): PartitionChangeRecord[] {
    const acceptable = leaderAcceptor(this.metadata.image, { leaving: brokerId })
    return this.changes(
      ({ partition }) => partition.isr.includes(brokerId) || partition.leader === brokerId,
      ({ partition }) => ({ acceptable, targetIsr: isrWithout(partition.isr, brokerId) }),
    )
  }

  /** Offline partitions get a leader again, cleanly from the ISR or, where the topic allows it, uncleanly. */
  electOfflinePartitions(joining?: number): PartitionChangeRecord[] {
    const acceptable = leaderAcceptor(this.metadata.image, { joining })
    return this.changes(({ partition }) => partition.leader === NO_LEADER, () => ({ acceptable }))
  }

  /** Auto leader rebalance: preferred replicas that are in the ISR and live take their leadership back. */
  preferredElections(): PartitionChangeRecord[] {
    const acceptable = leaderAcceptor(this.metadata.image)
    return this.changes(
      ({ partition }) => partition.leader !== partition.replicas[0] && partition.isr.includes(partition.replicas[0]) && acceptable(partition.replicas[0]),
      () => ({ acceptable, preferred: true }),
    )
  }

  hasLeaderships(brokerId: number): boolean {
    for (const { partition } of allPartitions(this.metadata.image)) if (partition.leader === brokerId) return true
    return false
  }

  /**
   * ISR changes proposed by partition leaders, validated as Kafka's
   * ReplicationControlManager.validateAlterPartitionData does. The broker epoch is checked by
   * the caller. The answer describes the partitions after the records are applied.
   */
  alterPartition(request: AlterPartitionRequest): ControllerResult<() => AlterPartitionResponse> {
    const records: PartitionChangeRecord[] = []
    const failures = new Map<string, AlterPartitionResult>()
    const key = (topicId: string, partitionIndex: number) => `${topicId}:${partitionIndex}`
    for (const { topicId, partitions } of request.topics) {
      const topic = this.metadata.image.topicsById.get(topicId)
      for (const data of partitions) {
        const error = topic
          ? this.alterPartitionError(request.brokerId, topic, data)
          : partitionError('UNKNOWN_TOPIC_ID', `No topic with id ${topicId}`)
        if (error) {
          failures.set(key(topicId, data.partitionIndex), { partitionIndex: data.partitionIndex, ...noPartition, ...error })
          continue
        }
        const ref = { topic: topic!, partitionId: data.partitionIndex, partition: topic!.partitions[data.partitionIndex] }
        const record = this.change(ref, {
          acceptable: leaderAcceptor(this.metadata.image),
          targetIsr: data.newIsr,
          targetLeaderRecoveryState: data.leaderRecoveryState ?? LeaderRecoveryState.RECOVERED,
        })
        if (!record) continue
        records.push(record)
        if (record.leader !== undefined) {
          // The sender could not stay leader (it was fenced meanwhile): it must learn the new leader first.
          const message = `Broker ${request.brokerId} no longer leads ${topic!.name}-${data.partitionIndex}`
          failures.set(key(topicId, data.partitionIndex), { partitionIndex: data.partitionIndex, ...noPartition, ...partitionError('NEW_LEADER_ELECTED', message) })
        }
      }
    }
    const response = (): AlterPartitionResponse => ({
      topics: request.topics.map(({ topicId, partitions }) => ({
        topicId,
        partitions: partitions.map(({ partitionIndex }) => {
          const failure = failures.get(key(topicId, partitionIndex))
          if (failure) return failure
          const p = this.metadata.image.topicsById.get(topicId)!.partitions[partitionIndex]
          const { leader: leaderId, leaderEpoch, isr, partitionEpoch, leaderRecoveryState } = p
          return { partitionIndex, leaderId, leaderEpoch, isr: [...isr], partitionEpoch, leaderRecoveryState, ...NO_ERROR }
        }),
      })),
    })
    // An ISR that now holds every target replica completes a reassignment (partitionChange.ts).
    const reassigned = records.some((r) => r.replicas !== undefined)
    const text = `AlterPartition from leader ${request.brokerId}${reassigned ? '; partition reassignment completed' : ''}`
    return { records, response, cause: { election: reassigned ? 'reassignment' : 'broker-fenced', text } }
  }

  private alterPartitionError(brokerId: number, topic: TopicImage, data: AlterPartitionData) {
    const name = `${topic.name}-${data.partitionIndex}`
    const p = topic.partitions[data.partitionIndex]
    if (!p) return partitionError('UNKNOWN_TOPIC_OR_PARTITION', `No partition ${name}`)
    // Kafka answers NOT_CONTROLLER to epochs from the future (another controller may know them); with one controller they are simply unknown.
    if (data.leaderEpoch > p.leaderEpoch) return partitionError('UNKNOWN_LEADER_EPOCH', `Leader epoch ${data.leaderEpoch} of ${name} is newer than the controller's ${p.leaderEpoch}`)
    if (data.partitionEpoch > p.partitionEpoch) return partitionError('INVALID_UPDATE_VERSION', `Partition epoch ${data.partitionEpoch} of ${name} is newer than the controller's ${p.partitionEpoch}`)
    if (data.leaderEpoch < p.leaderEpoch) return partitionError('FENCED_LEADER_EPOCH', `Leader epoch ${data.leaderEpoch} of ${name} is older than the current ${p.leaderEpoch}`)
    if (brokerId !== p.leader) return partitionError('INVALID_REQUEST', `Broker ${brokerId} is not the leader of ${name} (the leader is ${p.leader})`)
    if (data.partitionEpoch < p.partitionEpoch) return partitionError('INVALID_UPDATE_VERSION', `Partition epoch ${data.partitionEpoch} of ${name} is older than the current ${p.partitionEpoch}`)
    const isr = data.newIsr
    if (isr.length === 0 || hasDuplicates(isr) || !isr.every((id) => p.replicas.includes(id))) {
      return partitionError('INVALID_REQUEST', `ISR [${isr}] of ${name} is not a set of its replicas [${p.replicas}]`)
    }
    if (!isr.includes(p.leader)) return partitionError('INVALID_REQUEST', `ISR [${isr}] of ${name} does not include its leader ${p.leader}`)
    const recovery = data.leaderRecoveryState ?? LeaderRecoveryState.RECOVERED
    if (recovery === LeaderRecoveryState.RECOVERING && isr.length > 1) {
      return partitionError('INVALID_REQUEST', `ISR [${isr}] of ${name} has more than the leader while it recovers from an unclean election`)
    }
    if (recovery === LeaderRecoveryState.RECOVERING && p.leaderRecoveryState === LeaderRecoveryState.RECOVERED) {
      return partitionError('INVALID_REQUEST', `The leader of ${name} cannot go back from RECOVERED to RECOVERING`)
    }
    // Kafka checks every member; the members already in the ISR were vetted when they joined,
    // and a restarting broker briefly fenced must not block its leader's other ISR changes.
    const ineligible = isr.filter((id) => !p.isr.includes(id) && !isUsable(this.metadata.image.brokers.get(id)))
    if (ineligible.length > 0) {
      return partitionError('INELIGIBLE_REPLICA', `Replicas [${ineligible}] cannot join the ISR of ${name}: not registered, fenced or shutting down`)
    }
    return null
  }

  /** ElectLeaders: preferred or unclean, per partition, answered as Kafka does. */
  electLeaders(request: ElectLeadersRequest): ControllerResult<ElectLeadersResponse> {
    if (request.electionType !== ElectionType.PREFERRED && request.electionType !== ElectionType.UNCLEAN) {
      throw new KafkaError('INVALID_REQUEST', `Unknown election type ${request.electionType as number}`)
    }
    const image = this.metadata.image
    const all = request.topicPartitions === null
    const wanted = request.topicPartitions ?? [...image.topicsByName.values()].map((t) => ({ topic: t.name, partitions: t.partitions.map((_, i) => i) }))
    const records = new Map<string, PartitionChangeRecord>()
    const replicaElectionResults = wanted.map(({ topic, partitions }) => ({
      topic,
      partitionResult: partitions
        .map((partitionId) => ({ partitionId, ...this.electLeader(topic, partitionId, request.electionType, records) }))
        // Asked for every partition, Kafka leaves out those that already have the wanted leader.
        .filter((r) => !all || r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED),
    }))
    const election = request.electionType === ElectionType.PREFERRED ? 'preferred' : 'unclean'
    return { records: [...records.values()], response: { replicaElectionResults }, cause: { election, text: `ElectLeaders (${election})` } }
  }

  private electLeader(topicName: string, partitionId: number, type: number, records: Map<string, PartitionChangeRecord>) {
    const topic = this.metadata.image.topicsByName.get(topicName)
    const partition = topic?.partitions[partitionId]
    const name = `${topicName}-${partitionId}`
    // Kafka's words (ReplicationControlManager.electLeader), which kafka-leader-election prints.
    if (!topic) return partitionError('UNKNOWN_TOPIC_OR_PARTITION', `No such topic as ${topicName}`)
    if (!partition) return partitionError('UNKNOWN_TOPIC_OR_PARTITION', `No such partition as ${name}`)
    const preferred = type === ElectionType.PREFERRED
    if (preferred ? partition.leader === partition.replicas[0] : partition.leader !== NO_LEADER) {
      return partitionError('ELECTION_NOT_NEEDED', `${name} already has ${preferred ? 'its preferred' : 'a'} leader (${partition.leader})`)
    }
    const record = this.change({ topic, partitionId, partition }, { acceptable: leaderAcceptor(this.metadata.image), preferred, unclean: !preferred })
    if (!record) {
      return preferred
        ? partitionError('PREFERRED_LEADER_NOT_AVAILABLE', `Preferred replica ${partition.replicas[0]} of ${name} is not a live ISR member`)
        : partitionError('ELIGIBLE_LEADERS_NOT_AVAILABLE', `No replica of ${name} is live`)
    }
    records.set(`${topic.topicId}:${partitionId}`, record)
    return NO_ERROR
  }
}

const noPartition = { leaderId: NO_LEADER, leaderEpoch: -1, isr: [] as number[], partitionEpoch: -1 }
