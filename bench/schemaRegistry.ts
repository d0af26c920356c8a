// Issue 17's benchmark: the embedded schema registry on a 3-broker cluster (_schemas RF 3,
// acks=all). Lookups by id (GET /schemas/ids/{id}) and registrations (POST
// /subjects/{s}/versions, each a new schema), driven over HTTP/1.1 from a worker thread
// (bench/httpLoad.mjs) on its own core. Each is set against a peer measured in the same run
// with the same load: a bare node:http server answering a fixed body (the HTTP stack's
// limit) for lookups, and for registrations the same HTTP echo plus the Kafka write alone
// (one acks=all produce per record to a topic like _schemas, as many in flight).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { Producer } from '@platformatic/kafka'
import { Cluster } from '../main/cluster/cluster'
import { schemasTopicExists } from '../main/commands/schemaRegistry'
import { startSchemaRegistry } from '../main/registry'
import { tempDir } from './report'

const SCHEMAS = 2_000
const LOOKUPS = 200_000
const CONNECTIONS = 4
const LOOKUP_WINDOW = 16
const REGISTER_WINDOW = 16

export interface RegistryBenchRow {
  name: string
  perSecond: number
  seconds: number
  peer?: string
  ratio?: number
  /** Requests per second the issue asks for. */
  target?: number
}

interface Load {
  method: string
  path: string
  body?: string
}

function load(port: number, requests: Load[], total: number, window: number): Promise<{ seconds: number; answered: number; statuses: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./httpLoad.mjs', import.meta.url), { workerData: { host: '127.0.0.1', port, requests, total, connections: CONNECTIONS, window } })
    worker.once('message', (m) => {
      void worker.terminate()
      resolve(m)
    })
    worker.once('error', reject)
  })
}

function schema(i: number): string {
  return JSON.stringify({ type: 'record', name: `Bench${i}`, namespace: 'bench', fields: [{ name: 'id', type: 'long' }, { name: `f${i}`, type: 'string' }] })
}

function expectOk(what: string, statuses: Record<string, number>, total: number): void {
  if ((statuses['200'] ?? 0) !== total) throw new Error(`${what}: not every answer was 200: ${JSON.stringify(statuses)}`)
}

export async function benchSchemaRegistry(): Promise<{ rows: RegistryBenchRow[]; notes: string[] }> {
  const tmp = tempDir()
  const cluster = await Cluster.start({ dataDir: join(tmp.dir, 'cluster'), brokers: 3 })
  const registry = await startSchemaRegistry({ bootstrap: cluster.bootstrapServers, port: 0, topicExists: schemasTopicExists(cluster) })
  const echoBody = JSON.stringify({ schema: schema(1) })
  const echo = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/vnd.schemaregistry.v1+json', 'content-length': Buffer.byteLength(echoBody) })
      res.end(echoBody)
    })
  })
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r))
  const echoPort = (echo.address() as AddressInfo).port
  const producer = new Producer({ clientId: 'bench-peer', bootstrapBrokers: cluster.bootstrapServers.split(','), acks: -1 })
  try {
    const rows: RegistryBenchRow[] = []
    // Registrations: each a new schema under its own subject.
    const registrations: Load[] = Array.from({ length: SCHEMAS }, (_, i) => ({ method: 'POST', path: `/subjects/bench-${i}/versions`, body: JSON.stringify({ schema: schema(i) }) }))
    const reg = await load(registry.port, registrations, SCHEMAS, REGISTER_WINDOW)
    expectOk('registration', reg.statuses, SCHEMAS)
    const regEcho = await load(echoPort, registrations, SCHEMAS, REGISTER_WINDOW)
    // The Kafka write alone: one acks=all produce per record, as many in flight as HTTP requests.
    await cluster.createTopic({ name: 'bench-schemas', partitions: 1, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } })
    const records = registrations.map((r, i) => ({ topic: 'bench-schemas', partition: 0, key: Buffer.from(JSON.stringify({ keytype: 'SCHEMA', subject: `bench-${i}`, version: 1, magic: 1 })), value: Buffer.from(r.body as string) }))
    let next = 0
    const produceStart = performance.now()
    await Promise.all(
      Array.from({ length: CONNECTIONS * REGISTER_WINDOW }, async () => {
        while (next < records.length) await producer.send({ messages: [records[next++]!], acks: -1 })
      }),
    )
    const produceSeconds = (performance.now() - produceStart) / 1000
    const regRate = SCHEMAS / reg.seconds
    rows.push({ name: `registration (POST /subjects/{s}/versions, ${CONNECTIONS}×${REGISTER_WINDOW} in flight)`, perSecond: regRate, seconds: reg.seconds, peer: 'bare HTTP echo, same bodies', ratio: regRate / (SCHEMAS / regEcho.seconds), target: 500 })
    rows.push({ name: 'registration against the Kafka write alone', perSecond: regRate, seconds: reg.seconds, peer: `acks=all produce of one record, ${CONNECTIONS * REGISTER_WINDOW} in flight: ${Math.round(SCHEMAS / produceSeconds)}/s`, ratio: regRate / (SCHEMAS / produceSeconds) })

    // Lookups by id, over every registered id.
    const lookups: Load[] = Array.from({ length: SCHEMAS }, (_, i) => ({ method: 'GET', path: `/schemas/ids/${i + 1}` }))
    await load(registry.port, lookups, 20_000, LOOKUP_WINDOW) // warm-up
    const look = await load(registry.port, lookups, LOOKUPS, LOOKUP_WINDOW)
    expectOk('lookup', look.statuses, LOOKUPS)
    const lookEcho = await load(echoPort, lookups, LOOKUPS, LOOKUP_WINDOW)
    const lookRate = LOOKUPS / look.seconds
    rows.push({ name: `lookup by id (GET /schemas/ids/{id}, ${CONNECTIONS}×${LOOKUP_WINDOW} pipelined)`, perSecond: lookRate, seconds: look.seconds, peer: 'bare HTTP echo, same requests', ratio: lookRate / (LOOKUPS / lookEcho.seconds), target: 20_000 })
    const notes = [
      `HTTP echo: ${Math.round(SCHEMAS / regEcho.seconds).toLocaleString('en-US')} POST/s and ${Math.round(LOOKUPS / lookEcho.seconds).toLocaleString('en-US')} GET/s with the same load`,
      `_schemas: ${cluster.topic('_schemas').partitions[0]?.replicas.length} replicas; registrations are grouped into one acks=all produce per batch of queued requests`,
    ]
    return { rows, notes }
  } finally {
    await producer.close().catch(() => undefined)
    echo.close()
    await registry.close()
    await cluster.stop()
    tmp.remove()
  }
}

export function printRegistry(title: string, rows: RegistryBenchRow[]): boolean {
  console.log(`\n## ${title}\n`)
  console.log('| path | requests/s | seconds | peer | ratio | target |')
  console.log('|---|---:|---:|---|---:|---:|')
  let met = true
  for (const r of rows) {
    const target = r.target === undefined ? '' : `>= ${r.target.toLocaleString('en-US')}/s${r.perSecond >= r.target ? ' ✓' : ' ✗'}`
    if (r.target !== undefined && r.perSecond < r.target) met = false
    console.log(`| ${r.name} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.seconds.toFixed(3)} | ${r.peer ?? ''} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2)} | ${target} |`)
  }
  return met
}
