// The one place the log looks inside a batch: ListOffsets by time must find the first record
// at or after a timestamp, which only the records themselves know (Kafka decodes here too).
import { decodeRecordBatch } from '../../protocol/recordBatch'
import type { RecordTimestampReader } from './unifiedLog'

export const readRecordTimestamps: RecordTimestampReader = (batch) =>
  decodeRecordBatch(batch, 0, { verifyCrc: false }).records.map((r) => ({
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
  }))
