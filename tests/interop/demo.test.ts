// The console's demo clients: consumer groups that show what each commit mode does when a
// member is killed mid-batch, and a producer load generator.
import { describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import type { CommitMode, RunStats } from '../../main/cluster/clients/api'
import { eventually, useCluster } from '../helpers/cluster'

const fixture = useCluster()
const CONFIGS = { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500', 'offsets.topic.num.partitions': '4' }

/**
 * Two members process 15 ms a record while a producer sends 200 records a second, more than
 * they keep up with, so batches grow; one member is killed in the middle of a batch, the
 * producer stops, and the survivor drains the topic.
 */
async function killMidBatch(commitMode: CommitMode): Promise<RunStats> {
  const c = await fixture.start(CONFIGS, 1)
  await c.createTopic({ name: 'work', partitions: 2, replicationFactor: 1 })
  const demo = await c.demoClients()
  const { runId } = await demo.call('startConsumers', { bootstrap: c.bootstrapServers, groupId: `demo-${commitMode}`, topic: 'work', members: 2, processingDelayMs: 15, commitMode, sessionTimeoutMs: 1500 })
  const { producerId } = await demo.call('startProducer', { bootstrap: c.bootstrapServers, topic: 'work', ratePerSec: 200, messageBytes: 50, keyCardinality: null, acks: -1, idempotent: true })
  await eventually('both members busy', async () => (await demo.call('runStats', { runId })).members.every((m) => m.processed > 20), 30_000)
  await demo.call('killMember', { runId, member: 0 })
  await new Promise((r) => setTimeout(r, 1000))
  const produced = await demo.call('stopProducer', { producerId })
  expect(produced.acked).toBeGreaterThan(0)
  // The survivor takes over the killed member's partitions once its session expires, and drains them.
  const final = await eventually(
    'the group drained',
    async () => {
      const s = await demo.call('runStats', { runId })
      return s.processed + s.neverProcessed >= produced.acked ? s : undefined
    },
    90_000,
  )
  await demo.call('stopRun', { runId })
  return final
}

describe('demo consumers', () => {
  it('at most once (commit before processing) loses records and never processes one twice', async () => {
    const stats = await killMidBatch('before-processing')
    expect(stats.members[0].state).toBe('killed')
    expect(stats.neverProcessed).toBeGreaterThan(0)
    expect(stats.processedTwice).toBe(0)
  }, 120_000)

  it('at least once (commit after processing) processes records twice and never loses one', async () => {
    const stats = await killMidBatch('after-processing')
    expect(stats.processedTwice).toBeGreaterThan(0)
    expect(stats.neverProcessed).toBe(0)
  }, 120_000)

  it('exactly once: a batch that takes longer than the transaction timeout commits in parts, and the group drains it', async () => {
    // 1,000 records waiting, fetched as one batch: at 15 ms a record, 15 s of processing against
    // the member's 10 s transaction.timeout.ms. In one transaction the coordinator would abort it
    // every time and the group would never commit. The coordinator looks for expired ones every 500 ms.
    const c = await fixture.start({ ...CONFIGS, 'transaction.abort.timed.out.transaction.cleanup.interval.ms': '500' }, 1)
    await c.createTopic({ name: 'backlog', partitions: 1, replicationFactor: 1 })
    await c.createTopic({ name: 'backlog-out', partitions: 1, replicationFactor: 1 })
    const kafka = new Kafka({ clientId: 'demo-backlog', brokers: c.bootstrapServers.split(','), logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'backlog', acks: -1, messages: Array.from({ length: 1000 }, (_, i) => ({ value: `record ${i}` })) })
    await producer.disconnect()
    const demo = await c.demoClients()
    const groupId = 'demo-backlog'
    const { runId } = await demo.call('startConsumers', { bootstrap: c.bootstrapServers, groupId, topic: 'backlog', members: 1, processingDelayMs: 15, commitMode: 'transactional', outputTopic: 'backlog-out' })
    const admin = kafka.admin()
    await admin.connect()
    try {
      const committed = async () => Number((await admin.fetchOffsets({ groupId, topics: ['backlog'] }))[0].partitions[0].offset)
      await eventually('the group committed the whole backlog', async () => (await committed()) === 1000, 60_000)
      const stats = await demo.call('runStats', { runId })
      expect(stats.processed).toBe(1000)
      expect(stats.processedTwice).toBe(0)
    } finally {
      await admin.disconnect()
      await demo.call('stopRun', { runId })
    }
  }, 90_000)
})
