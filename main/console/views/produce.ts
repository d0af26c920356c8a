// The console's producer, one record at a time, through the client library's producer: Kafka's
// partitioner when no partition is given (murmur2 of the key; keyless records one partition
// after another), acks as asked, and with idempotence a producer id and sequence numbers, so a
// retried batch is not written twice. After a failed idempotent send, whose outcome is
// unknown, the next send starts with a new producer id (as Kafka's producers reset it), so a
// sequence the broker never saw cannot wedge every later send with OUT_OF_ORDER_SEQUENCE_NUMBER.
import { KafkaError } from '../../cluster/errors'
import type { KafkaConnection } from '../connections/kafkaConnection'
import { kafkaCall } from '../connections/kafkaErrors'
import type { ProducedRecord, RequestOf } from '../../../preload/contract'

/** A value may also be bytes: a record encoded with a schema (views of main/console/registry). */
type ProduceRequest = Omit<RequestOf<'message:produce'>, 'value'> & { value: string | Buffer | null }

const bytes = (text: string | Buffer | null | undefined) => (text === null || text === undefined ? null : Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'))

/**
 * Idempotent sends of one connection, one after another: the library numbers a batch when
 * it sends it, and two sends to a partition in flight together went out with the same
 * sequence number, the second then taken for a duplicate of the first (and not written).
 */
const idempotentQueues = new WeakMap<KafkaConnection, Promise<unknown>>()

export function produceRecord(kafka: KafkaConnection, request: ProduceRequest): Promise<ProducedRecord | null> {
  if (!request.idempotent) return send(kafka, request)
  const sent = (idempotentQueues.get(kafka) ?? Promise.resolve()).catch(() => undefined).then(() => send(kafka, request))
  idempotentQueues.set(kafka, sent)
  return sent
}

async function send(kafka: KafkaConnection, request: ProduceRequest): Promise<ProducedRecord | null> {
  if (request.partition !== undefined) {
    const count = (await kafka.metadata([request.topic])).topics.get(request.topic)?.partitions.length
    // The Java producer's check, made before anything is sent.
    if (count && request.partition >= count) {
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Invalid partition given with record: ${request.partition} is not in the range [0...${count}).`)
    }
  }
  const idempotent = request.idempotent ?? false
  const acks = request.acks ?? -1
  const producer = kafka.producer(idempotent)
  const timestamp = Date.now()
  const headers = new Map(Object.entries(request.headers ?? {}).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))
  const result = await kafkaCall(() =>
    producer.send({
      messages: [{ topic: request.topic, partition: request.partition, key: bytes(request.key) as Buffer, value: bytes(request.value) as Buffer, headers, timestamp: BigInt(timestamp) }],
      acks,
    }),
  ).catch(async (err) => {
    if (idempotent) await kafka.resetProducer(true)
    throw err
  })
  if (acks === 0) return null
  const written = result.offsets?.[0]
  if (!written) throw new KafkaError('UNKNOWN_SERVER_ERROR', 'The broker answered without an offset')
  const record = { partition: written.partition, offset: Number(written.offset), timestamp }
  return idempotent ? { ...record, ...(await writtenBy(kafka, request.topic, record.partition, record.offset)) } : record
}

/** The producer id and sequence number the written record carries, read back from its batch. */
async function writtenBy(kafka: KafkaConnection, topic: string, partition: number, offset: number): Promise<{ producerId?: number; sequence?: number }> {
  const fetched = await kafka.fetch(topic, partition, offset, 64 * 1024).catch(() => null)
  const batch = fetched?.batches.find((b) => b.baseOffset <= offset && offset <= b.baseOffset + b.lastOffsetDelta)
  if (!batch || batch.producerId < 0) return {}
  return { producerId: batch.producerId, sequence: batch.baseSequence + (offset - batch.baseOffset) }
}
