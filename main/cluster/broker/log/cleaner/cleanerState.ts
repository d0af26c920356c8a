// What the log cleaner of one broker shows the lab console: Kafka's cleaner metrics, and for
// each compacted log its dirty ratio, its last round and its segments marked clean, dirty or
// active. Plain data, for the broker worker's RPC.
import { isCompacted } from '../../../config/logConfig'
import type { UnifiedLog } from '../unifiedLog'
import type { LogCleaner, LogCleanerMetrics } from './logCleaner'

export interface SegmentState {
  baseOffset: number
  size: number
  records: number
  /** Wholly below the first dirty offset: already cleaned. */
  clean: boolean
  active: boolean
}

export interface CleanedLogState {
  topic: string
  partition: number
  firstDirtyOffset: number
  firstUncleanableOffset: number
  cleanBytes: number
  cleanableBytes: number
  /** Kafka's cleanable ratio: dirty bytes over all bytes of the cleanable part. */
  dirtyRatio: number
  minCleanableRatio: number
  compactionDelayMs: number
  inProgress: boolean
  uncleanable: boolean
  lastRun: null | {
    endTime: number
    endOffset: number
    elapsedMs: number
    bytesRead: number
    bytesWritten: number
    recordsRead: number
    recordsWritten: number
    recordsRemoved: number
    bufferUtilization: number
  }
  segments: SegmentState[]
}

export interface LogCleanerState {
  enabled: boolean
  running: boolean
  metrics: LogCleanerMetrics
  logs: CleanedLogState[]
}

export function logCleanerState(cleaner: LogCleaner, logs: Iterable<UnifiedLog>, enabled: boolean): LogCleanerState {
  const { manager } = cleaner
  return {
    enabled,
    running: cleaner.isRunning,
    metrics: cleaner.metrics(),
    logs: [...logs]
      .filter((log) => isCompacted(log.config))
      .map((log) => {
        const ltc = manager.logToClean(log)
        const last = cleaner.lastCleanings.get(log)
        const segments = log.logSegments
        return {
          topic: log.topic,
          partition: log.partition,
          firstDirtyOffset: ltc.firstDirtyOffset,
          firstUncleanableOffset: ltc.firstUncleanableOffset,
          cleanBytes: ltc.cleanBytes,
          cleanableBytes: ltc.cleanableBytes,
          dirtyRatio: ltc.cleanableRatio,
          minCleanableRatio: log.config.minCleanableRatio,
          compactionDelayMs: ltc.compactionDelayMs,
          inProgress: manager.isInProgress(log),
          uncleanable: manager.uncleanable.has(log),
          lastRun: last
            ? {
                endTime: last.endTime,
                endOffset: last.endOffset,
                elapsedMs: Math.round(last.stats.elapsedSecs * 1000),
                bytesRead: last.stats.bytesRead,
                bytesWritten: last.stats.bytesWritten,
                recordsRead: last.stats.messagesRead,
                recordsWritten: last.stats.messagesWritten,
                recordsRemoved: last.stats.messagesRead - last.stats.messagesWritten,
                bufferUtilization: last.stats.bufferUtilization,
              }
            : null,
          segments: segments.map((s, i) => ({
            baseOffset: s.baseOffset,
            size: s.size,
            records: s.recordCount(),
            clean: (segments[i + 1]?.baseOffset ?? log.logEndOffset) <= ltc.firstDirtyOffset && s !== log.activeSegment,
            active: s === log.activeSegment,
          })),
        }
      }),
  }
}
