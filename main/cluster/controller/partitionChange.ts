// One partition's next leader and ISR (Kafka's PartitionChangeBuilder, without ELR and
// reassignment). Leader election, in order:
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
}

const sameMembers = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i])

interface Election {
  leader: number
  isr: number[]
  recovering: boolean
}

function elect(partition: PartitionRegistration, isr: number[], options: PartitionChangeOptions): Election {
  const { acceptable } = options
  const eligible = (id: number) => isr.includes(id) && acceptable(id)
  const preferred = partition.replicas[0]
  if (options.preferred && eligible(preferred)) return { leader: preferred, isr, recovering: false }
  if (partition.leader !== NO_LEADER && eligible(partition.leader)) return { leader: partition.leader, isr, recovering: false }
  const clean = partition.replicas.find(eligible)
  if (clean !== undefined) return { leader: clean, isr, recovering: false }
  const unclean = options.unclean ? partition.replicas.find(acceptable) : undefined
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
  const { leader, isr, recovering } = elect(partition, options.targetIsr ?? partition.isr, options)
  const recoveryState = recovering ? LeaderRecoveryState.RECOVERING : (options.targetLeaderRecoveryState ?? partition.leaderRecoveryState)
  const record: PartitionChangeRecord = { type: 'PartitionChangeRecord', partitionId, topicId }
  if (leader !== partition.leader) record.leader = leader
  if (!sameMembers(isr, partition.isr)) record.isr = [...isr]
  if (recoveryState !== partition.leaderRecoveryState) record.leaderRecoveryState = recoveryState
  return Object.keys(record).length > 3 ? record : null
}

/** The ISR without a broker that leaves, unless it is the last member: KRaft keeps it, so it can lead again. */
export function isrWithout(isr: readonly number[], brokerId: number): number[] {
  return isr.length > 1 ? isr.filter((id) => id !== brokerId) : [...isr]
}
