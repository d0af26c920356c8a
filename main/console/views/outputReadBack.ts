// What a consume-transform-produce demo run wrote, read back as a read_committed consumer is
// handed it: the records of its output topic and the source records ("partition/offset" keys)
// it holds more than once. Each call reads on from where the last one stopped, up to each
// partition's last stable offset, through the browser's read_committed reader
// (browse/transactionOutcomes.ts decides aborted records as Kafka's consumer does).
//
// A kafkajs read_committed consumer is not used: kafkajs 2.2.4 walks the Fetch answer's
// aborted transactions as if sorted by first offset (consumer/filterAbortedMessages.js), but
// Kafka lists them in the order they were aborted. A killed member's transaction began before
// another that was aborted before it, so kafkajs handed over the killed member's records as
// duplicates, on Apache Kafka as on Brokerlab.
import { OffsetSpec } from '../../cluster/broker/api'
import type { RunStats } from '../../../preload/contract'
import type { KafkaConnection } from '../connections/kafkaConnection'
import { kafkaBrowseSource, type BrowseSource } from './messages'
import { readRange } from './browse/partitionReader'

interface ReadBack {
  topic: string
  /** Where each partition's reading goes on. */
  positions: Map<number, number>
  /** How many times each source record is in the output. */
  seen: Map<string, number>
  records: number
  /** The read in progress: reads of one run go one after another, so none counts a record twice. */
  reading: Promise<unknown>
}

export class OutputReadBack {
  private readonly runs = new Map<string, ReadBack>()

  constructor(private readonly source: BrowseSource) {}

  /** The run's counters with its output's, read on up to the LSO; a run without an output topic as it is. */
  async withOutput(stats: RunStats): Promise<RunStats> {
    if (!stats.outputTopic) return stats
    let state = this.runs.get(stats.runId)
    if (!state) this.runs.set(stats.runId, (state = { topic: stats.outputTopic, positions: new Map(), seen: new Map(), records: 0, reading: Promise.resolve() }))
    const run = state
    const read = run.reading.catch(() => undefined).then(() => this.readOn(run))
    run.reading = read
    await read
    let duplicates = 0
    for (const count of run.seen.values()) if (count > 1) duplicates++
    return { ...stats, output: { topic: run.topic, records: run.records, duplicates } }
  }

  private async readOn(state: ReadBack): Promise<void> {
    const partitions = await this.source.partitions(state.topic)
    for (let partition = 0; partition < partitions; partition++) {
      const from = state.positions.get(partition) ?? (await this.source.listOffset(state.topic, partition, OffsetSpec.EARLIEST))
      const stable = await this.source.listOffset(state.topic, partition, OffsetSpec.LATEST)
      const { records, next } = await readRange(this.source, state.topic, partition, from, stable)
      for (const r of records) {
        if (r.control) continue
        const key = r.key?.text ?? ''
        state.records++
        state.seen.set(key, (state.seen.get(key) ?? 0) + 1)
      }
      // A fetch may bring records appended since the LSO was asked: they are left for the next read.
      state.positions.set(partition, Math.min(next, stable))
    }
  }

  forget(runId: string): void {
    this.runs.delete(runId)
  }
}

export function kafkaOutputReadBack(kafka: KafkaConnection): OutputReadBack {
  return new OutputReadBack(kafkaBrowseSource(kafka, { markers: true, readCommitted: true }))
}
