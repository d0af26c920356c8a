// The registry's store on Kafka: the compacted, replicated `_schemas` topic (one partition,
// RF = min(3, brokers)), written with acks=all through the Kafka protocol and read from the
// start at startup, then tailed. Through @platformatic/kafka, the project's client library
// (docs/kafka-client.md): its Consumer's `fetch` reads a partition from its leader without
// joining a group, as Confluent's store reader assigns itself the partition.
import { Admin, Consumer, Producer } from '@platformatic/kafka'
import { decodeRecord, encodeRecord, noopKey, type RegistryRecord } from './records'

export const SCHEMAS_TOPIC = '_schemas'
/** A produce that takes longer than this is refused as timed out (the registry answers 50002). */
const WRITE_TIMEOUT_MS = 10_000
/** How long reading `_schemas` at startup may keep failing before the registry gives up. */
const STARTUP_TIMEOUT_MS = 30_000

export interface KafkaLogOptions {
  bootstrap: string
  topic?: string
  /**
   * Whether `_schemas` exists, from an authority that does not lag (the embedded cluster's
   * controller image). Without it, the brokers' Metadata answer decides, which may lag behind
   * right after a cluster restarts.
   */
  topicExists?: () => boolean
  /** Called for each record read, in log order, except those this registry wrote itself (already applied). */
  onRecord: (record: RegistryRecord, offset: number) => void
}

/** Why a write was refused: the partition has no leader, or the write failed or timed out. */
export class LogWriteError extends Error {
  constructor(
    message: string,
    readonly kind: 'no-leader' | 'failed' | 'timeout',
  ) {
    super(message)
  }
}

export class KafkaLog {
  readonly topic: string
  private readonly admin: Admin
  private readonly producer: Producer
  private readonly consumer: Consumer
  private position = 0n
  /** The broker the reader fetches from (the leader when last asked), -1 to ask again. */
  private readFrom = -1
  private topicId = ''
  private closed = false
  private tailing: Promise<void> | null = null
  /** Offsets this registry wrote and already applied: the reader skips them. */
  private readonly own = new Set<bigint>()
  private lastWriteFailed = false
  /** The last error the reader met (for a clear message), cleared by the next good fetch. */
  lastReadError: string | null = null

  constructor(private readonly options: KafkaLogOptions) {
    this.topic = options.topic ?? SCHEMAS_TOPIC
    const base = { clientId: 'brokerlab-schema-registry', bootstrapBrokers: options.bootstrap.split(','), retries: 2, retryDelay: 200, timeout: 5_000 }
    this.admin = new Admin(base)
    this.producer = new Producer({ ...base, acks: -1, retries: 3, retryDelay: 250, autocreateTopics: false })
    this.consumer = new Consumer({ ...base, groupId: 'brokerlab-schema-registry-reader' })
  }

  /**
   * Reads `_schemas` to its end when it exists, then keeps reading in the background. A
   * cluster without it is left alone until the first write creates it, so a cluster whose
   * registry is never used gets no extra topic.
   */
  async start(): Promise<void> {
    const known = this.options.topicExists?.()
    if (known === false) return
    if (known === undefined && !(await this.admin.listTopics({ includeInternals: true })).includes(this.topic)) return
    // Right after a cluster (re)starts, leaders move and brokers catch up: keep trying for a while.
    const deadline = Date.now() + STARTUP_TIMEOUT_MS
    for (;;) {
      try {
        await this.waitForLeader()
        const end = await this.readUpTo()
        while (this.position < end) await this.readOnce(0)
        break
      } catch (err) {
        this.readFrom = -1
        if (Date.now() > deadline) throw err
        await sleep(200)
      }
    }
    this.tailing = this.tail()
  }

  /** Whether `_schemas` exists yet (it does once read at startup or written). */
  get exists(): boolean {
    return this.tailing !== null
  }

  private async createTopic(): Promise<void> {
    const metadata = await this.admin.metadata({ topics: [], forceUpdate: true })
    try {
      await this.admin.createTopics({
        topics: [this.topic],
        partitions: 1,
        replicas: Math.min(3, Math.max(1, metadata.brokers.size)),
        configs: [{ name: 'cleanup.policy', value: 'compact' }],
      })
    } catch (err) {
      if (!/already exists/i.test(String((err as Error).message) + JSON.stringify((err as { errors?: unknown }).errors ?? ''))) throw err
      // Someone made it since this registry started: read it before writing anything.
      await this.waitForLeader()
      this.tailing = this.tail()
      throw new LogWriteError(`${this.topic} appeared after this registry started; it is being read now, try again`, 'failed')
    }
    await this.waitForLeader()
  }

  private async waitForLeader(): Promise<void> {
    for (let i = 0; ; i++) {
      const leader = await this.leader().catch(() => -1)
      if (leader >= 0) return
      if (i > 100) throw new Error(`${this.topic} has no leader after 10 s`)
      await sleep(100)
    }
  }

  /**
   * The offset to read up to at startup. Right after a restart the leader's high watermark
   * may still lag behind records acknowledged before it, so, as Confluent's registry does,
   * write a NOOP record with acks=all and read past it: everything acknowledged before is
   * below it. When that write cannot be made (no in-sync replicas to acknowledge it), the
   * end offset now.
   */
  private async readUpTo(): Promise<bigint> {
    try {
      const { key, value } = encodeRecord({ key: noopKey(), value: null })
      const result = await this.producer.send({ messages: [{ topic: this.topic, partition: 0, key, value: value as unknown as Buffer }], acks: -1 })
      const offset = result.offsets?.[0]?.offset
      if (offset !== undefined) return offset + 1n
    } catch {
      // fall back to the end offset
    }
    return this.endOffset()
  }

  private async endOffset(): Promise<bigint> {
    const offsets = await this.consumer.listOffsets({ topics: [this.topic], partitions: { [this.topic]: [0] }, timestamp: -1n })
    return offsets.get(this.topic)?.[0] ?? 0n
  }

  /** The partition's leader now (a fresh metadata request), or -1. */
  async leader(): Promise<number> {
    const m = await this.consumer.metadata({ topics: [this.topic], forceUpdate: true })
    const t = m.topics.get(this.topic)
    if (t) this.topicId = t.id
    return t?.partitions[0]?.leader ?? -1
  }

  /** One fetch from the leader at the current position; applies what it reads. */
  private async readOnce(maxWaitMs: number): Promise<void> {
    if (this.readFrom < 0) this.readFrom = await this.leader()
    const leader = this.readFrom
    if (leader < 0) throw new Error(`${this.topic}-0 has no leader`)
    const response = await this.consumer.fetch({
      node: leader,
      maxWaitTime: maxWaitMs,
      minBytes: 1,
      maxBytes: 4 << 20,
      topics: [{ topicId: this.topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: this.position, lastFetchedEpoch: -1, partitionMaxBytes: 4 << 20 }] }],
    })
    const partition = response.responses[0]?.partitions[0]
    if (!partition) throw new Error(`Fetch answered nothing for ${this.topic}-0`)
    if (partition.errorCode !== 0) {
      this.readFrom = -1
      throw new Error(`Fetch of ${this.topic}-0 failed with error code ${partition.errorCode}`)
    }
    this.apply(partition.records ?? [])
    // A position below the log start (records removed by compaction's cleaning are no gap: offsets jump).
    if (this.position < partition.logStartOffset) this.position = partition.logStartOffset
    this.lastReadError = null
  }

  private apply(batches: NonNullable<Awaited<ReturnType<Consumer['fetch']>>['responses'][number]['partitions'][number]['records']>): void {
    for (const batch of batches) {
      const control = (batch.attributes & 0x20) !== 0
      for (const r of batch.records) {
        const offset = batch.firstOffset + BigInt(r.offsetDelta)
        if (offset < this.position) continue
        if (!control) {
          if (this.own.has(offset)) this.own.delete(offset)
          else {
            const record = decodeRecord(r.key, r.value)
            if (record) this.options.onRecord(record, Number(offset))
          }
        }
        this.position = offset + 1n
      }
      const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
      if (next > this.position) this.position = next
    }
  }

  private async tail(): Promise<void> {
    let backoff = 100
    while (!this.closed) {
      try {
        await this.readOnce(500)
        backoff = 100
      } catch (err) {
        if (this.closed) return
        this.readFrom = -1
        this.lastReadError = (err as Error).message
        await sleep(backoff)
        backoff = Math.min(backoff * 2, 2_000)
      }
    }
  }

  /**
   * Writes records with acks=all; they were applied already by the caller, so the reader
   * skips them. Refused fast when the partition has no leader.
   */
  async write(records: RegistryRecord[]): Promise<void> {
    if (!this.exists) {
      try {
        await this.createTopic()
      } catch (err) {
        if (err instanceof LogWriteError) throw err
        throw new LogWriteError(`cannot create ${this.topic}: ${(err as Error).message}`, 'failed')
      }
    }
    // Ask for the leader first when the last write or read failed, so a partition without
    // one is refused at once rather than after the producer's retries; while both go well,
    // the reader's steady fetches from the leader stand for that check.
    let leader = this.readFrom
    if (this.lastWriteFailed || this.lastReadError !== null || leader < 0) leader = await this.currentLeader()
    const messages = records.map((record) => {
      const { key, value } = encodeRecord(record)
      return { topic: this.topic, partition: 0, key, value: value as Buffer }
    })
    const deadline = Date.now() + WRITE_TIMEOUT_MS
    for (;;) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new LogWriteError(`no acknowledgement from ${this.topic}'s leader (broker ${leader}) within ${WRITE_TIMEOUT_MS} ms`, 'timeout')),
          Math.max(1, deadline - Date.now()),
        )
      })
      try {
        const result = await Promise.race([this.producer.send({ messages, acks: -1 }), timeout])
        const base = result.offsets?.[0]?.offset
        if (base === undefined) throw new LogWriteError(`${this.topic}'s leader acknowledged no offset`, 'failed')
        for (let i = 0; i < records.length; i++) if (base + BigInt(i) >= this.position) this.own.add(base + BigInt(i))
        this.lastWriteFailed = false
        break
      } catch (err) {
        this.lastWriteFailed = true
        if (err instanceof LogWriteError) throw err
        // The leader may have just died: once the cluster names a new one, send again (the
        // records are keyed state, so one written twice changes nothing).
        const now = await this.currentLeader()
        if (Date.now() + 200 > deadline) throw new LogWriteError(`writing to ${this.topic} (leader: broker ${now}) failed: ${(err as Error).message}`, 'failed')
        leader = now
        await sleep(200)
      } finally {
        clearTimeout(timer)
      }
    }
    if (!this.tailing && !this.closed) this.tailing = this.tail()
  }

  /** The leader from a fresh Metadata answer; refused at once when there is none or the cluster cannot be reached. */
  private async currentLeader(): Promise<number> {
    const leader = await this.leader().catch(async (err: Error) => {
      // A Metadata answer naming _schemas without a leader fails in the library; a cluster
      // that still answers for itself tells the two cases apart.
      const reachable = await this.admin.metadata({ topics: [], forceUpdate: true }).then(
        () => true,
        () => false,
      )
      if (!reachable) throw new LogWriteError(`cannot reach the cluster (${this.options.bootstrap}): ${err.message}`, 'no-leader')
      return -1
    })
    if (leader < 0) throw new LogWriteError(`${this.topic} partition 0 has no leader (the brokers of its in-sync replicas are down); writes resume once a new leader is elected`, 'no-leader')
    return leader
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([this.producer.close(), this.admin.close()])
    await this.consumer.close().catch(() => undefined)
    await this.tailing?.catch(() => undefined)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
