// One demo consumer, in a thread of its own so that "kill" can stop it dead mid-batch, as a
// crashed process would: a kafkajs consumer whose batches take processingDelayMs a record,
// committed as its commit mode says, reporting every record it finishes. With an output topic
// it consumes, transforms and produces (output.ts): in the transactional mode each batch is
// one transaction (a long one, one every COMMIT_INTERVAL_MS), its offsets sent in it. Told to
// stop, it leaves the group as consumer.close() does.
import { Kafka, logLevel } from 'kafkajs'
import { parentPort, workerData } from 'node:worker_threads'
import type { ConsumerRunOptions, MemberCommand, MemberEvent } from './api'
import { batchOutput, COMMIT_INTERVAL_MS } from './output'

const options = workerData as ConsumerRunOptions & { clientId: string }
const report = (event: MemberEvent) => parentPort!.postMessage(event)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const kafka = new Kafka({ clientId: options.clientId, brokers: options.bootstrap.split(','), logLevel: logLevel.NOTHING })
// kafkajs reads read_committed unless told readUncommitted. Its heartbeats share a broker's connection with
// its fetches and wait out their long poll (docs/protocol.md): 500 ms keeps a short session (down to 1 s) alive.
const consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: options.sessionTimeoutMs ?? 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 500 })
const output = batchOutput(kafka, options)
parentPort!.on('message', (command: MemberCommand) => {
  if (command.type === 'stop') void Promise.allSettled([consumer.disconnect(), output?.close()]).finally(() => process.exit(0))
})
const transactional = options.commitMode === 'transactional'
await consumer.connect()
await consumer.subscribe({ topic: options.topic, fromBeginning: true })
await consumer.run({
  autoCommit: options.commitMode === 'auto',
  autoCommitInterval: 500,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning }) => {
    const commitThrough = async (offset: string) => {
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(BigInt(offset) + 1n) }])
    }
    report({ type: 'batch-start', partition: batch.partition, size: batch.messages.length })
    if (options.commitMode === 'before-processing' && batch.messages.length) await commitThrough(batch.lastOffset())
    let sink = await output?.begin(batch.partition)
    let openedAt = Date.now()
    let last: string | null = null
    try {
      for (const message of batch.messages) {
        // Stopping (leaving the group): the rest of the batch is left for the next owner.
        if (!isRunning()) break
        await sleep(options.processingDelayMs)
        await sink?.send(batch.partition, message)
        report({ type: 'processed', partition: batch.partition, offset: Number(message.offset) })
        resolveOffset(message.offset)
        last = message.offset
        await heartbeat()
        // The coordinator aborts a transaction open longer than transaction.timeout.ms and fences its
        // producer; the batch, fetched again, would outlast it again. A long batch commits in parts,
        // as Kafka Streams commits every commit.interval.ms.
        if (transactional && Date.now() - openedAt >= COMMIT_INTERVAL_MS) {
          await sink!.commit(batch.topic, batch.partition, last)
          report({ type: 'committed', partition: batch.partition })
          sink = await output!.begin(batch.partition)
          openedAt = Date.now()
          last = null
        }
      }
      // Exactly once: the offsets commit with the output, in the transaction (sendOffsets), or neither does.
      if (transactional) await sink!.commit(batch.topic, batch.partition, last)
    } catch (err) {
      // A rebalance mid-batch (kafkajs's heartbeat throws), a fenced producer: the transaction is
      // aborted and kafkajs fetches the batch again from the committed offsets.
      await sink?.abort().catch(() => undefined)
      throw err
    }
    if (options.commitMode === 'after-processing' && last !== null) await commitThrough(last)
    if (options.commitMode === 'auto') await commitOffsetsIfNecessary()
    report({ type: 'batch-end', partition: batch.partition })
  },
})
