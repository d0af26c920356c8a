// A group's lag counts records, not transaction markers (issue 16, docs/consumer-lag.md): on a
// log of committed and aborted transactions, an open one and plain records, the lag is what a
// read_committed consumer would still be handed up to the LSO, beside Kafka's offset lag.
import { describe, expect, it } from 'vitest'
import { OffsetSpec } from '../../../main/cluster/broker/api'
import type { GroupView } from '../../../main/cluster/broker/group'
import type { FetchedBatch } from '../../../main/console/connections/kafkaConnection'
import { groupSnapshots, type GroupSource } from '../../../main/console/views/groups'
import { COUNT_LIMIT, RecordCounter } from '../../../main/console/views/recordLag'
import { dataBatch, markerBatch, readCommittedLog } from '../../helpers/transactionBatches'

// offsets 0-1 plain; 2-4 producer 1 committed (COMMIT at 5); 6-7 producer 2 aborted (ABORT at 8);
// 9 plain; 10-11 producer 3 open (no marker): LSO 10, high watermark 12.
const LOG: FetchedBatch[] = [
  dataBatch(0, -1, 2, false),
  dataBatch(2, 1, 3),
  markerBatch(5, 1, true),
  dataBatch(6, 2, 2),
  markerBatch(8, 2, false),
  dataBatch(9, -1, 1, false),
  dataBatch(10, 3, 2),
]
const LSO = 10
const HIGH_WATERMARK = 12

const readCommittedSource = (perFetch: number) => readCommittedLog([LOG], LSO, perFetch)

describe('RecordCounter', () => {
  it('counts the records a read_committed consumer is handed, not markers nor aborted records, however the fetches cut the range', async () => {
    for (const perFetch of [1, 2, 10]) {
      const counter = new RecordCounter(readCommittedSource(perFetch))
      // 0,1 plain + 2,3,4 committed + 9 plain; not the COMMIT at 5, the aborted 6-7 nor the ABORT at 8.
      expect(await counter.count('t', 0, 0, LSO), `${perFetch} batch(es) a fetch`).toBe(6)
      expect(await counter.count('t', 0, 5, LSO)).toBe(1)
      expect(await counter.count('t', 0, 6, 9)).toBe(0)
    }
  })

  it('keeps a count, and does not read a range longer than COUNT_LIMIT', async () => {
    const source = readCommittedSource(10)
    const counter = new RecordCounter(source)
    await counter.count('t', 0, 0, LSO)
    const fetches = source.fetches
    expect(await counter.count('t', 0, 0, LSO)).toBe(6)
    expect(source.fetches).toBe(fetches)
    expect(await counter.count('t', 0, 0, COUNT_LIMIT + 1)).toBeNull()
  })

  it('reads only what lies past what it has read, as the LSO and the group move on', async () => {
    const source = readCommittedSource(1)
    const counter = new RecordCounter(source)
    expect(await counter.count('t', 0, 0, 5)).toBe(5)
    const fetches = source.fetches
    expect(await counter.count('t', 0, 2, LSO)).toBe(4)
    // Offsets 5 to 9 only: four batches (the COMMIT, 6-7, the ABORT, 9), one a fetch.
    expect(source.fetches - fetches).toBe(4)
    expect(await counter.count('t', 0, 9, LSO)).toBe(1)
    expect(source.fetches - fetches).toBe(4)
  })
})

describe('group lag on a transactional log', () => {
  const group = (committed: number) =>
    ({
      groupId: 'txn-readers',
      state: 'Empty',
      protocolType: 'consumer',
      protocol: 'range',
      generation: 1,
      members: [],
      offsets: [{ topic: 't', partition: 0, offset: BigInt(committed), leaderEpoch: -1, metadata: '', commitTimestamp: 0 }],
    }) as unknown as GroupView

  function source(committed: number): GroupSource {
    const counter = new RecordCounter(readCommittedSource(3))
    return {
      coordinatorGroups: async () => [{ coordinator: 1, groups: [group(committed)] }],
      listOffset: async (_t, _p, spec, isolation) => (spec === OffsetSpec.EARLIEST ? 0 : isolation === 1 ? LSO : HIGH_WATERMARK),
      countRecords: (topic, partition, from, to) => counter.count(topic, partition, from, to),
      partitionCount: () => 1,
      topicExists: () => true,
    }
  }

  it('a group at offset 0 lags 6 records up to the LSO, where Kafka’s tools say 12 offsets', async () => {
    const [g] = await groupSnapshots(source(0))
    expect(g.partitions[0]).toMatchObject({ lag: 6, offsetLag: 12, lastStableOffset: LSO, logEndOffset: HIGH_WATERMARK, lagCounted: true })
    expect(g.totalLag).toBe(6)
  })

  it('a group past every record below the LSO, its position on a marker, lags 0', async () => {
    const [g] = await groupSnapshots(source(LSO))
    expect(g.partitions[0]).toMatchObject({ lag: 0, offsetLag: 2 })
  })
})
