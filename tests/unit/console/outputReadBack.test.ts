// The exactly-once demo's output read back (issue 16): records as a read_committed consumer is
// handed them, each source record counted once however often it was written, and read on
// from where the last call stopped. The log holds a killed member's aborted transaction that
// began before another aborted first: kafkajs 2.2.4's read_committed hands its records over
// as duplicates; this reader does not.
import { describe, expect, it } from 'vitest'
import type { RunStats } from '../../../preload/contract'
import { OutputReadBack } from '../../../main/console/views/outputReadBack'
import { dataBatch, markerBatch, readCommittedLog } from '../../helpers/transactionBatches'

/** A data batch whose records' keys are the source records "0/<n>". */
function output(baseOffset: number, producerId: number, sources: number[]) {
  const batch = dataBatch(baseOffset, producerId, sources.length)
  batch.records.forEach((r, i) => (r.key = Buffer.from(`0/${sources[i]}`)))
  return batch
}

// Producer 7 (the killed member) writes sources 0-1 and never commits; producer 8 writes 2
// and aborts first (at 3); the fenced 7 is aborted at 4; producer 9 (the next owner) writes
// 0-2 again and commits at 8.
const LOG = [output(0, 7, [0, 1]), output(2, 8, [2]), markerBatch(3, 8, false), markerBatch(4, 7, false), output(5, 9, [0, 1, 2]), markerBatch(8, 9, true)]

const stats = (over: Partial<RunStats> = {}): RunStats => ({
  runId: 'r',
  groupId: 'g',
  topic: 'in',
  commitMode: 'transactional',
  processingDelayMs: 0,
  startedAt: 0,
  members: [],
  processed: 0,
  processedTwice: 0,
  neverProcessed: 0,
  outputTopic: 'out',
  output: null,
  ...over,
})

describe('OutputReadBack', () => {
  it('counts the committed output once per source record, however the fetches cut it', async () => {
    for (const perFetch of [1, 2, 10]) {
      const read = new OutputReadBack(readCommittedLog([LOG], 9, perFetch))
      expect((await read.withOutput(stats())).output, `${perFetch} batch(es) a fetch`).toEqual({ topic: 'out', records: 3, duplicates: 0 })
    }
  })

  it('counts a source record written twice outside a transaction as a duplicate', async () => {
    const plain = [output(0, -1, [0, 1]), output(2, -1, [1])].map((b) => ({ ...b, isTransactional: false }))
    const read = new OutputReadBack(readCommittedLog([plain], 3, 10))
    expect((await read.withOutput(stats({ commitMode: 'after-processing' }))).output).toEqual({ topic: 'out', records: 3, duplicates: 1 })
  })

  it('leaves records appended after the LSO was asked, which a fetch brings along, for the next read', async () => {
    const plain = [0, 1, 2, 3, 4, 5].map((n) => ({ ...output(n, -1, [n]), isTransactional: false }))
    let lastStableOffset = 3
    const read = new OutputReadBack({ ...readCommittedLog([plain], 6, 10), listOffset: async (_topic, _partition, spec) => (spec === -2 ? 0 : lastStableOffset) })
    expect((await read.withOutput(stats())).output).toMatchObject({ records: 3 })
    lastStableOffset = 6
    expect((await read.withOutput(stats())).output).toMatchObject({ records: 6, duplicates: 0 })
  })

  it('reads on from where it stopped, and leaves a run without an output topic alone', async () => {
    const source = readCommittedLog([LOG], 9, 10)
    const read = new OutputReadBack(source)
    await read.withOutput(stats())
    const fetches = source.fetches
    expect((await read.withOutput(stats())).output).toEqual({ topic: 'out', records: 3, duplicates: 0 })
    expect(source.fetches).toBe(fetches)
    expect(await read.withOutput(stats({ outputTopic: null }))).toMatchObject({ output: null })
  })
})
