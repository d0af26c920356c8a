// A GroupCoordinatorShard with a clock the test moves (ticking every 100 ms, as the broker
// does), an append that keeps what was written as the partition would (a transactional
// write with its producer id, markers as control entries) and can be told to fail, and
// consumers that speak the classic protocol through the shard's handlers.
import { KafkaError } from '../../../main/cluster/errors'
import {
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  type GroupCoordinatorConfig,
  GroupCoordinatorShard,
  type LoadEntry,
  type LoadRecord,
  type TransactionalProducer,
} from '../../../main/cluster/broker/group'
import { Writer, ZERO_UUID } from '../../../main/cluster/protocol/messages'
import type { JoinGroupRequest, JoinGroupResponse, SyncGroupResponse } from '../../../main/cluster/protocol/messages'
import { writeConsumerProtocolAssignment, writeConsumerProtocolSubscription } from '../../../main/cluster/protocol/messages/consumerProtocol'

export const START = 1_000_000

export class Harness {
  time = START
  readonly log: LoadEntry[] = []
  failWith: Error | null = null
  /** The transaction coordinator's answer to TxnOffsetCommit's verification (KIP-890); null: NONE. */
  verify: ((transactionalId: string, producer: TransactionalProducer) => Promise<number>) | null = null
  readonly config: GroupCoordinatorConfig
  shard: GroupCoordinatorShard
  private uuids = 0

  constructor(config: Partial<GroupCoordinatorConfig> = {}) {
    this.config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...config }
    this.shard = this.newShard()
  }

  private newShard(): GroupCoordinatorShard {
    return new GroupCoordinatorShard({
      partition: 7,
      now: () => this.time,
      config: () => this.config,
      uuid: () => `uuid-${++this.uuids}`,
      append: async (records, producer) => {
        if (this.failWith) throw this.failWith
        const first = this.log.length
        for (const r of records) this.log.push({ ...r, offset: this.log.length, timestamp: this.time, producerId: producer?.producerId ?? -1 })
        return first
      },
      verifyTransaction: (transactionalId, producer) => (this.verify ? this.verify(transactionalId, producer) : Promise.resolve(0)),
    })
  }

  /** What was written, markers left out. */
  get records(): LoadRecord[] {
    return this.log.filter((e): e is LoadRecord => !('marker' in e))
  }

  /** Moves the clock, ticking every 100 ms like the broker's timer, and lets promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms
    while (this.time < end) {
      this.time = Math.min(end, this.time + 100)
      this.shard.tick(this.time)
      await settle()
    }
  }

  /** The transaction coordinator's marker for `producerId` lands in the partition (as txn-log's listener tells the runtime). */
  marker(producerId: number, committed: boolean): void {
    this.log.push({ marker: { producerId, committed }, offset: this.log.length })
    this.shard.replayEndTransactionMarker(producerId, committed)
  }

  failAppends(error: Error | null = new KafkaError('NOT_ENOUGH_REPLICAS', 'ISR too small')): void {
    this.failWith = error
  }

  /** A new leader for the partition: a fresh shard that loads what was written. */
  failover(): GroupCoordinatorShard {
    this.shard = this.newShard()
    this.shard.load(this.log)
    return this.shard
  }
}

export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

export function subscription(topics: string[]): Buffer {
  const w = new Writer()
  w.int16(0)
  writeConsumerProtocolSubscription(w, 0, { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null })
  return w.finish()
}

export function assignment(partitions: Record<string, number[]>): Buffer {
  const w = new Writer()
  w.int16(0)
  writeConsumerProtocolAssignment(w, 0, { assignedPartitions: Object.entries(partitions).map(([topic, p]) => ({ topic, partitions: p })), userData: null })
  return w.finish()
}

export interface JoinOptions {
  memberId?: string
  instanceId?: string | null
  sessionTimeoutMs?: number
  rebalanceTimeoutMs?: number
  topics?: string[]
  protocols?: { name: string; metadata: Buffer }[]
  protocolType?: string
}

export function joinRequest(groupId: string, o: JoinOptions = {}): JoinGroupRequest {
  return {
    groupId,
    sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
    rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 30_000,
    memberId: o.memberId ?? '',
    groupInstanceId: o.instanceId ?? null,
    protocolType: o.protocolType ?? 'consumer',
    protocols: o.protocols ?? [{ name: 'range', metadata: subscription(o.topics ?? ['orders']) }],
    reason: null,
  }
}

/** A consumer of the classic protocol, as a client library drives it (JoinGroup v9, SyncGroup v5). */
export class Consumer {
  memberId = ''
  generation = -1
  assignment: Buffer | null = null

  constructor(
    readonly h: Harness,
    readonly groupId: string,
    readonly clientId: string,
    readonly options: JoinOptions = {},
  ) {}

  /**
   * Sends JoinGroup; a MEMBER_ID_REQUIRED answer is handled as clients do: keep the id and
   * rejoin. Resolves once the join is in (boxed: the answer may wait for the join phase).
   */
  async join(): Promise<{ response: Promise<JoinGroupResponse> }> {
    let response = this.send()
    if (this.memberId === '' && !this.options.instanceId) {
      const first = await response
      if (first.errorCode !== 79) return { response: Promise.resolve(first) }
      this.memberId = first.memberId
      response = this.send()
    }
    const settled = response.then((r) => {
      if (r.errorCode === 0) {
        this.memberId = r.memberId
        this.generation = r.generationId
      }
      return r
    })
    return { response: settled }
  }

  send(): Promise<JoinGroupResponse> {
    return this.h.shard.joinGroup(joinRequest(this.groupId, { ...this.options, memberId: this.memberId }), 9, { clientId: this.clientId, clientHost: '/127.0.0.1' })
  }

  sync(assignments: { memberId: string; assignment: Buffer }[] = []): Promise<SyncGroupResponse> {
    return this.h.shard
      .syncGroup(
        { groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: this.options.instanceId ?? null, protocolType: 'consumer', protocolName: 'range', assignments },
        5,
      )
      .then((r) => {
        if (r.errorCode === 0) this.assignment = r.assignment
        return r
      })
  }

  heartbeat(): number {
    return this.h.shard.heartbeat({ groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: this.options.instanceId ?? null }, 4).errorCode
  }

  commit(topic: string, partition: number, offset: bigint, generation = this.generation, memberId = this.memberId) {
    return this.h.shard.offsetCommit(
      {
        groupId: this.groupId,
        generationIdOrMemberEpoch: generation,
        memberId,
        groupInstanceId: this.options.instanceId ?? null,
        retentionTimeMs: -1n,
        topics: [{ name: topic, topicId: ZERO_UUID, partitions: [{ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: 3, committedMetadata: 'm' }] }],
      },
      9,
    )
  }
}

/** Brings `consumers` through a whole rebalance: join (waiting out the initial delay if any), the leader assigns one partition each, all sync. */
export async function rebalance(h: Harness, consumers: Consumer[]): Promise<JoinGroupResponse[]> {
  const pending = await Promise.all(consumers.map((c) => c.join()))
  let done = false
  const joined = Promise.all(pending.map((p) => p.response)).then((r) => ((done = true), r))
  for (let waited = 0; !done && waited < 120_000; waited += 100) await h.advance(100)
  const responses = await joined
  const leader = consumers.find((c) => c.memberId === responses[0].leader)!
  const assignments = responses.find((r) => r.members.length > 0)!.members.map((m, i) => ({ memberId: m.memberId, assignment: assignment({ orders: [i] }) }))
  await Promise.all(consumers.map((c) => (c === leader ? c.sync(assignments) : c.sync())))
  return responses
}
