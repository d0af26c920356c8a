// Producer-side batches for tests, made with our own RecordBatch v2 encoder.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
import { CompressionType } from '../../main/cluster/protocol/batchHeader'

export interface BatchSpec {
  count?: number
  valueSize?: number
  timestamp?: number
  compression?: CompressionType
  /** Prefix of each record's value, so a test can recognise its records. */
  tag?: string
  /** An idempotent producer's batch: its id, epoch and the sequence of its first record. */
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
}

/** A batch as a producer sends it: base offset 0, no leader epoch, `count` records. */
export function producerBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.count ?? 1
  const timestamp = BigInt(spec.timestamp ?? Date.now())
  const tag = spec.tag ?? 'v'
  const records = Array.from({ length: count }, (_, i) => {
    const base = `${tag}-${i}`
    const value = spec.valueSize ? base.padEnd(spec.valueSize, '.') : base
    return { key: `k${i}`, value, timestamp: timestamp + BigInt(i), headers: [{ key: 'h', value: String(i) }] }
  })
  return encodeRecordBatch({
    records,
    compression: spec.compression ?? CompressionType.None,
    producerId: spec.producerId === undefined ? undefined : BigInt(spec.producerId),
    producerEpoch: spec.producerEpoch ?? (spec.producerId === undefined ? undefined : 0),
    baseSequence: spec.baseSequence,
    isTransactional: spec.transactional,
  })
}

/** A fresh temporary directory, and its removal. */
export function tempDir(prefix = 'brokerlab-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A producer's batch of keyed records; a null value is a tombstone. */
export function keyedBatch(records: Array<[key: string, value: string | null]>, timestamp = Date.now(), compression = CompressionType.None): Buffer {
  return encodeRecordBatch({
    compression,
    records: records.map(([key, value], i) => ({ key, value, timestamp: BigInt(timestamp + i) })),
  })
}
