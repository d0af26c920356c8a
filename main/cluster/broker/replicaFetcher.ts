// The follower side of replication (Kafka's ReplicaFetcherManager and ReplicaFetcherThread):
// one fetcher per leader broker pulls every partition this broker follows from it. A
// partition first truncates to where its log agrees with the leader's (OffsetForLeaderEpoch,
// KIP-101/279), so no replica keeps a divergent tail, then fetches from its log end.
import { ErrorCode, KafkaError } from '../errors'
import type { RpcClient } from '../rpc'
import { OffsetSpec, type BrokerApi, type BrokerEvent, type FetchPartitionResponse } from './api'
import { partitionKey } from './logManager'
import type { Partition } from './partition'
import { packFetchRequest, unpackFetchResponse } from './replicaFetchWire'
import type { FetcherControl } from './replicaManager'

export interface FetcherOptions {
  brokerId: number
  /** The RPC client on the link to a peer broker, if that link is up. */
  peer(brokerId: number): RpcClient<BrokerApi> | undefined
  /** replica.fetch.wait.max.ms and replica.fetch.max.bytes, read at each fetch (dynamic). */
  fetchConfig(): { waitMaxMs: number; maxBytes: number }
  emit(event: BrokerEvent): void
  /** Counts the record bytes appended as follower (Kafka's ReplicationBytesInPerSec). */
  markReplicated(bytes: number): void
}

/** Extra time a fetch may take beyond its long-poll wait before the link counts as down. */
const REQUEST_TIMEOUT_MARGIN_MS = 5000
/** Pause before retrying after an error: the metadata that fixes it is usually on its way. */
const RETRY_BACKOFF_MS = 100

type FetchState = 'truncating' | 'fetching'

interface FollowedPartition {
  partition: Partition
  state: FetchState
  /** No fetch before this time (backing off after an error). */
  delayedUntil: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

class ReplicaFetcher {
  readonly partitions = new Map<string, FollowedPartition>()
  private stopped = false
  private wake: (() => void) | null = null

  constructor(
    readonly leaderId: number,
    private readonly options: FetcherOptions,
  ) {
    void this.run()
  }

  add(partition: Partition): void {
    this.partitions.set(partitionKey(partition.topic, partition.partition), { partition, state: 'truncating', delayedUntil: 0 })
    this.wake?.()
  }

  remove(partition: Partition): void {
    this.partitions.delete(partitionKey(partition.topic, partition.partition))
  }

  stop(): void {
    this.stopped = true
    this.wake?.()
  }

  private async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.wake = null
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const client = this.options.peer(this.leaderId)
      const now = Date.now()
      const ready = [...this.partitions.values()].filter((p) => p.delayedUntil <= now)
      if (!client || ready.length === 0) {
        await this.idle(this.partitions.size === 0 ? 60_000 : RETRY_BACKOFF_MS)
        continue
      }
      try {
        const truncating = ready.filter((p) => p.state === 'truncating')
        if (truncating.length) await this.truncate(client, truncating)
        const fetching = ready.filter((p) => p.state === 'fetching' && this.partitions.get(partitionKey(p.partition.topic, p.partition.partition)) === p)
        if (fetching.length) await this.fetch(client, fetching)
      } catch {
        // The link is down or the leader is gone: try again shortly.
        await sleep(RETRY_BACKOFF_MS)
      }
    }
  }

  private backOff(p: FollowedPartition): void {
    p.delayedUntil = Date.now() + RETRY_BACKOFF_MS
  }

  private byTopic<T>(items: FollowedPartition[], entry: (p: FollowedPartition) => T): Array<{ name: string; partitions: T[] }> {
    const topics = new Map<string, T[]>()
    for (const p of items) {
      const list = topics.get(p.partition.topic) ?? []
      list.push(entry(p))
      topics.set(p.partition.topic, list)
    }
    return [...topics].map(([name, partitions]) => ({ name, partitions }))
  }

  /** Asks the leader where our latest epoch ended on its log, and cuts ours there. */
  private async truncate(client: RpcClient<BrokerApi>, items: FollowedPartition[]): Promise<void> {
    const response = await client.call(
      'offsetForLeaderEpoch',
      {
        replicaId: this.options.brokerId,
        topics: this.byTopic(items, (p) => ({
          index: p.partition.partition,
          currentLeaderEpoch: p.partition.leaderEpoch,
          leaderEpoch: p.partition.log.leaderEpochCache.latestEpoch,
        })),
      },
      [],
      REQUEST_TIMEOUT_MARGIN_MS,
    )
    for (const topic of response.topics) {
      for (const answer of topic.partitions) {
        const p = this.partitions.get(partitionKey(topic.name, answer.index))
        if (!p) continue
        if (answer.errorCode !== ErrorCode.NONE) {
          this.backOff(p)
          continue
        }
        const log = p.partition.log
        const before = log.logEndOffset
        let target: number
        if (answer.endOffset < 0) target = log.highWatermark
        else if (answer.leaderEpoch === log.leaderEpochCache.latestEpoch) target = answer.endOffset
        else target = Math.min(answer.endOffset, log.leaderEpochCache.endOffsetFor(answer.leaderEpoch, before).endOffset)
        if (target < before) {
          log.truncateTo(target)
          this.options.emit({
            type: 'log-truncated',
            topic: topic.name,
            partition: answer.index,
            fromOffset: before,
            toOffset: log.logEndOffset,
            leader: this.leaderId,
            leaderEpoch: p.partition.leaderEpoch,
            timestamp: Date.now(),
          })
        }
        p.state = 'fetching'
      }
    }
  }

  private async fetch(client: RpcClient<BrokerApi>, items: FollowedPartition[]): Promise<void> {
    const { waitMaxMs, maxBytes } = this.options.fetchConfig()
    const request = packFetchRequest({
      replicaId: this.options.brokerId,
      maxWaitMs: waitMaxMs,
      minBytes: 1,
      maxBytes,
      isolationLevel: 0,
      topics: this.byTopic(items, (p) => ({
        index: p.partition.partition,
        fetchOffset: p.partition.log.logEndOffset,
        partitionMaxBytes: maxBytes,
        currentLeaderEpoch: p.partition.leaderEpoch,
      })),
    })
    const response = unpackFetchResponse(await client.call('replicaFetch', request, [], waitMaxMs + REQUEST_TIMEOUT_MARGIN_MS))
    for (const topic of response.topics) {
      for (const answer of topic.partitions) {
        const p = this.partitions.get(partitionKey(topic.name, answer.index))
        if (p) await this.handleFetched(client, p, answer)
      }
    }
  }

  private async handleFetched(client: RpcClient<BrokerApi>, p: FollowedPartition, answer: FetchPartitionResponse): Promise<void> {
    const log = p.partition.log
    if (answer.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      await this.resetOutOfRange(client, p)
      return
    }
    if (answer.errorCode !== ErrorCode.NONE) {
      this.backOff(p)
      return
    }
    try {
      if (answer.records.byteLength > 0) {
        log.appendAsFollower(answer.records)
        this.options.markReplicated(answer.records.byteLength)
      }
      p.partition.updateFollowerHighWatermark(answer.highWatermark)
      if (answer.logStartOffset > log.logStartOffset && answer.logStartOffset <= log.highWatermark) log.deleteRecordsBefore(answer.logStartOffset)
    } catch (err) {
      // Batches that do not continue our log: find the point of agreement again.
      if (err instanceof KafkaError) p.state = 'truncating'
      else throw err
    }
  }

  /** Our fetch offset is outside the leader's log: follow its end if we are past it, else its start. */
  private async resetOutOfRange(client: RpcClient<BrokerApi>, p: FollowedPartition): Promise<void> {
    const { partition } = p
    const offsets = await client.call(
      'listOffsets',
      {
        replicaId: this.options.brokerId,
        isolationLevel: 0,
        topics: [{ name: partition.topic, partitions: [{ index: partition.partition, timestamp: OffsetSpec.EARLIEST }, { index: partition.partition, timestamp: OffsetSpec.LATEST }] }],
      },
      [],
      REQUEST_TIMEOUT_MARGIN_MS,
    )
    const [earliest, latest] = offsets.topics[0].partitions
    if (earliest.errorCode !== ErrorCode.NONE || latest.errorCode !== ErrorCode.NONE) {
      this.backOff(p)
      return
    }
    const log = partition.log
    if (log.logEndOffset > latest.offset) p.state = 'truncating'
    else log.truncateFullyAndStartAt(earliest.offset)
  }
}

export class ReplicaFetcherManager implements FetcherControl {
  private readonly fetchers = new Map<number, ReplicaFetcher>()

  constructor(private readonly options: FetcherOptions) {}

  follow(partition: Partition): void {
    this.unfollow(partition)
    let fetcher = this.fetchers.get(partition.leader)
    if (!fetcher) {
      fetcher = new ReplicaFetcher(partition.leader, this.options)
      this.fetchers.set(partition.leader, fetcher)
    }
    fetcher.add(partition)
  }

  unfollow(partition: Partition): void {
    for (const fetcher of this.fetchers.values()) fetcher.remove(partition)
  }

  /** Where each followed partition fetches from, for snapshots. */
  followed(): Array<{ topic: string; partition: number; leader: number; state: FetchState }> {
    return [...this.fetchers.values()].flatMap((f) =>
      [...f.partitions.values()].map((p) => ({ topic: p.partition.topic, partition: p.partition.partition, leader: f.leaderId, state: p.state })),
    )
  }

  shutdown(): void {
    for (const fetcher of this.fetchers.values()) fetcher.stop()
    this.fetchers.clear()
  }
}
