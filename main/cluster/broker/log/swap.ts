// How cleaned segments replace the segments they were cleaned from, so that a crash at any
// point leaves the log exactly as before the cleaning round or exactly as after it. Kafka's
// files, and Kafka's order (UnifiedLog.replaceSegments, LogLoader at start):
//
//   1. every replacement segment of the round is written and flushed as <base>.log.cleaned
//      (with .index.cleaned, .timeindex.cleaned and, when it has entries, .txnindex.cleaned);
//   2. all of them are renamed to .swap: the first rename is the commit point;
//   3. the replaced segments are renamed to .deleted;
//   4. the .swap files are renamed to their plain names;
//   5. the .deleted files are deleted, off the broker's thread (Kafka's asyncDelete).
//
// At start (completeInterruptedSwaps): .deleted files go. No .swap file means the round had
// not committed, and its .cleaned files go. Any .swap file means it had: the remaining .cleaned files (complete,
// since step 1 ends before step 2 starts) become .swap, every plain segment inside a swap's
// offset range goes, and the swaps take their plain names. DEVIATION: Kafka swaps one group
// of segments at a time, so a crash can leave a round half applied; here a round commits as
// one. Each cleaned segment keeps the last batch of its group (emptied if need be), so it ends
// at the offset where its group ended and its range names exactly the segments it replaces.
import { closeSync, fsyncSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { RECORD_BATCH_OVERHEAD } from '../../protocol/batchHeader'
import { batchInfoAt, segmentFileName, type LogSegment } from './segment'

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex|txnindex)(\.cleaned|\.swap|\.deleted)?$/

/**
 * Commits a cleaning round: steps 2 to 4 above, on the caller's thread, renames only. `cleaned`
 * are flushed .cleaned segments. Returns step 5, which never fails: a file it leaves behind goes
 * at the next start.
 */
export function swapInCleanedSegments(dir: string, cleaned: readonly LogSegment[], replaced: readonly LogSegment[]): Promise<void> {
  for (const segment of cleaned) segment.changeFileSuffix('.swap')
  fsyncDirectory(dir)
  for (const segment of replaced) segment.changeFileSuffix('.deleted')
  for (const segment of cleaned) segment.changeFileSuffix('')
  fsyncDirectory(dir)
  return Promise.all(replaced.map((segment) => segment.deleteInBackground())).then(
    () => undefined,
    () => undefined,
  )
}

/** Removes the files of a round that will not commit (aborted, or failed). */
export function deleteCleanedSegments(cleaned: readonly LogSegment[]): void {
  for (const segment of cleaned) segment.delete()
}

/** Finishes or undoes a round a crash interrupted (see above). Runs before the log lists its segments. */
export function completeInterruptedSwaps(dir: string): { completed: number; discarded: number } {
  const files = readdirSync(dir).flatMap((name) => {
    const match = SEGMENT_FILE.exec(name)
    return match ? [{ name, base: Number(match[1]), kind: `.${match[2]}`, suffix: match[3] ?? '' }] : []
  })
  for (const f of files) if (f.suffix === '.deleted') rmSync(join(dir, f.name), { force: true })
  const committed = files.some((f) => f.suffix === '.swap' && f.kind === '.log')
  const cleaned = files.filter((f) => f.suffix === '.cleaned')
  if (!committed) {
    for (const f of files) if (f.suffix !== '') rmSync(join(dir, f.name), { force: true })
    return { completed: 0, discarded: new Set(cleaned.map((f) => f.base)).size }
  }
  for (const f of cleaned) renameSync(join(dir, f.name), join(dir, f.name.slice(0, -'.cleaned'.length) + '.swap'))
  const swaps = [...new Set(files.filter((f) => f.suffix !== '' && f.suffix !== '.deleted' && f.kind === '.log').map((f) => f.base))]
  const ranges = swaps.map((base) => ({ base, next: nextOffsetOf(join(dir, segmentFileName(base, '.log', '.swap')), base) }))
  for (const f of files) {
    if (f.suffix === '' && ranges.some((r) => f.base >= r.base && f.base < r.next)) rmSync(join(dir, f.name), { force: true })
  }
  for (const { base } of ranges) {
    for (const kind of ['.index', '.timeindex', '.txnindex', '.log'] as const) {
      const from = join(dir, segmentFileName(base, kind, '.swap'))
      try {
        renameSync(from, join(dir, segmentFileName(base, kind)))
      } catch {
        // An index that was never written: the log rebuilds it.
        rmSync(join(dir, segmentFileName(base, kind)), { force: true })
      }
    }
  }
  fsyncDirectory(dir)
  return { completed: ranges.length, discarded: 0 }
}

/** The offset after the last whole batch of a segment file (Kafka's readNextOffset). */
function nextOffsetOf(path: string, baseOffset: number): number {
  const fd = openSync(path, 'r')
  try {
    const size = statSync(path).size
    const header = Buffer.alloc(RECORD_BATCH_OVERHEAD)
    let next = baseOffset
    for (let position = 0; position + RECORD_BATCH_OVERHEAD <= size; ) {
      readSync(fd, header, 0, RECORD_BATCH_OVERHEAD, position)
      const batch = batchInfoAt(header, 0)
      if (batch.size < RECORD_BATCH_OVERHEAD || position + batch.size > size) break
      next = batch.lastOffset + 1
      position += batch.size
    }
    return next
  } finally {
    closeSync(fd)
  }
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
