// The console's producer for one record at a time, as a Kafka producer client would send it:
// the built-in partitioner when no partition is given, and with idempotence a producer id
// from InitProducerId and a sequence number per partition, so a retried batch is not
// written twice.
import type { Cluster } from '../cluster/cluster'
import { KafkaError, kafkaErrorFor } from '../cluster/errors'
import { javaPartitionFor, StickyPartitioner } from '../cluster/producer/partitioner'
import { encodeRecordBatch } from '../cluster/protocol/recordBatch'
import type { ProducedRecord, RequestOf } from '../../preload/contract'

type ProduceRequest = RequestOf<'message:produce'>

interface IdempotentState {
  producerId: number
  producerEpoch: number
  /** Next sequence per "topic:partition". */
  sequences: Map<string, number>
}

const INT32_MAX = 0x7fffffff

export class ConsoleProducer {
  private readonly sticky = new StickyPartitioner()
  private idempotent: Promise<IdempotentState> | null = null
  /** Idempotent sends to one partition go one after another, as max.in.flight ordering needs. */
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor(private readonly cluster: Cluster) {}

  async send(request: ProduceRequest): Promise<ProducedRecord | null> {
    const key = request.key ?? null
    const value = request.value
    const partition = request.partition ?? this.partitionFor(request.topic, key, value)
    const count = this.cluster.image.topicsByName.get(request.topic)?.partitions.length
    if (count !== undefined && partition >= count) {
      // The Java producer's check, made before anything is sent.
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Invalid partition given with record: ${partition} is not in the range [0...${count}).`)
    }
    if (!request.idempotent) return this.append(request, partition)
    const queueKey = `${request.topic}:${partition}`
    const sent = (this.queues.get(queueKey) ?? Promise.resolve()).catch(() => undefined).then(() => this.appendIdempotent(request, partition, queueKey))
    this.queues.set(queueKey, sent)
    return sent
  }

  /** The built-in partitioner; a topic that does not exist yet is auto-created with one partition first. */
  private partitionFor(topic: string, key: string | null, value: string | null): number {
    const partitions = this.cluster.image.topicsByName.get(topic)?.partitions ?? []
    if (partitions.length === 0) return 0
    if (key !== null) return javaPartitionFor(key, partitions.length)
    const led = partitions.flatMap((p, index) => (p.leader >= 0 ? [index] : []))
    const bytes = Buffer.byteLength(value ?? '')
    return this.sticky.partition(topic, led.length ? led : partitions.map((_, index) => index), bytes)
  }

  private async appendIdempotent(request: ProduceRequest, partition: number, queueKey: string): Promise<ProducedRecord | null> {
    this.idempotent ??= this.cluster.initProducerId().then(({ producerId, producerEpoch }) => ({ producerId, producerEpoch, sequences: new Map() }))
    const state = await this.idempotent.catch((err) => {
      this.idempotent = null
      throw err
    })
    const sequence = state.sequences.get(queueKey) ?? 0
    try {
      const produced = await this.append(request, partition, { producerId: state.producerId, producerEpoch: state.producerEpoch, baseSequence: sequence })
      state.sequences.set(queueKey, sequence === INT32_MAX ? 0 : sequence + 1)
      return produced && { ...produced, producerId: state.producerId, sequence }
    } catch (err) {
      // Whether the record was written is unknown (NOT_ENOUGH_REPLICAS_AFTER_APPEND, a timeout):
      // reusing the sequence for the next, different record would have it dropped as a
      // duplicate. Start over with a new producer id, as the Java producer bumps its epoch.
      if (this.idempotent && (await this.idempotent) === state) this.idempotent = null
      throw err
    }
  }

  private async append(
    request: ProduceRequest,
    partition: number,
    producer: { producerId: number; producerEpoch: number; baseSequence: number } | null = null,
  ): Promise<ProducedRecord | null> {
    const timestamp = Date.now()
    const batch = encodeRecordBatch({
      ...(producer ? { producerId: BigInt(producer.producerId), producerEpoch: producer.producerEpoch, baseSequence: producer.baseSequence } : {}),
      records: [
        {
          key: request.key ?? null,
          value: request.value,
          timestamp: BigInt(timestamp),
          headers: Object.entries(request.headers ?? {}).map(([key, value]) => ({ key, value })),
        },
      ],
    })
    const acks = request.acks ?? -1
    const result = await this.cluster.produce(request.topic, partition, batch, acks)
    if (!result) return null
    if (result.errorCode !== 0) throw kafkaErrorFor(result.errorCode, result.errorMessage ?? 'Produce failed')
    if (result.baseOffset < 0) throw new KafkaError('UNKNOWN_SERVER_ERROR', 'The broker answered without an offset')
    return { partition, offset: result.baseOffset, timestamp: result.logAppendTimeMs >= 0 ? result.logAppendTimeMs : timestamp }
  }
}
