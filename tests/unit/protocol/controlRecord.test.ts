import { describe, expect, it } from 'vitest'
import { CompressionType } from '../../../main/cluster/protocol/batchHeader'
import {
  ControlRecordType,
  decodeControlRecordKey,
  decodeEndTransactionMarker,
  encodeControlRecordKey,
  encodeEndTransactionMarkerBatch,
  encodeEndTransactionMarkerValue,
} from '../../../main/cluster/protocol/controlRecord'
import { CorruptRecordError } from '../../../main/cluster/protocol/errors'
import { decodeRecordBatch } from '../../../main/cluster/protocol/recordBatch'
import { kafkajsDecodeBatch } from './kafkajsInternals'

describe('control record key and EndTransactionMarker value', () => {
  it('have Kafka layout: int16 version, int16 type / int16 version, int32 coordinatorEpoch', () => {
    expect(encodeControlRecordKey(ControlRecordType.Commit).toString('hex')).toBe('00000001')
    expect(encodeControlRecordKey(ControlRecordType.Abort).toString('hex')).toBe('00000000')
    expect(encodeEndTransactionMarkerValue(0x01020304).toString('hex')).toBe('000001020304')
  })

  it('decode a newer key version that appends fields', () => {
    expect(decodeControlRecordKey(Buffer.from('0001000100ff', 'hex'))).toEqual({ version: 1, type: 1 })
  })

  it('reject short, null or negative-version keys and values', () => {
    expect(() => decodeControlRecordKey(Buffer.from('0000', 'hex'))).toThrow(CorruptRecordError)
    expect(() => decodeControlRecordKey(null)).toThrow(/null/)
    expect(() => decodeControlRecordKey(Buffer.from('ffff0001', 'hex'))).toThrow(/version -1/)
    const key = encodeControlRecordKey(ControlRecordType.Commit)
    expect(() => decodeEndTransactionMarker({ key, value: Buffer.from('00000000', 'hex') })).toThrow(/need 6/)
    expect(() => decodeEndTransactionMarker({ key, value: Buffer.from('ffff00000000', 'hex') })).toThrow(/version -1/)
  })

  it('refuse to read other control types as transaction markers', () => {
    const leaderChange = { key: encodeControlRecordKey(2), value: encodeEndTransactionMarkerValue(0) }
    expect(() => decodeEndTransactionMarker(leaderChange)).toThrow(/type 2 is not an end transaction marker/)
  })
})

describe.each([ControlRecordType.Commit, ControlRecordType.Abort])('end transaction marker batch, type %i', (type) => {
  const buf = encodeEndTransactionMarkerBatch({
    type,
    coordinatorEpoch: 17,
    producerId: 9001n,
    producerEpoch: 3,
    baseOffset: 250n,
    partitionLeaderEpoch: 4,
    timestamp: 1_700_000_000_000n,
  })

  it('round trips as a transactional control batch of one record', () => {
    const batch = decodeRecordBatch(buf)
    expect(batch).toMatchObject({
      isControl: true,
      isTransactional: true,
      compression: CompressionType.None,
      producerId: 9001n,
      producerEpoch: 3,
      baseSequence: -1,
      partitionLeaderEpoch: 4,
      recordsCount: 1,
      baseTimestamp: 1_700_000_000_000n,
    })
    expect(batch.records[0].offset).toBe(250n)
    expect(decodeEndTransactionMarker(batch.records[0])).toEqual({ type, coordinatorEpoch: 17 })
  })

  it('is a control batch to kafkajs too', async () => {
    const decoded = await kafkajsDecodeBatch(buf)
    expect(decoded).toMatchObject({ isControlBatch: true, inTransaction: true, producerId: '9001' })
    expect(decoded.records[0].isControlRecord).toBe(true)
    expect(decoded.records[0].key?.readInt16BE(2)).toBe(type)
  })
})
