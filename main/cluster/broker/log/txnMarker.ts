// The end transaction marker a control batch carries (Kafka's EndTransactionMarker), read from
// the batch's one record: whether the transaction committed, and the coordinator's epoch. The
// log reads it whenever it meets a control batch, so producer state, the last stable offset and
// the aborted-transaction index follow markers on the leader, on followers and in recovery.
import { CONTROL_FLAG_MASK, LOG_OVERHEAD, BATCH_LENGTH } from '../../protocol/batchHeader'
import { ControlRecordType, decodeEndTransactionMarker } from '../../protocol/controlRecord'
import { decodeRecordBatch } from '../../protocol/recordBatch'

export interface TxnMarker {
  committed: boolean
  coordinatorEpoch: number
}

/** The marker of the control batch at `pos` in `bytes`, or null (not a control batch, not whole, or not a COMMIT/ABORT marker). */
export function txnMarkerAt(bytes: Uint8Array, pos: number, attributes: number): TxnMarker | null {
  if (!(attributes & CONTROL_FLAG_MASK)) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (pos + LOG_OVERHEAD > bytes.length || pos + LOG_OVERHEAD + view.getInt32(pos + BATCH_LENGTH) > bytes.length) return null
  try {
    const record = decodeRecordBatch(bytes, pos, { verifyCrc: false }).records[0]
    if (!record) return null
    const marker = decodeEndTransactionMarker(record)
    return { committed: marker.type === ControlRecordType.Commit, coordinatorEpoch: marker.coordinatorEpoch }
  } catch {
    return null
  }
}
