// Issue "Multi-broker cluster" benchmark: the cost of replication. The same workload as the
// foundation benchmark (1,000,000 records of 100 bytes in batches of 1,000, 8 requests in
// flight) produced with acks=all to a replication-factor-3 topic on 3 brokers, and with
// acks=1 to a replication-factor-1 topic, in the same run; their ratio is the cost.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { Cluster } from '../main/cluster/cluster'
import type { Acks } from '../main/cluster/broker/api'
import { encodeRecordBatch } from '../main/cluster/protocol/recordBatch'
import { type BenchResult, rate, tempDir } from './report'

const RECORDS = 1_000_000
const BATCH = 1_000
const VALUE_BYTES = 100
const IN_FLIGHT = 8
const ROUNDS = 3

function makeBatches(): Buffer[] {
  const value = Buffer.alloc(VALUE_BYTES, 'x')
  const now = BigInt(Date.now())
  return Array.from({ length: RECORDS / BATCH }, () => encodeRecordBatch({ records: Array.from({ length: BATCH }, () => ({ value, timestamp: now })) }))
}

async function produceAll(cluster: Cluster, topic: string, batches: Buffer[], acks: Acks): Promise<number> {
  let next = 0
  const start = performance.now()
  const producer = async () => {
    while (next < batches.length) {
      const result = await cluster.produce(topic, 0, batches[next++], acks, 30_000, { transfer: true })
      if (result?.errorCode !== 0) throw new Error(`produce failed: ${result?.errorMessage}`)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, producer))
  return (performance.now() - start) / 1000
}

export async function benchReplication(): Promise<BenchResult[]> {
  const tmp = tempDir()
  const cluster = await Cluster.start({ dataDir: join(tmp.dir, 'cluster'), brokers: 3 })
  try {
    const acksAll: number[] = []
    const acksOne: number[] = []
    // Each run gets a fresh topic, deleted after it, and starts with no dirty pages.
    const run = async (topic: string, replicationFactor: number, acks: Acks) => {
      await cluster.createTopic({ name: topic, partitions: 1, replicationFactor, configs: { 'min.insync.replicas': String(Math.min(2, replicationFactor)) } })
      const batches = makeBatches()
      execFileSync('sync')
      const seconds = await produceAll(cluster, topic, batches, acks)
      await cluster.deleteTopic(topic)
      return seconds
    }
    for (let round = 0; round < ROUNDS; round++) {
      acksOne.push(await run(`rf1-${round}`, 1, 1))
      acksAll.push(await run(`rf3-${round}`, 3, -1))
    }
    const bytes = makeBatches().reduce((n, b) => n + b.length, 0)
    const [one, all] = [acksOne, acksAll].map((samples) => Math.min(...samples))
    return [
      { name: 'acks=1, replication factor 1', ...rate(RECORDS, bytes, one) },
      { name: 'acks=all, replication factor 3, min.insync.replicas=2', ...rate(RECORDS, bytes, all), ratio: one / all, target: 0.4 },
    ]
  } finally {
    await cluster.stop()
    tmp.remove()
  }
}
