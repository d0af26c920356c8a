// One partition's next leader, ISR and replicas (Kafka's PartitionChangeBuilder, without
// ELR). A reassignment (KIP-455) completes here, in whatever change first finds every target
// replica in the ISR: the replicas being removed leave the replica set and the ISR, and the
// adding and removing sets are emptied. Leader election then runs on the new set, in order:
//   1. a preferred election elects the first replica if it is in the ISR and acceptable;
//   2. the current leader stays if it is still in the ISR and acceptable;
//   3. else the first acceptable ISR member, in replica order (a clean election);
//   4. else, if unclean election is allowed, the first acceptable replica outside the ISR,
//      which becomes the whole ISR and leads in RECOVERING state (it may lack records);
//   5. else no leader: the partition is offline.
import type { PartitionRegistration } from '../metadata/image'
import { LeaderRecoveryState, NO_LEADER, type PartitionChangeRecord } from '../metadata/records'

/** Whether a broker may lead: registered, unfenced and not shutting down, as this batch leaves it. */
export type LeaderAcceptor = (brokerId: number) => boolean

export interface PartitionChangeOptions {
  acceptable: LeaderAcceptor
  /** The ISR to move to; the current one when absent. */
  targetIsr?: number[]
  targetLeaderRecoveryState?: LeaderRecoveryState
  preferred?: boolean
  /** unclean.leader.election.enable for the topic, or an unclean ElectLeaders request. */
  unclean?: boolean
  /** A reassignment starting, changing or reverting: the replicas (target first), adding and removing. */
  targetReplicas?: number[]
  targetAddingReplicas?: number[]
  targetRemovingReplicas?: number[]
}

const sameMembers = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i])

interface Election {
  leader: number
  isr: number[]
  recovering: boolean
}

function elect(partition: PartitionRegistration, replicas: number[], isr: number[], options: PartitionChangeOptions): Election {
  const { acceptable } = options
  const eligible = (id: number) => isr.includes(id) && acceptable(id)
  const preferred = replicas[0]
  if (options.preferred && eligible(preferred)) return { leader: preferred, isr, recovering: false }
  if (partition.leader !== NO_LEADER && eligible(partition.leader)) return { leader: partition.leader, isr, recovering: false }
  const clean = replicas.find(eligible)
  if (clean !== undefined) return { leader: clean, isr, recovering: false }
  const unclean = options.unclean ? replicas.find(acceptable) : undefined
  if (unclean !== undefined) return { leader: unclean, isr: [unclean], recovering: true }
  return { leader: NO_LEADER, isr, recovering: false }
}

/** The PartitionChangeRecord that moves `partition` as the options say, or null when nothing changes. */
export function buildPartitionChange(
  topicId: string,
  partitionId: number,
  partition: PartitionRegistration,
  options: PartitionChangeOptions,
): PartitionChangeRecord | null {
  let replicas = options.targetReplicas ?? partition.replicas
  let adding = options.targetAddingReplicas ?? partition.addingReplicas ?? []
  let removing = options.targetRemovingReplicas ?? partition.removingReplicas ?? []
  let targetIsr = options.targetIsr ?? partition.isr
  if (adding.length > 0 || removing.length > 0) {
    // Kafka's completeReassignmentIfNeeded: done once every target replica is in sync.
    const target = replicas.filter((id) => !removing.includes(id))
    if (target.every((id) => targetIsr.includes(id))) {
      replicas = target
      targetIsr = targetIsr.filter((id) => target.includes(id))
      adding = []
      removing = []
    }
  }
  const { leader, isr, recovering } = elect(partition, replicas, targetIsr, options)
  const recoveryState = recovering ? LeaderRecoveryState.RECOVERING : (options.targetLeaderRecoveryState ?? partition.leaderRecoveryState)
  const record: PartitionChangeRecord = { type: 'PartitionChangeRecord', partitionId, topicId }
  // Kafka's triggerLeaderEpochBumpForReplicaReassignmentIfNeeded: removing replicas starts a
  // new leader epoch, so the removed ones are fenced.
  const replicasRemoved = partition.replicas.some((id) => !replicas.includes(id))
  if (leader !== partition.leader || (replicasRemoved && leader !== NO_LEADER)) record.leader = leader
  if (!sameMembers(isr, partition.isr)) record.isr = [...isr]
  if (!sameMembers(replicas, partition.replicas)) record.replicas = [...replicas]
  if (!sameMembers(adding, partition.addingReplicas ?? [])) record.addingReplicas = [...adding]
  if (!sameMembers(removing, partition.removingReplicas ?? [])) record.removingReplicas = [...removing]
  if (recoveryState !== partition.leaderRecoveryState) record.leaderRecoveryState = recoveryState
  return Object.keys(record).length > 3 ? record : null
}

/** The ISR without a broker that leaves, unless it is the last member: KRaft keeps it, so it can lead again. */
export function isrWithout(isr: readonly number[], brokerId: number): number[] {
  return isr.length > 1 ? isr.filter((id) => id !== brokerId) : [...isr]
}
