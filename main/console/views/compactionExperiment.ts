// The compaction experiment of a topic's Compaction panel (lab only): keyed updates over a few
// keys, then tombstones, to one partition, through the console's producer (acks=all) in
// batches, so that a cleaning round has something to remove and browsing shows the gaps.
import type { KafkaConnection } from '../connections/kafkaConnection'
import { kafkaCall } from '../connections/kafkaErrors'
import type { CompactionExperimentResult, RequestOf } from '../../../preload/contract'

type ExperimentRequest = RequestOf<'logCleaner:experiment'>

/** Records per send: one produce request each. */
const SEND_BATCH = 500

export interface ExperimentRecord {
  key: string
  /** null: a tombstone. */
  value: string | null
}

/**
 * Each key gets its first value in turn (key-0, key-1...), then the rest of the updates go to
 * keys drawn with a skew (a seeded generator, so a run is repeatable): low-numbered keys are
 * hot, high-numbered ones cold, as in a real changelog. A value is "<key>=v<n>", its key's n-th.
 * Then the last `tombstones` keys get a tombstone. The survivors of a round are scattered:
 * browsing shows the gaps between them.
 */
export function experimentRecords(updates: number, keys: number, tombstones: number): ExperimentRecord[] {
  let seed = 1
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
  const counts = new Array<number>(keys).fill(0)
  const records: ExperimentRecord[] = []
  for (let i = 0; i < updates; i++) {
    const k = i < keys ? i : Math.floor(keys * random() ** 2)
    records.push({ key: `key-${k}`, value: `key-${k}=v${++counts[k]}` })
  }
  for (let k = keys - tombstones; k < keys; k++) records.push({ key: `key-${k}`, value: null })
  return records
}

export async function runCompactionExperiment(kafka: KafkaConnection, request: ExperimentRequest): Promise<CompactionExperimentResult> {
  const records = experimentRecords(request.updates, request.keys, request.tombstones)
  const producer = kafka.producer(false)
  let firstOffset = -1
  let lastOffset = -1
  for (let i = 0; i < records.length; i += SEND_BATCH) {
    const timestamp = BigInt(Date.now())
    const messages = records.slice(i, i + SEND_BATCH).map((r) => ({
      topic: request.topic,
      partition: request.partition,
      key: Buffer.from(r.key),
      value: (r.value === null ? null : Buffer.from(r.value)) as Buffer,
      timestamp,
    }))
    const result = await kafkaCall(() => producer.send({ messages, acks: -1 }))
    const offset = Number(result.offsets?.find((o) => o.partition === request.partition)?.offset ?? -1)
    if (firstOffset < 0) firstOffset = offset
    lastOffset = offset + messages.length - 1
  }
  return { records: records.length, firstOffset, lastOffset }
}
