// The experiments' read-back of the output topic: what a read_committed reader keeps of a
// fetch (aborted transactions left out until their ABORT marker, control batches never) and
// what a read_uncommitted reader keeps (every data record).
import { describe, expect, it } from 'vitest'
import { ControlRecordType, encodeEndTransactionMarkerBatch } from '../../main/cluster/protocol/controlRecord'
import { decodeRecordBatches, encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
import { keptRecords } from '../../main/experiments/readBack'

const data = (baseOffset: number, values: string[], producerId = -1n, isTransactional = false) =>
  encodeRecordBatch({ baseOffset: BigInt(baseOffset), producerId, producerEpoch: producerId < 0n ? -1 : 0, baseSequence: producerId < 0n ? -1 : 0, isTransactional, records: values.map((v) => ({ value: Buffer.from(v) })) })
const marker = (offset: number, producerId: bigint, type: ControlRecordType) => encodeEndTransactionMarkerBatch({ baseOffset: BigInt(offset), producerId, producerEpoch: 0, type, coordinatorEpoch: 0 })

/**
 * 0-1: plain; 2-3: producer 7's transaction, aborted at 6; 4-5: producer 8's, committed at 7;
 * 8: producer 7 again, a later transaction committed at 9.
 */
const log = [...decodeRecordBatches(Buffer.concat([data(0, ['a', 'b']), data(2, ['x1', 'x2'], 7n, true), data(4, ['c', 'd'], 8n, true), marker(6, 7n, ControlRecordType.Abort), marker(7, 8n, ControlRecordType.Commit), data(8, ['e'], 7n, true), marker(9, 7n, ControlRecordType.Commit)]))]
const values = (records: ReturnType<typeof keptRecords>) => records.map((r) => `${r.offset}:${r.value}`)

describe('experiment read-back', () => {
  it('read_committed leaves out the aborted transaction and every marker', () => {
    expect(values(keptRecords(log, 'read_committed', [{ producerId: 7, firstOffset: 2 }]))).toEqual(['0:a', '1:b', '4:c', '5:d', '8:e'])
  })

  it('read_uncommitted keeps every data record, aborted ones included', () => {
    expect(values(keptRecords(log, 'read_uncommitted', null))).toEqual(['0:a', '1:b', '2:x1', '3:x2', '4:c', '5:d', '8:e'])
  })

  it('an aborted transaction listed from a later offset leaves the producer’s earlier batches alone', () => {
    expect(values(keptRecords(log, 'read_committed', [{ producerId: 7, firstOffset: 8 }]))).toEqual(['0:a', '1:b', '2:x1', '3:x2', '4:c', '5:d'])
  })
})
