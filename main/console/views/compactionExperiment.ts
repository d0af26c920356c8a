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

/** Update i goes to key-(i mod keys) with value "<key>=v<n>" (its n-th value); then the last `tombstones` keys get a tombstone. */
export function experimentRecords(updates: number, keys: number, tombstones: number): ExperimentRecord[] {
  const records: ExperimentRecord[] = []
  for (let i = 0; i < updates; i++) records.push({ key: `key-${i % keys}`, value: `key-${i % keys}=v${Math.floor(i / keys) + 1}` })
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
