// Kafka's ProducerIdManager on a broker: hands out producer ids for InitProducerId from a
// block the controller allocated to this broker (AllocateProducerIds), asking for the next
// block when the current one runs out. Blocks never overlap, so ids are unique cluster-wide.
import { KafkaError } from '../errors'

export class ProducerIdManager {
  private next = 0
  private end = 0
  private pending: Promise<void> | null = null

  constructor(private readonly allocateBlock: () => Promise<{ producerIdStart: number; producerIdLen: number }>) {}

  async generateProducerId(): Promise<number> {
    while (this.next >= this.end) {
      this.pending ??= this.allocateBlock()
        .then(({ producerIdStart, producerIdLen }) => {
          this.next = producerIdStart
          this.end = producerIdStart + producerIdLen
        })
        .catch((err) => {
          throw new KafkaError('COORDINATOR_LOAD_IN_PROGRESS', `No producer id block from the controller yet: ${(err as Error).message}`)
        })
        .finally(() => {
          this.pending = null
        })
      await this.pending
    }
    return this.next++
  }
}
