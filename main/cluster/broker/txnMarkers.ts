// Kafka's handleWriteTxnMarkersRequest, the partition side: the transaction coordinator (or an
// admin client aborting a hanging transaction) asks this broker, as partition leader, to end
// a producer's transaction in some partitions. Each marker goes into each partition as one
// COMMIT or ABORT control batch with acks=all, answered per partition with Kafka's error codes;
// listeners (the group coordinator's transactional offsets) hear of each marker once it is
// replicated, as Kafka's onTransactionCompleted does.
import { ErrorCode } from '../errors'
import type { WritableTxnMarker, WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../protocol/messages'
import type { Partition } from './partition'

/** How long a marker waits for acks=all (Kafka uses request.timeout.ms, 30 s). */
export const TXN_MARKER_TIMEOUT_MS = 30_000

/** A marker this broker wrote as leader (seam 2 of the transactions work). */
export interface TxnMarkerEvent {
  topic: string
  partition: number
  producerId: number
  producerEpoch: number
  committed: boolean
  offset: number
}

export interface TxnMarkerContext {
  /** The hosted partition, or a KafkaError (UNKNOWN_TOPIC_OR_PARTITION). */
  partitionOrError(topic: string, partition: number): Partition
  wakeFetches(): void
  /** A thrown error as a Kafka error code. */
  errorCode(err: unknown): number
}

export class TxnMarkerWriter {
  private readonly listeners = new Set<(event: TxnMarkerEvent) => void>()

  constructor(private readonly context: TxnMarkerContext) {}

  /** Markers are written per partition in request order; the answer waits for all of them. */
  async write(request: WriteTxnMarkersRequest): Promise<WriteTxnMarkersResponse> {
    const markers = await Promise.all(
      request.markers.map(async (marker) => ({
        producerId: marker.producerId,
        topics: await Promise.all(
          marker.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(t.partitionIndexes.map(async (index) => ({ partitionIndex: index, errorCode: await this.writeOne(marker, t.name, index) }))),
          })),
        ),
      })),
    )
    return { markers }
  }

  private async writeOne(marker: WritableTxnMarker, topic: string, index: number): Promise<number> {
    const producerId = Number(marker.producerId)
    try {
      const partition = this.context.partitionOrError(topic, index)
      const info = partition.appendTxnMarkerToLeader({
        producerId,
        producerEpoch: marker.producerEpoch,
        committed: marker.transactionResult,
        coordinatorEpoch: marker.coordinatorEpoch,
        transactionVersion: marker.transactionVersion,
      })
      this.context.wakeFetches()
      await partition.waitForHighWatermark(info.lastOffset + 1, TXN_MARKER_TIMEOUT_MS)
      partition.checkEnoughReplicas()
      const event: TxnMarkerEvent = { topic, partition: index, producerId, producerEpoch: marker.producerEpoch, committed: marker.transactionResult, offset: info.firstOffset }
      for (const listener of this.listeners) {
        try {
          listener(event)
        } catch {
          // A listener's failure is its own; the marker is written.
        }
      }
      return ErrorCode.NONE
    } catch (err) {
      return this.context.errorCode(err)
    }
  }

  onTxnMarker(listener: (event: TxnMarkerEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
