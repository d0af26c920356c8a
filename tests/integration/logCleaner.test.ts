// The log cleaner in real broker workers: every replica of a compacted partition cleans its
// own log and they all hold the same keys and values; __consumer_offsets of a group that
// commits all the time stays a few segments; the lab console sees the cleaner; a record
// without a key is refused.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey, ZERO_UUID } from '../../main/cluster/protocol/messages'
import { ErrorCode } from '../../main/cluster/errors'
import { CheckpointStore } from '../../main/cluster/broker/log/checkpoints'
import { UnifiedLog } from '../../main/cluster/broker/log/unifiedLog'
import { DEFAULT_LOG_CONFIG } from '../../main/cluster/config/logConfig'
import { encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
import type { Cluster } from '../../main/cluster/cluster'
import type { LogCleanerState } from '../../main/cluster/broker/log/cleaner/cleanerState'
import { keyedBatch } from '../helpers/batches'
import { eventually, useCluster } from '../helpers/cluster'
import { readRecords } from '../helpers/log'
import { seededRandom } from '../helpers/random'
import { RawClient, RawClients } from '../helpers/rawClient'
import { call } from '../helpers/contract'
import { ConsoleService } from '../../main/console/consoleService'
import { BrokerLogCleanerState } from '../../preload/contract'

const lab = useCluster()
const clients = new RawClients()
afterEach(() => {
  clients.closeAll()
})

/** A cleaner that looks for work every 100 ms instead of 15 s. */
const FAST_CLEANER = { 'log.cleaner.backoff.ms': '100' }

const cleanerState = (c: Cluster, broker: number): Promise<LogCleanerState> => c.broker(broker).client.call('logCleaner', {})

/** Reads a stopped broker's copy of a partition from its files. */
function replicaRecords(dataDir: string, broker: number, topic: string) {
  const dir = join(dataDir, `broker-${broker}`)
  const checkpoints = new CheckpointStore(join(dir, 'checkpoints.db'))
  try {
    const log = UnifiedLog.open({ dir: join(dir, `${topic}-0`), topic, partition: 0, config: { ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['compact'] }, checkpoints })
    const records = readRecords(log)
    log.close()
    return records
  } finally {
    checkpoints.close()
  }
}

/** The value each key ends with, reading in offset order. */
const lastValues = (records: Array<{ key: string | null; value: string | null }>) => new Map(records.map((r) => [r.key, r.value]))

describe('log cleaner in the cluster', () => {
  it('followers clean their own copies and converge on the same keys and values as the leader', async () => {
    const c = await lab.start(FAST_CLEANER, 3)
    await c.createTopic({ name: 'table', partitions: 1, replicationFactor: 3, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '4096', 'min.cleanable.dirty.ratio': '0.1' } })
    const random = seededRandom(3)
    const model = new Map<string, string | null>()
    for (let b = 0; b < 300; b++) {
      const records = Array.from({ length: 10 }, (): [string, string | null] => {
        const key = `k${random.int(100)}`
        return [key, random.int(9) === 0 ? null : `${key}=${b}.${random.int(1e6)}`]
      })
      for (const [k, v] of records) model.set(k, v)
      expect(await c.produce('table', 0, keyedBatch(records), -1)).toMatchObject({ errorCode: 0 })
    }
    const produced = 3000
    // Every replica runs a round of its own.
    for (const broker of [1, 2, 3]) {
      await eventually(`broker ${broker} cleaned`, async () => {
        const log = (await cleanerState(c, broker)).logs.find((l) => l.topic === 'table')
        return log?.lastRun && log.lastRun.recordsRemoved > 0 && log.segments.some((s) => s.clean)
      }, 20_000)
    }
    const dataDir = lab.dataDir!
    await lab.stop()
    const replicas = [1, 2, 3].map((broker) => replicaRecords(dataDir, broker, 'table'))
    for (const records of replicas) {
      expect(records.length).toBeLessThan(produced / 2)
      expect(lastValues(records)).toEqual(model)
      // Offsets only grow, with gaps where records went.
      records.forEach((r, i) => i > 0 && expect(r.offset).toBeGreaterThan(records[i - 1].offset))
      expect(records.at(-1)!.offset).toBe(produced - 1)
    }
  }, 60_000)

  it('keeps __consumer_offsets of a group committing 3,000 times to a few KiB (offsets.topic.segment.bytes=4096, log.cleaner.backoff.ms=100)', async () => {
    const c = await lab.start({ ...FAST_CLEANER, 'offsets.topic.num.partitions': '1', 'offsets.topic.replication.factor': '1', 'offsets.topic.segment.bytes': '4096' }, 1)
    await c.createTopic({ name: 'events', partitions: 4 })
    const client = await clients.connect(c.bootstrapServers)
    await eventually('a loaded group coordinator', async () => {
      const found = await client.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['busy'] })
      return found.coordinators[0].errorCode === 0
    }, 20_000)
    const partition = (partitionIndex: number, offset: number) => ({ partitionIndex, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: null })
    const commit = async (offset: number) => {
      const committed = await client.request(ApiKey.OffsetCommit, 8, {
        groupId: 'busy',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [{ name: 'events', topicId: ZERO_UUID, partitions: [0, 1, 2, 3].map((p) => partition(p, offset)) }],
      })
      expect(committed.topics[0].partitions.every((p) => p.errorCode === 0)).toBe(true)
    }
    const commits = 3000
    for (let i = 1; i <= commits; i++) await commit(i)
    let last: unknown
    let lastCommitted = commits
    const state = await eventually('__consumer_offsets cleaned down', async () => {
      // The group goes on committing, as a live one does: a round that emptied segments merges them only
      // in the next round, which needs new dirty records (Kafka's cleaner groups segments by their size before cleaning).
      await commit(++lastCommitted)
      const log = (await cleanerState(c, 1)).logs.find((l) => l.topic === '__consumer_offsets')
      last = log && { ...log, segments: log.segments.map((s) => `${s.baseOffset}:${s.size}:${s.records}${s.clean ? 'c' : ''}`).join(' ') }
      // A busy machine may catch it between rounds, with the last round's emptied segments not merged yet: wait for the next.
      const settled = log && log.segments.length <= 20 && log.segments.reduce((t, s) => t + s.records, 0) < 200
      return settled && log.lastRun && log.cleanableBytes < 4096 && log.segments.reduce((t, s) => t + s.size, 0) < 3 * 4096 ? log : undefined
    }, 20_000).catch((error) => {
      console.log(JSON.stringify(last, null, 1))
      throw error
    })
    // 12,000 offset records (about 300 segments of 4 KiB) went in; what stays is one record per
    // key, the active segment, and the emptied segments of the last round (61 bytes each, merged
    // by the next round, as in Kafka, whose first cleaning of full segments keeps them one for one).
    expect(state.segments.length).toBeLessThanOrEqual(20)
    expect(state.segments.reduce((t, s) => t + s.records, 0)).toBeLessThan(200)
    const committedOffsets = async (at: RawClient) => {
      const fetched = await at.request(ApiKey.OffsetFetch, 8, { groupId: '', topics: [], groups: [{ groupId: 'busy', memberId: null, memberEpoch: -1, topics: null }], requireStable: false })
      return fetched.groups[0].errorCode === 0 ? fetched.groups[0].topics[0]?.partitions.map((p) => Number(p.committedOffset)) : undefined
    }
    expect(await committedOffsets(client)).toEqual([lastCommitted, lastCommitted, lastCommitted, lastCommitted])
    // After a crash, the coordinator loads the group from the cleaned log, its gaps and emptied batches.
    await c.crashBroker(1)
    await c.restartBroker(1)
    const again = await clients.connect(c.bootstrapServers)
    expect(await eventually('the group reloaded', () => committedOffsets(again), 20_000)).toEqual([lastCommitted, lastCommitted, lastCommitted, lastCommitted])
  }, 90_000)

  it('logCleaner:state shows each broker\'s cleaner metrics and a compacted log\'s segments, clean or dirty, through the contract', async () => {
    const c = await lab.start(FAST_CLEANER, 2)
    const host = new ConsoleService(c)
    try {
      await call(host, 'topic:create', { name: 'table', partitions: 1, replicationFactor: 2, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '2048' } })
      for (let b = 0; b < 100; b++) await c.produce('table', 0, keyedBatch([[`k${b % 10}`, `v${b}`]]), -1)
      const states = await eventually('both replicas cleaned', async () => {
        const all = await call<BrokerLogCleanerState[]>(host, 'logCleaner:state', { topic: 'table' })
        // Between rounds: the cleanable end moves with the high watermark, so a round may follow the first.
        return all.length === 2 && all.every((b) => b.logs[0]?.lastRun && !b.logs[0].inProgress) ? all : undefined
      }, 20_000)
      for (const state of states) {
        expect(BrokerLogCleanerState.parse(state)).toEqual(state)
        expect(state).toMatchObject({ enabled: true, running: true, metrics: { DeadThreadCount: 0, 'uncleanable-partitions-count': 0 } })
        const log = state.logs[0]
        expect(log).toMatchObject({ topic: 'table', partition: 0, inProgress: false, uncleanable: false })
        expect(log.lastRun!.recordsRemoved).toBeGreaterThan(0)
        expect(log.segments.at(-1)).toMatchObject({ active: true, clean: false })
        expect(log.segments.filter((s) => s.clean).length).toBeGreaterThan(0)
        expect(log.segments.reduce((t, s) => t + s.records, 0)).toBeLessThan(100)
      }
      expect(await call(host, 'logCleaner:state', { brokerId: 2, topic: 'none' })).toEqual([expect.objectContaining({ brokerId: 2, logs: [] })])
    } finally {
      host.close()
    }
  })

  it('log.cleaner.enable=false leaves compacted logs alone; the cleaner\'s dynamic configs restart it or are refused as in Kafka', async () => {
    const c = await lab.start({ ...FAST_CLEANER, 'log.cleaner.enable': 'false' }, 1)
    await c.createTopic({ name: 'table', partitions: 1, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '1024' } })
    for (let b = 0; b < 50; b++) await c.produce('table', 0, keyedBatch([[`k${b % 3}`, `v${b}`]]), -1)
    await new Promise((r) => setTimeout(r, 500))
    const disabled = await cleanerState(c, 1)
    expect(disabled).toMatchObject({ enabled: false, running: false })
    expect(disabled.logs[0].lastRun).toBeNull()
    expect(disabled.logs[0].segments.reduce((t, s) => t + s.records, 0)).toBe(50)
    await expect(c.alterConfigs({ broker: '' }, { 'log.cleaner.threads': '3' })).rejects.toThrow('Log cleaner threads cannot be increased to more than double the current value 1')
    await c.alterConfigs({ broker: '' }, { 'log.cleaner.threads': '2', 'log.cleaner.backoff.ms': '50' })
    // Still disabled: log.cleaner.enable is read-only, as in Kafka.
    await new Promise((r) => setTimeout(r, 300))
    expect(await cleanerState(c, 1)).toMatchObject({ enabled: false, running: false, threads: 0 })
  })

  it('a dynamic log.cleaner.threads restarts the cleaners with the new count, and they clean', async () => {
    const c = await lab.start(FAST_CLEANER, 1)
    expect(await cleanerState(c, 1)).toMatchObject({ running: true, threads: 1 })
    await c.alterConfigs({ broker: '' }, { 'log.cleaner.threads': '2' })
    await eventually('two cleaners', async () => (await cleanerState(c, 1)).threads === 2)
    await c.createTopic({ name: 'table', partitions: 2, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '1024' } })
    for (let b = 0; b < 60; b++) await c.produce('table', b % 2, keyedBatch([[`k${b % 3}`, `v${b}`]]), -1)
    await eventually('both partitions cleaned', async () => (await cleanerState(c, 1)).logs.every((l) => l.lastRun && l.lastRun.recordsRemoved > 0), 20_000)
  })

  it("refuses a record without a key on a compacted topic with Kafka's INVALID_RECORD and message", async () => {
    const c = await lab.start({}, 1)
    await c.createTopic({ name: 'keyed', partitions: 1, configs: { 'cleanup.policy': 'compact,delete' } })
    const answer = await c.produce('keyed', 0, encodeRecordBatch({ records: [{ key: null, value: 'v' }, { key: 'k', value: 'v' }, { key: null, value: 'v' }] }), -1)
    const message = 'Compacted topic cannot accept message without key in topic partition keyed-0'
    expect(answer).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      errorMessage: message,
      logStartOffset: 0,
      recordErrors: [
        { batchIndex: 0, batchIndexErrorMessage: message },
        { batchIndex: 2, batchIndexErrorMessage: message },
      ],
    })
  })
})
