// Re-producing records (a replay, as kafbat#318 asks): the records are read again from the
// source topic on the server and sent, in the merged order (timestamp, partition, offset),
// one after another through the console's producer (the one message:produce uses), with
// acks=all, to the same partition number or through the built-in partitioner.
import type { BrowsedRecord, ProducedRecord, ReplayRequest, ReplayResult, RequestOf } from '../../../../preload/contract'
import { partitionsToRead, type BrowseSource } from '../messages'
import { byTime } from './mergedPage'
import { readRange } from './partitionReader'

type Send = (request: RequestOf<'message:produce'>) => Promise<ProducedRecord | null>

/** Wanted offsets this close together are read in one range rather than one fetch each. */
const GAP = 500

/** Runs of nearby offsets: [from, below) ranges that hold all of `offsets` (sorted). */
function runsOf(offsets: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = []
  for (const offset of offsets) {
    const last = runs.at(-1)
    if (last && offset - last[1] < GAP) last[1] = offset + 1
    else runs.push([offset, offset + 1])
  }
  return runs
}

/** The records at the wanted offsets that still exist (retention may have deleted some). */
async function readWanted(source: BrowseSource, topic: string, wanted: ReplayRequest['records']): Promise<BrowsedRecord[]> {
  const byPartition = new Map<number, Set<number>>()
  for (const { partition, offset } of wanted) byPartition.set(partition, (byPartition.get(partition) ?? new Set()).add(offset))
  const found: BrowsedRecord[] = []
  for (const [partition, offsets] of byPartition) {
    for (const [from, below] of runsOf([...offsets].sort((a, b) => a - b))) {
      const { records } = await readRange(source, topic, partition, from, below)
      found.push(...records.filter((r) => offsets.has(r.offset)))
    }
  }
  return found.sort(byTime)
}

/** Why message:produce, which carries text, cannot write this record as it is; null when it can. */
function notAsText(record: BrowsedRecord): string | null {
  const binary = [record.key, record.value, ...record.headers.map((h) => h.value)].some((b) => b?.encoding === 'base64')
  if (binary) return 'its key, value or a header is not UTF-8 text'
  if (new Set(record.headers.map((h) => h.key)).size < record.headers.length) return 'it repeats a header key'
  return null
}

export async function replayRecords(source: BrowseSource, send: Send, request: ReplayRequest): Promise<ReplayResult> {
  await partitionsToRead(source, 'message:replay', request.topic, undefined, request.records)
  const records = await readWanted(source, request.topic, request.records)
  let skipped = request.records.length - records.length
  let reason = skipped ? `${skipped} no longer in ${request.topic} (deleted by retention?)` : null
  let written = 0
  let last: ProducedRecord | null = null
  for (const [i, record] of records.entries()) {
    const why = notAsText(record)
    if (why) {
      skipped++
      reason ??= `partition ${record.partition} offset ${record.offset}: ${why}`
      continue
    }
    try {
      last = await send({
        topic: request.target,
        ...(request.keepPartition ? { partition: record.partition } : {}),
        key: record.key?.text ?? null,
        value: record.value?.text ?? null,
        headers: Object.fromEntries(record.headers.map((h) => [h.key, h.value?.text ?? ''])),
        acks: -1,
      })
    } catch (err) {
      // The rest would fail alike (or land out of order): stop, and say how far it got.
      const rest = records.length - i
      return { written, skipped: skipped + rest, reason: `stopped at partition ${record.partition} offset ${record.offset}: ${(err as Error).message}`, last }
    }
    written++
  }
  return { written, skipped, reason, last }
}
