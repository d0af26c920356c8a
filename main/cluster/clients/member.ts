// One demo consumer, in a thread of its own so that "kill" can stop it dead mid-batch, as a
// crashed process would: a kafkajs consumer whose batches take processingDelayMs a record,
// committed as its commit mode says, reporting every record it finishes. Told to stop, it
// leaves the group as consumer.close() does.
import { Kafka, logLevel } from 'kafkajs'
import { parentPort, workerData } from 'node:worker_threads'
import type { ConsumerRunOptions, MemberCommand, MemberEvent } from './api'

const options = workerData as ConsumerRunOptions & { clientId: string }
const report = (event: MemberEvent) => parentPort!.postMessage(event)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const kafka = new Kafka({ clientId: options.clientId, brokers: options.bootstrap.split(','), logLevel: logLevel.NOTHING })
const consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: options.sessionTimeoutMs ?? 10_000, heartbeatInterval: 300 })
parentPort!.on('message', (command: MemberCommand) => {
  if (command.type === 'stop') void consumer.disconnect().finally(() => process.exit(0))
})
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
    let last: string | null = null
    for (const message of batch.messages) {
      // Stopping (leaving the group): the rest of the batch is left for the next owner.
      if (!isRunning()) break
      await sleep(options.processingDelayMs)
      report({ type: 'processed', partition: batch.partition, offset: Number(message.offset) })
      resolveOffset(message.offset)
      last = message.offset
      await heartbeat()
    }
    if (options.commitMode === 'after-processing' && last !== null) await commitThrough(last)
    if (options.commitMode === 'auto') await commitOffsetsIfNecessary()
    report({ type: 'batch-end', partition: batch.partition })
  },
})
