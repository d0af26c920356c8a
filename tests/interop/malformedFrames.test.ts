// Issue 21's smallest reproduction: a valid Metadata v0 request and a 6-byte frame whose
// header ends after the API key and version, in one write. The broker answers the first,
// closes the connection on the second, and keeps serving.
import { describe, expect, it } from 'vitest'
import type { Socket } from 'node:net'
import { ApiKey, decodeResponse, encodeRequest, ZERO_UUID } from '../../main/cluster/protocol/messages'
import { producerBatch } from '../helpers/batches'
import { useCluster } from '../helpers/cluster'
import { consumerFetch } from '../helpers/fetchRequest'
import { RawClient } from '../helpers/rawClient'
import { openSocket, readUntilClosed } from '../helpers/socket'

const fixture = useCluster()

const METADATA_V0_THEN_TRUNCATED_HEADER = Buffer.from('000000170003000000000001000466757a7a000000010003616263' + '00000006001200000000', 'hex')

describe('a malformed frame behind a pending request', () => {
  it('closes only its connection: the broker answers the first frame and keeps serving', async () => {
    const c = await fixture.start({}, 1)
    const socket = await openSocket(c.bootstrapServers)
    const received = readUntilClosed(socket, 5000)
    socket.write(METADATA_V0_THEN_TRUNCATED_HEADER)
    const bytes = await received
    expect(bytes, 'the broker closes the connection').not.toBeNull()
    expect(bytes!.length, 'the Metadata answer, before the close').toBeGreaterThan(0)
    // The Metadata answer came before the close: responses keep their order.
    expect(bytes!.readInt32BE(0)).toBe(bytes!.length - 4)
    expect(decodeResponse(3, 0, bytes!.subarray(4)).correlationId).toBe(1)

    expect(c.brokerStatus(1)).toBe('running')
    const client = await RawClient.connect(c.bootstrapServers)
    const metadata = await client.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    expect(metadata.brokers.map((b) => b.nodeId)).toEqual([1])
    client.close()
    expect(fixture.events.filter((e) => e.source === 'cluster')).toEqual([])
  })
})

describe('pipelined requests', () => {
  /** Collects the answers a socket receives, framed; resolves once `count` have come. */
  function answers(socket: Socket, count: number): Promise<Array<{ frame: Buffer; at: number }>> {
    let received = Buffer.alloc(0)
    const frames: Array<{ frame: Buffer; at: number }> = []
    return new Promise((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk])
        while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
          frames.push({ frame: received.subarray(4, 4 + received.readInt32BE(0)), at: Date.now() })
          received = received.subarray(4 + received.readInt32BE(0))
        }
        if (frames.length === count) resolve(frames)
      }),
    )
  }

  it('answers 500 requests sent in one write, in order', async () => {
    const c = await fixture.start({}, 1)
    const count = 500
    const socket = await openSocket(c.bootstrapServers)
    const frames = Array.from({ length: count }, (_, i) => encodeRequest(18, 3, i, 'pipeliner', { clientSoftwareName: 'pipeliner', clientSoftwareVersion: '1' }))
    const answered = answers(socket, count)
    socket.write(Buffer.concat(frames))
    expect((await answered).map((a) => decodeResponse(18, 3, a.frame).correlationId)).toEqual(Array.from({ length: count }, (_, i) => i))
    socket.destroy()
  })

  it('handles them one at a time, as Kafka does: a long-polling Fetch is answered before the Produce behind it is appended', async () => {
    const c = await fixture.start({}, 1)
    await c.createTopic({ name: 'ordered', partitions: 1, replicationFactor: 1 })
    const socket = await openSocket(c.bootstrapServers)
    const answered = answers(socket, 2)
    const sent = Date.now()
    // In one write: a Fetch of the empty partition that waits up to 800 ms for a byte, then a
    // Produce to it. Handled at once, the Produce would complete the Fetch with its record.
    socket.write(
      Buffer.concat([
        encodeRequest(ApiKey.Fetch, 12, 1, 'pipeliner', { ...consumerFetch({ topic: 'ordered' }), maxWaitMs: 800, minBytes: 1 }),
        encodeRequest(ApiKey.Produce, 9, 2, 'pipeliner', { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ topicId: ZERO_UUID, name: 'ordered', partitionData: [{ index: 0, records: producerBatch({ tag: 'behind the fetch' }) }] }] }),
      ]),
    )
    const [fetchAnswer, produceAnswer] = await answered
    const fetched = decodeResponse(ApiKey.Fetch, 12, fetchAnswer.frame)
    const produced = decodeResponse(ApiKey.Produce, 9, produceAnswer.frame)
    expect([fetched.correlationId, produced.correlationId]).toEqual([1, 2])
    expect(fetched.body.responses[0].partitions[0].errorCode).toBe(0)
    expect(fetched.body.responses[0].partitions[0].records?.length ?? 0, 'the Fetch saw nothing: the Produce came after it').toBe(0)
    expect(fetchAnswer.at - sent, 'the Fetch waited out its maxWaitMs').toBeGreaterThanOrEqual(700)
    expect(produced.body.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n })
    socket.destroy()
  })
})
