// Reading a run's topics back after it: every partition from its leader, from offset 0, as a
// read_uncommitted reader (below the high watermark, everything) or a read_committed one (below
// the last stable offset, the aborted transactions' records left out as Kafka's consumer leaves
// them out: from the aborted transactions the fetch lists, until their ABORT marker).
import type { Cluster } from '../cluster/cluster'
import { ControlRecordType, decodeControlRecordKey } from '../cluster/protocol/controlRecord'
import { decodeRecordBatches, type RecordBatch } from '../cluster/protocol/recordBatch'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface ReadRecord {
  partition: number
  offset: number
  /** The record's value as latin1 text. */
  value: string
}

export type Isolation = 'read_uncommitted' | 'read_committed'

/**
 * The records a reader keeps of fetched batches (Kafka's CompletedFetch): control batches
 * never; with read_committed, a transactional batch is left out while its producer has an
 * aborted transaction that started at or before the batch's last offset and whose ABORT
 * marker has not been passed yet. Pure.
 */
export function keptRecords(batches: readonly RecordBatch[], isolation: Isolation, abortedTransactions: ReadonlyArray<{ producerId: number | bigint; firstOffset: number | bigint }> | null): Array<{ offset: number; value: Buffer | null }> {
  const pending = [...(abortedTransactions ?? [])].map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) })).sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
  const aborted = new Set<bigint>()
  const out: Array<{ offset: number; value: Buffer | null }> = []
  for (const batch of batches) {
    const lastOffset = batch.baseOffset + BigInt(batch.lastOffsetDelta)
    if (isolation === 'read_committed' && batch.producerId >= 0n) {
      while (pending.length && pending[0].firstOffset <= lastOffset) aborted.add(pending.shift()!.producerId)
      if (batch.isControl) {
        const marker = batch.records[0]
        if (marker && decodeControlRecordKey(marker.key).type === ControlRecordType.Abort) aborted.delete(batch.producerId)
        continue
      }
      if (batch.isTransactional && aborted.has(batch.producerId)) continue
    }
    if (batch.isControl) continue
    for (const r of batch.records) out.push({ offset: Number(r.offset), value: r.value })
  }
  return out
}

/** Every partition of the topic read from offset 0 to the high watermark (read_uncommitted) or the last stable offset (read_committed). */
export async function readTopic(cluster: Cluster, topic: string, isolation: Isolation = 'read_uncommitted'): Promise<ReadRecord[]> {
  const out: ReadRecord[] = []
  const partitions = cluster.image.topicsByName.get(topic)?.partitions.length ?? 0
  for (let p = 0; p < partitions; p++) {
    let offset = 0
    for (let attempt = 0; ; ) {
      let response
      try {
        response = await cluster.fetch(topic, p, offset, 4 << 20, 0, isolation === 'read_committed' ? 1 : 0)
      } catch (err) {
        if (++attempt > 20) throw err
        await sleep(250)
        continue
      }
      if (response.errorCode !== 0) {
        if (++attempt > 20) throw new Error(`reading ${topic} partition ${p} back at offset ${offset}: error ${response.errorCode}`)
        await sleep(250)
        continue
      }
      const end = isolation === 'read_committed' ? response.lastStableOffset : response.highWatermark
      const batches = [...decodeRecordBatches(response.records)]
      let progressed = false
      for (const r of keptRecords(batches, isolation, response.abortedTransactions ?? null)) {
        if (r.offset < offset || r.offset >= end) continue
        out.push({ partition: p, offset: r.offset, value: r.value?.toString('latin1') ?? '' })
      }
      for (const batch of batches) {
        const next = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
        if (next > offset) {
          offset = Math.min(next, end)
          progressed = true
        }
      }
      if (offset >= end || !progressed) break
    }
  }
  return out
}
