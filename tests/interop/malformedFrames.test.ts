// Issue 21's smallest reproduction: a valid Metadata v0 request and a 6-byte frame whose
// header ends after the API key and version, in one write. The broker answers the first,
// closes the connection on the second, and keeps serving.
import { describe, expect, it } from 'vitest'
import { decodeResponse, encodeRequest } from '../../main/cluster/protocol/messages'
import { useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'
import { fetchThenProduce, openSocket, readAnswers, readUntilClosed } from '../helpers/socket'

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
  it('answers 500 requests sent in one write, in order', async () => {
    const c = await fixture.start({}, 1)
    const count = 500
    const socket = await openSocket(c.bootstrapServers)
    const frames = Array.from({ length: count }, (_, i) => encodeRequest(18, 3, i, 'pipeliner', { clientSoftwareName: 'pipeliner', clientSoftwareVersion: '1' }))
    const answered = readAnswers(socket, count)
    socket.write(Buffer.concat(frames))
    expect((await answered).map((a) => decodeResponse(18, 3, a.frame).correlationId)).toEqual(Array.from({ length: count }, (_, i) => i))
    socket.destroy()
  })

  it('handles them one at a time, as Kafka does: a long-polling Fetch is answered before the Produce behind it is appended', async () => {
    const c = await fixture.start({}, 1)
    await c.createTopic({ name: 'ordered', partitions: 1, replicationFactor: 1 })
    expect(await fetchThenProduce(c.bootstrapServers, 'ordered')).toEqual({ order: [1, 2], fetchError: 0, fetchedBytes: 0, fetchWaitedOut: true, produceError: 0, baseOffset: 0n })
  })
})
