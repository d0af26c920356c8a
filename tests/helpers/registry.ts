// A real schema registry on a real embedded cluster, over real HTTP, for tests.
import { afterEach } from 'vitest'
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../main/registry'
import type { Cluster } from '../../main/cluster/cluster'
import { schemasTopicExists } from '../../main/commands/schemaRegistry'
import { useCluster } from './cluster'

export function useRegistry() {
  const cluster = useCluster()
  const running: RunningSchemaRegistry[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()))
  })
  return {
    cluster,
    /** Starts a registry on a running cluster (port 0: any free port). */
    async start(c: Cluster): Promise<RunningSchemaRegistry> {
      const registry = await startSchemaRegistry({ bootstrap: c.bootstrapServers, port: 0, topicExists: schemasTopicExists(c) })
      running.push(registry)
      return registry
    },
    async stop(registry: RunningSchemaRegistry): Promise<void> {
      running.splice(running.indexOf(registry), 1)
      await registry.close()
    },
  }
}

/** One HTTP call: status and parsed JSON body. */
export async function call(base: string, method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/vnd.schemaregistry.v1+json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // a raw schema
  }
  return { status: res.status, body: parsed }
}
