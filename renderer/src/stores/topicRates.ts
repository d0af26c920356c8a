// Messages in per second per topic, from the growth of its partitions' high watermarks between
// two snapshots: what any Kafka cluster tells a client (ListOffsets), the embedded one or not.
// Pure, so the store stays thin.
import type { TopicSummary } from '../../../preload/contract'

export interface EndOffsetBaseline {
  at: number | null
  ends: Map<string, { topicId: string; endOffset: number }>
}

export const emptyEndOffsets = (): EndOffsetBaseline => ({ at: null, ends: new Map() })

/** Snapshots closer together than this are folded into the next (short intervals make noisy rates). */
const MIN_INTERVAL_MS = 1000

/**
 * Each topic's messages in per second since the last call; null for the first snapshot and
 * one too soon after the last. A topic that is new, recreated (a new id) or whose end went
 * back (deleted and recreated, truncated) counts nothing for that interval.
 */
export function topicRates(baseline: EndOffsetBaseline, topics: readonly TopicSummary[], at: number): Map<string, number> | null {
  if (baseline.at !== null && at - baseline.at < MIN_INTERVAL_MS) return null
  const seconds = baseline.at === null ? 0 : (at - baseline.at) / 1000
  const rates = new Map<string, number>()
  const next = new Map<string, { topicId: string; endOffset: number }>()
  for (const t of topics) {
    if (t.endOffset === null) continue
    const before = baseline.ends.get(t.name)
    next.set(t.name, { topicId: t.topicId, endOffset: t.endOffset })
    if (before && before.topicId === t.topicId && seconds > 0) rates.set(t.name, Math.max(0, t.endOffset - before.endOffset) / seconds)
  }
  const first = baseline.at === null
  baseline.at = at
  baseline.ends = next
  return first ? null : rates
}
