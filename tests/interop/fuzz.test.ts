// Thousands of random and mutated frames at a broker's listener: each bad frame closes only
// its own connection; the broker stays up, a well-behaved client on another connection is
// never disturbed, and memory stays bounded.
import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { encodeRequest } from '../../main/cluster/protocol/messages'
import { ErrorCode } from '../../main/cluster/errors'
import { producerBatch } from '../helpers/batches'
import { useCluster } from '../helpers/cluster'
import { RawClient } from '../helpers/rawClient'

const fixture = useCluster()

/** A deterministic generator, so a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function validFrames(): Buffer[] {
  return [
    encodeRequest(18, 3, 1, 'fuzz', { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    encodeRequest(3, 12, 2, 'fuzz', { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'fuzzed' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
    encodeRequest(0, 9, 3, 'fuzz', { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'fuzzed', partitionData: [{ index: 0, records: producerBatch({ count: 3 }) }] }] }),
    encodeRequest(2, 7, 4, 'fuzz', { replicaId: -1, isolationLevel: 0, topics: [{ name: 'fuzzed', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }], timeoutMs: 1000 }),
  ]
}

function mutate(frame: Buffer, next: () => number): Buffer {
  const out = Buffer.from(frame)
  const kind = next()
  if (kind < 0.4) {
    // Flip a few bytes after the size prefix.
    for (let i = 0; i < 1 + Math.floor(next() * 4); i++) out[4 + Math.floor(next() * (out.length - 4))] ^= 1 + Math.floor(next() * 255)
    return out
  }
  if (kind < 0.7) {
    // Cut the body short but keep the prefix consistent.
    const cut = out.subarray(0, 4 + Math.floor(next() * (out.length - 4)))
    cut.writeInt32BE(cut.length - 4, 0)
    return cut
  }
  // Random bytes behind a size prefix that matches them.
  const body = Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)))
  const framed = Buffer.alloc(4 + body.length)
  framed.writeInt32BE(body.length, 0)
  body.copy(framed, 4)
  return framed
}

function open(bootstrap: string): Promise<Socket> {
  const [host, port] = bootstrap.split(',')[0].split(':')
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => resolve(socket))
    socket.once('error', reject)
  })
}

describe('fuzzing a listener', () => {
  it('survives thousands of random and mutated frames, other clients unaffected, memory bounded', async () => {
    const c = await fixture.start({}, 1)
    await c.createTopic({ name: 'fuzzed', partitions: 1 })
    const bootstrap = c.bootstrapServers
    const good = await RawClient.connect(bootstrap)
    const next = random(20261122)
    const frames = validFrames()
    const rssBefore = process.memoryUsage().rss
    let sent = 0
    let closedByBroker = 0
    // One frame per connection, 50 connections at a time: every frame reaches the broker,
    // whichever of them make it close the connection.
    const sendOne = async (frame: Buffer) => {
      const socket = await open(bootstrap)
      socket.on('error', () => undefined)
      const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)))
      socket.write(frame)
      sent++
      if (await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 200))])) closedByBroker++
      socket.destroy()
    }
    for (let round = 0; round < 60; round++) {
      const burst = Array.from({ length: 50 }, () => mutate(frames[Math.floor(next() * frames.length)], next))
      // A frame declaring more than socket.request.max.bytes closes the connection at once.
      if (round % 10 === 9) burst.push(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]))
      await Promise.all(burst.map(sendOne))
      // The good client keeps getting answers while the fuzzing goes on.
      const metadata = await good.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
      expect(metadata.topics.map((t) => t.name)).toContain('fuzzed')
    }
    expect(sent).toBeGreaterThanOrEqual(3000)
    // Most mutations are malformed (closed); some still decode and get a real answer.
    expect(closedByBroker).toBeGreaterThan(sent / 4)
    // The broker still produces and fetches, for the good client and through the cluster API.
    const produced = await good.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'fuzzed', partitionData: [{ index: 0, records: producerBatch({ count: 2, tag: 'after' }) }] }] })
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE)
    expect((await c.fetch('fuzzed', 0, 0)).errorCode).toBe(ErrorCode.NONE)
    good.close()
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024)
  }, 120_000)
})
