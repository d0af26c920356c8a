// The produce side of a consume-transform-produce demo member. Each processed record is
// written to the output topic, keyed by its source ("partition/offset"), so the run can count
// the source records the output holds twice. Outside the transactional mode, a plain
// idempotent producer writes each record as it is processed; what a killed member wrote before
// its commit stays, and is written again by the next owner. In the transactional mode each
// batch (or each 2 s of a long one) is one transaction of a producer whose transactional id belongs to the input partition
// (`<group>-<topic>-<partition>`), as the transactional id per input partition of Kafka's
// original exactly-once design: the next owner's InitProducerId fences a killed member's
// producer and aborts its open transaction, and sendOffsets commits the batch's offsets with
// its output.
import type { Kafka, KafkaMessage, Producer, Transaction } from 'kafkajs'
import type { ConsumerRunOptions } from './api'

/** A killed member's open transaction is aborted by the next owner's fencing, or after this long. */
const TRANSACTION_TIMEOUT_MS = 10_000
/** A member commits its transaction at least this often, well within TRANSACTION_TIMEOUT_MS. */
export const COMMIT_INTERVAL_MS = 2000

export interface BatchSink {
  send(partition: number, message: KafkaMessage): Promise<void>
  /** Transactional: the batch's offsets (through `last`) and its output commit together. */
  commit(topic: string, partition: number, last: string | null): Promise<void>
  abort(): Promise<void>
}

export const outputKey = (partition: number, offset: string) => `${partition}/${offset}`

/** The transformation: the value, upper-cased, so the output is visibly derived from its input. */
const transform = (message: KafkaMessage) => (message.value ? message.value.toString('utf8').toUpperCase() : null)

export function batchOutput(kafka: Kafka, options: ConsumerRunOptions): { begin(partition: number): Promise<BatchSink>; close(): Promise<void> } | null {
  const topic = options.outputTopic
  if (!topic) return null
  const producers = new Map<string, Promise<Producer>>()
  const producerFor = (transactionalId: string | null) => {
    const id = transactionalId ?? ''
    let producer = producers.get(id)
    if (!producer) {
      const made = kafka.producer(transactionalId ? { transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: TRANSACTION_TIMEOUT_MS } : { idempotent: true, maxInFlightRequests: 1 })
      // A producer that could not start (InitProducerId refused while a fenced transaction is still
      // being aborted: CONCURRENT_TRANSACTIONS) is not kept: the batch, fetched again, starts another.
      producer = made.connect().then(
        () => made,
        (err: unknown) => {
          if (producers.get(id) === producer) producers.delete(id)
          throw err
        },
      )
      producers.set(id, producer)
    }
    return producer
  }
  const record = (partition: number, message: KafkaMessage) => ({ topic, messages: [{ key: outputKey(partition, message.offset), value: transform(message) }] })

  return {
    async begin(partition) {
      if (options.commitMode !== 'transactional') {
        const producer = await producerFor(null)
        return {
          send: async (p, message) => void (await producer.send({ ...record(p, message), acks: -1 })),
          commit: async () => undefined,
          abort: async () => undefined,
        }
      }
      const producer = await producerFor(`${options.groupId}-${options.topic}-${partition}`)
      const transaction: Transaction = await producer.transaction()
      return {
        send: async (p, message) => void (await transaction.send(record(p, message))),
        commit: async (sourceTopic, p, last) => {
          if (last !== null) await transaction.sendOffsets({ consumerGroupId: options.groupId, topics: [{ topic: sourceTopic, partitions: [{ partition: p, offset: String(BigInt(last) + 1n) }] }] })
          await transaction.commit()
        },
        abort: async () => {
          // A fenced or failed producer starts again (a new InitProducerId) with the next batch.
          producers.delete(`${options.groupId}-${options.topic}-${partition}`)
          await transaction.abort().finally(() => producer.disconnect())
        },
      }
    },
    async close() {
      await Promise.allSettled([...producers.values()].map(async (p) => (await p).disconnect()))
    },
  }
}
