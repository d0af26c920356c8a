// `brokerlab cluster`: the embedded cluster without a console, for Kafka clients on
// 127.0.0.1. Prints the bootstrap list once every listener accepts, runs until SIGINT or
// SIGTERM, then shuts down cleanly.
import { mkdtempSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster } from '../cluster/cluster'
import { schemaRegistryPort, startClusterRegistry } from './schemaRegistry'

export interface ClusterCommandOptions {
  brokers?: string
  'base-port'?: string
  'data-dir'?: string
  memory?: boolean
  config?: string[]
  'restart-on-failure'?: boolean
  'schema-registry-port'?: string
}

export const DEFAULT_BASE_PORT = 9092
export const DEFAULT_DATA_DIR = join(homedir(), '.brokerlab', 'cluster')

/** The options checked and typed; a string names what is wrong. */
export function clusterSettings(options: ClusterCommandOptions):
  | { brokers: number; basePort: number; dataDir: string | null; configs: Record<string, string>; restartOnFailure: boolean; schemaRegistryPort: number | null }
  | string {
  const brokers = Number(options.brokers ?? 3)
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 32) return `--brokers must be a whole number from 1 to 32, not "${options.brokers}"`
  const basePort = Number(options['base-port'] ?? DEFAULT_BASE_PORT)
  if (!Number.isInteger(basePort) || basePort < 1 || basePort + brokers - 1 > 65535) {
    return `--base-port must leave room for ${brokers} port(s) between 1 and 65535, not "${options['base-port']}"`
  }
  if (options.memory && options['data-dir']) return '--memory and --data-dir exclude each other'
  const configs: Record<string, string> = {}
  for (const entry of options.config ?? []) {
    const at = entry.indexOf('=')
    if (at <= 0) return `--config takes name=value, not "${entry}"`
    configs[entry.slice(0, at)] = entry.slice(at + 1)
  }
  const schemaRegistry = schemaRegistryPort(options['schema-registry-port'])
  if (typeof schemaRegistry === 'string') return schemaRegistry
  return { brokers, basePort, dataDir: options.memory ? null : (options['data-dir'] ?? DEFAULT_DATA_DIR), configs, restartOnFailure: options['restart-on-failure'] ?? false, schemaRegistryPort: schemaRegistry }
}

export async function runCluster(options: ClusterCommandOptions): Promise<number> {
  const settings = clusterSettings(options)
  if (typeof settings === 'string') {
    console.error(`brokerlab cluster: ${settings}`)
    return 2
  }
  const dataDir = settings.dataDir ?? mkdtempSync(join(tmpdir(), 'brokerlab-memory-'))
  let cluster: Cluster
  try {
    cluster = await Cluster.start({
      dataDir,
      brokers: settings.brokers,
      brokerConfigs: settings.configs,
      listeners: { host: '127.0.0.1', basePort: settings.basePort },
      restartOnFailure: settings.restartOnFailure,
    })
  } catch (err) {
    const message = (err as Error).message
    const hint = /already in use/.test(message) ? '; choose other ports with --base-port' : ''
    console.error(`brokerlab cluster: ${message}${hint}`)
    if (!settings.dataDir) rmSync(dataDir, { recursive: true, force: true })
    return 2
  }
  const registry = await startClusterRegistry(cluster, settings.schemaRegistryPort, (line) => console.error(`brokerlab cluster: ${line}`)).catch((err: Error) => {
    console.error(`brokerlab cluster: ${err.message}`)
    return null
  })
  if (!registry) {
    await cluster.stop()
    if (!settings.dataDir) rmSync(dataDir, { recursive: true, force: true })
    return 2
  }
  console.log(`bootstrap: ${cluster.bootstrapServers}`)
  console.log(`schema registry: ${registry.url}`)
  console.error(`brokerlab cluster: ${settings.brokers} broker(s), data in ${settings.dataDir ?? `${dataDir} (removed at exit)`}; Ctrl-C stops it`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  console.error('brokerlab cluster: shutting down...')
  await registry.close()
  await cluster.stop()
  if (!settings.dataDir) rmSync(dataDir, { recursive: true, force: true })
  return 0
}
