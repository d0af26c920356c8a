// Control records (Kafka's ControlRecordType and EndTransactionMarker): the one record of a
// control batch, written by the transaction coordinator to commit or abort a transaction.
//
//   key:   version: int16 (0), type: int16
//   value: version: int16 (0), coordinatorEpoch: int32
import { CompressionType } from './batchHeader'
import { CorruptRecordError } from './errors'
import type { KafkaRecord } from './record'
import { NO_SEQUENCE, encodeRecordBatch } from './recordBatch'

/** Kafka defines more types (LEADER_CHANGE=2, SNAPSHOT_HEADER=3...); KRaft uses them, we do not. */
export enum ControlRecordType {
  Abort = 0,
  Commit = 1,
}

export const CURRENT_CONTROL_RECORD_KEY_VERSION = 0
export const CURRENT_END_TXN_MARKER_VERSION = 0
const CONTROL_RECORD_KEY_SIZE = 4
const END_TXN_MARKER_VALUE_SIZE = 6

export interface ControlRecordKey {
  version: number
  /** A ControlRecordType, or a type this codec does not know. */
  type: number
}

export interface EndTransactionMarker {
  type: ControlRecordType
  coordinatorEpoch: number
}

export function encodeControlRecordKey(type: number, version = CURRENT_CONTROL_RECORD_KEY_VERSION): Buffer {
  const buf = Buffer.allocUnsafe(CONTROL_RECORD_KEY_SIZE)
  buf.writeInt16BE(version, 0)
  buf.writeInt16BE(type, 2)
  return buf
}

/** Reads version and type; later key versions only append fields, so they parse too. */
export function decodeControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < CONTROL_RECORD_KEY_SIZE) {
    throw new CorruptRecordError(`Invalid control record key: ${key?.length ?? 'null'} bytes, need ${CONTROL_RECORD_KEY_SIZE}`)
  }
  const version = key.readInt16BE(0)
  if (version < 0) throw new CorruptRecordError(`Invalid control record key version ${version}`)
  return { version, type: key.readInt16BE(2) }
}

export function encodeEndTransactionMarkerValue(coordinatorEpoch: number, version = CURRENT_END_TXN_MARKER_VERSION): Buffer {
  const buf = Buffer.allocUnsafe(END_TXN_MARKER_VALUE_SIZE)
  buf.writeInt16BE(version, 0)
  buf.writeInt32BE(coordinatorEpoch, 2)
  return buf
}

/** The marker a control record carries; throws unless it is a COMMIT or ABORT marker. */
export function decodeEndTransactionMarker(record: Pick<KafkaRecord, 'key' | 'value'>): EndTransactionMarker {
  const { type } = decodeControlRecordKey(record.key)
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) {
    throw new CorruptRecordError(`Control record type ${type} is not an end transaction marker (ABORT=0, COMMIT=1)`)
  }
  const { value } = record
  if (value === null || value.length < END_TXN_MARKER_VALUE_SIZE) {
    throw new CorruptRecordError(`Invalid end transaction marker value: ${value?.length ?? 'null'} bytes, need ${END_TXN_MARKER_VALUE_SIZE}`)
  }
  const version = value.readInt16BE(0)
  if (version < 0) throw new CorruptRecordError(`Invalid end transaction marker version ${version}`)
  return { type, coordinatorEpoch: value.readInt32BE(2) }
}

export interface EndTransactionMarkerBatchInput extends EndTransactionMarker {
  producerId: bigint
  producerEpoch: number
  baseOffset?: bigint
  partitionLeaderEpoch?: number
  timestamp?: bigint
}

/** A control batch holding one marker, as Kafka's MemoryRecords.withEndTransactionMarker builds it. */
export function encodeEndTransactionMarkerBatch(input: EndTransactionMarkerBatchInput): Buffer {
  return encodeRecordBatch({
    baseOffset: input.baseOffset,
    partitionLeaderEpoch: input.partitionLeaderEpoch,
    compression: CompressionType.None,
    isTransactional: true,
    isControl: true,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: NO_SEQUENCE,
    baseTimestamp: input.timestamp,
    records: [
      {
        key: encodeControlRecordKey(input.type),
        value: encodeEndTransactionMarkerValue(input.coordinatorEpoch),
      },
    ],
  })
}
