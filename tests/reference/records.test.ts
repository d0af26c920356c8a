// Produce, Fetch, ListOffsets, DeleteRecords and OffsetForLeaderEpoch at their edges (issue 14,
// item 2), the same requests to Apache Kafka and to Brokerlab: batches too large or corrupt, an
// invalid acks, unknown topics and partitions, a follower asked as if it led, offsets out of
// range, every ListOffsets spec, and leader epochs ahead of the leader's.
import { describe, it } from 'vitest'
import { consumerFetch } from '../helpers/fetchRequest'
import { ZERO_UUID, ApiKey, type ApiRequests, type ApiResponses, type FetchRequest, type ListOffsetsRequest, type OffsetForLeaderEpochRequest, type ProduceRequest } from '../../main/cluster/protocol/messages'
import { producerBatch } from '../helpers/batches'
import { eventually } from '../helpers/cluster'
import type { RawClient } from '../helpers/rawClient'
import { answered, PRODUCE_BY_NAME, SIDES, useDifferential, type Side } from './differential'
import { brokerOf, follower, leader, metadataOf, topic, waitForLeaders } from './requests'

const diff = useDifferential({ name: 'records' })

/** One timestamp for every batch, so both clusters store the same bytes. */
const TIMESTAMP = Date.now() - 60_000
const MAX_MESSAGE_BYTES = 1024

const produce = (records: Buffer | null, { name = 'rec-one', partition = 0, acks = -1 } = {}): ProduceRequest => ({
  transactionalId: null,
  acks,
  timeoutMs: 30_000,
  topicData: [{ topicId: ZERO_UUID, name, partitionData: [{ index: partition, records }] }],
})

/** A batch whose CRC no longer matches: its last byte (inside the last record's header value) flipped. */
function corrupted(batch: Buffer): Buffer {
  const copy = Buffer.from(batch)
  copy[copy.length - 1] ^= 0xff
  return copy
}

describe('records at their edges', () => {
  it('Produce, Fetch, ListOffsets, DeleteRecords and OffsetForLeaderEpoch answer as Kafka does', async () => {
    const to = await diff.connect(await diff.start())
    await diff.requestBoth(to, ApiKey.CreateTopics, {
      topics: [topic('rec-one', 1, 3, { configs: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }] })],
      timeoutMs: 30_000,
      validateOnly: false,
    })
    await waitForLeaders(to, ['rec-one'])
    const leaders = await diff.connect(await brokerOf(to, 'rec-one', 0, leader))
    const followers = await diff.connect(await brokerOf(to, 'rec-one', 0, follower))
    const topicIds = {} as Record<Side, string>
    for (const side of SIDES) topicIds[side] = (await to[side].request(ApiKey.Metadata, 12, metadataOf(['rec-one']))).topics[0].topicId

    const send = async <K extends keyof ApiRequests & keyof ApiResponses>(
      scenario: string,
      check: string,
      at: Record<Side, RawClient>,
      apiKey: K,
      body: ApiRequests[K] | ((side: Side) => ApiRequests[K]),
      described: string,
    ) => {
      const { version, answers } = await diff.requestBoth(at, apiKey, body, apiKey === ApiKey.Produce ? PRODUCE_BY_NAME : Infinity)
      diff.check(scenario, check, `${scenario} v${version} ${described}`, answered(answers.kafka), answered(answers.brokerlab))
    }

    // Produce: 3 records, then 2 (offsets 0-4), then what must be refused.
    const batch = (count: number, tag: string) => producerBatch({ count, tag, timestamp: TIMESTAMP })
    const produceCases: Array<[string, Record<Side, RawClient>, ProduceRequest, string]> = [
      ['3 records, acks=all', leaders, produce(batch(3, 'first')), 'rec-one-0 acks=-1 3 records'],
      ['2 records, acks=1', leaders, produce(batch(2, 'second'), { acks: 1 }), 'rec-one-0 acks=1 2 records'],
      ['acks=2 (invalid)', leaders, produce(batch(1, 'acks'), { acks: 2 }), 'rec-one-0 acks=2'],
      [`a batch larger than max.message.bytes (${MAX_MESSAGE_BYTES})`, leaders, produce(producerBatch({ count: 1, valueSize: 2 * MAX_MESSAGE_BYTES, timestamp: TIMESTAMP })), 'rec-one-0 one record of 2 KiB'],
      ['a batch whose CRC does not match', leaders, produce(corrupted(batch(2, 'crc'))), 'rec-one-0 last byte flipped'],
      ['an unknown topic', leaders, produce(batch(1, 'x'), { name: 'rec-missing' }), 'rec-missing-0'],
      ['a partition past the last', leaders, produce(batch(1, 'x'), { partition: 5 }), 'rec-one-5'],
      ['to a follower', followers, produce(batch(1, 'follower')), 'rec-one-0 at a follower'],
    ]
    for (const [check, at, body, described] of produceCases) await send('Produce', check, at, ApiKey.Produce, body, described)

    const fetch = (fetchOffset: bigint, { partition = 0, id = (side: Side) => topicIds[side] } = {}) => (side: Side): FetchRequest =>
      consumerFetch({ topic: 'rec-one', topicId: id(side), partition, fetchOffset })
    const fetchCases: Array<[string, Record<Side, RawClient>, ReturnType<typeof fetch>, string]> = [
      ['from offset 0', leaders, fetch(0n), 'rec-one-0 offset 0'],
      ['from offset 3 (inside the log)', leaders, fetch(3n), 'rec-one-0 offset 3'],
      ['at the high watermark', leaders, fetch(5n), 'rec-one-0 offset 5, maxWaitMs 0'],
      ['past the log end (out of range)', leaders, fetch(100n), 'rec-one-0 offset 100'],
      ['from a follower, as a consumer', followers, fetch(0n), 'rec-one-0 at a follower, no rack'],
      ['a partition past the last', leaders, fetch(0n, { partition: 5 }), 'rec-one-5'],
      ['an unknown topic id', leaders, fetch(0n, { id: () => '0123456789abcdef0123456789abcdef'.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5') }), 'a random topic id'],
    ]
    // A follower learns the high watermark on its next fetch: wait for it on each side, so the answers do not race.
    for (const side of SIDES) {
      await eventually(`the high watermark of rec-one-0 at a follower on ${side}`, async () => {
        const p = (await followers[side].request(ApiKey.Fetch, 17, fetch(0n)(side))).responses[0].partitions[0]
        return p.errorCode !== 0 || p.highWatermark === 5n
      }, 30_000)
    }
    for (const [check, at, body, described] of fetchCases) await send('Fetch', check, at, ApiKey.Fetch, body, described)

    const listOffsets = (timestamp: bigint, { partition = 0, currentLeaderEpoch = -1, isolationLevel = 0 } = {}): ListOffsetsRequest => ({
      replicaId: -1,
      isolationLevel,
      topics: [{ name: 'rec-one', partitions: [{ partitionIndex: partition, currentLeaderEpoch, timestamp }] }],
      timeoutMs: 30_000,
    })
    const t = BigInt(TIMESTAMP)
    const listCases: Array<[string, Record<Side, RawClient>, ListOffsetsRequest, string]> = [
      ['earliest (-2)', leaders, listOffsets(-2n), 'rec-one-0 -2'],
      ['latest (-1)', leaders, listOffsets(-1n), 'rec-one-0 -1'],
      ['latest, read_committed', leaders, listOffsets(-1n, { isolationLevel: 1 }), 'rec-one-0 -1 isolation 1'],
      ['max timestamp (-3)', leaders, listOffsets(-3n), 'rec-one-0 -3'],
      ['earliest local (-4)', leaders, listOffsets(-4n), 'rec-one-0 -4'],
      ['latest tiered (-5)', leaders, listOffsets(-5n), 'rec-one-0 -5'],
      ['earliest pending upload (-6, v11)', leaders, listOffsets(-6n), 'rec-one-0 -6'],
      ['by time: the first timestamp', leaders, listOffsets(t), 'rec-one-0 TIMESTAMP'],
      ['by time: between records', leaders, listOffsets(t + 2n), 'rec-one-0 TIMESTAMP+2'],
      ['by time: after every record', leaders, listOffsets(t + 3_600_000n), 'rec-one-0 TIMESTAMP+1h'],
      ['a leader epoch ahead of the leader', leaders, listOffsets(-1n, { currentLeaderEpoch: 5 }), 'rec-one-0 -1 currentLeaderEpoch 5'],
      ['a partition past the last', leaders, listOffsets(-1n, { partition: 5 }), 'rec-one-5 -1'],
      ['at a follower', followers, listOffsets(-1n), 'rec-one-0 -1 at a follower'],
    ]
    for (const [check, at, body, described] of listCases) await send('ListOffsets', check, at, ApiKey.ListOffsets, body, described)

    const epochs = (leaderEpoch: number, { currentLeaderEpoch = -1, name = 'rec-one', partition = 0 } = {}): OffsetForLeaderEpochRequest => ({
      replicaId: -1,
      topics: [{ topic: name, partitions: [{ partition, currentLeaderEpoch, leaderEpoch }] }],
    })
    const epochCases: Array<[string, Record<Side, RawClient>, OffsetForLeaderEpochRequest, string]> = [
      ['the current epoch (0)', leaders, epochs(0), 'rec-one-0 leaderEpoch 0'],
      ['an epoch after the current one', leaders, epochs(5), 'rec-one-0 leaderEpoch 5'],
      ['a current leader epoch ahead of the leader', leaders, epochs(0, { currentLeaderEpoch: 5 }), 'rec-one-0 currentLeaderEpoch 5'],
      ['at a follower', followers, epochs(0), 'rec-one-0 at a follower'],
      ['an unknown topic', leaders, epochs(0, { name: 'rec-missing' }), 'rec-missing-0'],
      ['a partition past the last', leaders, epochs(0, { partition: 5 }), 'rec-one-5'],
    ]
    for (const [check, at, body, described] of epochCases) await send('OffsetForLeaderEpoch', check, at, ApiKey.OffsetForLeaderEpoch, body, described)

    const deleteRecords = (offset: bigint, { name = 'rec-one', partition = 0 } = {}) => ({ topics: [{ name, partitions: [{ partitionIndex: partition, offset }] }], timeoutMs: 30_000 })
    const deleteCases: Array<[string, Record<Side, RawClient>, ReturnType<typeof deleteRecords>, string]> = [
      ['before offset 2', leaders, deleteRecords(2n), 'rec-one-0 offset 2'],
      ['before an offset already deleted', leaders, deleteRecords(1n), 'rec-one-0 offset 1'],
      ['past the high watermark', leaders, deleteRecords(100n), 'rec-one-0 offset 100'],
      ['at a follower', followers, deleteRecords(3n), 'rec-one-0 offset 3 at a follower'],
      ['an unknown topic', leaders, deleteRecords(0n, { name: 'rec-missing' }), 'rec-missing-0'],
      ['a partition past the last', leaders, deleteRecords(0n, { partition: 5 }), 'rec-one-5'],
      ['up to the high watermark (-1)', leaders, deleteRecords(-1n), 'rec-one-0 offset -1'],
    ]
    for (const [check, at, body, described] of deleteCases) await send('DeleteRecords', check, at, ApiKey.DeleteRecords, body, described)
    await send('ListOffsets', 'earliest after DeleteRecords', leaders, ApiKey.ListOffsets, listOffsets(-2n), 'rec-one-0 -2')
    await send('Fetch', 'below the log start offset after DeleteRecords', leaders, ApiKey.Fetch, fetch(0n), 'rec-one-0 offset 0')
  })
})
