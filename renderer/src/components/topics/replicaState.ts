// What one broker is for one partition, as the replica matrix colours it.
import type { BrokerSnapshot, PartitionSnapshot } from '../../../../preload/contract'

export type ReplicaState = 'leader' | 'in-sync' | 'lagging' | 'offline' | 'none'

export const REPLICA_STATES: ReadonlyArray<{ state: Exclude<ReplicaState, 'none'>; label: string; hint: string }> = [
  { state: 'leader', label: 'Leader', hint: 'serves reads and writes' },
  { state: 'in-sync', label: 'In-sync follower', hint: 'in the ISR' },
  { state: 'lagging', label: 'Lagging follower', hint: 'replica not in the ISR' },
  { state: 'offline', label: 'Offline', hint: 'broker down or fenced, or no leader' },
]

const isDown = (broker: BrokerSnapshot | undefined) => !broker || broker.status !== 'running' || broker.fenced

export function replicaState(partition: PartitionSnapshot, brokerId: number, broker: BrokerSnapshot | undefined): ReplicaState {
  if (!partition.replicas.includes(brokerId)) return 'none'
  if (partition.leader === -1 || partition.offlineReplicas.includes(brokerId) || isDown(broker)) return 'offline'
  if (partition.leader === brokerId) return 'leader'
  return partition.isr.includes(brokerId) ? 'in-sync' : 'lagging'
}
