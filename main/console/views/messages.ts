// Reading records for the console's message browser: from a partition's earliest, latest,
// an offset or a timestamp, a page of records decoded for display (keys, values and header
// values as text when they are UTF-8, else base64), forwards or backwards. The records come
// over the Kafka protocol (ListOffsets, then Fetch from the partition's leader).
import { OffsetSpec } from '../../cluster/broker/api'
import { errorName } from '../../cluster/errors'
import type { FetchedBatch, KafkaConnection } from '../connections/kafkaConnection'
import type { BrowseFrom, BrowsedRecord, ShownBytes } from '../../../preload/contract'

export interface BrowseSource {
  listOffset(topic: string, partition: number, spec: number): Promise<number>
  /** Record batches of one partition from `offset`, decoded. */
  fetch(topic: string, partition: number, offset: number): Promise<{ errorCode: number; errorMessage: string | null; batches: FetchedBatch[] }>
  /** How many partitions the topic has. */
  partitions(topic: string): Promise<number>
}

/** The browser's source over a Kafka connection. */
export function kafkaBrowseSource(kafka: KafkaConnection): BrowseSource {
  return {
    listOffset: (topic, partition, spec) => kafka.listOffset(topic, partition, spec),
    fetch: async (topic, partition, offset) => {
      const fetched = await kafka.fetch(topic, partition, offset)
      return { errorCode: fetched.errorCode, errorMessage: fetched.errorCode ? `Fetch of ${topic}-${partition} failed: ${errorName(fetched.errorCode)}` : null, batches: fetched.batches }
    },
    partitions: async (topic) => (await kafka.topic(topic)).partitions.length,
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function show(bytes: Uint8Array | null): ShownBytes | null {
  if (bytes === null) return null
  try {
    return { text: utf8.decode(bytes), encoding: 'utf8' }
  } catch {
    return { text: Buffer.from(bytes).toString('base64'), encoding: 'base64' }
  }
}

/** Where a page starts: `from` resolved to an offset; `latest` pages back from the end. */
async function startOffset(source: BrowseSource, topic: string, partition: number, from: BrowseFrom, limit: number): Promise<number> {
  const earliest = await source.listOffset(topic, partition, OffsetSpec.EARLIEST)
  const latest = await source.listOffset(topic, partition, OffsetSpec.LATEST)
  switch (from.kind) {
    case 'earliest':
      return earliest
    case 'latest':
      return Math.max(earliest, latest - limit)
    case 'offset':
      return Math.min(Math.max(from.offset, earliest), latest)
    case 'timestamp': {
      const found = await source.listOffset(topic, partition, from.timestamp)
      return found < 0 ? latest : found
    }
  }
}

/** Up to `limit` records of one partition from `from`, in offset order. */
export async function browsePartition(source: BrowseSource, topic: string, partition: number, from: BrowseFrom, limit: number): Promise<BrowsedRecord[]> {
  const out: BrowsedRecord[] = []
  let offset = await startOffset(source, topic, partition, from, limit)
  while (out.length < limit) {
    const fetched = await source.fetch(topic, partition, offset)
    if (fetched.errorCode !== 0) throw new Error(fetched.errorMessage ?? `fetch failed with error ${fetched.errorCode}`)
    if (fetched.batches.length === 0) break
    for (const batch of fetched.batches) {
      if (batch.isControl) continue
      for (const r of batch.records) {
        if (Number(r.offset) < offset || out.length >= limit) continue
        out.push({
          partition,
          offset: Number(r.offset),
          timestamp: Number(r.timestamp),
          key: show(r.key),
          value: show(r.value),
          headers: r.headers.map((h) => ({ key: h.key, value: show(h.value) })),
        })
      }
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
    }
  }
  return out
}

/** A page of records of one partition, or of every partition (merged by timestamp). */
export async function browseMessages(source: BrowseSource, topic: string, from: BrowseFrom, limit: number, partition?: number): Promise<BrowsedRecord[]> {
  const partitions = partition !== undefined ? [partition] : Array.from({ length: await source.partitions(topic) }, (_, i) => i)
  const pages = await Promise.all(partitions.map((p) => browsePartition(source, topic, p, from, limit)))
  return pages.flat().sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset).slice(0, limit)
}
