// A real cluster (controller + broker workers) in a temporary directory for integration
// tests, with fast clocks so failures are detected in about a second, and its events kept.
import { afterEach } from 'vitest'
import { Cluster, type ClusterEvent, type ClusterOptions } from '../../main/cluster/cluster'
import type { ConsoleConnection } from '../../main/console/connections/consoleConnection'
import { labConnection } from '../../main/console/connections/lab'
import { tempDir } from './batches'

export const FAST_CLOCKS: Record<string, string> = {
  'broker.heartbeat.interval.ms': '100',
  'broker.session.timeout.ms': '1000',
  'replica.lag.time.max.ms': '1000',
  'replica.fetch.wait.max.ms': '100',
}

const labs = new Map<Cluster, ConsoleConnection>()
afterEach(async () => {
  await Promise.all([...labs.values()].map((lab) => lab.kafka.close()))
  labs.clear()
})

/** The console's connection to an embedded cluster (its Kafka listeners and its lab), closed after the test. */
export function lab(cluster: Cluster): ConsoleConnection {
  let connection = labs.get(cluster)
  if (!connection) labs.set(cluster, (connection = labConnection(cluster)))
  return connection
}

/**
 * Registers an afterEach that stops the cluster and removes its directory. `start` may be
 * called again within a test to restart the whole cluster on the same directory.
 */
export function useCluster() {
  const state = {
    cluster: undefined as Cluster | undefined,
    tmp: undefined as ReturnType<typeof tempDir> | undefined,
    events: [] as ClusterEvent[],
  }
  afterEach(async () => {
    await state.cluster?.stop()
    state.tmp?.remove()
    Object.assign(state, { cluster: undefined, tmp: undefined, events: [] })
  })
  return {
    get events() {
      return state.events
    },
    /** The cluster's data directory (each broker's is broker-<id> in it). */
    get dataDir() {
      return state.tmp?.dir
    },
    async start(configs: Record<string, string> = {}, brokers = 3, options: Omit<ClusterOptions, 'dataDir' | 'brokers' | 'brokerConfigs'> = {}): Promise<Cluster> {
      state.tmp ??= tempDir()
      state.cluster = await Cluster.start({ dataDir: state.tmp.dir, brokers, brokerConfigs: { ...FAST_CLOCKS, ...configs }, ...options })
      state.cluster.onEvent((e) => state.events.push(e))
      return state.cluster
    },
    /** Stops the cluster without removing its directory (for a whole-cluster restart). */
    async stop(): Promise<void> {
      await state.cluster?.stop()
      state.cluster = undefined
    },
  }
}

export { eventually } from './eventually'
