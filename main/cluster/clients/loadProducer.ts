// The load generator: a kafkajs producer that sends at a steady rate in 100 ms ticks and keeps
// per-second series of acknowledged records and send-to-ack latency (p50, p99) for the
// console's charts.
import type { Kafka, Producer } from 'kafkajs'
import type { ProducerOptions, ProducerStats } from './api'

const TICK_MS = 100
/** Ten minutes of one-a-second points. */
const SERIES_POINTS = 600
/** Ticks' worth of records a tick may catch up on after a slow send. */
const MAX_CATCH_UP_TICKS = 10
/**
 * Errors after which an idempotent producer's sequence numbers no longer match the broker's.
 * kafkajs sends one request per broker for all its partitions there; when one partition's
 * batch is refused (MESSAGE_TOO_LARGE) it rolls back the sequence numbers of every partition
 * of the request, also of those the broker appended, whose next batches the broker then refuses
 * as out of order, for ever. The load producer starts over with a new producer (a new producer
 * id, sequences from 0), as Kafka's clients reset their producer id.
 */
const SEQUENCE_LOST = /OUT_OF_ORDER_SEQUENCE_NUMBER|UNKNOWN_PRODUCER_ID|INVALID_PRODUCER_EPOCH|out of order sequence|unknown producer|producer.*epoch/i
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The q-quantile of ascending `sorted` (0 when empty). */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

const ascending = (values: number[]) => [...values].sort((a, b) => a - b)

function pushCapped<T>(series: T[], point: T, cap = SERIES_POINTS): void {
  series.push(point)
  if (series.length > cap) series.shift()
}

export class LoadProducer {
  private stopped = false
  private readonly done: Promise<void>
  /** Latencies of the last 1000 acknowledged sends, and of those acknowledged this second. */
  private readonly recent: number[] = []
  private thisSecond: number[] = []
  private ackedThisSecond = 0
  private readonly stats: Omit<ProducerStats, 'latencyMs'>

  private constructor(
    private producer: Producer,
    private readonly kafka: Kafka,
    producerId: string,
    private readonly options: ProducerOptions,
  ) {
    const { bootstrap: _, ...echoed } = options
    this.stats = { producerId, options: echoed, startedAt: Date.now(), sent: 0, acked: 0, failed: 0, lastError: null, throughput: [], latency: [] }
    this.done = this.run()
  }

  /** Connects (refusing what kafkajs refuses, e.g. a bad bootstrap) and starts sending. */
  static async start(kafka: Kafka, producerId: string, options: ProducerOptions): Promise<LoadProducer> {
    // An idempotent producer keeps one request in flight, as kafkajs requires for its ordering guarantee.
    return new LoadProducer(await LoadProducer.connect(kafka, options), kafka, producerId, options)
  }

  private static async connect(kafka: Kafka, options: ProducerOptions): Promise<Producer> {
    const producer = kafka.producer({ idempotent: options.idempotent, maxInFlightRequests: options.idempotent ? 1 : undefined })
    await producer.connect()
    return producer
  }

  /** A new producer in place of one whose sequence numbers the broker no longer accepts. */
  private async resetProducer(): Promise<void> {
    const old = this.producer
    this.producer = await LoadProducer.connect(this.kafka, this.options)
    await old.disconnect().catch(() => undefined)
  }

  private message(value: Buffer) {
    const { keyCardinality } = this.options
    return { key: keyCardinality ? `key-${Math.floor(Math.random() * keyCardinality)}` : null, value }
  }

  private async run(): Promise<void> {
    const value = Buffer.alloc(this.options.messageBytes, 'x')
    // Records owed by the rate (fractional, so low rates are exact), capped so that a stall
    // (a broker down) does not turn into a burst afterwards.
    const cap = Math.max(1, (this.options.ratePerSec * TICK_MS * MAX_CATCH_UP_TICKS) / 1000)
    let owed = 0
    let last = Date.now()
    let secondStart = last
    while (!this.stopped) {
      const tickStart = Date.now()
      owed = Math.min(cap, owed + (this.options.ratePerSec * (tickStart - last)) / 1000)
      last = tickStart
      const count = Math.floor(owed)
      owed -= count
      if (count > 0) await this.send(Array.from({ length: count }, () => this.message(value)))
      if (Date.now() - secondStart >= 1000) {
        secondStart = Date.now()
        this.closeSecond(secondStart)
      }
      await sleep(Math.max(0, TICK_MS - (Date.now() - tickStart)))
    }
  }

  private async send(messages: Array<{ key: string | null; value: Buffer }>): Promise<void> {
    const sentAt = Date.now()
    this.stats.sent += messages.length
    try {
      await this.producer.send({ topic: this.options.topic, acks: this.options.acks, messages })
      const latency = Date.now() - sentAt
      this.stats.acked += messages.length
      this.ackedThisSecond += messages.length
      this.thisSecond.push(latency)
      pushCapped(this.recent, latency, 1000)
    } catch (err) {
      this.stats.failed += messages.length
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      this.stats.lastError = err instanceof Error ? err.message : String(err)
      if (this.options.idempotent && SEQUENCE_LOST.test(message)) await this.resetProducer().catch(() => undefined)
    }
  }

  private closeSecond(timestamp: number): void {
    pushCapped(this.stats.throughput, { timestamp, perSec: this.ackedThisSecond })
    if (this.thisSecond.length) {
      const sorted = ascending(this.thisSecond)
      pushCapped(this.stats.latency, { timestamp, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) })
    }
    this.ackedThisSecond = 0
    this.thisSecond = []
  }

  snapshot(): ProducerStats {
    const sorted = ascending(this.recent)
    return {
      ...this.stats,
      throughput: [...this.stats.throughput],
      latency: [...this.stats.latency],
      latencyMs: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) },
    }
  }

  /** Stops sending, waits for the send in flight, and disconnects. */
  async stop(): Promise<ProducerStats> {
    this.stopped = true
    await this.done
    await this.producer.disconnect()
    return this.snapshot()
  }
}
