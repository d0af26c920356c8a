// A follower's fetch packed for the thread hop: what arrives is what was sent, across a real
// MessagePort, and the fetched batches move instead of being copied.
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { FetchRequest, FetchResponse } from '../../../main/cluster/broker/api'
import { packFetchRequest, packFetchResponse, unpackFetchRequest, unpackFetchResponse } from '../../../main/cluster/broker/replicaFetchWire'

function across<T>(message: T, transfer: ArrayBuffer[] = []): Promise<T> {
  const { port1, port2 } = new MessageChannel()
  return new Promise((resolve) => {
    ;(port2 as MessagePort).once('message', (m) => {
      port1.close()
      port2.close()
      resolve(m as T)
    })
    port1.postMessage(message, transfer)
  })
}

describe('replicaFetchWire', () => {
  it('carries a follower fetch of several topics, leader epochs given or not', async () => {
    const request: FetchRequest = {
      replicaId: 2,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 10_485_760,
      isolationLevel: 0,
      topics: [
        { name: '__transaction_state', partitions: [{ index: 7, fetchOffset: 2 ** 40 + 3, partitionMaxBytes: 1_048_576, currentLeaderEpoch: 4 }, { index: 49, fetchOffset: 0, partitionMaxBytes: 1_048_576, currentLeaderEpoch: 0 }] },
        { name: 'orders', partitions: [{ index: 0, fetchOffset: 12, partitionMaxBytes: 65_536 }] },
      ],
    }
    expect(unpackFetchRequest(await across(packFetchRequest(request)))).toEqual(request)
  })

  it('carries the answer: offsets, errors with their messages, and the batches of the partitions that have any, transferred', async () => {
    const batch = new Uint8Array(Buffer.from('a record batch'))
    const response: FetchResponse = {
      topics: [
        {
          name: 'orders',
          partitions: [
            { index: 0, errorCode: 0, errorMessage: null, highWatermark: 10, lastStableOffset: 10, logStartOffset: 0, records: batch, abortedTransactions: null },
            { index: 1, errorCode: 0, errorMessage: null, highWatermark: 3, lastStableOffset: 2, logStartOffset: 1, records: new Uint8Array(0), abortedTransactions: null },
          ],
        },
        { name: 'gone', partitions: [{ index: 0, errorCode: 6, errorMessage: 'Broker 1 is not the leader of gone-0 (leader: 2)', highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: new Uint8Array(0), abortedTransactions: null }] },
      ],
    }
    const expected = structuredClone(response)
    const packed = packFetchResponse(response)
    expect(packed.transfer).toEqual([batch.buffer])
    const arrived = unpackFetchResponse(await across(packed.body, packed.transfer as ArrayBuffer[]))
    expect(batch.byteLength).toBe(0) // moved, not copied
    expect(arrived).toEqual(expected)
  })
})
