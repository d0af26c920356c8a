// One demo consumer, in a thread of its own so that "kill" can stop it dead mid-batch, as a
// crashed process would: a kafkajs consumer whose batches take processingDelayMs a record,
// committed as its commit mode says, reporting every record it finishes.
import { Kafka, logLevel } from 'kafkajs'
import { parentPort, workerData } from 'node:worker_threads'
import type { ConsumerRunOptions, MemberEvent } from './api'

const options = workerData as ConsumerRunOptions & { memberIndex: number }
const report = (event: MemberEvent) => parentPort!.postMessage(event)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const kafka = new Kafka({ clientId: `demo-${options.groupId}-${options.memberIndex}`, brokers: options.bootstrap.split(','), logLevel: logLevel.NOTHING })
const consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: options.sessionTimeoutMs ?? 10_000, heartbeatInterval: 300 })
await consumer.connect()
await consumer.subscribe({ topic: options.topic, fromBeginning: true })
await consumer.run({
  autoCommit: options.commitMode === 'auto',
  autoCommitInterval: 500,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }) => {
    const commitThrough = async (offset: string) => {
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(BigInt(offset) + 1n) }])
    }
    report({ type: 'batch-start', partition: batch.partition, size: batch.messages.length })
    if (options.commitMode === 'before-processing' && batch.messages.length) await commitThrough(batch.lastOffset())
    for (const message of batch.messages) {
      await sleep(options.processingDelayMs)
      report({ type: 'processed', partition: batch.partition, offset: Number(message.offset) })
      resolveOffset(message.offset)
      await heartbeat()
    }
    if (options.commitMode === 'after-processing' && batch.messages.length) await commitThrough(batch.lastOffset())
    if (options.commitMode === 'auto') await commitOffsetsIfNecessary()
    report({ type: 'batch-end', partition: batch.partition })
  },
})
