// Every batch of a log from its start to its end, decoded: how a coordinator rebuilds its state
// from its partition after a failover (the group and the transaction coordinators alike).
import { decodeRecordBatches, type RecordBatch } from '../../protocol/recordBatch'
import type { UnifiedLog } from './unifiedLog'

/** Reads in chunks of 1 MiB, so a large partition is never held in memory at once. */
export function* logBatches(log: UnifiedLog): Generator<RecordBatch> {
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20)
    if (records.length === 0) return
    for (const batch of decodeRecordBatches(records)) {
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
      yield batch
    }
  }
}
