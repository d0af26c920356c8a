// A page of a topic's records over one or several partitions, as a merged, timestamp-ordered
// cursor reads it: one position per partition; forwards the page takes, of the partitions'
// next records, the oldest (timestamp, then partition, then offset) until it is full;
// backwards, of their previous records, the newest. Within a partition, records stay in
// offset order, so each page is, per partition, one contiguous offset range: a page's
// `before` and `after` cursors are where the older and newer pages start, and paging either
// way neither skips nor repeats a record.
import { OffsetSpec } from '../../../cluster/broker/api'
import type { BrowseCursor, BrowsedRecord, BrowsePage, PageFrom } from '../../../../preload/contract'
import type { BrowseSource } from '../messages'
import { BackwardReader, ForwardReader, type PartitionReader } from './partitionReader'

/** Records in the order the page shows them: by time, then partition, then offset. */
export const byTime = (a: BrowsedRecord, b: BrowsedRecord) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset

interface Bounds {
  earliest: number
  latest: number
}

const clamp = (offset: number, { earliest, latest }: Bounds) => Math.min(Math.max(offset, earliest), latest)

/** The partition's log start offset and high watermark, and where `from` starts reading in it. */
export async function startOf(source: BrowseSource, topic: string, partition: number, from: PageFrom): Promise<{ start: number; bounds: Bounds }> {
  const [earliest, latest] = await Promise.all([source.listOffset(topic, partition, OffsetSpec.EARLIEST), source.listOffset(topic, partition, OffsetSpec.LATEST)])
  const bounds = { earliest, latest }
  return { start: await positionOf(source, topic, partition, from, bounds), bounds }
}

async function positionOf(source: BrowseSource, topic: string, partition: number, from: PageFrom, bounds: Bounds): Promise<number> {
  switch (from.kind) {
    case 'earliest':
      return bounds.earliest
    case 'latest':
      return bounds.latest
    case 'offset':
      return clamp(from.offset, bounds)
    case 'timestamp': {
      const found = await source.listOffset(topic, partition, from.timestamp)
      return found < 0 ? bounds.latest : clamp(found, bounds)
    }
    case 'before':
    case 'after':
      return clamp(from.cursor.find((p) => p.partition === partition)!.offset, bounds)
  }
}

/** Takes up to `limit` records from the readers: each time the head that `first` orders first. */
async function merge(readers: PartitionReader[], limit: number, first: (a: BrowsedRecord, b: BrowsedRecord) => number): Promise<BrowsedRecord[]> {
  const taken: BrowsedRecord[] = []
  while (taken.length < limit) {
    const heads = await Promise.all(readers.map((r) => r.peek()))
    let best = -1
    heads.forEach((head, i) => {
      if (head && (best < 0 || first(head, heads[best]!) < 0)) best = i
    })
    if (best < 0) break
    taken.push(readers[best].take())
  }
  return taken
}

const cursorOf = (positions: Map<number, number>): BrowseCursor => [...positions].map(([partition, offset]) => ({ partition, offset }))

/**
 * The page of `partitions` from `from`: forwards from earliest, an offset, a timestamp or an
 * `after` cursor; backwards (the newest records before it) from latest or a `before` cursor.
 */
export async function readPage(source: BrowseSource, topic: string, partitions: number[], from: PageFrom, limit: number): Promise<BrowsePage> {
  const cursorPartitions = from.kind === 'before' || from.kind === 'after' ? from.cursor.map((p) => p.partition) : partitions
  const backwards = from.kind === 'latest' || from.kind === 'before'
  const readers = await Promise.all(
    cursorPartitions.map(async (partition) => {
      const { start, bounds } = await startOf(source, topic, partition, from)
      return backwards ? new BackwardReader(source, topic, partition, start, bounds.earliest, limit) : new ForwardReader(source, topic, partition, start)
    }),
  )
  const starts = new Map(readers.map((r) => [r.partition, r.position]))
  const records = await merge(readers, limit, backwards ? (a, b) => byTime(b, a) : byTime)
  const ends = new Map(readers.map((r) => [r.partition, r.position]))
  return {
    // Oldest first in the merged order: by time, but never against a partition's offsets.
    records: backwards ? records.reverse() : records,
    before: cursorOf(backwards ? ends : starts),
    after: cursorOf(backwards ? starts : ends),
  }
}
