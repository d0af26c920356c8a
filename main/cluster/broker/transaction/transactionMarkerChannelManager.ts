// Kafka's TransactionMarkerChannelManager and TransactionMarkerRequestCompletionHandler: the
// COMMIT or ABORT markers of a transaction in PrepareCommit / PrepareAbort go to each of its
// partitions' leaders as WriteTxnMarkers (the peer RPC, or this broker's own replica manager
// when it leads the partition), grouped by leader, retried with fresh metadata until every
// partition has its marker. Then the coordinator writes CompleteCommit / CompleteAbort.
import { ErrorCode, errorName } from '../../errors'
import type { MetadataImage } from '../../metadata/image'
import type * as M from '../../protocol/messages'
import { byTopic, tpKey, type TopicPartitionKey } from './transactionMetadata'

/** Kafka's retry.backoff.ms for the marker channel. */
const RETRY_BACKOFF_MS = 100

export type WriteTxnMarkers = (brokerId: number, request: M.WriteTxnMarkersRequest) => Promise<M.WriteTxnMarkersResponse>

export interface TransactionMarkerChannelOptions {
  image(): MetadataImage
  /** Sends WriteTxnMarkers to a partition leader: this broker's replica manager or a peer's RPC. */
  writeTxnMarkers: WriteTxnMarkers
  log(message: string): void
}

export interface PendingMarkers {
  transactionalId: string
  producerId: number
  producerEpoch: number
  /** The client's transaction version: from 2 the markers carry an epoch the coordinator bumped. */
  transactionVersion: number
  coordinatorEpoch: number
  committed: boolean
  /** The partitions still without their marker; each is removed once it has one. */
  partitions: Set<TopicPartitionKey>
  /** False once this coordinator lost the transaction (another took over): stop sending. */
  stillCoordinator(): boolean
}

/** Why sending stopped: every marker written, or the coordinator was fenced / moved. */
export type MarkersOutcome = 'done' | 'abandoned'

/** Errors after which a partition's marker is sent again (Kafka's completion handler). */
const RETRIABLE = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.BROKER_NOT_AVAILABLE,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.UNKNOWN_SERVER_ERROR,
])

export class TransactionMarkerChannelManager {
  private stopped = false
  private readonly failures = new WeakMap<PendingMarkers, number>()

  constructor(private readonly options: TransactionMarkerChannelOptions) {}

  /** Sends the markers until every partition has one; resolves 'abandoned' if the coordinator lost the transaction. */
  async send(pending: PendingMarkers): Promise<MarkersOutcome> {
    let attempt = 0
    while (pending.partitions.size > 0) {
      if (this.stopped || !pending.stillCoordinator()) return 'abandoned'
      if (attempt++ > 0) await sleep(RETRY_BACKOFF_MS)
      if (this.stopped || !pending.stillCoordinator()) return 'abandoned'
      const image = this.options.image()
      const byLeader = new Map<number, TopicPartitionKey[]>()
      for (const key of pending.partitions) {
        const [topic, partition] = splitKey(key)
        const topicImage = image.topicsByName.get(topic)
        if (!topicImage || !topicImage.partitions[partition]) {
          // As Kafka: a deleted topic's partitions need no marker.
          this.options.log(`dropping the ${markerName(pending)} marker of ${pending.transactionalId} for ${topic}-${partition}: the partition no longer exists`)
          pending.partitions.delete(key)
          continue
        }
        const leader = topicImage.partitions[partition].leader
        if (leader < 0) continue
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), key])
      }
      const outcomes = await Promise.all([...byLeader].map(([leader, keys]) => this.sendTo(leader, keys, pending)))
      if (outcomes.includes('abandoned')) return 'abandoned'
    }
    return 'done'
  }

  private async sendTo(leader: number, keys: TopicPartitionKey[], pending: PendingMarkers): Promise<'ok' | 'abandoned'> {
    const request: M.WriteTxnMarkersRequest = {
      markers: [
        {
          producerId: BigInt(pending.producerId),
          producerEpoch: pending.producerEpoch,
          transactionResult: pending.committed,
          topics: byTopic(keys).map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
          coordinatorEpoch: pending.coordinatorEpoch,
          transactionVersion: pending.transactionVersion,
        },
      ],
    }
    let response: M.WriteTxnMarkersResponse
    try {
      response = await this.options.writeTxnMarkers(leader, request)
    } catch (err) {
      // Once, then every 50th attempt: a leader that is gone fails every 100 ms until the metadata moves on.
      const failures = (this.failures.get(pending) ?? 0) + 1
      this.failures.set(pending, failures)
      if (failures % 50 === 1) this.options.log(`WriteTxnMarkers to broker ${leader} for ${pending.transactionalId} failed (${failures}x), will retry: ${(err as Error).message}`)
      return 'ok'
    }
    for (const marker of response.markers) {
      for (const topic of marker.topics) {
        for (const p of topic.partitions) {
          const key = tpKey(topic.name, p.partitionIndex)
          if (p.errorCode === ErrorCode.NONE) {
            pending.partitions.delete(key)
          } else if (p.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH || p.errorCode === ErrorCode.TRANSACTION_COORDINATOR_FENCED) {
            // A newer coordinator (or producer epoch) owns this transaction now.
            this.options.log(`stopping the markers of ${pending.transactionalId}: ${topic.name}-${p.partitionIndex} answered ${errorName(p.errorCode)}`)
            return 'abandoned'
          } else if (!RETRIABLE.has(p.errorCode)) {
            this.options.log(`the ${markerName(pending)} marker of ${pending.transactionalId} for ${topic.name}-${p.partitionIndex} failed with ${errorName(p.errorCode)}, will retry`)
          }
        }
      }
    }
    return 'ok'
  }

  shutdown(): void {
    this.stopped = true
  }
}

function markerName(p: PendingMarkers): string {
  return p.committed ? 'COMMIT' : 'ABORT'
}

function splitKey(key: TopicPartitionKey): [string, number] {
  const at = key.lastIndexOf(':')
  return [key.slice(0, at), Number(key.slice(at + 1))]
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
}
