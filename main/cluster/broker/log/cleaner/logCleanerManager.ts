// Kafka's LogCleanerManager: which compacted log to clean next and how far, from the cleaner
// offset checkpoints. A log's dirty section runs from its checkpoint to the first offset that
// may not be cleaned yet: the active segment, the high watermark (the last stable offset, as
// long as there are no transactions), and segments younger than min.compaction.lag.ms. The
// dirtiest log (dirty bytes over all bytes) goes first, if its ratio passes
// min.cleanable.dirty.ratio or max.compaction.lag.ms makes it overdue.
import type { CheckpointStore } from '../checkpoints'
import type { LogSegment } from '../segment'
import type { UnifiedLog } from '../unifiedLog'
import { isCompacted } from '../../../config/logConfig'
import type { LogToClean } from './cleaner'

export interface LogToCleanStats extends LogToClean {
  cleanBytes: number
  cleanableBytes: number
  totalBytes: number
  cleanableRatio: number
  /** How long past max.compaction.lag.ms its oldest dirty record is (0: not overdue). */
  compactionDelayMs: number
}

const sumSizes = (segments: readonly LogSegment[]) => segments.reduce((total, s) => total + s.size, 0)

/** Segments from the one holding `from` up to (excluding) the active one (Kafka's nonActiveLogSegmentsFrom). */
function nonActiveSegmentsFrom(log: UnifiedLog, from: number): LogSegment[] {
  const closed = log.logSegments.slice(0, -1)
  return closed.filter((s, i) => (closed[i + 1]?.baseOffset ?? log.activeSegment.baseOffset) > from)
}

export class LogCleanerManager {
  private readonly inProgress = new Set<UnifiedLog>()
  /** Logs whose cleaning failed other than by abort: left alone, as Kafka's uncleanable partitions. */
  readonly uncleanable = new Set<UnifiedLog>()
  timeOfLastRun = -1
  dirtiestLogCleanableRatio = 0
  maxCompactionDelayMs = 0

  constructor(
    private readonly logs: () => Iterable<UnifiedLog>,
    private readonly checkpoints: CheckpointStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Kafka's cleanableOffsets, resetting a checkpoint that no longer fits the log. */
  cleanableOffsets(log: UnifiedLog, now: number): { firstDirtyOffset: number; firstUncleanableOffset: number } {
    const checkpointed = this.checkpoints.cleanerOffset(log.topic, log.partition) ?? log.logStartOffset
    let firstDirtyOffset = checkpointed
    if (checkpointed < log.logStartOffset || checkpointed > log.logEndOffset) {
      firstDirtyOffset = log.logStartOffset
      this.checkpoints.saveCleanerOffset(log.topic, log.partition, firstDirtyOffset)
    }
    const minCompactionLagMs = Math.max(log.config.minCompactionLagMs, 0)
    const young = minCompactionLagMs > 0 ? nonActiveSegmentsFrom(log, firstDirtyOffset).find((s) => s.largestTimestamp > now - minCompactionLagMs) : undefined
    // Never past the last stable offset: an open transaction may still abort (Kafka cleans up to the LSO).
    const firstUncleanable = Math.min(log.lastStableOffset, log.activeSegment.baseOffset, young?.baseOffset ?? Number.MAX_SAFE_INTEGER)
    return { firstDirtyOffset, firstUncleanableOffset: Math.max(firstDirtyOffset, firstUncleanable) }
  }

  /** Kafka's LogToClean with calculateCleanableBytes and maxCompactionDelay. */
  logToClean(log: UnifiedLog, now = this.now()): LogToCleanStats {
    const { firstDirtyOffset, firstUncleanableOffset } = this.cleanableOffsets(log, now)
    const segments = log.logSegments
    const uncleanableSegment = nonActiveSegmentsFrom(log, firstUncleanableOffset)[0] ?? log.activeSegment
    const uncleanableBase = uncleanableSegment.baseOffset
    const cleanBytes = sumSizes(segments.filter((s) => s.baseOffset < firstDirtyOffset))
    const from = Math.min(firstDirtyOffset, uncleanableBase)
    const cleanableBytes = sumSizes(segments.filter((s, i) => s.baseOffset < uncleanableBase && (segments[i + 1]?.baseOffset ?? log.logEndOffset) > from))
    const totalBytes = cleanBytes + cleanableBytes
    return {
      log,
      firstDirtyOffset,
      firstUncleanableOffset,
      cleanBytes,
      cleanableBytes,
      totalBytes,
      cleanableRatio: totalBytes === 0 ? 0 : cleanableBytes / totalBytes,
      compactionDelayMs: this.maxCompactionDelay(log, firstDirtyOffset, now),
    }
  }

  /** How long past max.compaction.lag.ms the first batch of the oldest dirty closed segment is. */
  private maxCompactionDelay(log: UnifiedLog, firstDirtyOffset: number, now: number): number {
    const firstTimestamps = nonActiveSegmentsFrom(log, firstDirtyOffset)
      .map((s) => s.batchAt(0)?.maxTimestamp ?? -1)
      .filter((t) => t > 0)
    const earliest = firstTimestamps.length ? Math.min(...firstTimestamps) : Number.MAX_SAFE_INTEGER
    const cleanUntil = now - Math.max(log.config.maxCompactionLagMs, 0)
    return earliest < cleanUntil ? cleanUntil - earliest : 0
  }

  /** The compacted logs with something dirty, as the cleaner sees them now. */
  dirtyLogs(now = this.now()): LogToCleanStats[] {
    return [...this.logs()]
      .filter((log) => isCompacted(log.config) && !this.uncleanable.has(log))
      .map((log) => this.logToClean(log, now))
      .filter((ltc) => ltc.totalBytes > 0)
  }

  /** Kafka's grabFilthiestCompactedLog: marks the chosen log in progress. */
  grabFilthiestCompactedLog(): LogToCleanStats | null {
    const now = this.now()
    this.timeOfLastRun = now
    const dirty = this.dirtyLogs(now).filter((ltc) => !this.inProgress.has(ltc.log))
    this.dirtiestLogCleanableRatio = Math.max(0, ...dirty.map((ltc) => ltc.cleanableRatio))
    this.maxCompactionDelayMs = Math.max(0, ...dirty.map((ltc) => ltc.compactionDelayMs))
    const cleanable = dirty.filter((ltc) => (ltc.compactionDelayMs > 0 && ltc.cleanableBytes > 0) || ltc.cleanableRatio > ltc.log.config.minCleanableRatio)
    if (cleanable.length === 0) return null
    const filthiest = cleanable.reduce((a, b) => (b.cleanableRatio > a.cleanableRatio ? b : a))
    this.inProgress.add(filthiest.log)
    return filthiest
  }

  /** Kafka's doneCleaning: the next round starts its dirty section at `endOffset`. */
  doneCleaning(log: UnifiedLog, endOffset: number): void {
    this.inProgress.delete(log)
    this.checkpoints.saveCleanerOffset(log.topic, log.partition, endOffset)
  }

  isInProgress(log: UnifiedLog): boolean {
    return this.inProgress.has(log)
  }

  abortedCleaning(log: UnifiedLog): void {
    this.inProgress.delete(log)
  }

  markUncleanable(log: UnifiedLog): void {
    this.inProgress.delete(log)
    this.uncleanable.add(log)
  }
}
