// `npm run bench kafka-cleaner`: Apache Kafka 4.4's own LogCleaner on the workload of
// bench/cleaner.ts, as a peer figure for issue 18's target (a round at no less than 0.5 of raw
// sequential read-plus-write bandwidth, measured in the same run). One reference broker
// (tests/reference, its JVM heap bounded by the launcher, Kafka's default cleaner settings but
// log.cleaner.backoff.ms) gets a compacted topic of 1 partition, RF 1, segments of 16 MiB, and
// the bench's 1,000,000 records (100-byte values over 10,000 keys) produced as its 1,000
// batches, one Produce (acks=1) each. Until asked, nothing is cleanable: the topic is created
// with min.compaction.lag.ms of a day and min.cleanable.dirty.ratio 1. Then segment.ms is set
// to 1 and one record of another key is produced, which rolls the active segment, so the whole
// workload is in closed segments (the extra record alone in the new active one, never cleaned),
// as in bench/cleaner.ts. The closed .log files are copied (fsynced) for the raw reference; then
// lowering min.compaction.lag.ms and min.cleanable.dirty.ratio lets the cleaner take the log, and
// the bench reads the round's statistics as Kafka logs them in the broker's server.log.
// The raw reference is bench/cleaner.ts's rawReadWrite on that copy, writing what Kafka's round
// wrote (names and sizes of the cleaned segments and indexes of an uncounted warm-up topic). As
// in bench/cleaner.ts: a warm-up round, then ROUNDS rounds each on a fresh topic, the reference
// first in rounds 1 and 3, Kafka's round first in round 2; the fastest of each is shown. Then,
// with Kafka stopped, bench/cleaner.ts's own bench runs, for Brokerlab's figure in the same run.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ApiKey, ZERO_UUID } from '../main/cluster/protocol/messages'
import { encodeRecordBatch } from '../main/cluster/protocol/recordBatch'
import { eventually } from '../tests/helpers/eventually'
import { RawClient } from '../tests/helpers/rawClient'
import { ReferenceCluster } from '../tests/reference/kafka/cluster'
import { benchCleaner, copyFiles, makeBatches, rawReadWrite, RECORDS, SEGMENT_BYTES, type OutputFile } from './cleaner'
import { type BenchResult, rate, tempDir } from './report'

const ROUNDS = 3
const TOPIC_RESOURCE = 2
const SET = 0
const DAY_MS = 86_400_000
const segmentFile = /^\d{20}\.(log|index|timeindex)$/

/** Kafka's statistics of one round, as its LogCleaner logs them (Kafka's "MB" is 2^20 bytes). */
export interface KafkaCleanerStats {
  dirtyFrom: number
  dirtyTo: number
  /** "X MB of log processed in Y seconds (Z MB/sec)": the filter pass's bytes over the whole round. */
  processedMiB: number
  loggedSeconds: number
  miBPerSec: number
  /** The round's seconds to the logged precision of X / Z (Y is printed to 0.1 s only). */
  seconds: number
  indexedMiB: number
  /** The map pass's seconds, from "Indexed X MB in Y seconds (Z Mb/sec, ...)" as X / Z. */
  indexSeconds: number
  bufferUtilizationPct: number
  cleanSeconds: number
  startMiB: number
  startMessages: number
  endMiB: number
  endMessages: number
  text: string
}

const num = (s: string) => Number(s.replaceAll(',', ''))

/** The statistics of the round that cleaned `topic`-0 in server.log `log`, if it has been logged. */
export function parseCleanerStats(log: string, topic: string): KafkaCleanerStats | null {
  const name = topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const n = '([\\d,.]+)'
  const pattern = new RegExp(
    [
      `Log cleaner thread \\d+ cleaned log ${name}-0 \\(dirty section = \\[(\\d+), (\\d+)\\]\\)`,
      `${n} MB of log processed in ${n} seconds \\(${n} MB/sec\\)\\.`,
      `Indexed ${n} MB in ${n} seconds \\(${n} Mb/sec, ${n}% of total time\\)`,
      `Buffer utilization: ${n}%`,
      `Cleaned ${n} MB in ${n} seconds \\(${n} Mb/sec, ${n}% of total time\\)`,
      `Start size: ${n} MB \\(${n} messages\\)`,
      `End size: ${n} MB \\(${n} messages\\)`,
    ].join('\\s+'),
  )
  const m = pattern.exec(log)
  if (!m) return null
  const v = m.slice(1).map(num)
  return {
    dirtyFrom: v[0],
    dirtyTo: v[1],
    processedMiB: v[2],
    loggedSeconds: v[3],
    miBPerSec: v[4],
    seconds: v[2] / v[4],
    indexedMiB: v[5],
    indexSeconds: v[5] / v[7],
    bufferUtilizationPct: v[9],
    cleanSeconds: v[10] / v[12],
    startMiB: v[14],
    startMessages: v[15],
    endMiB: v[16],
    endMessages: v[17],
    text: m[0].replace(/\s+/g, ' '),
  }
}

class KafkaTopic {
  constructor(
    private readonly client: RawClient,
    readonly name: string,
    readonly dir: string,
  ) {}

  static async create(client: RawClient, name: string, dataDir: string): Promise<KafkaTopic> {
    const configs = {
      'cleanup.policy': 'compact',
      'segment.bytes': String(SEGMENT_BYTES),
      'min.cleanable.dirty.ratio': '1',
      'min.compaction.lag.ms': String(DAY_MS),
    }
    const created = await client.request(ApiKey.CreateTopics, 7, {
      topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([k, value]) => ({ name: k, value })) }],
      timeoutMs: 30_000,
      validateOnly: false,
    })
    const result = created.topics[0]
    if (result.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${result.errorCode} ${result.errorMessage}`)
    await eventually(`a leader of ${name}-0`, async () => {
      const m = await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: ZERO_UUID, name }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
      return m.topics[0]?.errorCode === 0 && (m.topics[0].partitions[0]?.leaderId ?? -1) >= 0
    }, 30_000)
    return new KafkaTopic(client, name, join(dataDir, `${name}-0`))
  }

  async produce(batch: Buffer): Promise<bigint> {
    const r = await this.client.request(ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: this.name, topicId: ZERO_UUID, partitionData: [{ index: 0, records: batch }] }] })
    const p = r.responses[0].partitionResponses[0]
    if (p.errorCode !== 0) throw new Error(`Produce to ${this.name}-0: error ${p.errorCode} ${p.errorMessage}`)
    return p.baseOffset
  }

  /** Sets topic configs, and waits until the broker describes them so. */
  async alter(configs: Record<string, string>): Promise<void> {
    const r = await this.client.request(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: this.name, configs: Object.entries(configs).map(([name, value]) => ({ name, configOperation: SET, value })) }],
      validateOnly: false,
    })
    const e = r.responses[0]
    if (e.errorCode !== 0) throw new Error(`IncrementalAlterConfigs ${this.name}: error ${e.errorCode} ${e.errorMessage}`)
    await eventually(`${this.name}'s configs ${JSON.stringify(configs)}`, async () => {
      const d = await this.client.request(ApiKey.DescribeConfigs, 4, {
        resources: [{ resourceType: TOPIC_RESOURCE, resourceName: this.name, configurationKeys: Object.keys(configs) }],
        includeSynonyms: false,
        includeDocumentation: false,
      })
      const seen = new Map(d.results[0].configs.map((c) => [c.name, c.value]))
      return Object.entries(configs).every(([k, v]) => seen.get(k) === v)
    }, 30_000)
  }

  /** The segment files (.log, .index, .timeindex) below `activeBase`, sorted. */
  closedSegmentFiles(activeBase: number): string[] {
    const active = String(activeBase).padStart(20, '0')
    return readdirSync(this.dir).filter((f) => segmentFile.test(f) && !f.startsWith(active)).sort()
  }

  async delete(): Promise<void> {
    await this.client.request(ApiKey.DeleteTopics, 6, { topics: [{ name: this.name, topicId: ZERO_UUID }], topicNames: [], timeoutMs: 30_000 })
  }
}

/** Produces the workload to a fresh topic and rolls it: the whole workload in closed segments. */
async function filledTopic(client: RawClient, name: string, dataDir: string, batches: Buffer[]): Promise<KafkaTopic> {
  const topic = await KafkaTopic.create(client, name, dataDir)
  let last = -1n
  for (const batch of batches) last = await topic.produce(batch)
  if (last !== BigInt(RECORDS - RECORDS / batches.length)) throw new Error(`the last batch went to offset ${last}`)
  // A segment older than segment.ms rolls at the next append: that record starts the new active segment.
  await topic.alter({ 'segment.ms': '1' })
  await new Promise((r) => setTimeout(r, 100))
  const rolled = await topic.produce(encodeRecordBatch({ records: [{ key: 'roll', value: 'roll', timestamp: BigInt(Date.now()) }] }))
  if (rolled !== BigInt(RECORDS)) throw new Error(`the rolling record went to offset ${rolled}`)
  const active = String(RECORDS).padStart(20, '0') + '.log'
  if (!readdirSync(topic.dir).includes(active)) throw new Error(`${name}-0 did not roll: ${readdirSync(topic.dir).join(' ')}`)
  return topic
}

/** Lets the cleaner take `topic` and waits for its round's statistics in server.log. */
async function kafkaRound(topic: KafkaTopic, serverLog: string): Promise<KafkaCleanerStats> {
  await topic.alter({ 'min.compaction.lag.ms': '0', 'min.cleanable.dirty.ratio': '0.01' })
  const stats = await eventually(`the cleaner's round of ${topic.name}-0 in ${serverLog}`, async () => parseCleanerStats(readFileSync(serverLog, 'utf8'), topic.name) ?? undefined, 300_000)
  if (stats.dirtyFrom !== 0 || stats.dirtyTo !== RECORDS) throw new Error(`the round cleaned [${stats.dirtyFrom}, ${stats.dirtyTo}), not the whole workload: ${stats.text}`)
  return stats
}

export async function benchKafkaCleaner(): Promise<{ results: BenchResult[]; notes: string[] }> {
  const tmp = tempDir()
  const batches = makeBatches()
  const rounds: Array<{ raw: number; kafka: KafkaCleanerStats }> = []
  let logBytes = 0
  let segmentCount = 0
  let outputs: OutputFile[] = []
  let cluster: ReferenceCluster | undefined
  let client: RawClient | undefined
  try {
    cluster = await ReferenceCluster.start({ dir: join(tmp.dir, 'kafka'), brokers: 1, configs: { 'log.cleaner.backoff.ms': '50' } })
    const node = cluster.nodes[0]
    const serverLog = join(node.dir, 'server.log')
    const dataDir = join(node.dir, 'data')
    client = await RawClient.connect(cluster.bootstrapServers)

    // The warm-up round (not counted) warms the JIT and tells what a round writes: the reference writes the same.
    const warmUp = await filledTopic(client, 'cleaner-warm-up', dataDir, batches)
    const warmUpStats = await kafkaRound(warmUp, serverLog)
    outputs = warmUp.closedSegmentFiles(RECORDS).map((name) => ({ name, size: statSync(join(warmUp.dir, name)).size }))
    console.error(`warm-up: ${warmUpStats.text}`)
    await warmUp.delete()

    for (let round = 0; round < ROUNDS; round++) {
      const topic = await filledTopic(client, `cleaner-${round}`, dataDir, batches)
      const rawDir = join(tmp.dir, `raw-${round}`)
      const inputs = copyFiles(topic.dir, topic.closedSegmentFiles(RECORDS).filter((f) => f.endsWith('.log')), rawDir)
      segmentCount = inputs.length
      logBytes = inputs.reduce((sum, f) => sum + statSync(f).size, 0)
      let raw = 0
      if (round % 2 === 0) raw = rawReadWrite(rawDir, inputs, outputs)
      const kafka = await kafkaRound(topic, serverLog)
      if (round % 2 === 1) raw = rawReadWrite(rawDir, inputs, outputs)
      rounds.push({ raw, kafka })
      console.error(`round ${round + 1}: raw ${raw.toFixed(3)} s; ${kafka.text}`)
      rmSync(rawDir, { recursive: true, force: true })
      await topic.delete()
    }
  } finally {
    client?.close()
    await cluster?.stop()
    tmp.remove()
  }

  // Brokerlab's cleaner on the same workload, in the same run, with Kafka's JVM gone.
  const brokerlab = await benchCleaner()
  const [brokerlabRaw, brokerlabRound] = brokerlab.results

  const raw = Math.min(...rounds.map((r) => r.raw))
  const fastest = rounds.reduce((a, b) => (b.kafka.seconds < a.kafka.seconds ? b : a)).kafka
  const ms = (xs: number[]) => xs.map((x) => (x * 1000).toFixed(0)).join(' / ')
  const outputBytes = outputs.reduce((sum, f) => sum + f.size, 0)
  return {
    results: [
      { name: "raw: read Kafka's segment files, write and commit what its round writes (limit)", ...rate(RECORDS, logBytes, raw) },
      { name: "Apache Kafka 4.4's LogCleaner: one round, as its own statistics time it", ...rate(RECORDS, logBytes, fastest.seconds), ratio: raw / fastest.seconds, target: 0.5 },
      { ...brokerlabRaw, name: "Brokerlab's raw reference (bench/cleaner.ts, this run, after Kafka stopped)" },
      { ...brokerlabRound, name: "Brokerlab's cleaning round (bench/cleaner.ts, this run, after Kafka stopped)" },
    ],
    notes: [
      `Kafka's log of ${(logBytes / 1e6).toFixed(1)} MB in ${segmentCount} closed segments (${RECORDS.toLocaleString('en-US')} records produced as ${batches.length.toLocaleString('en-US')} batches, acks=1, one partition, RF 1); MB/s is that log over each path's seconds; its round wrote ${(outputBytes / 1e6).toFixed(2)} MB in ${outputs.length} files (segments and their indexes), and the reference as many bytes into as many files`,
      `Kafka's fastest round as it logged it: ${fastest.text}`,
      `Kafka's round seconds are "MB processed" over "MB/sec" of that line (it prints the seconds to 0.1 s only); its "MB" is 2^20 bytes, and its round is timed from before its map pass to after the swap of the last cleaned segment: the replaced files are deleted file.delete.delay.ms (60 s) later, outside the round, while the raw reference (and Brokerlab's round) delete them within`,
      `each round in ms (raw first in rounds 1 and 3): raw ${ms(rounds.map((r) => r.raw))}; Kafka ${ms(rounds.map((r) => r.kafka.seconds))}; Kafka's map pass ("Indexed") ${ms(rounds.map((r) => r.kafka.indexSeconds))}`,
      `Brokerlab (bench/cleaner.ts, run after Kafka stopped): ${brokerlab.notes.join('; ')}`,
    ],
  }
}
