// Formatting for the lab's compaction views: a partition's log as its leader's cleaner sees it,
// its dirty ratio against min.cleanable.dirty.ratio, its last cleaning round, and the cleaner's
// metrics by Kafka's names.
import type { BrokerLogCleanerState, CleanedLogState, CleaningRound, LogCleanerMetrics, LogSegmentState } from '../../../../preload/contract'
import { formatBytes, formatDuration } from '../../format/units'

/** The partition's log on its leader (the copy producers write to), or null when that broker has not answered. */
export function leaderLog(cleaners: readonly BrokerLogCleanerState[], partition: number, leader: number): CleanedLogState | null {
  return cleaners.find((c) => c.brokerId === leader)?.logs.find((l) => l.partition === partition) ?? null
}

export const percent = (ratio: number) => `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)}%`

/** "62% dirty: above min.cleanable.dirty.ratio (50%), a round may clean it" */
export function dirtyRatioLine(log: CleanedLogState): string {
  const above = log.dirtyRatio > log.minCleanableRatio
  return `${percent(log.dirtyRatio)} dirty: ${above ? 'above' : 'at or below'} min.cleanable.dirty.ratio (${percent(log.minCleanableRatio)})${above ? ', the cleaner may pick this log' : ', the cleaner waits'}`
}

export type SegmentKind = 'active' | 'clean' | 'dirty'

export function segmentKind(segment: LogSegmentState): SegmentKind {
  return segment.active ? 'active' : segment.clean ? 'clean' : 'dirty'
}

/** What a segment's kind means for the cleaner, for its tooltip. */
export const SEGMENT_KIND_HINT: Record<SegmentKind, string> = {
  active: 'The active segment: appends go here and the cleaner never touches it; it rolls at segment.bytes or segment.ms',
  clean: 'Cleaned: below the cleaner checkpoint, each key at most once',
  dirty: 'Dirty: written since the last round; the next round maps its keys',
}

/** "2 s ago: read 1.2 MiB, wrote 12 KiB, 9,000 of 10,000 records removed, in 35 ms" */
export function roundLine(round: CleaningRound, now: number): string {
  const ago = Math.max(0, now - round.endTime)
  return `${ago < 1000 ? 'just now' : `${formatDuration(ago)} ago`}: read ${formatBytes(round.bytesRead)}, wrote ${formatBytes(round.bytesWritten)}, ${round.recordsRemoved.toLocaleString('en-US')} of ${round.recordsRead.toLocaleString('en-US')} records removed, in ${round.elapsedMs} ms`
}

/** The cleaner metrics the Brokers page shows, by Kafka's names, each with what it measures. */
export const CLEANER_METRICS: ReadonlyArray<{ name: keyof LogCleanerMetrics; hint: string }> = [
  { name: 'max-dirty-percent', hint: 'The dirtiest compacted log: dirty bytes over its clean plus dirty bytes' },
  { name: 'cleaner-recopy-percent', hint: 'Bytes written over bytes read in the last rounds: what cleaning kept' },
  { name: 'max-clean-time-secs', hint: 'The longest of the last rounds, in seconds' },
  { name: 'max-buffer-utilization-percent', hint: 'How full the offset map (log.cleaner.dedupe.buffer.size) got' },
  { name: 'time-since-last-run-ms', hint: 'Since a cleaner last finished looking for work' },
]

/** A cleaner metric's value as Kafka reports it, grouped: "1,234". */
export const formatMetric = (value: number) => Math.round(value).toLocaleString('en-US')
