// `npm run bench console-scale` (issue "The console administers any Kafka cluster",
// Performance): the console on a real Apache Kafka 4.4 (tests/reference, 3 brokers) with
// 1,000 topics × 12 partitions (RF 3: 36,000 replicas), added to `brokerlab serve` as a saved
// connection.
// (a) A full refresh, cluster:snapshot of all 12,000 partitions through the ConsoleService over
//     the Kafka protocol (Metadata, then ListOffsets earliest and latest per leader; sizes come
//     from a DescribeLogDirs in the background), timed over HTTP; target under 1 s. References
//     in the same run: the Metadata request alone, and the requests a refresh waits for, raw,
//     on open connections (what Kafka and the wire cost); and a breakdown by request.
// (b) The Topics page in Chromium on that connection: frames per second while it refreshes
//     (a snapshot every 2 s), over an idle page's; target 0.9.
// One Kafka cluster at a time on this machine: it waits while another runs.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { ApiKey } from '../main/cluster/protocol/messages'
import { KafkaConnection } from '../main/console/connections/kafkaConnection'
import { topicOverrides } from '../main/console/views/configs'
import { ConnectionSettings } from '../preload/contract'
import { CHROMIUM, chromiumMissing } from '../tests/e2e/browser'
import { startServe, type Serve } from '../tests/e2e/serve'
import { RawClient } from '../tests/helpers/rawClient'
import { ReferenceCluster } from '../tests/reference/kafka/cluster'
import { frameResult, IDLE_MS, observe, percentile, referenceFrame, type FrameResult } from './consoleLists'
import { tempDir } from './report'

const TOPICS = 1000
const PARTITIONS = 12
const REPLICATION = 3
const TOPICS_PER_REQUEST = 50
const RUNS = 9
const CREATE_TIMEOUT_MS = 600_000
/** What a refresh waits for after Metadata; its DescribeLogDirs runs in the background (KafkaConnection.recentLogDirs). */
const REFRESH_REQUESTS = ['earliest', 'latest'] as const
const REFRESH_TARGET_MS = 1000
const CONNECTION = 'kafka'
const WAIT_POLL_MS = 30_000
/** 12,000 partitions of RF 3 are 12,000 replicas a broker: the launcher's 512 MiB heap thrashes in GC under them (node 1 is the controller too). */
const KAFKA_HEAP = '1536m'

export interface RefreshRow {
  name: string
  medianMs: number
  p95Ms: number
  /** The reference's median over this path's (1: as fast as the reference). */
  ratio?: number
  target?: string
  met?: boolean
}

/** Waits, polling every 30 s, until no other Kafka broker runs on this machine. */
async function waitForNoKafka(log: (line: string) => void): Promise<void> {
  for (;;) {
    const found = spawnSync('pgrep', ['-f', 'kafka.Kafka'], { encoding: 'utf8' })
    const pids = found.stdout.split('\n').filter(Boolean)
    if (!pids.length) return
    log(`another Kafka runs (pids ${pids.join(', ')}): waiting ${WAIT_POLL_MS / 1000} s`)
    await new Promise((r) => setTimeout(r, WAIT_POLL_MS))
  }
}

const topicName = (i: number) => `scale-${String(i).padStart(4, '0')}`
const allTopics = { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }

async function createTopics(bootstrap: string): Promise<number> {
  const started = performance.now()
  const client = await RawClient.connect(bootstrap)
  try {
    // CreateTopics goes to the controller, which any broker forwards to in KRaft.
    for (let first = 0; first < TOPICS; first += TOPICS_PER_REQUEST) {
      const names = Array.from({ length: Math.min(TOPICS_PER_REQUEST, TOPICS - first) }, (_, i) => topicName(first + i))
      const answer = await client.request(ApiKey.CreateTopics, 7, {
        topics: names.map((name) => ({ name, numPartitions: PARTITIONS, replicationFactor: REPLICATION, assignments: [], configs: [] })),
        timeoutMs: 120_000,
        validateOnly: false,
      })
      const failed = answer.topics.find((t) => t.errorCode !== 0 && t.errorCode !== 36)
      if (failed) throw new Error(`CreateTopics ${failed.name}: error ${failed.errorCode} ${failed.errorMessage ?? ''}`)
    }
    // Created is not yet led: wait until every partition has a leader in Metadata.
    for (let led = 0; led < TOPICS; ) {
      if (performance.now() - started > CREATE_TIMEOUT_MS) throw new Error(`only ${led} of ${TOPICS} topics led after ${CREATE_TIMEOUT_MS / 1000} s`)
      await new Promise((r) => setTimeout(r, 1000))
      const metadata = await client.request(ApiKey.Metadata, 12, allTopics)
      led = metadata.topics.filter((t) => t.name?.startsWith('scale-') && t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leaderId >= 0)).length
    }
  } finally {
    client.close()
  }
  return (performance.now() - started) / 1000
}

/** The refresh's own requests, raw, on connections kept open (as the console's pool keeps its own). */
class RawRefresh {
  private constructor(
    private readonly metadataClient: RawClient,
    private readonly brokers: Map<number, { offsets: RawClient[]; logDirs: RawClient }>,
  ) {}

  static async open(bootstrap: string): Promise<RawRefresh> {
    const metadataClient = await RawClient.connect(bootstrap)
    const metadata = await metadataClient.request(ApiKey.Metadata, 12, allTopics)
    const brokers = new Map<number, { offsets: RawClient[]; logDirs: RawClient }>()
    for (const b of metadata.brokers) {
      const address = `${b.host}:${b.port}`
      brokers.set(b.nodeId, { offsets: [await RawClient.connect(address), await RawClient.connect(address)], logDirs: await RawClient.connect(address) })
    }
    return new RawRefresh(metadataClient, brokers)
  }

  metadata() {
    return this.metadataClient.request(ApiKey.Metadata, 12, allTopics)
  }

  /** Metadata, then the `kinds` at once: ListOffsets earliest and latest to each leader, DescribeLogDirs to each broker. */
  async send(kinds: ReadonlyArray<'earliest' | 'latest' | 'logDirs'>): Promise<void> {
    const metadata = await this.metadata()
    const byLeader = new Map<number, Map<string, number[]>>()
    for (const t of metadata.topics) {
      for (const p of t.partitions) {
        const topics = byLeader.get(p.leaderId) ?? new Map<string, number[]>()
        byLeader.set(p.leaderId, topics.set(t.name!, [...(topics.get(t.name!) ?? []), p.partitionIndex]))
      }
    }
    await Promise.all(
      [...this.brokers].flatMap(([id, clients]) => {
        const topics = [...(byLeader.get(id) ?? [])]
        const offsets = (timestamp: bigint, client: RawClient) =>
          client.request(ApiKey.ListOffsets, 9, {
            replicaId: -1,
            isolationLevel: 0,
            timeoutMs: 30_000,
            topics: topics.map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })) })),
          })
        const requests = {
          earliest: () => offsets(-2n, clients.offsets[0]),
          latest: () => offsets(-1n, clients.offsets[1]),
          logDirs: () => clients.logDirs.request(ApiKey.DescribeLogDirs, 4, { topics: null }),
        }
        return kinds.map((kind) => requests[kind]())
      }),
    )
  }

  close(): void {
    this.metadataClient.close()
    for (const b of this.brokers.values()) for (const c of [...b.offsets, b.logDirs]) c.close()
  }
}

/**
 * Where a refresh's time goes: each kind of request alone, raw (Metadata included, each to every
 * broker at once), and the console's own KafkaConnection doing each step in this process.
 */
async function breakdown(raw: RawRefresh, bootstrap: string): Promise<string[]> {
  const median = async (run: () => Promise<unknown>) => {
    const times: number[] = []
    for (let i = 0; i < 5; i++) times.push(await timed(run))
    return percentile(times, 0.5).toFixed(0)
  }
  const kafka = new KafkaConnection(ConnectionSettings.parse({ bootstrap, timeoutMs: 30_000 }))
  try {
    const metadata = await kafka.metadata()
    const topics = [...metadata.topics.values()]
    return [
      `raw, each kind alone after its Metadata (median of 5, ms): ListOffsets earliest ${await median(() => raw.send(['earliest']))}, latest ${await median(() => raw.send(['latest']))}, DescribeLogDirs ${await median(() => raw.send(['logDirs']))}`,
      `the console's KafkaConnection in this process (median of 5, ms): metadata() ${await median(() => kafka.metadata())}, listOffsets earliest ${await median(() => kafka.listOffsets(topics, -2))}, latest ${await median(() => kafka.listOffsets(topics, -1))}, logDirs() ${await median(() => kafka.logDirs(metadata))}, DescribeConfigs of every topic (the timeline's config watch) ${await median(() => topicOverrides(kafka, [...metadata.topics.keys()]))}`,
    ]
  } finally {
    await kafka.close()
  }
}

function callOn(serve: Serve, method: string, request: unknown, connection: string): Promise<Response> {
  return fetch(new URL(`/api/${method}?connection=${connection}`, serve.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  })
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await run()
  return performance.now() - started
}

async function snapshotOnce(serve: Serve): Promise<{ ms: number; bytes: number; topics: number }> {
  let body = ''
  const ms = await timed(async () => {
    const response = await callOn(serve, 'cluster:snapshot', {}, CONNECTION)
    body = await response.text()
    if (response.status !== 200) throw new Error(`cluster:snapshot on ${CONNECTION}: ${body}`)
  })
  return { ms, bytes: body.length, topics: (JSON.parse(body) as { result: { topics: unknown[] } }).result.topics.length }
}

function row(name: string, times: number[], reference?: number[]): RefreshRow {
  const medianMs = percentile(times, 0.5)
  return { name, medianMs, p95Ms: percentile(times, 0.95), ...(reference && { ratio: percentile(reference, 0.5) / medianMs }) }
}

export async function benchConsoleScale(): Promise<{ refresh: RefreshRow[]; frames: FrameResult[]; notes: string[] }> {
  const notes: string[] = []
  const log = (line: string) => console.log(`  ${line}`)
  await waitForNoKafka(log)
  const { dir, remove } = tempDir()
  let kafka: ReferenceCluster | undefined
  let serve: Serve | undefined
  let raw: RawRefresh | undefined
  try {
    kafka = await ReferenceCluster.start({ dir: join(dir, 'kafka'), maxHeap: KAFKA_HEAP })
    log(`Apache Kafka 4.4 up at ${kafka.bootstrapServers}; creating ${TOPICS} topics × ${PARTITIONS} partitions, RF ${REPLICATION}`)
    const created = await createTopics(kafka.bootstrapServers)
    notes.push(`${TOPICS.toLocaleString('en-US')} topics × ${PARTITIONS} partitions, RF ${REPLICATION} (${(TOPICS * PARTITIONS * REPLICATION).toLocaleString('en-US')} replicas) created and led in ${created.toFixed(1)} s`)

    // BENCH_PROFILE_DIR=dir: `serve` (and its worker threads) write V8 CPU profiles there when it stops.
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []
    serve = await startServe(1, ['--state-dir', join(dir, 'state')], profile)
    const saved = await callOn(serve, 'connection:save', { name: CONNECTION, settings: { bootstrap: kafka.bootstrapServers, securityProtocol: 'PLAINTEXT', timeoutMs: 30_000 } }, 'local')
    if (saved.status !== 200) throw new Error(`connection:save: ${await saved.text()}`)
    raw = await RawRefresh.open(kafka.bootstrapServers)

    // A first round opens the connections and warms both sides' code.
    const first = await snapshotOnce(serve)
    if (first.topics < TOPICS) throw new Error(`the snapshot shows ${first.topics} topics, not ${TOPICS}`)
    await raw.send(REFRESH_REQUESTS)
    const times = { metadata: [] as number[], raw: [] as number[], snapshot: [] as number[] }
    let bytes = first.bytes
    for (let i = 0; i < RUNS; i++) {
      times.metadata.push(await timed(() => raw!.metadata()))
      times.raw.push(await timed(() => raw!.send(REFRESH_REQUESTS)))
      const snapshot = await snapshotOnce(serve)
      times.snapshot.push(snapshot.ms)
      bytes = snapshot.bytes
    }
    notes.push(...(await breakdown(raw, kafka.bootstrapServers)))
    const snapshotRow = row(`cluster:snapshot through the ConsoleService (HTTP, ${(bytes / 1e6).toFixed(2)} MB of JSON)`, times.snapshot, times.raw)
    const refresh: RefreshRow[] = [
      row('Metadata v12 of every topic alone, raw (reference)', times.metadata),
      row('what a refresh waits for, raw: Metadata, then ListOffsets earliest and latest to each leader at once (reference)', times.raw, times.metadata),
      // The target is on the median: the p95 swings with this shared machine (see the raw reference's own p95).
      { ...snapshotRow, target: `median < ${REFRESH_TARGET_MS} ms`, met: snapshotRow.medianMs < REFRESH_TARGET_MS },
    ]
    notes.push(`refresh: ${RUNS} runs each, interleaved; ratio = the reference's median over the path's (the raw Metadata alone for the raw requests, the raw requests for the snapshot)`)
    notes.push(`snapshot over the Metadata request alone: ${(percentile(times.metadata, 0.5) / snapshotRow.medianMs).toFixed(2)}`)

    const frames: FrameResult[] = []
    if (chromiumMissing) notes.push(`frame rate skipped: no ${CHROMIUM} (apt-get install -y chromium)`)
    else {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] })
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
        const reference = await referenceFrame(page)
        await page.goto(serve.url)
        await page.evaluate(`localStorage.setItem('brokerlab.connection', ${JSON.stringify(CONNECTION)})`)
        await page.goto(`${serve.url}#/topics`)
        await page.reload()
        await page.locator('[data-testid=topic-list-row][data-topic="scale-0000"]').waitFor({ timeout: 60_000 })
        await page.waitForTimeout(2000)
        frames.push(frameResult(`Topics on Apache Kafka (${TOPICS.toLocaleString('en-US')} topics), refreshing every 2 s`, await observe(page, IDLE_MS, null), reference))
        notes.push(`reference frame interval (idle page, same browser): ${reference.toFixed(1)} ms`)
      } finally {
        await browser.close()
      }
    }
    return { refresh, frames, notes }
  } finally {
    raw?.close()
    await serve?.stop()
    await kafka?.stop()
    remove()
  }
}

export function printRefresh(title: string, rows: RefreshRow[]): boolean {
  console.log(`\n## ${title}\n`)
  console.log('| path | median ms | p95 ms | ratio | target |')
  console.log('|---|---:|---:|---:|---:|')
  for (const r of rows) {
    const target = r.target ? `${r.target}${r.met ? ' ✓' : ' ✗'}` : ''
    console.log(`| ${r.name} | ${r.medianMs.toFixed(0)} | ${r.p95Ms.toFixed(0)} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2)} | ${target} |`)
  }
  return rows.every((r) => r.met !== false)
}
