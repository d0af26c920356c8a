// What one broker is for one partition, as the replica matrix colours it.
import type { BrokerSnapshot, PartitionSnapshot } from '../../../../preload/contract'

export type ReplicaState = 'leader' | 'in-sync' | 'lagging' | 'adding' | 'removing' | 'offline' | 'none'

export const REPLICA_STATES: ReadonlyArray<{ state: Exclude<ReplicaState, 'none'>; label: string; hint: string }> = [
  { state: 'leader', label: 'Leader', hint: 'serves reads and writes' },
  { state: 'in-sync', label: 'In-sync follower', hint: 'in the ISR' },
  { state: 'lagging', label: 'Lagging follower', hint: 'replica not in the ISR' },
  { state: 'adding', label: 'Being added', hint: 'reassignment: a new replica catching up, not yet in the ISR' },
  { state: 'removing', label: 'Being removed', hint: 'reassignment: leaves once the new replicas are in the ISR' },
  { state: 'offline', label: 'Offline', hint: 'broker down or fenced, or no leader' },
]

const isDown = (broker: BrokerSnapshot | undefined) => !broker || broker.status !== 'running' || broker.fenced

export function replicaState(partition: PartitionSnapshot, brokerId: number, broker: BrokerSnapshot | undefined): ReplicaState {
  if (!partition.replicas.includes(brokerId)) return 'none'
  if (partition.leader === -1 || partition.offlineReplicas.includes(brokerId) || isDown(broker)) return 'offline'
  // A reassignment in progress (KIP-455): the replicas it drops, and the new ones until they join the ISR.
  if (partition.removingReplicas.includes(brokerId)) return 'removing'
  if (partition.leader === brokerId) return 'leader'
  if (partition.addingReplicas.includes(brokerId) && !partition.isr.includes(brokerId)) return 'adding'
  return partition.isr.includes(brokerId) ? 'in-sync' : 'lagging'
}
