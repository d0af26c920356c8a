// The schema registry that `brokerlab cluster` and `serve` (and the desktop app) start with
// the embedded cluster: on 127.0.0.1:8081, or on --schema-registry-port (0: any free port).
// When the default port is taken (another registry may be running) it takes a free one and
// says so; a port asked for explicitly must be free.
import type { Cluster } from '../cluster/cluster'
import { DEFAULT_SCHEMA_REGISTRY_PORT, startSchemaRegistry, type RunningSchemaRegistry } from '../registry'
import { SCHEMAS_TOPIC } from '../registry/kafkaLog'

/** The controller's image knows at once whether `_schemas` exists; brokers may lag right after a restart. */
export const schemasTopicExists = (cluster: Cluster) => () => cluster.image.topicsByName.has(SCHEMAS_TOPIC)

/** The option checked: a port, null for the default, or what is wrong. */
export function schemaRegistryPort(value: string | undefined): number | null | string {
  if (value === undefined) return null
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `--schema-registry-port must be a port number (0 for any free port), not "${value}"`
  return port
}

export async function startClusterRegistry(cluster: Cluster, port: number | null, warn: (line: string) => void): Promise<RunningSchemaRegistry> {
  try {
    return await startSchemaRegistry({ bootstrap: cluster.bootstrapServers, port: port ?? DEFAULT_SCHEMA_REGISTRY_PORT, topicExists: schemasTopicExists(cluster) })
  } catch (err) {
    if (port !== null || !/already in use/.test((err as Error).message)) throw err
    warn(`port ${DEFAULT_SCHEMA_REGISTRY_PORT} is in use; the schema registry takes a free port instead (choose one with --schema-registry-port)`)
    return startSchemaRegistry({ bootstrap: cluster.bootstrapServers, port: 0, topicExists: schemasTopicExists(cluster) })
  }
}
