// Kafka's LogCleaner: the broker's background cleaning of compacted logs. Each of
// log.cleaner.threads cleaners loops: take the filthiest log, clean it, checkpoint how far it
// got; when nothing is dirty enough, sleep log.cleaner.backoff.ms. DEVIATION: a cleaner is an
// async task on the broker's worker thread, not a thread; its work comes in chunks between
// which the thread serves clients and replication. Reads and writes share one throttle of
// log.cleaner.io.max.bytes.per.second, and each cleaner's offset map has Kafka's capacity.
import type { LogCleanerMetrics } from '../../../../../preload/schemas/logCleaner'
import type { CleanerConfig } from '../../../config/cleanerConfig'
import type { CheckpointStore } from '../checkpoints'
import type { UnifiedLog } from '../unifiedLog'
import { Cleaner, LogCleaningAbortedError } from './cleaner'
import type { CleanerStats } from './cleanerStats'
import { LogCleanerManager } from './logCleanerManager'
import { OffsetMap } from './offsetMap'
import { Throttler } from './throttler'

export interface LogCleanerDeps {
  logs: () => Iterable<UnifiedLog>
  checkpoints: CheckpointStore
  config: () => CleanerConfig
  now?: () => number
  log?: (line: string) => void
  /** A round finished (the broker's 'log-cleaned' event). */
  cleaned?: (cleaning: LastCleaning) => void
}

/** The last round of one log, for the console. */
export interface LastCleaning {
  topic: string
  partition: number
  endTime: number
  endOffset: number
  stats: CleanerStats
}

export class LogCleaner {
  readonly manager: LogCleanerManager
  private readonly now: () => number
  private running: Array<Promise<void>> = []
  private stopped = true
  private closed = false
  private wake: Array<() => void> = []
  private throttler: Throttler
  /** The last round's statistics of each cleaner (Kafka keeps them per thread for its metrics). */
  private readonly lastStats = new Map<number, CleanerStats>()
  readonly lastCleanings = new Map<UnifiedLog, LastCleaning>()
  deadThreads = 0

  constructor(private readonly deps: LogCleanerDeps) {
    this.now = deps.now ?? Date.now
    this.manager = new LogCleanerManager(deps.logs, deps.checkpoints, this.now)
    this.throttler = new Throttler(deps.config().maxIoBytesPerSecond, this.now)
  }

  get isRunning(): boolean {
    return !this.stopped
  }

  /** Cleaners running now (Kafka's cleaner threads). */
  get threads(): number {
    return this.stopped ? 0 : this.running.length
  }

  startup(): void {
    const config = this.deps.config()
    if (!config.enableCleaner || !this.stopped || this.closed) return
    this.stopped = false
    this.throttler.desiredRatePerSec = config.maxIoBytesPerSecond
    const memory = config.numThreads > 0 ? config.dedupeBufferSize / config.numThreads : 0
    const ioBufferSize = Math.max(Math.floor(config.ioBufferSize / Math.max(config.numThreads, 1) / 2), 1)
    for (let id = 0; id < config.numThreads; id++) {
      const map = OffsetMap.forMemory(memory, config.dedupeBufferLoadFactor)
      const cleaner = new Cleaner(id, map, this.throttler, ioBufferSize, () => this.stopped, this.now)
      this.running.push(this.run(cleaner, config.backoffMs))
    }
  }

  /**
   * For good (the broker shuts down): every cleaner stops after its current chunk, a round in
   * progress is abandoned and its .cleaned files removed.
   */
  close(): void {
    this.closed = true
    this.stopped = true
    this.wakeUp()
  }

  private async halt(): Promise<void> {
    this.stopped = true
    this.wakeUp()
    await Promise.all(this.running)
    this.running = []
  }

  /** Kafka's reconfigure: new cleaners with the new settings (none once closed). */
  async reconfigure(): Promise<void> {
    await this.halt()
    if (!this.closed) this.startup()
  }

  /** Ends the cleaners' back-off now (a test, or the console, asking for a round). */
  wakeUp(): void {
    for (const resolve of this.wake.splice(0)) resolve()
  }

  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      timer.unref()
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake.push(done)
    })
  }

  private async run(cleaner: Cleaner, backoffMs: number): Promise<void> {
    while (!this.stopped) {
      let cleaned = false
      try {
        cleaned = await this.cleanFilthiestLog(cleaner)
      } catch (error) {
        this.deadThreads++
        this.deps.log?.(`log cleaner ${cleaner.id} stopped: ${error instanceof Error ? error.stack : String(error)}`)
        return
      }
      if (!cleaned && !this.stopped) await this.backoff(backoffMs)
    }
  }

  /** One round on the filthiest log, if any: true when it cleaned something. */
  private async cleanFilthiestLog(cleaner: Cleaner): Promise<boolean> {
    const cleanable = this.manager.grabFilthiestCompactedLog()
    if (!cleanable) return false
    const { log } = cleanable
    try {
      const { endOffset, stats } = await cleaner.clean(cleanable)
      this.manager.doneCleaning(log, endOffset)
      this.lastStats.set(cleaner.id, stats)
      const cleaning = { topic: log.topic, partition: log.partition, endTime: this.now(), endOffset, stats }
      this.lastCleanings.set(log, cleaning)
      this.deps.cleaned?.(cleaning)
      return true
    } catch (error) {
      if (error instanceof LogCleaningAbortedError) {
        this.manager.abortedCleaning(log)
        return false
      }
      // Kafka marks the partition uncleanable and goes on with the others.
      this.manager.markUncleanable(log)
      this.deps.log?.(`cleaning ${log.topic}-${log.partition} failed, it is left uncleaned: ${error instanceof Error ? error.message : String(error)}`)
      return false
    }
  }

  metrics(): LogCleanerMetrics {
    const stats = [...this.lastStats.values()]
    const max = (values: number[]) => (values.length ? Math.max(...values) : 0)
    const read = stats.reduce((t, s) => t + s.bytesRead, 0)
    const written = stats.reduce((t, s) => t + s.bytesWritten, 0)
    return {
      'max-buffer-utilization-percent': Math.round(100 * max(stats.map((s) => s.bufferUtilization))),
      'cleaner-recopy-percent': read === 0 ? 0 : Math.round((100 * written) / read),
      'max-clean-time-secs': Math.round(max(stats.map((s) => s.elapsedSecs))),
      'max-compaction-delay-secs': Math.round(this.manager.maxCompactionDelayMs / 1000),
      'DeadThreadCount': this.deadThreads,
      'max-dirty-percent': Math.round(100 * this.manager.dirtiestLogCleanableRatio),
      'time-since-last-run-ms': this.manager.timeOfLastRun < 0 ? 0 : this.now() - this.manager.timeOfLastRun,
      'uncleanable-partitions-count': this.manager.uncleanable.size,
    }
  }
}
