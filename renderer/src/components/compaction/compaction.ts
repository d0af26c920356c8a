// Formatting for the lab's compaction views: a partition's log as its leader's cleaner sees it,
// its dirty ratio against min.cleanable.dirty.ratio, its last cleaning round, and the cleaner's
// metrics by Kafka's names.
import type { BrokerLogCleanerState, DescribedConfig, CleanedLogState, CleaningRound, LogCleanerMetrics, LogSegmentState } from '../../../../preload/contract'
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

/** What a config does to a compacted topic: the interplay of segments, lags and tombstones. */
const COMPACTION_NOTES: Record<string, string> = {
  'cleanup.policy': 'compact: the cleaner keeps the last record of each key, at its original offset; compact,delete: retention deletes old segments too.',
  'segment.ms': 'The cleaner never touches the active segment: records wait there until it rolls, at most segment.ms after its first record (checked at the next append), or at segment.bytes.',
  'segment.bytes': 'The active segment is never cleaned: a large segment.bytes leaves many updates uncleaned until it fills (or segment.ms passes). Cleaned segments are merged up to this size.',
  'min.compaction.lag.ms': 'A record younger than this is not cleaned: a consumer gets at least this long to read every update of a key.',
  'max.compaction.lag.ms': 'A record older than this makes the log due for a round whatever its dirty ratio; the active segment also rolls after it.',
  'min.cleanable.dirty.ratio': 'The cleaner picks a log when its dirty bytes over clean plus dirty bytes pass this ratio: lower cleans sooner and more often.',
  'delete.retention.ms': 'A tombstone (a key with a null value) stays this long after the round that first kept it, so consumers see the delete; a later round removes it.',
}

/** The note for `config` when the topic's cleanup.policy holds compact, else null. */
export function compactionNote(config: DescribedConfig, configs: readonly DescribedConfig[]): string | null {
  const policy = configs.find((c) => c.name === 'cleanup.policy')?.value ?? ''
  return policy.split(',').some((p) => p.trim() === 'compact') ? (COMPACTION_NOTES[config.name] ?? null) : null
}
