// A cluster's identity on disk, as Kafka keeps it in meta.properties: the cluster id is made
// once (a random UUID in Kafka's base64url form) and every later start reads it back, so a
// restarted cluster is the same cluster to its clients.
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Kafka's Uuid.toString(): the 16 bytes in URL-safe base64 without padding (22 characters). */
export function newClusterId(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url')
}

export function loadOrCreateClusterId(dataDir: string): string {
  const path = join(dataDir, 'meta.properties')
  if (existsSync(path)) {
    const match = /^cluster\.id=(.+)$/m.exec(readFileSync(path, 'utf8'))
    if (match) return match[1].trim()
  }
  const clusterId = newClusterId()
  writeFileSync(path, `# Written by Brokerlab when this cluster was created.\nversion=1\ncluster.id=${clusterId}\n`)
  return clusterId
}
