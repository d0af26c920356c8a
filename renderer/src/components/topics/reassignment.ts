// The Reassign replicas dialog's arithmetic: parsing a target list ("3,2,1") and proposing
// target lists for a replication factor, spread over the live brokers.
import type { PartitionSnapshot } from '../../../../preload/contract'

/** "3, 2,1" -> [3, 2, 1]; a message in words when it is not a list of broker ids. */
export function parseReplicaList(text: string): number[] | string {
  const parts = text.split(',').map((part) => part.trim())
  if (parts.length === 1 && parts[0] === '') return 'Give at least one broker id.'
  const ids = parts.map(Number)
  const bad = parts.find((part, i) => part === '' || !Number.isInteger(ids[i]) || ids[i] < 0)
  if (bad !== undefined) return `"${bad}" is not a broker id: write broker ids separated by commas, e.g. 1,2,3.`
  return ids
}

/** Whether a partition has a reassignment in progress (KIP-455: replicas being added or removed). */
export const isReassigning = (p: PartitionSnapshot) => p.addingReplicas.length > 0 || p.removingReplicas.length > 0

/**
 * Target replicas for replication factor `factor`: each partition keeps its current live
 * replicas first (the leader stays preferred and the least data moves), trimmed to `factor`,
 * then takes live brokers round-robin from an offset that turns with the partition, as
 * Kafka's placement spreads replicas.
 */
export function proposeReplicas(partitions: readonly PartitionSnapshot[], liveBrokers: readonly number[], factor: number): Map<number, number[]> {
  const brokers = [...liveBrokers].sort((a, b) => a - b)
  const proposal = new Map<number, number[]>()
  for (const p of partitions) {
    const target = p.replicas.filter((id) => brokers.includes(id)).slice(0, factor)
    for (let i = 0; target.length < Math.min(factor, brokers.length) && i < brokers.length; i++) {
      const id = brokers[(p.partition + i) % brokers.length]
      if (!target.includes(id)) target.push(id)
    }
    proposal.set(p.partition, target)
  }
  return proposal
}
