// `npm run bench kafka`: Brokerlab against the real Apache Kafka (tests/reference), the same
// workload with Kafka's own perf tools, clusters run alternately on the same machine, 3
// rounds: kafka-producer-perf-test (1,000,000 × 100 B, acks=all, RF 3, min.insync.replicas 2,
// 4 partitions), kafka-consumer-perf-test on what it wrote, the cold start of each cluster to
// its first acknowledged produce, and each cluster's idle RSS.
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { ReferenceCluster, rssBytesOf } from '../tests/reference/kafka/cluster'
import { runKafkaTool } from '../tests/reference/kafka/tools'
import { freePort } from '../tests/helpers/ports'
import { createTopic, firstAcknowledgedProduce, startAndWaitFor } from './kcatPeer'
import { tempDir } from './report'

const RECORDS = 1_000_000
const RECORD_BYTES = 100
const ROUNDS = 3
const TOPIC = 'bench'
/** The perf tools' client JVMs: the producer buffers up to 32 MB, the consumer 1M records' worth of fetches. */
const TOOL_HEAP = '768m'

interface Running {
  bootstrap: string
  /** Processes whose RSS is the cluster's: Kafka's three JVMs, or the one `brokerlab cluster` (brokers are its threads). */
  pids: number[]
  stop: () => Promise<void>
}

interface Round {
  coldStartSeconds: number
  idleRssMb: number
  produceRecordsPerSec: number
  produceAvgLatencyMs: number
  consumeRecordsPerSec: number
}

type ClusterName = 'Apache Kafka 4.4' | 'Brokerlab'

async function startKafka(): Promise<Running> {
  const { dir, remove } = tempDir()
  const cluster = await ReferenceCluster.start({ dir: join(dir, 'kafka') })
  return {
    bootstrap: cluster.bootstrapServers,
    pids: cluster.nodes.map((n) => n.process.pid!),
    stop: async () => {
      await cluster.stop()
      remove()
    },
  }
}

async function startBrokerlab(): Promise<Running> {
  const port = await freePort()
  const brokerlab = join(import.meta.dirname, '..', 'main', 'bin', 'brokerlab.js')
  const { child, match } = await startAndWaitFor(process.execPath, [brokerlab, 'cluster', '--memory', '--brokers', '3', '--base-port', String(port)], /^bootstrap: (\S+)$/m)
  return { bootstrap: match[1], pids: [child.pid!], stop: () => stopProcess(child) }
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGINT')
  })
}

/** "1000000 records sent, 181554.1 records/sec (17.31 MB/sec), 151.65 ms avg latency, ..." */
export function parseProducerPerf(stdout: string): { recordsPerSec: number; avgLatencyMs: number } {
  const summary = /(\d+) records sent, ([\d.]+) records\/sec \([\d.]+ MB\/sec\), ([\d.]+) ms avg latency/.exec(stdout.split('\n').filter(Boolean).at(-1) ?? '')
  if (!summary || Number(summary[1]) !== RECORDS) throw new Error(`kafka-producer-perf-test gave no summary of ${RECORDS} records:\n${stdout.slice(-500)}`)
  return { recordsPerSec: Number(summary[2]), avgLatencyMs: Number(summary[3]) }
}

/** The CSV line after "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...". */
export function parseConsumerPerf(stdout: string): { records: number; recordsPerSec: number } {
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean)
  const header = lines.findIndex((l) => l.startsWith('start.time'))
  const names = lines[header]?.split(',').map((n) => n.trim())
  const values = lines[header + 1]?.split(',').map((v) => v.trim())
  if (!names || !values) throw new Error(`kafka-consumer-perf-test printed no results:\n${stdout.slice(-500)}`)
  const field = (name: string) => Number(values[names.indexOf(name)])
  return { records: field('data.consumed.in.nMsg'), recordsPerSec: field('nMsg.sec') }
}

async function round(start: () => Promise<Running>): Promise<Round> {
  const started = performance.now()
  const cluster = await start()
  try {
    await firstAcknowledgedProduce(cluster.bootstrap)
    const coldStartSeconds = (performance.now() - started) / 1000
    await new Promise((r) => setTimeout(r, 5000)) // settle, then read idle memory
    const idleRssMb = rssBytesOf(cluster.pids) / 2 ** 20

    await createTopic(cluster.bootstrap, TOPIC) // 4 partitions, RF 3, min.insync.replicas 2
    const produce = await runKafkaTool(
      'kafka-producer-perf-test',
      ['--topic', TOPIC, '--num-records', String(RECORDS), '--record-size', String(RECORD_BYTES), '--throughput', '-1', '--producer-props', `bootstrap.servers=${cluster.bootstrap}`, 'acks=all'],
      { maxHeap: TOOL_HEAP, shortLived: false, timeoutMs: 600_000 },
    )
    if (produce.status !== 0) throw new Error(`kafka-producer-perf-test exited ${produce.status}: ${produce.stderr.slice(-500)}`)
    const produced = parseProducerPerf(produce.stdout)

    const consume = await runKafkaTool('kafka-consumer-perf-test', ['--bootstrap-server', cluster.bootstrap, '--topic', TOPIC, '--messages', String(RECORDS), '--timeout', '60000'], {
      maxHeap: TOOL_HEAP,
      shortLived: false,
      timeoutMs: 600_000,
    })
    if (consume.status !== 0) throw new Error(`kafka-consumer-perf-test exited ${consume.status}: ${consume.stderr.slice(-500)}`)
    const consumed = parseConsumerPerf(consume.stdout)
    if (consumed.records < RECORDS) throw new Error(`kafka-consumer-perf-test read ${consumed.records} of ${RECORDS}`)
    return { coldStartSeconds, idleRssMb, produceRecordsPerSec: produced.recordsPerSec, produceAvgLatencyMs: produced.avgLatencyMs, consumeRecordsPerSec: consumed.recordsPerSec }
  } finally {
    await cluster.stop()
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

export async function benchKafkaReference(): Promise<string[]> {
  const rounds: Record<ClusterName, Round[]> = { 'Apache Kafka 4.4': [], Brokerlab: [] }
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first, so neither always runs on a machine warmed by the other.
    const order: ClusterName[] = i % 2 === 0 ? ['Apache Kafka 4.4', 'Brokerlab'] : ['Brokerlab', 'Apache Kafka 4.4']
    for (const name of order) {
      const result = await round(name === 'Brokerlab' ? startBrokerlab : startKafka)
      rounds[name].push(result)
      console.error(`round ${i + 1}, ${name}: ${JSON.stringify(result)}`)
    }
  }
  const kafka = rounds['Apache Kafka 4.4']
  const ours = rounds.Brokerlab
  const row = (label: string, pick: (r: Round) => number, digits: number, higherIsBetter: boolean) => {
    const k = median(kafka.map(pick))
    const b = median(ours.map(pick))
    const ratio = higherIsBetter ? b / k : k / b
    const all = (rs: Round[]) => rs.map((r) => pick(r).toFixed(digits)).join(' / ')
    return `| ${label} | ${k.toLocaleString('en-US', { maximumFractionDigits: digits })} (${all(kafka)}) | ${b.toLocaleString('en-US', { maximumFractionDigits: digits })} (${all(ours)}) | ${ratio.toFixed(2)} |`
  }
  return [
    '| measure (median of 3; each round in brackets) | Apache Kafka 4.4 | Brokerlab | Brokerlab vs Kafka |',
    '|---|---:|---:|---:|',
    row('kafka-producer-perf-test, records/s', (r) => r.produceRecordsPerSec, 0, true),
    row('kafka-producer-perf-test, avg latency ms (ratio: Kafka / Brokerlab)', (r) => r.produceAvgLatencyMs, 1, false),
    row('kafka-consumer-perf-test, records/s', (r) => r.consumeRecordsPerSec, 0, true),
    row('cold start to first acks=all produce, s (ratio: Kafka / Brokerlab)', (r) => r.coldStartSeconds, 2, false),
    row('idle RSS, MB (ratio: Kafka / Brokerlab)', (r) => r.idleRssMb, 0, false),
  ]
}
