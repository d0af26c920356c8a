// The log cleaner of the embedded cluster's brokers (lab only): each running broker's cleaner
// metrics and compacted logs, from its worker's logCleaner RPC, optionally one broker's or one
// topic's.
import type { Cluster } from '../../cluster/cluster'
import type { BrokerLogCleanerState } from '../../../preload/contract'

export async function logCleanerState(cluster: Cluster, filter: { brokerId?: number; topic?: string }): Promise<BrokerLogCleanerState[]> {
  if (filter.brokerId !== undefined) cluster.brokerStatus(filter.brokerId)
  const brokers = cluster.runningBrokers().filter((b) => filter.brokerId === undefined || b.id === filter.brokerId)
  const states = await Promise.all(brokers.map(async ({ id, client }) => ({ brokerId: id, ...(await client.call('logCleaner', {})) })))
  return states.map((state) => ({ ...state, logs: state.logs.filter((log) => filter.topic === undefined || log.topic === filter.topic) }))
}

/** Ends the backoff of every running broker's cleaners (or one broker's): they look for work now. */
export async function wakeLogCleaners(cluster: Cluster, filter: { brokerId?: number }): Promise<null> {
  if (filter.brokerId !== undefined) cluster.brokerStatus(filter.brokerId)
  const brokers = cluster.runningBrokers().filter((b) => filter.brokerId === undefined || b.id === filter.brokerId)
  await Promise.all(brokers.map(({ client }) => client.call('wakeLogCleaner', {})))
  return null
}
