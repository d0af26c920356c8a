// Server-side scans for the message browser: every record of a bounded range (each
// partition from `from` to its end as the scan starts, at most maxRecords in all) read
// through a BrowseSource and kept when the CEL filter holds, or kept all when there is none
// (an export of a range). A scan runs in the background; the console polls its status
// (progress and the matches found since it last asked) and may stop it.
import { randomUUID } from 'node:crypto'
import { ContractValidationError, type PagedRecord, type ScanRequest, type ScanStatus } from '../../../../preload/contract'
import { partitionsToRead, type BrowseSource } from '../messages'
import { decodeCoordinatorRecords } from './coordinatorRecords'
import { startOf } from './mergedPage'
import { ForwardReader } from './partitionReader'
import { compileFilter, FilterBudgetExceeded, withinBudget, type RecordFilter } from './recordFilter'

/** Finished scans kept for their last status and their matches (exports read them). */
const KEPT_FINISHED = 4
/** The matches one scan keeps, in characters of keys, values and headers: 100,000 large values would not fit in memory. */
export const MAX_MATCH_CHARS = 32 * 1024 * 1024
/** Records the filter evaluates in one go, within the budget (usually well under a millisecond). */
const SLICE = 1000
/** How long a filter may take over one slice: 5 ms a record. */
export const FILTER_BUDGET_MS = 5000

interface ScanLimits {
  /** How long the filter may take over one slice of records. */
  filterBudgetMs: number
  /** The matches one scan keeps, in characters. */
  maxMatchChars: number
}

interface Range {
  partition: number
  from: number
  end: number
}

class Scan {
  readonly id = randomUUID()
  state: ScanStatus['state'] = 'running'
  scanned = 0
  total = 0
  readonly matches: PagedRecord[] = []
  error: string | null = null
  filterErrors = 0
  stopRequested = false
  /** The matches reached MAX_MATCH_CHARS. */
  private full = false
  private matchChars = 0

  constructor(
    private readonly source: BrowseSource,
    private readonly request: ScanRequest,
    private readonly filter: RecordFilter | null,
    private readonly limits: ScanLimits,
  ) {}

  status(since = 0): ScanStatus {
    return {
      scanId: this.id,
      state: this.state,
      scanned: this.scanned,
      total: this.total,
      matched: this.matches.length,
      matches: this.matches.slice(since),
      error: this.error,
      filterErrors: this.filterErrors,
    }
  }

  /** Each partition's [from, end) as the scan starts. */
  async ranges(partitions: number[]): Promise<Range[]> {
    const { topic, from } = this.request
    return Promise.all(
      partitions.map(async (partition) => {
        // `from` resolved as the browser resolves it; the range ends at the high watermark as the scan starts.
        const { start, bounds } = await startOf(this.source, topic, partition, from)
        return { partition, from: start, end: bounds.latest }
      }),
    )
  }

  async run(ranges: Range[]): Promise<void> {
    const { topic, maxRecords, maxMatches } = this.request
    this.total = Math.min(maxRecords, ranges.reduce((sum, r) => sum + Math.max(0, r.end - r.from), 0))
    try {
      for (const range of ranges) {
        const reader = new ForwardReader(this.source, topic, range.partition, range.from)
        while (!this.finished(maxRecords, maxMatches)) {
          const batch = await reader.takeBatch(range.end, maxRecords - this.scanned)
          if (!batch.length) break
          // A slice at a time, each within the budget, yielding between them so status and Stop are answered.
          for (let i = 0; i < batch.length && !this.finished(maxRecords, maxMatches); i += SLICE) {
            const slice = batch.slice(i, i + SLICE)
            const kept = this.filter ? withinBudget(() => slice.filter((r) => this.matchesFilter(r)), this.limits.filterBudgetMs) : slice
            this.scanned += slice.length
            this.keep(decodeCoordinatorRecords(topic, kept.slice(0, maxMatches - this.matches.length)))
            await new Promise(setImmediate)
          }
        }
      }
      this.state = this.stopRequested ? 'stopped' : 'done'
    } catch (err) {
      this.state = 'failed'
      this.error =
        err instanceof FilterBudgetExceeded
          ? `${err.message} on records ${this.scanned.toLocaleString('en')} to ${(this.scanned + SLICE).toLocaleString('en')}: a regular expression that backtracks, or macros nested over a large value?`
          : (err as Error).message
    }
  }

  private finished(maxRecords: number, maxMatches: number): boolean {
    return this.stopRequested || this.full || this.scanned >= maxRecords || this.matches.length >= maxMatches
  }

  private keep(records: PagedRecord[]): void {
    for (const record of records) {
      this.matchChars += [record.key, record.value, ...record.headers.map((h) => h.value)].reduce((sum, b) => sum + (b?.text.length ?? 0), 0)
      if (this.matchChars > this.limits.maxMatchChars) {
        this.full = true
        this.error ??= `stopped at ${this.matches.length.toLocaleString('en')} matches: they fill the ${(this.limits.maxMatchChars / 1024 / 1024).toLocaleString('en')} MiB a search keeps; narrow the filter or the range`
        return
      }
      this.matches.push(record)
    }
  }

  private matchesFilter(record: PagedRecord): boolean {
    if (!this.filter) return true
    try {
      return this.filter(record)
    } catch (err) {
      // As kafbat's filters do: a record the expression cannot evaluate on does not match; the first reason is shown.
      this.filterErrors++
      this.error ??= `partition ${record.partition} offset ${record.offset}: ${(err as Error).message.split('\n')[0]}`
      return false
    }
  }
}

export class MessageScans {
  private readonly scans = new Map<string, Scan>()

  constructor(
    private readonly source: BrowseSource,
    private readonly limits: ScanLimits = { filterBudgetMs: FILTER_BUDGET_MS, maxMatchChars: MAX_MATCH_CHARS },
  ) {}

  async start(request: ScanRequest): Promise<ScanStatus> {
    const filter = request.filter?.trim() ? compileFilter('message:scanStart', request.filter) : null
    const partitions = await partitionsToRead(this.source, 'message:scanStart', request.topic, request.partition)
    const scan = new Scan(this.source, request, filter, this.limits)
    const ranges = await scan.ranges(partitions)
    this.forgetOldScans()
    this.scans.set(scan.id, scan)
    void scan.run(ranges)
    return scan.status()
  }

  status(scanId: string, since?: number): ScanStatus {
    return this.scan('message:scanStatus', scanId).status(since)
  }

  /** Asks the scan to stop; it does between two reads, and its status then says "stopped". */
  stop(scanId: string): ScanStatus {
    const scan = this.scan('message:scanStop', scanId)
    scan.stopRequested = true
    return scan.status(scan.matches.length)
  }

  /** Stops every running scan (the console is closing). */
  stopAll(): void {
    for (const scan of this.scans.values()) scan.stopRequested = true
  }

  private scan(method: string, scanId: string): Scan {
    const scan = this.scans.get(scanId)
    if (!scan) throw new ContractValidationError({ kind: 'invalid-request', message: `${method}: scanId: no scan ${scanId} (finished scans are kept ${KEPT_FINISHED} at a time)`, field: 'scanId' })
    return scan
  }

  private forgetOldScans(): void {
    const finished = [...this.scans.values()].filter((s) => s.state !== 'running')
    for (const scan of finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED + 1))) this.scans.delete(scan.id)
  }
}
