// An idempotent producer for tests, doing what a Kafka client does: one producer id, a
// sequence per partition, and a batch retried with the same sequence until it is
// acknowledged, so that the broker can drop the duplicates of a retry.
import type { Cluster } from '../../main/cluster/cluster'
import { ErrorCode } from '../../main/cluster/errors'
import { encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'

export interface Acked {
  partition: number
  baseOffset: number
  values: string[]
}

export class IdempotentProducer {
  private readonly sequences = new Map<number, number>()
  readonly acked: Acked[] = []

  private constructor(
    private readonly cluster: Cluster,
    readonly topic: string,
    readonly producerId: number,
    readonly producerEpoch: number,
  ) {}

  static async create(cluster: Cluster, topic: string): Promise<IdempotentProducer> {
    const { producerId, producerEpoch } = await cluster.initProducerId()
    return new IdempotentProducer(cluster, topic, producerId, producerEpoch)
  }

  /**
   * Sends `values` as one batch with acks=all and retries it (same sequence) until it is
   * acknowledged or `deadline` passes; returns whether it was acknowledged.
   */
  async send(partition: number, values: string[], deadline: number, requestTimeoutMs = 2000): Promise<boolean> {
    const baseSequence = this.sequences.get(partition) ?? 0
    while (Date.now() < deadline) {
      const batch = encodeRecordBatch({
        producerId: BigInt(this.producerId),
        producerEpoch: this.producerEpoch,
        baseSequence,
        records: values.map((value) => ({ value })),
      })
      let result
      try {
        result = await this.cluster.produce(this.topic, partition, batch, -1, requestTimeoutMs)
      } catch {
        await new Promise((r) => setTimeout(r, 50))
        continue
      }
      if (result && result.errorCode === ErrorCode.NONE) {
        this.sequences.set(partition, baseSequence + values.length)
        this.acked.push({ partition, baseOffset: result.baseOffset, values })
        return true
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    return false
  }
}
