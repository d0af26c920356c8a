import { describe, expect, it } from 'vitest'
import { BrokerTopicMetrics, countRecords } from '../../../main/cluster/broker/brokerTopicMetrics'
import { CompressionType } from '../../../main/cluster/protocol/batchHeader'
import { ControlRecordType, encodeEndTransactionMarkerBatch } from '../../../main/cluster/protocol/controlRecord'
import { producerBatch } from '../../helpers/batches'

const marker = () => encodeEndTransactionMarkerBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 0, producerId: 7n, producerEpoch: 0 })

describe('countRecords', () => {
  it('sums recordsCount over batches, compressed ones too, without the control batches', () => {
    const bytes = Buffer.concat([producerBatch({ count: 3 }), marker(), producerBatch({ count: 5, compression: CompressionType.Gzip })])
    expect(countRecords(bytes)).toBe(8)
  })

  it('counts nothing in no bytes or in a torn header', () => {
    expect(countRecords(new Uint8Array(0))).toBe(0)
    expect(countRecords(producerBatch({ count: 2 }).subarray(0, 40))).toBe(0)
  })
})

describe('BrokerTopicMetrics', () => {
  it('counts consumer fetches as client traffic and follower fetches as replication', () => {
    const metrics = new BrokerTopicMetrics(1000)
    const batch = producerBatch({ count: 4 })
    metrics.markProduced(4, batch.byteLength)
    metrics.markFetched(batch, false)
    metrics.markFetched(batch, true)
    metrics.markFetched(new Uint8Array(0), false)
    metrics.markReplicated(10)
    expect(metrics.read()).toEqual({
      since: 1000,
      messagesIn: 4,
      bytesIn: batch.byteLength,
      messagesOut: 4,
      bytesOut: batch.byteLength,
      replicationBytesIn: 10,
      replicationBytesOut: batch.byteLength,
    })
  })
})
