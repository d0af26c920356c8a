// kcat (librdkafka) against a compacted topic: 100,000 keyed records over 1,000 keys, the last
// record of 100 keys a tombstone. After cleaning, kcat -C reads exactly the last value of each
// of the 900 live keys at its original offset and the 100 tombstones; once delete.retention.ms
// has passed and another round runs, no tombstone. As in Kafka, records in the active segment
// are not cleaned: a record after max.compaction.lag.ms (which also rolls a compacted log)
// closes the segment holding the last values, and one more lets the last round run.
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../main/cluster/cluster'
import type { CleanedLogState } from '../../main/cluster/broker/log/cleaner/cleanerState'
import { eventually, useCluster } from '../helpers/cluster'
import { kcat, kcatAvailable } from '../helpers/kcat'

const fixture = useCluster()

const RECORDS = 100_000
const KEYS = 1_000
const DELETED_KEYS = 100
const DELETE_RETENTION_MS = 4000

async function compactedLog(c: Cluster): Promise<CleanedLogState> {
  const state = await c.broker(1).client.call('logCleaner', {})
  return state.logs.find((l) => l.topic === 'table')!
}

/** Waits until a cleaning round has reached `offset` (the cleaner checkpoint is past it). */
function cleanedTo(c: Cluster, offset: number): Promise<CleanedLogState> {
  return eventually(`a round cleaning up to ${offset}`, async () => {
    const log = await compactedLog(c)
    return log.lastRun && log.lastRun.endOffset >= offset && !log.inProgress ? log : undefined
  }, 60_000)
}

async function consume(c: Cluster): Promise<string[]> {
  const read = await kcat(['-b', c.bootstrapServers, '-C', '-t', 'table', '-p', '0', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%k %o %s\n'], undefined, 120_000)
  expect(read.status, read.stderr).toBe(0)
  return read.stdout.split('\n').slice(0, -1)
}

async function produce(c: Cluster, lines: string[]): Promise<void> {
  const produced = await kcat(['-b', c.bootstrapServers, '-P', '-t', 'table', '-p', '0', '-K', ':', '-Z', '-X', 'acks=all'], lines.join('\n') + '\n', 120_000)
  expect(produced.status, produced.stderr).toBe(0)
}

describe.skipIf(!kcatAvailable)('kcat on a compacted topic', () => {
  it('reads the last value of each live key at its offset, the tombstones until delete.retention.ms, then none', async () => {
    const c = await fixture.start({ 'log.cleaner.backoff.ms': '100' }, 1)
    await c.createTopic({
      name: 'table',
      partitions: 1,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': '65536', 'max.compaction.lag.ms': '1000', 'delete.retention.ms': String(DELETE_RETENTION_MS) },
    })
    const lastRound = RECORDS - KEYS
    const lines = Array.from({ length: RECORDS }, (_, i) => {
      const key = i % KEYS
      return i >= lastRound && key < DELETED_KEYS ? `k${key}:` : `k${key}:v${i}`
    })
    await produce(c, lines)

    await new Promise((r) => setTimeout(r, 1100))
    await produce(c, ['__roll:1'])
    const round = await cleanedTo(c, RECORDS)
    const live = Array.from({ length: KEYS - DELETED_KEYS }, (_, j) => `k${DELETED_KEYS + j} ${lastRound + DELETED_KEYS + j} v${lastRound + DELETED_KEYS + j}`)
    const tombstones = Array.from({ length: DELETED_KEYS }, (_, j) => `k${j} ${lastRound + j} NULL`)
    expect(await consume(c)).toEqual([...tombstones, ...live, `__roll ${RECORDS} 1`])

    // Past the tombstones' delete horizon, the next round removes them.
    await new Promise((r) => setTimeout(r, Math.max(round.lastRun!.endTime + DELETE_RETENTION_MS - Date.now(), 0) + 1100))
    await produce(c, ['__roll:2'])
    const after = await cleanedTo(c, RECORDS + 1)
    expect(await consume(c)).toEqual([...live, `__roll ${RECORDS} 1`, `__roll ${RECORDS + 1} 2`])
    expect(after.segments.filter((s) => !s.active).every((s) => s.clean)).toBe(true)
  }, 180_000)
})
