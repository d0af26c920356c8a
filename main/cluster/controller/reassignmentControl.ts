// Partition reassignment (KIP-455; the reassignment half of Kafka's ReplicationControlManager,
// with its PartitionReassignmentReplicas and PartitionReassignmentRevert). A reassignment
// writes one PartitionChangeRecord: `replicas` becomes the target replicas followed by those
// being removed, with `addingReplicas` and `removingReplicas`. The new replicas fetch from the
// leader and join the ISR through the leader's AlterPartition; the change that finds every
// target replica in sync completes it (partitionChange.ts). Cancelling reverts to the
// replicas from before, minus those being added.
import { ErrorCode, KafkaError } from '../errors'
import { isReassigning, type PartitionRegistration, type TopicImage } from '../metadata/image'
import type { PartitionChangeRecord } from '../metadata/records'
import type {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
  OngoingPartitionReassignment,
} from './api'
import type { ConfigurationControlManager } from './configurationControl'
import { buildPartitionChange, type PartitionChangeOptions } from './partitionChange'
import { leaderAcceptor } from './replicationControl'
import { NO_ERROR, errorOf, type ControllerResult, type ImageSource } from './result'
import { checkManualAssignment } from './topicControl'

/** Kafka's PartitionReassignmentReplicas: the target first, then the current replicas leaving. */
export function reassignmentReplicas(current: readonly number[], target: readonly number[]) {
  return {
    replicas: [...target, ...current.filter((id) => !target.includes(id))],
    addingReplicas: target.filter((id) => !current.includes(id)),
    removingReplicas: current.filter((id) => !target.includes(id)),
  }
}

/** Kafka's PartitionReassignmentRevert: the replicas and ISR without those being added. */
export function reassignmentRevert(partition: PartitionRegistration) {
  const adding = partition.addingReplicas ?? []
  const replicas = partition.replicas.filter((id) => !adding.includes(id))
  const isr = partition.isr.filter((id) => !adding.includes(id))
  return { replicas, isr, unclean: isr.length === 0 }
}

/**
 * Kafka's validatePartitionReplicationFactorUnchanged: the replica count is the ongoing
 * reassignment's target when there is one (replicas and adding, without removing).
 */
function checkReplicationFactorUnchanged(partition: PartitionRegistration, target: number[]): void {
  const removing = partition.removingReplicas ?? []
  const current = isReassigning(partition)
    ? new Set([...partition.replicas, ...(partition.addingReplicas ?? [])].filter((id) => !removing.includes(id))).size
    : partition.replicas.length
  if (current !== target.length) throw new KafkaError('INVALID_REPLICATION_FACTOR', `The replication factor is changed from ${current} to ${target.length}`)
}

function ongoing(partitionIndex: number, p: PartitionRegistration): OngoingPartitionReassignment {
  return { partitionIndex, replicas: [...p.replicas], addingReplicas: [...(p.addingReplicas ?? [])], removingReplicas: [...(p.removingReplicas ?? [])] }
}

export class ReassignmentControlManager {
  constructor(
    private readonly metadata: ImageSource,
    private readonly configs: ConfigurationControlManager,
  ) {}

  /** Starts, changes or (with `replicas` null) cancels reassignments, answering per partition. */
  alterPartitionReassignments(request: AlterPartitionReassignmentsRequest): ControllerResult<AlterPartitionReassignmentsResponse> {
    const records: PartitionChangeRecord[] = []
    const responses = request.topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ partitionIndex, replicas }) => {
        try {
          const record = this.alterPartitionReassignment(name, partitionIndex, replicas, request.allowReplicationFactorChange ?? true)
          if (record) records.push(record)
          return { partitionIndex, ...NO_ERROR }
        } catch (error) {
          const answer = errorOf(error)
          // Kafka answers this one with its error code alone (a null message).
          if (answer.errorCode === ErrorCode.NO_REASSIGNMENT_IN_PROGRESS) answer.errorMessage = null
          return { partitionIndex, ...answer }
        }
      }),
    }))
    return { records, response: { responses }, cause: { election: 'reassignment', text: 'AlterPartitionReassignments' } }
  }

  private alterPartitionReassignment(topicName: string, partitionIndex: number, target: number[] | null, allowReplicationFactorChange: boolean): PartitionChangeRecord | null {
    const image = this.metadata.image
    const topic = image.topicsByName.get(topicName)
    if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Unable to find a topic named ${topicName}.`)
    const partition = topic.partitions[partitionIndex]
    if (!partition) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Unable to find partition ${topicName}:${partitionIndex}.`)
    if (target === null) return this.cancel(topic, partitionIndex, partition)
    checkManualAssignment(image, partitionIndex, target)
    if (!allowReplicationFactorChange) checkReplicationFactorUnchanged(partition, target)
    const next = reassignmentReplicas(partition.replicas, target)
    return this.build(topic, partitionIndex, partition, {
      targetReplicas: next.replicas,
      targetAddingReplicas: next.addingReplicas,
      targetRemovingReplicas: next.removingReplicas,
    })
  }

  private cancel(topic: TopicImage, partitionIndex: number, partition: PartitionRegistration): PartitionChangeRecord | null {
    if (!isReassigning(partition)) throw new KafkaError('NO_REASSIGNMENT_IN_PROGRESS', 'No partition reassignment is in progress.')
    const revert = reassignmentRevert(partition)
    const unclean = this.configs.uncleanLeaderElectionEnabled(topic.name)
    if (revert.unclean && !unclean) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Unable to revert partition assignment for ${topic.name}:${partitionIndex} because it would require an unclean leader election.`)
    }
    return this.build(topic, partitionIndex, partition, { targetReplicas: revert.replicas, targetIsr: revert.isr, targetAddingReplicas: [], targetRemovingReplicas: [], unclean })
  }

  private build(topic: TopicImage, partitionIndex: number, partition: PartitionRegistration, options: Omit<PartitionChangeOptions, 'acceptable'>): PartitionChangeRecord | null {
    const unclean = options.unclean ?? this.configs.uncleanLeaderElectionEnabled(topic.name)
    return buildPartitionChange(topic.topicId, partitionIndex, partition, { ...options, acceptable: leaderAcceptor(this.metadata.image), unclean })
  }

  /** The partitions being reassigned, among those asked for (null: all); unknown ones are left out, as in Kafka. */
  listPartitionReassignments(request: ListPartitionReassignmentsRequest): ListPartitionReassignmentsResponse {
    const image = this.metadata.image
    const wanted = request.topics ?? [...image.topicsByName.values()].map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((_, i) => i) }))
    const topics: ListPartitionReassignmentsResponse['topics'] = []
    for (const { name, partitionIndexes } of wanted) {
      const topic = image.topicsByName.get(name)
      if (!topic) continue
      const partitions = partitionIndexes.flatMap((i) => (topic.partitions[i] && isReassigning(topic.partitions[i]) ? [ongoing(i, topic.partitions[i])] : []))
      if (partitions.length > 0) topics.push({ name, partitions })
    }
    return { topics }
  }
}
