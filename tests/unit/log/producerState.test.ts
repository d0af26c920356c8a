import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { logFixture, readAll } from '../../helpers/log'
import { producerBatch, type BatchSpec } from '../../helpers/batches'
import { isKafkaError, type ErrorName } from '../../../main/cluster/errors'
import { CheckpointStore } from '../../../main/cluster/broker/log/checkpoints'
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS } from '../../../main/cluster/broker/log/producerState'
import type { UnifiedLog } from '../../../main/cluster/broker/log/unifiedLog'
import { decodeRecordBatches } from '../../../main/cluster/protocol/recordBatch'

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

const PID = 4000
const COUNT = 3

/** Batch `n` of producer PID in `epoch`: records n*COUNT .. n*COUNT+2, sequences likewise. */
function batch(n: number, spec: BatchSpec = {}): Buffer {
  return producerBatch({ producerId: PID, producerEpoch: 0, baseSequence: n * COUNT, count: COUNT, tag: `n${n}`, ...spec })
}

function send(log: UnifiedLog, n: number, spec: BatchSpec = {}) {
  return log.appendAsLeader(batch(n, spec), 1)
}

function expectKafkaError(fn: () => unknown, name: ErrorName, message?: RegExp) {
  let error: unknown
  try {
    fn()
  } catch (err) {
    error = err
  }
  expect(isKafkaError(error, name), `expected ${name}, got ${String(error)}`).toBe(true)
  if (message) expect((error as Error).message).toMatch(message)
}

/** Appends nothing: a refused or duplicate append leaves the log exactly as it was. */
function expectUnchanged(log: UnifiedLog, fn: () => unknown) {
  const before = { end: log.logEndOffset, size: log.size, records: readAll(log) }
  fn()
  expect({ end: log.logEndOffset, size: log.size, records: readAll(log) }).toEqual(before)
}

function snapshotOffsets(): number[] {
  const store = new CheckpointStore(join(fixture.dir, 'checkpoints.db'))
  try {
    return store.producerSnapshots('topic', 0).offsets()
  } finally {
    store.close()
  }
}

describe('idempotent producer: leader checks', () => {
  it('accepts sequences in order across many batches and remembers the last 5', () => {
    fixture = logFixture()
    const log = fixture.open()
    for (let n = 0; n < 40; n++) {
      const info = send(log, n)
      expect([info.firstOffset, info.lastOffset, info.duplicate]).toEqual([n * COUNT, n * COUNT + 2, false])
    }
    const entry = log.producerStateManager.lastEntry(PID)!
    expect(entry.producerEpoch).toBe(0)
    expect(entry.batchMetadata.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset])).toEqual(
      [35, 36, 37, 38, 39].map((n) => [n * COUNT, n * COUNT + 2, n * COUNT, n * COUNT + 2]),
    )
    expect(readAll(log).length).toBe(120)
  })

  it('acknowledges a retry of each of the last 5 batches with its original offsets and writes nothing', () => {
    fixture = logFixture()
    const log = fixture.open()
    log.appendAsLeader(producerBatch({ count: 2 }), 1) // a plain producer's batch first: offsets differ from sequences
    const originals = Array.from({ length: 8 }, (_, n) => send(log, n))
    for (let n = 3; n < 8; n++) {
      expectUnchanged(log, () => {
        const info = send(log, n)
        expect(info.duplicate).toBe(true)
        expect([info.firstOffset, info.lastOffset]).toEqual([originals[n].firstOffset, originals[n].lastOffset])
        expect(info.logAppendTime).toBe(-1)
      })
    }
    expect(send(log, 8).firstOffset).toBe(originals[7].lastOffset + 1)
  })

  it('answers a duplicate under LogAppendTime with the original append time', () => {
    fixture = logFixture({ messageTimestampType: 'LogAppendTime' })
    let clock = 1_000_000
    const log = fixture.open()
    Object.assign(log, { now: () => clock })
    const original = send(log, 0)
    clock += 5000
    const retry = send(log, 0)
    expect(retry).toMatchObject({ duplicate: true, firstOffset: 0, logAppendTime: original.logAppendTime })
    expect(original.logAppendTime).toBe(1_000_000)
  })

  it('refuses a retry older than the last 5 batches and a gap with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    fixture = logFixture()
    const log = fixture.open()
    for (let n = 0; n < 8; n++) send(log, n)
    expectUnchanged(log, () => {
      expectKafkaError(() => send(log, 2), 'OUT_OF_ORDER_SEQUENCE_NUMBER', /producer 4000 .*expected sequence 24, received 6/)
      expectKafkaError(() => send(log, 9), 'OUT_OF_ORDER_SEQUENCE_NUMBER', /expected sequence 24, received 27/)
      // Same first sequence as a cached batch but a different range is no duplicate either.
      expectKafkaError(() => send(log, 7, { count: 2 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER', /received 21/)
    })
    expect(send(log, 8).duplicate).toBe(false)
  })

  it('fences an older epoch with INVALID_PRODUCER_EPOCH and starts a new epoch at sequence 0', () => {
    fixture = logFixture()
    const log = fixture.open()
    send(log, 0, { producerEpoch: 3 })
    send(log, 1, { producerEpoch: 3 })
    expectUnchanged(log, () => {
      expectKafkaError(() => send(log, 2, { producerEpoch: 2 }), 'INVALID_PRODUCER_EPOCH', /producer 4000 .* is 2, older than its current epoch 3/)
      expectKafkaError(() => send(log, 2, { producerEpoch: 4 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER', /new epoch 4 .*expected sequence 0, received 6/)
    })
    const bumped = send(log, 0, { producerEpoch: 4 })
    expect(bumped.duplicate).toBe(false)
    expect(log.producerStateManager.lastEntry(PID)).toMatchObject({ producerEpoch: 4, lastSeq: 2 })
    // A batch of the old epoch, even one the log holds, is now fenced, not a duplicate.
    expectKafkaError(() => send(log, 1, { producerEpoch: 3 }), 'INVALID_PRODUCER_EPOCH')
    expect(send(log, 0, { producerEpoch: 4 })).toMatchObject({ duplicate: true, firstOffset: bumped.firstOffset })
  })

  it('accepts an unknown producer at any sequence (KIP-360) and sequences that wrap past Int32.MAX_VALUE', () => {
    fixture = logFixture()
    const log = fixture.open()
    expect(log.appendAsLeader(producerBatch({ producerId: 9, baseSequence: 500 }), 1).duplicate).toBe(false)
    log.appendAsLeader(producerBatch({ producerId: 10, baseSequence: 2 ** 31 - 2, count: 3 }), 1)
    expect(log.producerStateManager.lastEntry(10)!.lastSeq).toBe(0)
    expectKafkaError(() => log.appendAsLeader(producerBatch({ producerId: 10, baseSequence: 2 }), 1), 'OUT_OF_ORDER_SEQUENCE_NUMBER', /expected sequence 1, received 2/)
    expect(log.appendAsLeader(producerBatch({ producerId: 10, baseSequence: 1 }), 1).firstOffset).toBe(4)
    expect(log.appendAsLeader(producerBatch({ producerId: 10, baseSequence: 2 ** 31 - 2, count: 3 }), 1)).toMatchObject({ duplicate: true, firstOffset: 1 })
  })

  it('refuses a request with an idempotent batch among several, as Kafka refuses it in ProduceRequest', () => {
    fixture = logFixture()
    const log = fixture.open()
    send(log, 0)
    expectUnchanged(log, () => {
      expectKafkaError(() => log.appendAsLeader(Buffer.concat([producerBatch(), batch(0)]), 1), 'INVALID_RECORD', /exactly one record batch/)
      expectKafkaError(() => log.appendAsLeader(Buffer.concat([batch(1), batch(2)]), 1), 'INVALID_RECORD')
    })
    expect(log.appendAsLeader(Buffer.concat([producerBatch(), producerBatch()]), 1).lastOffset).toBe(4)
  })

  it('stores transactional batches with their flag and tracks their sequences', () => {
    fixture = logFixture()
    const log = fixture.open()
    send(log, 0, { transactional: true })
    expect(send(log, 0, { transactional: true }).duplicate).toBe(true)
    const [stored] = [...decodeRecordBatches(log.read(0, 1 << 20).records)]
    expect(stored.isTransactional).toBe(true)
    expect(Number(stored.producerId)).toBe(PID)
  })
})

describe('idempotent producer: state across restart, replication, truncation and retention', () => {
  it('survives a clean close and reopen: every cached batch is still a duplicate and the next sequence is checked', () => {
    fixture = logFixture({ segmentBytes: 1024 })
    let log = fixture.open()
    const originals = Array.from({ length: 30 }, (_, n) => send(log, n, { valueSize: 40 }))
    expect(log.segmentCount).toBeGreaterThan(3)
    log.close()
    expect(snapshotOffsets()).toContain(90)
    fixture.reopenStore()
    log = fixture.open()
    for (let n = 25; n < 30; n++) expect(send(log, n)).toMatchObject({ duplicate: true, firstOffset: originals[n].firstOffset })
    expectKafkaError(() => send(log, 31), 'OUT_OF_ORDER_SEQUENCE_NUMBER', /expected sequence 90, received 93/)
    expect(send(log, 30).firstOffset).toBe(90)
  })

  it('after a crash (no close), rebuilds from the last roll snapshot plus the batch headers after it', () => {
    fixture = logFixture({ segmentBytes: 1024 })
    const crashed = fixture.open()
    const originals = Array.from({ length: 30 }, (_, n) => send(crashed, n, { valueSize: 40 }))
    const activeBase = crashed.activeSegment.baseOffset
    expect(activeBase).toBeGreaterThan(0)
    expect(snapshotOffsets()).toContain(activeBase)
    // Batches after the last snapshot, from a second producer, must come from the replay.
    crashed.appendAsLeader(producerBatch({ producerId: 77, producerEpoch: 2, baseSequence: 0 }), 1)
    const log = fixture.open()
    expect(log.logEndOffset).toBe(91)
    for (let n = 25; n < 30; n++) expect(send(log, n)).toMatchObject({ duplicate: true, firstOffset: originals[n].firstOffset })
    expect(log.appendAsLeader(producerBatch({ producerId: 77, producerEpoch: 2, baseSequence: 0 }), 1)).toMatchObject({ duplicate: true, firstOffset: 90 })
    expectKafkaError(() => log.appendAsLeader(producerBatch({ producerId: 77, producerEpoch: 1, baseSequence: 1 }), 1), 'INVALID_PRODUCER_EPOCH')
    expect(send(log, 30).firstOffset).toBe(91)
  })

  it('after a crash with no snapshot at all, replays the whole log', () => {
    fixture = logFixture()
    const crashed = fixture.open()
    for (let n = 0; n < 6; n++) send(crashed, n)
    expect(snapshotOffsets()).toEqual([])
    const log = fixture.open()
    expect(send(log, 5)).toMatchObject({ duplicate: true, firstOffset: 15 })
    expectKafkaError(() => send(log, 7), 'OUT_OF_ORDER_SEQUENCE_NUMBER', /expected sequence 18/)
  })

  it('builds the same state on a follower, so a new leader recognises retries after failover', () => {
    fixture = logFixture()
    const leader = fixture.open()
    const originals = Array.from({ length: 6 }, (_, n) => send(leader, n))
    const replicated = Buffer.from(leader.read(0, 1 << 20).records)
    const other = logFixture()
    try {
      const follower = other.open()
      follower.appendAsFollower(replicated)
      expect(follower.producerStateManager.lastEntry(PID)!.batchMetadata).toEqual(leader.producerStateManager.lastEntry(PID)!.batchMetadata)
      // The follower is elected: the producer retries its last batch, then continues.
      expect(follower.appendAsLeader(batch(5), 2)).toMatchObject({ duplicate: true, firstOffset: originals[5].firstOffset })
      expect(follower.appendAsLeader(batch(6), 2).firstOffset).toBe(18)
      expect(readAll(follower).length).toBe(21)
    } finally {
      other.cleanup()
    }
  })

  it('forgets batches above a truncation point, so resending them is accepted, not taken as duplicates', () => {
    fixture = logFixture({ segmentBytes: 1024 })
    const log = fixture.open()
    for (let n = 0; n < 30; n++) send(log, n, { valueSize: 40 })
    const snapshotsBefore = snapshotOffsets()
    expect(snapshotsBefore.some((o) => o > 45)).toBe(true)
    log.truncateTo(45)
    expect(snapshotOffsets()).toEqual(snapshotsBefore.filter((o) => o <= 45))
    expect(log.producerStateManager.lastEntry(PID)!.lastSeq).toBe(44)
    const resent = send(log, 15)
    expect(resent).toMatchObject({ duplicate: false, firstOffset: 45 })
    expect(send(log, 14)).toMatchObject({ duplicate: true, firstOffset: 42 })
    // Truncating everything forgets the producer: any sequence is accepted again.
    log.truncateFullyAndStartAt(100)
    expect(log.producerStateManager.activeProducers.size).toBe(0)
    expect(snapshotOffsets()).toEqual([])
    expect(send(log, 20).firstOffset).toBe(100)
  })

  it('keeps producers whose segments retention deleted (KIP-360) and drops those segments\u2019 snapshots', () => {
    fixture = logFixture({ segmentBytes: 1024, retentionBytes: 1500 })
    let log = fixture.open()
    for (let n = 0; n < 30; n++) send(log, n, { valueSize: 40 })
    log.updateHighWatermark(log.logEndOffset)
    expect(log.deleteOldSegments().reason).toBe('retention.bytes')
    const firstBase = log.segmentInfo()[0].baseOffset
    expect(snapshotOffsets().every((o) => o >= firstBase)).toBe(true)
    log.deleteRecordsBefore(log.logEndOffset)
    log.deleteOldSegments()
    expect(log.logStartOffset).toBe(90)
    expect(send(log, 29)).toMatchObject({ duplicate: true, firstOffset: 87 })
    log.close()
    fixture.reopenStore()
    log = fixture.open()
    expectKafkaError(() => send(log, 31), 'OUT_OF_ORDER_SEQUENCE_NUMBER', /expected sequence 90/)
    log.delete()
    expect(snapshotOffsets()).toEqual([])
  })

  it('removes producers idle for producer.id.expiration.ms; an expired producer may start at any sequence', () => {
    fixture = logFixture()
    let log = fixture.open()
    const t0 = Date.now()
    send(log, 0, { timestamp: t0 - COUNT + 1 }) // its records' timestamps end at t0
    log.appendAsLeader(producerBatch({ producerId: 5, baseSequence: 0, timestamp: t0 + 60_000 }), 1)
    expect(log.removeExpiredProducers(t0 + DEFAULT_PRODUCER_ID_EXPIRATION_MS - 1)).toBe(0)
    log.close()
    fixture.reopenStore()
    log = fixture.open()
    expect(log.removeExpiredProducers(t0 + DEFAULT_PRODUCER_ID_EXPIRATION_MS)).toBe(1)
    expect([...log.producerStateManager.activeProducers.keys()]).toEqual([5])
    expect(send(log, 7).duplicate).toBe(false)
  })
})
