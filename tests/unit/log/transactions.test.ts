// Transactions in the partition log (issue 16): transactional appends, COMMIT and ABORT markers,
// the last stable offset, the aborted-transaction index (.txnindex) and what survives a
// restart, a crash, a truncation and replication, on real log files.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { logFixture, readAll } from '../../helpers/log'
import { producerBatch } from '../../helpers/batches'
import { isKafkaError, type ErrorName } from '../../../main/cluster/errors'
import type { UnifiedLog } from '../../../main/cluster/broker/log/unifiedLog'
import { decodeAbortedTxns } from '../../../main/cluster/broker/log/transactionIndex'
import { ControlRecordType, encodeEndTransactionMarkerBatch } from '../../../main/cluster/protocol/controlRecord'
import { decodeRecordBatches } from '../../../main/cluster/protocol/recordBatch'
import { runUntilKilled } from '../../helpers/killedChild'

const txnAppender = fileURLToPath(new URL('./txnAppender.ts', import.meta.url))

/** Runs the transactional appender until it reported `count` markers, then SIGKILLs it. */
function appendMarkersUntilKilled(dir: string, count: number): Promise<Array<{ producerId: number; committed: boolean; offset: number }>> {
  return runUntilKilled(txnAppender, dir, count, ([producerId, committed, offset]) => ({ producerId, committed: committed === 1, offset }))
}

/** Producer state and aborted transactions computed from the log's batches alone, from offset 0. */
function replayFromScratch(log: UnifiedLog) {
  const open = new Map<number, number>()
  const aborted: Array<{ producerId: number; firstOffset: number; lastOffset: number }> = []
  for (let offset = 0; offset < log.logEndOffset; ) {
    const { records } = log.read(offset, 1 << 20)
    for (const batch of decodeRecordBatches(records)) {
      const pid = Number(batch.producerId)
      if (batch.isControl) {
        const first = open.get(pid)
        if (first !== undefined && batch.records[0].key!.readInt16BE(2) === ControlRecordType.Abort) aborted.push({ producerId: pid, firstOffset: first, lastOffset: Number(batch.baseOffset) })
        open.delete(pid)
      } else if (batch.isTransactional && !open.has(pid)) open.set(pid, Number(batch.baseOffset))
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
    }
  }
  return { ongoing: [...open].map(([producerId, firstOffset]) => ({ producerId, firstOffset })).sort((a, b) => a.firstOffset - b.firstOffset), aborted }
}

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

const seqs = new Map<number, number>()
afterEach(() => seqs.clear())

/** `count` records of producer `pid` in a transaction (sequences continue per producer). */
function txn(log: UnifiedLog, pid: number, count = 3, epoch = 0) {
  const seq = seqs.get(pid) ?? 0
  seqs.set(pid, seq + count)
  return log.appendAsLeader(producerBatch({ producerId: pid, producerEpoch: epoch, baseSequence: seq, count, tag: `p${pid}s${seq}`, transactional: true }), 1)
}

function marker(log: UnifiedLog, pid: number, committed: boolean, epoch = 0, coordinatorEpoch = 0) {
  return log.appendMarkerAsLeader({ producerId: pid, producerEpoch: epoch, committed, coordinatorEpoch }, 1)
}

function plain(log: UnifiedLog, count = 3) {
  return log.appendAsLeader(producerBatch({ count, tag: 'plain' }), 1)
}

function expectKafkaError(fn: () => unknown, name: ErrorName) {
  let error: unknown
  try {
    fn()
  } catch (err) {
    error = err
  }
  expect(isKafkaError(error, name), `expected ${name}, got ${String(error)}`).toBe(true)
}

const txnIndexPath = (base: number) => join(fixture.dir, 'topic-0', `${String(base).padStart(20, '0')}.txnindex`)

describe('transactions in the log', () => {
  it('the LSO stops at the first open transaction and moves only once its marker is below the high watermark', () => {
    fixture = logFixture()
    const log = fixture.open()
    plain(log) // 0-2
    log.updateHighWatermark(log.logEndOffset)
    expect(log.lastStableOffset).toBe(3)
    txn(log, 1) // 3-5
    txn(log, 2) // 6-8
    log.updateHighWatermark(log.logEndOffset)
    expect(log.lastStableOffset).toBe(3)
    expect(log.producerStateManager.ongoingTransactions).toEqual([
      { producerId: 1, firstOffset: 3 },
      { producerId: 2, firstOffset: 6 },
    ])
    expect(log.producerStateManager.lastEntry(1)!.currentTxnFirstOffset).toBe(3)
    const commit = marker(log, 1, true) // 9
    expect(commit.firstOffset).toBe(9)
    expect(log.producerStateManager.lastEntry(1)!.currentTxnFirstOffset).toBe(-1)
    // The marker is not replicated yet: the transaction still holds the LSO back.
    expect(log.lastStableOffset).toBe(3)
    log.updateHighWatermark(10)
    expect(log.lastStableOffset).toBe(6)
    marker(log, 2, false) // 10
    log.updateHighWatermark(log.logEndOffset)
    expect(log.lastStableOffset).toBe(11)
    // Never above the high watermark.
    plain(log)
    expect(log.lastStableOffset).toBe(11)
  })

  it('writes an ABORT into the segment .txnindex in Kafka’s 34-byte layout, and a read_committed read lists it', () => {
    fixture = logFixture()
    const log = fixture.open()
    txn(log, 7) // 0-2
    txn(log, 8) // 3-5
    marker(log, 7, false) // 6: LSO at completion is 3 (producer 8 still open)
    marker(log, 8, true) // 7
    log.updateHighWatermark(log.logEndOffset)
    const bytes = readFileSync(txnIndexPath(0))
    expect(bytes.length).toBe(34)
    expect(bytes.readInt16BE(0)).toBe(0)
    expect(bytes.readBigInt64BE(2)).toBe(7n)
    expect(bytes.readBigInt64BE(10)).toBe(0n)
    expect(bytes.readBigInt64BE(18)).toBe(6n)
    expect(bytes.readBigInt64BE(26)).toBe(3n)
    expect(log.collectAbortedTransactions(0, 8)).toEqual([{ producerId: 7, firstOffset: 0, lastOffset: 6, lastStableOffset: 3 }])
    expect(log.collectAbortedTransactions(7, 8)).toEqual([])
    // A commit writes no entry.
    expect(decodeAbortedTxns(bytes)).toHaveLength(1)
  })

  it('refuses a marker older than the producer’s epoch or from an older coordinator, and control batches from clients', () => {
    fixture = logFixture()
    const log = fixture.open()
    txn(log, 3, 3, 5)
    expectKafkaError(() => marker(log, 3, false, 4), 'INVALID_PRODUCER_EPOCH')
    marker(log, 3, false, 5, 2)
    expectKafkaError(() => marker(log, 3, true, 5, 1), 'TRANSACTION_COORDINATOR_FENCED')
    const end = log.logEndOffset
    const control = encodeEndTransactionMarkerBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 0, producerId: 3n, producerEpoch: 5 })
    expectKafkaError(() => log.appendAsLeader(control, 1), 'INVALID_RECORD')
    expect(log.logEndOffset).toBe(end)
  })

  it('refuses a non-transactional write of a producer whose transaction is open (INVALID_TXN_STATE)', () => {
    fixture = logFixture()
    const log = fixture.open()
    txn(log, 11)
    const end = log.logEndOffset
    expectKafkaError(() => log.appendAsLeader(producerBatch({ producerId: 11, producerEpoch: 0, baseSequence: 3, count: 1 }), 1), 'INVALID_TXN_STATE')
    expect(log.logEndOffset).toBe(end)
    marker(log, 11, true)
    expect(log.appendAsLeader(producerBatch({ producerId: 11, producerEpoch: 0, baseSequence: 3, count: 1 }), 1).firstOffset).toBe(end + 1)
  })

  it('a marker for a producer without data here is written but changes neither the LSO nor the index', () => {
    fixture = logFixture()
    const log = fixture.open()
    plain(log)
    marker(log, 42, false)
    log.updateHighWatermark(log.logEndOffset)
    expect(log.lastStableOffset).toBe(4)
    expect(existsSync(txnIndexPath(0))).toBe(false)
    expect(log.producerStateManager.lastEntry(42)!.producerEpoch).toBe(0)
  })

  it('keeps ongoing transactions, the LSO and the index across a clean restart (the snapshot carries currentTxnFirstOffset)', () => {
    fixture = logFixture()
    let log = fixture.open()
    txn(log, 1) // 0-2
    txn(log, 2) // 3-5
    marker(log, 1, false) // 6
    log.updateHighWatermark(log.logEndOffset)
    expect(log.lastStableOffset).toBe(3)
    log.close()
    fixture.reopenStore()
    log = fixture.open()
    expect(log.producerStateManager.mapEndOffset).toBe(7)
    expect(log.producerStateManager.ongoingTransactions).toEqual([{ producerId: 2, firstOffset: 3 }])
    expect(log.lastStableOffset).toBe(3)
    expect(log.collectAbortedTransactions(0, 7)).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 6, lastStableOffset: 3 }])
    marker(log, 2, true)
    log.updateHighWatermark(log.logEndOffset)
    expect(log.lastStableOffset).toBe(8)
  })

  it('after a crash replays markers from the last snapshot and rebuilds the .txnindex', () => {
    fixture = logFixture({ segmentBytes: 400 })
    const log = fixture.open()
    for (let i = 0; i < 6; i++) {
      txn(log, 100 + i)
      marker(log, 100 + i, i % 2 === 1)
    }
    txn(log, 200)
    log.updateHighWatermark(log.logEndOffset)
    expect(log.segmentCount).toBeGreaterThan(2)
    const aborted = log.collectAbortedTransactions(0, log.logEndOffset)
    expect(aborted.map((t) => t.producerId)).toEqual([100, 102, 104])
    // The crash: no close, and the active segment's index file is lost.
    const active = log.activeSegment.baseOffset
    rmSync(txnIndexPath(active), { force: true })
    fixture.reopenStore()
    const reopened = fixture.open()
    expect(reopened.collectAbortedTransactions(0, reopened.logEndOffset)).toEqual(aborted)
    expect(reopened.producerStateManager.ongoingTransactions).toEqual([{ producerId: 200, firstOffset: log.producerStateManager.ongoingTransactions[0].firstOffset }])
    // The high watermark checkpoint is the broker's (none here): once it is back, so is the LSO.
    reopened.updateHighWatermark(reopened.logEndOffset)
    expect(reopened.lastStableOffset).toBe(log.lastStableOffset)
  })

  it('after SIGKILL mid-stream: every acknowledged marker is there, the .txnindex and open transactions match the log, the LSO with them', async () => {
    fixture = logFixture()
    const acked = await appendMarkersUntilKilled(fixture.dir, 300)
    const log = fixture.open()
    expect(log.segmentCount).toBeGreaterThan(5)
    const expected = replayFromScratch(log)
    const aborted = log.collectAbortedTransactions(0, log.logEndOffset)
    expect(aborted.map(({ producerId, firstOffset, lastOffset }) => ({ producerId, firstOffset, lastOffset }))).toEqual(expected.aborted)
    for (const m of acked) expect(aborted.some((t) => t.lastOffset === m.offset)).toBe(!m.committed)
    expect(log.producerStateManager.ongoingTransactions).toEqual(expected.ongoing)
    log.updateHighWatermark(log.logEndOffset)
    expect(log.lastStableOffset).toBe(expected.ongoing[0]?.firstOffset ?? log.logEndOffset)
    // Each index entry's LSO is the earliest other open transaction when it completed: within the log.
    for (const t of aborted) expect(t.lastStableOffset).toBeLessThanOrEqual(t.lastOffset + 1)
  })

  it('truncation rolls back markers past the truncation point: the transaction is open again and its entry gone', () => {
    fixture = logFixture()
    const log = fixture.open()
    txn(log, 1) // 0-2
    const abort = marker(log, 1, false) // 3
    plain(log) // 4-6
    log.updateHighWatermark(2)
    expect(log.collectAbortedTransactions(0, 7)).toHaveLength(1)
    log.truncateTo(abort.firstOffset)
    expect(log.logEndOffset).toBe(3)
    expect(log.collectAbortedTransactions(0, 3)).toEqual([])
    expect(existsSync(txnIndexPath(0))).toBe(false)
    expect(log.producerStateManager.ongoingTransactions).toEqual([{ producerId: 1, firstOffset: 0 }])
    log.updateHighWatermark(3)
    expect(log.lastStableOffset).toBe(0)
  })

  it('a follower appending the leader’s batches builds the same producer state, LSO and index', () => {
    fixture = logFixture()
    const leader = fixture.open()
    const follower = (() => {
      const f = logFixture()
      const log = f.open()
      const cleanup = fixture.cleanup
      fixture.cleanup = () => {
        f.cleanup()
        cleanup()
      }
      return log
    })()
    txn(leader, 1)
    txn(leader, 2)
    marker(leader, 2, false)
    plain(leader)
    marker(leader, 1, true)
    txn(leader, 3)
    leader.updateHighWatermark(leader.logEndOffset)
    const { records } = leader.read(0, 1 << 20)
    follower.appendAsFollower(records)
    follower.updateHighWatermark(leader.highWatermark)
    expect(follower.logEndOffset).toBe(leader.logEndOffset)
    expect(follower.producerStateManager.ongoingTransactions).toEqual(leader.producerStateManager.ongoingTransactions)
    expect(follower.lastStableOffset).toBe(leader.lastStableOffset)
    expect(follower.collectAbortedTransactions(0, follower.logEndOffset)).toEqual(leader.collectAbortedTransactions(0, leader.logEndOffset))
    expect(readAll(follower)).toEqual(readAll(leader))
  })
})
