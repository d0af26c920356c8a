// The embedded schema registry: Confluent Schema Registry's REST API on 127.0.0.1, its state
// in the cluster's `_schemas` topic (docs/schema-registry.md).
import type { AddressInfo } from 'node:net'
import { createRegistryServer } from './http'
import { KafkaLog } from './kafkaLog'
import { Registry } from './registry'

export const DEFAULT_SCHEMA_REGISTRY_PORT = 8081

export interface SchemaRegistryOptions {
  /** The cluster's bootstrap list, host:port,... */
  bootstrap: string
  host?: string
  /** 0 for any free port. */
  port?: number
  topic?: string
  /** Whether the topic exists, from an authority that does not lag (KafkaLogOptions.topicExists). */
  topicExists?: () => boolean
  /** Logged when a request fails in a way the registry did not expect. */
  onError?: (err: unknown) => void
}

export interface RunningSchemaRegistry {
  readonly url: string
  readonly port: number
  readonly registry: Registry
  readonly log: KafkaLog
  close(): Promise<void>
}

/** Reads `_schemas` (creating it if needed) to its end, then listens. */
export async function startSchemaRegistry(options: SchemaRegistryOptions): Promise<RunningSchemaRegistry> {
  const registry = new Registry()
  const log = new KafkaLog({ bootstrap: options.bootstrap, topic: options.topic, topicExists: options.topicExists, onRecord: (record) => registry.applyRead(record) })
  registry.setSink(log)
  try {
    await log.start()
  } catch (err) {
    await log.close()
    throw new Error(`the schema registry cannot read ${log.topic}: ${(err as Error).message}`)
  }
  const server = createRegistryServer(registry, options.onError ?? ((err) => console.error('schema registry:', err)))
  const host = options.host ?? '127.0.0.1'
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? DEFAULT_SCHEMA_REGISTRY_PORT, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    await log.close()
    const e = err as NodeJS.ErrnoException
    throw new Error(e.code === 'EADDRINUSE' ? `the schema registry's port ${options.port} is already in use` : `the schema registry cannot listen: ${e.message}`)
  }
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${port}`,
    port,
    registry,
    log,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await log.close()
    },
  }
}
