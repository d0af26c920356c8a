// Issue "Kafka wire protocol" benchmark: kcat producing 1,000,000 messages of 100 bytes with
// acks=all and consuming them, against a 3-broker Brokerlab cluster (a topic of 4 partitions,
// replication factor 3) and against librdkafka's mock cluster (../shared/peers) in the same
// run; and the time from `brokerlab cluster` starting to its first acknowledged produce.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kcat } from '../tests/helpers/kcat'
import { buildMockPeer, startMockPeer } from '../tests/helpers/mockPeer'
import { freePort } from '../tests/helpers/ports'
import { RawClient } from '../tests/helpers/rawClient'
import { encodeRecordBatch } from '../main/cluster/protocol/recordBatch'
import type { BenchResult } from './report'
import { ZERO_UUID } from '../main/cluster/protocol/messages'

const MESSAGES = 1_000_000
const MESSAGE_BYTES = 100
const PARTITIONS = 4

/** Starts a process and resolves with the first stdout line matching `pattern`. */
export function startAndWaitFor(command: string, args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stderr!.on('data', (d) => (err += d))
    child.stdout!.on('data', (d) => {
      out += d
      const match = pattern.exec(out)
      if (match) resolve({ child, match })
    })
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${err}`)))
  })
}

/** Auto-creates a topic through Metadata and produces one record with acks=all. */
export async function firstAcknowledgedProduce(bootstrap: string): Promise<void> {
  const client = await RawClient.connect(bootstrap)
  try {
    for (;;) {
      const metadata = await client.request(3, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'first' }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
      const partition = metadata.topics[0].partitions[0]
      if (partition && partition.leaderId >= 0) {
        const leader = metadata.brokers.find((b) => b.nodeId === partition.leaderId)!
        const producer = await RawClient.connect(`${leader.host}:${leader.port}`)
        const answer = await producer.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ topicId: ZERO_UUID, name: 'first', partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ value: 'hello' }] }) }] }] })
        producer.close()
        if (answer.responses[0].partitionResponses[0].errorCode === 0) return
      }
      await new Promise((r) => setTimeout(r, 10))
    }
  } finally {
    client.close()
  }
}

export async function createTopic(bootstrap: string, name: string): Promise<void> {
  const client = await RawClient.connect(bootstrap)
  const answer = await client.request(19, 7, { topics: [{ name, numPartitions: PARTITIONS, replicationFactor: 3, assignments: [], configs: [{ name: 'min.insync.replicas', value: '2' }] }], timeoutMs: 10_000, validateOnly: false })
  client.close()
  if (answer.topics[0].errorCode !== 0) throw new Error(`CreateTopics: ${answer.topics[0].errorMessage}`)
  await new Promise((r) => setTimeout(r, 500))
}

async function produceAndConsume(bootstrap: string, topic: string, input: Buffer): Promise<{ produce: number; consume: number; consumed: number }> {
  let start = performance.now()
  const produced = await kcat(['-b', bootstrap, '-P', '-t', topic, '-X', 'acks=all'], input, 600_000)
  const produce = (performance.now() - start) / 1000
  if (produced.status !== 0) throw new Error(`kcat -P: ${produced.stderr}`)
  start = performance.now()
  const consumed = await kcat(['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'], undefined, 600_000)
  const consume = (performance.now() - start) / 1000
  if (consumed.status !== 0) throw new Error(`kcat -C: ${consumed.stderr}`)
  return { produce, consume, consumed: consumed.stdout.split('\n').length - 1 }
}

function mockPeer(): string | null {
  const binary = join(tmpdir(), 'brokerlab-mockpeer')
  if (existsSync(binary)) return binary
  const built = buildMockPeer(binary)
  return 'binary' in built ? built.binary : null
}

export async function benchKcatPeer(): Promise<{ results: BenchResult[]; notes: string[] }> {
  const line = 'x'.repeat(MESSAGE_BYTES - 1)
  const input = Buffer.from(`${line}\n`.repeat(MESSAGES))
  const notes: string[] = []
  const results: BenchResult[] = []

  const port = await freePort()
  const started = performance.now()
  const { child: ours, match } = await startAndWaitFor(process.execPath, [join(import.meta.dirname, '..', 'main', 'bin', 'brokerlab.js'), 'cluster', '--memory', '--brokers', '3', '--base-port', String(port)], /^bootstrap: (\S+)$/m)
  const bootstrap = match[1]
  await firstAcknowledgedProduce(bootstrap)
  const firstProduceSeconds = (performance.now() - started) / 1000
  results.push({ name: '`brokerlab cluster` start to first acknowledged produce (3 brokers)', recordsPerSec: 0, mbPerSec: 0, seconds: firstProduceSeconds, ratio: 1 / firstProduceSeconds, target: 1 })
  notes.push(`start to first acks=all produce: ${firstProduceSeconds.toFixed(3)} s (target < 1 s; the ratio column is 1 / seconds)`)

  await createTopic(bootstrap, 'bench')
  const brokerlab = await produceAndConsume(bootstrap, 'bench', input)
  ours.kill('SIGINT')
  await new Promise((r) => ours.once('exit', r))

  const peerBinary = mockPeer()
  if (!peerBinary) {
    notes.push('librdkafka mock peer not built (needs ../shared/peers, gcc and librdkafka-dev): no peer rows')
  } else {
    const peer = await startMockPeer(peerBinary, 3)
    const mock = await produceAndConsume(peer.bootstrap, 'bench', input)
    await peer.stop()
    const rate = (messages: number, seconds: number) => ({ recordsPerSec: messages / seconds, mbPerSec: (messages * MESSAGE_BYTES) / 1e6 / seconds, seconds })
    results.push(
      { name: 'kcat -P acks=all, librdkafka mock (peer)', ...rate(MESSAGES, mock.produce) },
      { name: 'kcat -P acks=all, Brokerlab RF=3', ...rate(MESSAGES, brokerlab.produce), ratio: mock.produce / brokerlab.produce, target: 0.5 },
      { name: `kcat -C, librdkafka mock (peer; ${mock.consumed} kept)`, ...rate(mock.consumed, mock.consume) },
      {
        name: `kcat -C, Brokerlab (${brokerlab.consumed} read)`,
        ...rate(brokerlab.consumed, brokerlab.consume),
        ratio: brokerlab.consumed / brokerlab.consume / (mock.consumed / mock.consume),
        target: 0.5,
      },
    )
    if (mock.consumed < MESSAGES) notes.push(`the mock keeps at most 5 MiB per partition, so it served ${mock.consumed} of ${MESSAGES}; consume rates compare records per second`)
  }
  if (brokerlab.consumed !== MESSAGES) throw new Error(`Brokerlab served ${brokerlab.consumed} of ${MESSAGES} messages`)
  return { results, notes }
}
