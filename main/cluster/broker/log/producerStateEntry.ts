// Kafka's ProducerStateEntry: what a partition remembers of one idempotent or transactional
// producer: its epoch, the metadata of its last 5 batches, the coordinator epoch of its last
// transaction marker and the first offset of its ongoing transaction, if any. A producer keeps at most 5 requests in flight
// per partition (max.in.flight.requests.per.connection), so any batch it retries is one of them.

export const NUM_BATCHES_TO_RETAIN = 5
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
const INT32_MAX = 0x7fffffff

export interface BatchMetadata {
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
  /** The batch's maxTimestamp as written (the broker's time under LogAppendTime). */
  timestamp: number
}

/** `sequence` advanced by `increment`, wrapping past Int32.MAX_VALUE to 0 as producers do. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment
}

export function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX)
}

export class ProducerStateEntry {
  constructor(
    readonly producerId: number,
    public producerEpoch = NO_PRODUCER_EPOCH,
    public lastTimestamp = -1,
    /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
    readonly batchMetadata: BatchMetadata[] = [],
    /** The coordinator epoch of the last marker written for this producer (Kafka's coordinatorEpoch). */
    public coordinatorEpoch = -1,
    /** First offset of the producer's ongoing transaction in this partition, -1 when none (Kafka's currentTxnFirstOffset). */
    public currentTxnFirstOffset = -1,
  ) {}

  get lastSeq(): number {
    return this.batchMetadata.at(-1)?.lastSeq ?? NO_SEQUENCE
  }

  /** A new epoch starts a new sequence space: the batches of the old one cannot recur. */
  maybeUpdateProducerEpoch(epoch: number): void {
    if (epoch === this.producerEpoch) return
    this.producerEpoch = epoch
    this.batchMetadata.length = 0
  }

  addBatch(epoch: number, batch: BatchMetadata): void {
    this.maybeUpdateProducerEpoch(epoch)
    if (this.batchMetadata.length === NUM_BATCHES_TO_RETAIN) this.batchMetadata.shift()
    this.batchMetadata.push(batch)
    this.lastTimestamp = batch.timestamp
  }

  /** The cached batch with exactly this sequence range in this epoch: a retry of it. */
  findDuplicateBatch(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    if (epoch !== this.producerEpoch) return undefined
    return this.batchMetadata.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq)
  }
}
