// The message browser's reading of transactions in fetched batches (issue 16): markers decoded
// from control records, and each transactional batch's outcome from its own marker, from a
// read_committed Fetch's aborted list below the LSO (as Kafka's consumer skips aborted
// records), or "open" above it.
import { describe, expect, it } from 'vitest'
import { markerOf, needsAbortedList, transactionOutcomes } from '../../../main/console/views/browse/transactionOutcomes'
import { dataBatch, markerBatch } from '../../helpers/transactionBatches'

const data = dataBatch
const marker = markerBatch

describe('markerOf', () => {
  it('reads the marker type, producer and coordinator epoch of a control batch', () => {
    expect(markerOf(marker(9, 42, true, 5))).toEqual({ type: 'COMMIT', producerId: 42, producerEpoch: 3, coordinatorEpoch: 5 })
    expect(markerOf(marker(9, 42, false))?.type).toBe('ABORT')
    expect(markerOf(data(9, 42))).toBeNull()
  })
})

describe('transactionOutcomes', () => {
  it('decides a batch by its producer’s next marker among the fetched batches, interleaved producers apart', () => {
    const batches = [data(0, 1, 2), data(2, 2), marker(3, 1, true), data(4, 1), marker(5, 2, false), marker(6, 1, false), data(7, 2)]
    const outcomes = transactionOutcomes(batches, null, 7)
    expect(Object.fromEntries(outcomes)).toEqual({ 0: 'committed', 2: 'aborted', 4: 'aborted', 7: 'open' })
  })

  it('below the LSO without its marker, reads the aborted list as a read_committed consumer does', () => {
    // Producer 1 aborted from offset 0 and its ABORT marker lies past the fetch; producer 2 committed; producer 1 later aborted again at 3.
    const batches = [data(0, 1), data(1, 2), data(2, 1)]
    expect(Object.fromEntries(transactionOutcomes(batches, [{ producerId: 1, firstOffset: 0 }], 10))).toEqual({ 0: 'aborted', 1: 'committed', 2: 'aborted' })
    // An aborted transaction ends at its ABORT marker: the producer's next transaction is not aborted by that entry.
    const later = [data(0, 1), marker(1, 1, false), data(2, 1)]
    expect(Object.fromEntries(transactionOutcomes(later, [{ producerId: 1, firstOffset: 0 }], 10))).toEqual({ 0: 'aborted', 2: 'committed' })
  })

  it('at or past the LSO without a marker, a transaction is open; non-transactional batches have no outcome', () => {
    const outcomes = transactionOutcomes([data(0, 1, 1, false), data(1, 5)], [], 1)
    expect(Object.fromEntries(outcomes)).toEqual({ 1: 'open' })
  })

  it('asks for the aborted list only when a batch below the LSO lacks its marker', () => {
    expect(needsAbortedList([data(0, 1), marker(1, 1, true)], 2)).toBe(false)
    expect(needsAbortedList([data(0, 1)], 1)).toBe(true)
    expect(needsAbortedList([data(0, 1)], 0)).toBe(false)
    expect(needsAbortedList([data(0, 1, 1, false)], 5)).toBe(false)
  })
})
