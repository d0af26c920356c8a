// Plain sockets to a broker's Kafka listener, for tests that send bytes no client would.
import { connect, type Socket } from 'node:net'
import { DIE_CLIENT_ID_PREFIX } from '../../main/cluster/net/testHooks'
import { ApiKey, decodeResponse, encodeRequest, ZERO_UUID } from '../../main/cluster/protocol/messages'
import { producerBatch } from './batches'
import { consumerFetch } from './fetchRequest'

/** A connected socket to the first (or the `index`th) host:port of a bootstrap list. */
export function openSocket(bootstrap: string, index = 0): Promise<Socket> {
  const [host, port] = bootstrap.split(',')[index].split(':')
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => {
      socket.off('error', reject)
      // Later errors (a reset by the broker) are expected; the close is what tests watch.
      socket.on('error', () => undefined)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

/** The next `count` response frames the socket receives (without their size prefix), each with when it came. */
export function readAnswers(socket: Socket, count: number): Promise<Array<{ frame: Buffer; at: number }>> {
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

/**
 * Writes, in one write, a Fetch of partition 0 of `topic` (empty) that waits up to 800 ms for a
 * byte, then a Produce of one record to it; answers how the two were handled. Handled one at a
 * time (as Kafka does), the Fetch waits out its time and sees nothing; handled at once, the
 * Produce completes the Fetch with its record.
 */
export async function fetchThenProduce(address: string, topic: string): Promise<{ order: number[]; fetchError: number; fetchedBytes: number; fetchWaitedOut: boolean; produceError: number; baseOffset: bigint }> {
  const socket = await openSocket(address)
  try {
    const answers = readAnswers(socket, 2)
    const sent = Date.now()
    socket.write(
      Buffer.concat([
        encodeRequest(ApiKey.Fetch, 12, 1, 'pipeliner', { ...consumerFetch({ topic }), maxWaitMs: 800, minBytes: 1 }),
        encodeRequest(ApiKey.Produce, 9, 2, 'pipeliner', { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ topicId: ZERO_UUID, name: topic, partitionData: [{ index: 0, records: producerBatch({ tag: 'behind the fetch' }) }] }] }),
      ]),
    )
    const [fetchAnswer, produceAnswer] = await answers
    const fetched = decodeResponse(ApiKey.Fetch, 12, fetchAnswer.frame)
    const produced = decodeResponse(ApiKey.Produce, 9, produceAnswer.frame)
    const fetchedPartition = fetched.body.responses[0].partitions[0]
    const producedPartition = produced.body.responses[0].partitionResponses[0]
    return {
      order: [fetched.correlationId, produced.correlationId],
      fetchError: fetchedPartition.errorCode,
      fetchedBytes: fetchedPartition.records?.length ?? 0,
      fetchWaitedOut: fetchAnswer.at - sent >= 700,
      produceError: producedPartition.errorCode,
      baseOffset: producedPartition.baseOffset,
    }
  } finally {
    socket.destroy()
  }
}

/** Every byte the socket receives until it closes, or until `timeoutMs` (then null). */
export function readUntilClosed(socket: Socket, timeoutMs: number): Promise<Buffer | null> {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
  })
}

/**
 * Makes the `index`th broker's thread throw an uncaught error with `message`, through the
 * test hook (main/cluster/net/testHooks.ts): the cluster must run with BROKERLAB_TEST_HOOKS=1.
 */
export async function injectBrokerDeath(bootstrap: string, index: number, message: string): Promise<void> {
  const socket = await openSocket(bootstrap, index)
  socket.end(encodeRequest(18, 0, 1, `${DIE_CLIENT_ID_PREFIX}${message}`, { clientSoftwareName: '', clientSoftwareVersion: '' }))
}
