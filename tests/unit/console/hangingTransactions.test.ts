// The hanging-transaction detector (issue 16), on the cases kafka-transactions find-hanging
// reasons about: an open transaction no coordinator knows, one open longer than
// transaction.max.timeout.ms, and one Ongoing past its own transaction.timeout.ms.
import { describe, expect, it } from 'vitest'
import type { ActiveProducer, DescribedTransaction } from '../../../main/console/connections/transactionRequests'
import { hangingReason, openTransactions, UNKNOWN_GRACE_MS, type HangingInputs } from '../../../main/console/views/transactions/hanging'

const NOW = 1_000_000_000
const producer = (over: Partial<ActiveProducer> = {}): ActiveProducer => ({ producerId: 7, producerEpoch: 2, lastSequence: 4, lastTimestamp: NOW - 1000, coordinatorEpoch: 0, currentTxnStartOffset: 40, ...over })
const txn = (over: Partial<DescribedTransaction> = {}): DescribedTransaction => ({
  transactionalId: 'orders-tx',
  producerId: 7,
  producerEpoch: 2,
  state: 'Ongoing',
  coordinator: 1,
  timeoutMs: 60_000,
  startTimeMs: NOW - 1000,
  partitions: [{ topic: 'orders', partition: 0 }],
  ...over,
})
const inputs = (transactions: DescribedTransaction[], over: Partial<HangingInputs> = {}): HangingInputs => ({ topic: 'orders', partition: 0, transactions, everyCoordinatorAnswered: true, maxTimeoutMs: 900_000, now: NOW, ...over })

describe('hangingReason', () => {
  it('an ongoing transaction its coordinator holds, within its timeout, does not hang', () => {
    expect(hangingReason(producer(), inputs([txn()]))).toBeNull()
  })

  it('an Ongoing transaction past its transaction.timeout.ms hangs', () => {
    const found = hangingReason(producer(), inputs([txn({ startTimeMs: NOW - 61_000 })]))
    expect(found?.reason).toBe('past-timeout')
    expect(found?.message).toContain('"orders-tx" has been Ongoing for 61 s, past its transaction.timeout.ms of 60 s')
  })

  it('a transaction open in the partition that no coordinator holds hangs once past the grace', () => {
    const unknown = producer({ lastTimestamp: NOW - UNKNOWN_GRACE_MS })
    expect(hangingReason(unknown, inputs([]))?.reason).toBe('unknown-to-coordinator')
    // The coordinator's transaction of that producer id, without this partition, does not hold it.
    expect(hangingReason(unknown, inputs([txn({ partitions: [{ topic: 'orders', partition: 1 }] })]))?.reason).toBe('unknown-to-coordinator')
    // Nor does one that has completed.
    expect(hangingReason(unknown, inputs([txn({ state: 'CompleteCommit' })]))?.reason).toBe('unknown-to-coordinator')
    // Within the grace it may have just ended: not yet.
    expect(hangingReason(producer({ lastTimestamp: NOW - 100 }), inputs([]))).toBeNull()
  })

  it('says nothing of unknown transactions when a coordinator did not answer, unless older than transaction.max.timeout.ms', () => {
    expect(hangingReason(producer({ lastTimestamp: NOW - 60_000 }), inputs([], { everyCoordinatorAnswered: false }))).toBeNull()
    expect(hangingReason(producer({ lastTimestamp: NOW - 901_000 }), inputs([], { everyCoordinatorAnswered: false }))?.reason).toBe('older-than-max-timeout')
  })

  it('a transaction stuck in PrepareCommit longer than transaction.max.timeout.ms hangs', () => {
    expect(hangingReason(producer(), inputs([txn({ state: 'PrepareCommit', startTimeMs: NOW - 901_000 })]))?.reason).toBe('older-than-max-timeout')
  })
})

describe('openTransactions', () => {
  it('lists only producers with an open transaction, by first offset, with the transactional id holding each', () => {
    const open = openTransactions([producer({ producerId: 9, currentTxnStartOffset: 50 }), producer({ currentTxnStartOffset: -1, producerId: 3 }), producer()], inputs([txn()]))
    expect(open.map((o) => [o.producerId, o.firstOffset, o.transactionalId, o.hanging?.reason ?? null])).toEqual([
      [7, 40, 'orders-tx', null],
      [9, 50, null, null],
    ])
  })
})
