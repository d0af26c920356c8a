// Log compaction against Apache Kafka 4.4 (issue 18): the same keyed records, tombstones among
// them, produced to a compacted topic on both clusters, read back once both cleaners have run;
// and the same refusals: a record without a key, conflicting compaction lags, a dirty ratio out
// of range, validateOnly changes of the cleaner's broker configs. Segments are 1 MiB, Kafka
// 4's floor for segment.bytes.
import { describe, expect, it } from 'vitest'
import { ZERO_UUID, ApiKey, type ProduceRequest } from '../../main/cluster/protocol/messages'
import { decodeRecordBatches, encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
import { consumerFetch } from '../helpers/fetchRequest'
import { eventually } from '../helpers/cluster'
import { expectedAfterCleaning } from '../helpers/cleaning'
import { seededRandom } from '../helpers/random'
import type { RawClient } from '../helpers/rawClient'
import { answered, PRODUCE_BY_NAME, SIDES, useDifferential, type Side } from './differential'
import { brokerOf, leader, metadataOf, topic, waitForLeaders } from './requests'

const diff = useDifferential({ name: 'compaction', configs: { 'log.cleaner.backoff.ms': '200' } })

const TIMESTAMP = Date.now() - 60_000
const SEGMENT_BYTES = 1024 * 1024
const COMPACTED = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'segment.bytes', value: String(SEGMENT_BYTES) },
  { name: 'segment.ms', value: '1000' },
]

type Row = { offset: number; key: string | null; value: string | null }

const produce = (name: string, records: Buffer): ProduceRequest => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: [{ topicId: ZERO_UUID, name, partitionData: [{ index: 0, records }] }],
})

/** Every record of partition 0, decoded, following the batches (and the gaps between them). */
async function readAll(client: RawClient, topicId: string, name: string): Promise<Row[]> {
  const rows: Row[] = []
  for (let offset = 0n; ; ) {
    const answer = await client.request(ApiKey.Fetch, 12, consumerFetch({ topic: name, topicId, partition: 0, fetchOffset: offset }))
    const records = answer.responses[0].partitions[0].records
    if (!records || records.length === 0) return rows
    for (const batch of decodeRecordBatches(records)) {
      for (const r of batch.records) if (r.offset >= offset) rows.push({ offset: Number(r.offset), key: r.key?.toString() ?? null, value: r.value?.toString() ?? null })
      offset = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n
    }
  }
}

describe('log compaction', () => {
  it('both clusters keep the same records of a compacted topic, and refuse the same things', async () => {
    const to = await diff.connect(await diff.start())
    await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [topic('cmp-table', 1, 3, { configs: COMPACTED })], timeoutMs: 30_000, validateOnly: false })
    await waitForLeaders(to, ['cmp-table'])
    const leaders = await diff.connect(await brokerOf(to, 'cmp-table', 0, leader))
    const topicIds = {} as Record<Side, string>
    for (const side of SIDES) topicIds[side] = (await to[side].request(ApiKey.Metadata, 12, metadataOf(['cmp-table']))).topics[0].topicId

    // Refusals.
    const keyless = encodeRecordBatch({ baseTimestamp: BigInt(TIMESTAMP), records: [{ key: 'k', value: 'v', timestamp: BigInt(TIMESTAMP) }, { key: null, value: 'no key', timestamp: BigInt(TIMESTAMP) }] })
    const refusedProduce = await diff.requestBoth(leaders, ApiKey.Produce, produce('cmp-table', keyless), PRODUCE_BY_NAME)
    diff.check('Compaction', 'a record without a key', 'Produce cmp-table-0: 2 records, the second without a key', answered(refusedProduce.answers.kafka), answered(refusedProduce.answers.brokerlab))
    const create = async (check: string, configs: Array<{ name: string; value: string }>) => {
      const { answers } = await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [topic('cmp-refused', 1, 1, { configs })], timeoutMs: 30_000, validateOnly: true })
      diff.check('Compaction', check, `CreateTopics validateOnly ${configs.map((c) => `${c.name}=${c.value}`).join(' ')}`, answered(answers.kafka), answered(answers.brokerlab))
    }
    await create('min.compaction.lag.ms above max.compaction.lag.ms', [{ name: 'min.compaction.lag.ms', value: '5000' }, { name: 'max.compaction.lag.ms', value: '1000' }])
    await create('min.cleanable.dirty.ratio above 1', [{ name: 'min.cleanable.dirty.ratio', value: '1.5' }])
    await create('max.compaction.lag.ms of 0', [{ name: 'max.compaction.lag.ms', value: '0' }])
    const alterBroker = async (check: string, name: string, value: string) => {
      const { answers } = await diff.requestBoth(to, ApiKey.IncrementalAlterConfigs, {
        resources: [{ resourceType: 4, resourceName: '', configs: [{ name, configOperation: 0, value }] }],
        validateOnly: true,
      })
      diff.check('Compaction', check, `IncrementalAlterConfigs validateOnly cluster default ${name}=${value}`, answered(answers.kafka), answered(answers.brokerlab))
    }
    await alterBroker('log.cleaner.threads doubled', 'log.cleaner.threads', '2')
    await alterBroker('log.cleaner.threads tripled', 'log.cleaner.threads', '3')
    await alterBroker('log.cleaner.threads 0', 'log.cleaner.threads', '0')

    // 3 MiB of keyed records over 200 keys, every 10th a tombstone, then a record after
    // segment.ms that rolls the segment holding the last of them.
    const random = seededRandom(44)
    for (let b = 0; b < 300; b++) {
      const records = Array.from({ length: 10 }, (_, i) => {
        const key = `key-${random.int(200)}`
        return { key, value: random.int(10) === 0 ? null : `${key}:${b}.${i}:`.padEnd(1000, 'x'), timestamp: BigInt(TIMESTAMP) }
      })
      const { answers } = await diff.requestBoth(leaders, ApiKey.Produce, produce('cmp-table', encodeRecordBatch({ baseTimestamp: BigInt(TIMESTAMP), records })), PRODUCE_BY_NAME)
      for (const side of SIDES) expect(answered(answers[side]), side).toMatchObject({ responses: [{ partitionResponses: [{ errorCode: 0 }] }] })
    }
    const before = await readAll(leaders.kafka, topicIds.kafka, 'cmp-table')
    expect(await readAll(leaders.brokerlab, topicIds.brokerlab, 'cmp-table')).toEqual(before)
    await new Promise((r) => setTimeout(r, 1100))
    await diff.requestBoth(leaders, ApiKey.Produce, produce('cmp-table', encodeRecordBatch({ records: [{ key: 'roll', value: 'r' }] })), PRODUCE_BY_NAME)
    // A round may already have run while the records went in: the log ends at 3,000 whatever it reads.
    const end = 3000
    const expected = [...expectedAfterCleaning(before, end), { offset: end, key: 'roll', value: 'r' }]
    const after = {} as Record<Side, Row[]>
    for (const side of SIDES) {
      after[side] = await eventually(`${side} cleaned`, async () => {
        const rows = await readAll(leaders[side], topicIds[side], 'cmp-table')
        return JSON.stringify(rows) === JSON.stringify(expected) ? rows : undefined
      }, 90_000).catch(async (error) => {
        const rows = await readAll(leaders[side], topicIds[side], 'cmp-table')
        throw new Error(`${error.message}: ${side} reads ${rows.length} records, ${expected.length} expected`)
      })
    }
    diff.check('Compaction', 'the records a compacted topic keeps', 'Fetch cmp-table-0 from 0 after cleaning', after.kafka, after.brokerlab)
    expect(after.brokerlab).toEqual(expected)
  }, 240_000)
})
