// The log cleaner and transactions (Kafka's CleanedTransactionMetadata): records of aborted
// transactions go (and never hide an older committed value of their key), a marker stays while
// its transaction's data does, then gets a delete horizon and goes after delete.retention.ms;
// the cleaner never cleans past the last stable offset.
import { afterEach, describe, expect, it } from 'vitest'
import { keyedBatch } from '../../helpers/batches'
import { manualCleaner } from '../../helpers/cleaning'
import { logFixture } from '../../helpers/log'
import { decodeRecordBatches, encodeRecordBatch } from '../../../main/cluster/protocol/recordBatch'
import { DELETE_HORIZON_FLAG_MASK } from '../../../main/cluster/protocol/batchHeader'
import type { UnifiedLog } from '../../../main/cluster/broker/log/unifiedLog'

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

const RETENTION = 60_000
let clock = 0
const now = () => clock

function txnBatch(producerId: number, baseSequence: number, records: Array<[string, string]>): Buffer {
  return encodeRecordBatch({
    isTransactional: true,
    producerId: BigInt(producerId),
    producerEpoch: 0,
    baseSequence,
    records: records.map(([key, value], i) => ({ key, value, timestamp: BigInt(clock + i) })),
  })
}

function marker(log: UnifiedLog, producerId: number, committed: boolean) {
  return log.appendMarkerAsLeader({ producerId, producerEpoch: 0, committed, coordinatorEpoch: 0 }, 0)
}

/** Every batch of the log: its offsets, whether it is a marker, and its delete horizon flag. */
function batches(log: UnifiedLog) {
  const { records } = log.read(log.logStartOffset, 1 << 24)
  return [...decodeRecordBatches(records)].map((b) => ({
    baseOffset: Number(b.baseOffset),
    control: b.isControl,
    records: b.records.length,
    horizon: (b.attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
  }))
}

/** The data records (markers left out): key and value. */
function readRecords(log: UnifiedLog): Array<{ key: string; value: string }> {
  const { records } = log.read(log.logStartOffset, 1 << 24)
  return [...decodeRecordBatches(records)].filter((b) => !b.isControl).flatMap((b) => b.records.map((r) => ({ key: r.key!.toString(), value: r.value!.toString() })))
}

/** Appends a new dirty record and rolls, so the next round has something to clean. */
function dirty(log: UnifiedLog, tag: string) {
  log.appendAsLeader(keyedBatch([[`filler-${tag}`, tag]], clock), 0)
  log.roll()
  log.updateHighWatermark(log.logEndOffset)
}

describe('log cleaner and transactions', () => {
  it('drops aborted records, keeps the committed ones, and keeps markers until their data is gone and delete.retention.ms has passed', async () => {
    clock = Date.now()
    fixture = logFixture({ cleanupPolicy: ['compact'], deleteRetentionMs: RETENTION, minCleanableRatio: 0 })
    const log = fixture.open()
    log.appendAsLeader(keyedBatch([['k1', 'committed-v1']], clock), 0) // 0
    log.appendAsLeader(txnBatch(7, 0, [['k1', 'aborted'], ['k2', 'aborted']]), 0) // 1-2
    log.appendAsLeader(txnBatch(8, 0, [['k3', 'q']]), 0) // 3
    const abort = marker(log, 7, false).firstOffset // 4
    const commit = marker(log, 8, true).firstOffset // 5
    // Producer 7 writes on: its emptied aborted batch need not hold its last sequence (Kafka keeps a
    // producer's last batch, emptied, and with it the marker of that batch's transaction).
    log.appendAsLeader(encodeRecordBatch({ producerId: 7n, producerEpoch: 0, baseSequence: 2, records: [{ key: 'k4', value: 'after', timestamp: BigInt(clock) }] }), 0) // 6
    dirty(log, 'a') // 7
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now)

    await cleaner.round()
    expect(readRecords(log).map((r) => `${r.key}=${r.value}`)).toEqual(['k1=committed-v1', 'k3=q', 'k4=after', 'filler-a=a'])
    let markers = batches(log).filter((b) => b.control)
    // The aborted data went in this round: its marker stays (without a horizon), and so does its index entry.
    expect(markers).toEqual([
      { baseOffset: abort, control: true, records: 1, horizon: false },
      { baseOffset: commit, control: true, records: 1, horizon: false },
    ])
    expect(log.collectAbortedTransactions(0, log.logEndOffset)).toEqual([{ producerId: 7, firstOffset: 1, lastOffset: abort, lastStableOffset: 3 }])

    // Next round: no data of the aborted transaction is left, so its marker gets a delete horizon.
    // The committed transaction's record is still there: its marker stays as it is.
    dirty(log, 'b')
    await cleaner.round()
    markers = batches(log).filter((b) => b.control)
    expect(markers).toEqual([
      { baseOffset: abort, control: true, records: 1, horizon: true },
      { baseOffset: commit, control: true, records: 1, horizon: false },
    ])

    // Before the horizon nothing changes; after it the ABORT marker goes.
    clock += RETENTION / 2
    dirty(log, 'c')
    await cleaner.round()
    expect(batches(log).filter((b) => b.control).map((b) => b.baseOffset)).toEqual([abort, commit])
    clock += RETENTION
    dirty(log, 'd')
    await cleaner.round()
    expect(batches(log).filter((b) => b.control && b.records > 0).map((b) => b.baseOffset)).toEqual([commit])
    expect(readRecords(log).map((r) => r.key)).toEqual(['k1', 'k3', 'k4', 'filler-a', 'filler-b', 'filler-c', 'filler-d'])

    // Reopened after a crash, the replay agrees: nothing open, the LSO at the high watermark.
    fixture.reopenStore()
    const reopened = fixture.open()
    reopened.updateHighWatermark(reopened.logEndOffset)
    expect(reopened.producerStateManager.ongoingTransactions).toEqual([])
    expect(reopened.lastStableOffset).toBe(reopened.logEndOffset)
  })

  it('never cleans past the last stable offset: an open transaction’s records wait', async () => {
    clock = Date.now()
    fixture = logFixture({ cleanupPolicy: ['compact'], deleteRetentionMs: RETENTION, minCleanableRatio: 0 })
    const log = fixture.open()
    log.appendAsLeader(keyedBatch([['k', 'old']], clock), 0) // 0
    log.appendAsLeader(txnBatch(9, 0, [['k', 'open']]), 0) // 1: open
    log.appendAsLeader(keyedBatch([['k', 'new']], clock), 0) // 2
    dirty(log, 'a')
    expect(log.lastStableOffset).toBe(1)
    const cleaner = manualCleaner(() => [log], fixture.checkpoints, now)
    await cleaner.round()
    // Only [0, 1) was cleanable: nothing from the open transaction on was touched.
    expect(readRecords(log).map((r) => r.value)).toEqual(['old', 'open', 'new', 'a'])
    marker(log, 9, false)
    dirty(log, 'b')
    await cleaner.round()
    expect(readRecords(log).map((r) => r.value)).toEqual(['new', 'a', 'b'])
  })
})
