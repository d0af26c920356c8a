// Producer id blocks (Kafka's ProducerIdControlManager): each broker's transaction and
// idempotence coordinator asks for a block and hands ids out of it. The next free id is in
// the metadata log, so blocks never overlap, across restarts too.
import type { AllocateProducerIdsResponse } from './api'
import type { ControllerResult, ImageSource } from './result'

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000

export class ProducerIdControlManager {
  constructor(private readonly metadata: ImageSource) {}

  /** The broker's epoch is checked by the caller. */
  allocate(brokerId: number, brokerEpoch: number): ControllerResult<AllocateProducerIdsResponse> {
    const producerIdStart = this.metadata.image.nextProducerId
    return {
      records: [{ type: 'ProducerIdsRecord', brokerId, brokerEpoch, nextProducerId: producerIdStart + PRODUCER_ID_BLOCK_SIZE }],
      response: { producerIdStart, producerIdLen: PRODUCER_ID_BLOCK_SIZE },
      cause: { text: `producer ids for broker ${brokerId}` },
    }
  }
}
