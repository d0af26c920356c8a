// What the log cleaner of one broker shows the lab console: Kafka's cleaner metrics, and for
// each compacted log its dirty ratio, its last round and its segments marked clean, dirty or
// active. Plain data for the broker worker's RPC, of the contract's types
// (preload/schemas/logCleaner.ts).
import { isCompacted } from '../../../config/logConfig'
import type { UnifiedLog } from '../unifiedLog'
import type { CleanedLogState, CleaningRound, LogCleanerState, LogSegmentState } from '../../../../../preload/schemas/logCleaner'
import type { LastCleaning, LogCleaner } from './logCleaner'

export type { CleanedLogState, LogCleanerState, LogSegmentState }

export function logCleanerState(cleaner: LogCleaner, logs: Iterable<UnifiedLog>, enabled: boolean): LogCleanerState {
  const { manager } = cleaner
  return {
    enabled,
    running: cleaner.isRunning,
    threads: cleaner.threads,
    metrics: cleaner.metrics(),
    logs: [...logs]
      .filter((log) => isCompacted(log.config))
      .map((log) => {
        const ltc = manager.logToClean(log)
        const last = cleaner.lastCleanings.get(log)
        const segments = log.logSegments
        const state: CleanedLogState = {
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
          lastRun: last ? cleaningRound(last) : null,
          segments: segments.map(
            (s, i): LogSegmentState => ({
              baseOffset: s.baseOffset,
              size: s.size,
              records: s.recordCount(),
              clean: (segments[i + 1]?.baseOffset ?? log.logEndOffset) <= ltc.firstDirtyOffset && s !== log.activeSegment,
              active: s === log.activeSegment,
            }),
          ),
        }
        return state
      }),
  }
}

/** One finished round as the console shows it (a log's last run, the broker's 'log-cleaned' event). */
export function cleaningRound(last: LastCleaning): CleaningRound {
  return {
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
}
