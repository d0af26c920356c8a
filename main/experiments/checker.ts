// The checker, Jepsen-style: a pure function of a run's history (every send and its outcome,
// every record processed and commit made, every fault, and the log read back after the run).
// It finds what Kafka's guarantees say must not happen and says when, near which faults:
// - lost: acknowledged, never readable;
// - duplicated: readable twice;
// - reordered: within a partition, one producer's records in an order other than sent;
// - offsetMismatch: readable at an offset other than the one acknowledged;
// - processedTwice / neverProcessed: the consumer group's side (never processed counts only
//   what the group committed past, so lag at the end is not counted);
// - keyMoved: a key's acknowledged records in more than one partition;
// - outputDuplicated / outputMissing: the consumer group's output topic (consume-transform-
//   produce) as read_committed reads it: each input record the group committed past should
//   have its output there exactly once (with exactly once, records processed twice are not an
//   anomaly when their first output was aborted: the output is what the claim is about);
// and the throughput, latency and unavailability over time.
import type { Anomaly, AnomalyType, CheckResult, FaultRecord, History, OutputRecord, SentRecord, SeriesPoint } from '../../preload/schemas/experiments'

const MAX_LISTED = 20
/** A gap of this long without an acknowledgement, with sends outstanding, is unavailability. */
export const UNAVAILABLE_GAP_MS = 1000
/** A fault is "around" an anomaly from this long before it starts to this long after it ends. */
const FAULT_BEFORE_MS = 1000
const FAULT_AFTER_MS = 1000

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** The faults around time t: active within the window, else the latest one before it. */
export function faultsAround(faults: readonly FaultRecord[], from: number, to = from): number[] {
  const near = faults.filter((f) => f.startMs - FAULT_BEFORE_MS <= to && from <= f.endMs + FAULT_AFTER_MS).map((f) => f.id)
  if (near.length) return near
  const before = faults.filter((f) => f.startMs <= from).sort((a, b) => b.startMs - a.startMs)[0]
  return before ? [before.id] : []
}

interface Finding {
  partition: number | null
  at: number
  record: string
}

/** Groups findings of one type by partition and by the faults around them. */
function group(type: AnomalyType, findings: Finding[], faults: readonly FaultRecord[], detail: (count: number, partition: number | null) => string): Anomaly[] {
  const groups = new Map<string, { partition: number | null; faults: number[]; items: Finding[] }>()
  for (const f of findings) {
    const around = faultsAround(faults, f.at)
    const key = `${f.partition}|${around.join(',')}`
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { partition: f.partition, faults: around, items: [] }))
    g.items.push(f)
  }
  return [...groups.values()].map((g) => ({
    type,
    partition: g.partition,
    count: g.items.length,
    records: g.items.slice(0, MAX_LISTED).map((i) => i.record),
    firstAt: Math.min(...g.items.map((i) => i.at)),
    lastAt: Math.max(...g.items.map((i) => i.at)),
    faults: g.faults,
    detail: detail(g.items.length, g.partition),
  }))
}

const where = (r: { partition: number | null; offset: number | null }) => (r.partition === null ? '' : r.offset === null || r.offset < 0 ? `@${r.partition}` : `@${r.partition}:${r.offset}`)

export function check(history: History, expect: Partial<Record<AnomalyType, number>> = {}): CheckResult {
  const { sends, log, faults } = history
  const sentById = new Map<string, SentRecord>(sends.map((s) => [s.id, s]))
  const acked = sends.filter((s) => s.outcome === 'acked')

  // Where each record is readable, in log order.
  const byPartition = new Map<number, typeof log>()
  for (const r of log) {
    let list = byPartition.get(r.partition)
    if (!list) byPartition.set(r.partition, (list = []))
    list.push(r)
  }
  for (const list of byPartition.values()) list.sort((a, b) => a.offset - b.offset)
  const positions = new Map<string, Array<{ partition: number; offset: number }>>()
  for (const r of log) {
    let list = positions.get(r.id)
    if (!list) positions.set(r.id, (list = []))
    list.push({ partition: r.partition, offset: r.offset })
  }
  const atOf = (id: string) => {
    const s = sentById.get(id)
    return s ? (s.doneAt ?? s.sentAt) : 0
  }

  const lost: Finding[] = acked.filter((s) => !positions.has(s.id)).map((s) => ({ partition: s.partition, at: s.doneAt ?? s.sentAt, record: `${s.id}${where(s)}` }))

  const duplicated: Finding[] = []
  for (const [id, at] of positions) {
    if (at.length > 1) duplicated.push({ partition: at[0].partition, at: atOf(id), record: `${id} at ${at.map((p) => `${p.partition}:${p.offset}`).join(', ')}` })
  }

  const offsetMismatch: Finding[] = []
  for (const s of acked) {
    if (s.partition === null || s.offset === null || s.offset < 0) continue
    const at = positions.get(s.id)
    if (at && !at.some((p) => p.partition === s.partition && p.offset === s.offset)) {
      offsetMismatch.push({ partition: s.partition, at: s.doneAt ?? s.sentAt, record: `${s.id} acked at ${s.partition}:${s.offset}, read at ${at.map((p) => `${p.partition}:${p.offset}`).join(', ')}` })
    }
  }

  // Per partition and producer, the first appearance of each record must follow send order.
  const reordered: Finding[] = []
  for (const [partition, list] of byPartition) {
    const seen = new Set<string>()
    const highest = new Map<number, { seq: number; id: string }>()
    for (const r of list) {
      if (seen.has(r.id)) continue
      seen.add(r.id)
      const s = sentById.get(r.id)
      if (!s) continue
      const top = highest.get(s.producer)
      if (top && s.seq < top.seq) reordered.push({ partition, at: atOf(r.id), record: `${r.id} at ${partition}:${r.offset} after ${top.id}` })
      else highest.set(s.producer, { seq: s.seq, id: r.id })
    }
  }

  // Keys: a key's acknowledged records should all be in one partition.
  const keyMoved: Finding[] = []
  const keyPartition = new Map<string, SentRecord>()
  for (const s of [...acked].sort((a, b) => (a.doneAt ?? 0) - (b.doneAt ?? 0))) {
    if (s.key === null || s.partition === null) continue
    const first = keyPartition.get(s.key)
    if (!first) keyPartition.set(s.key, s)
    else if (first.partition !== s.partition) {
      keyMoved.push({ partition: s.partition, at: s.doneAt ?? s.sentAt, record: `key ${s.key}: ${first.id}@${first.partition}, then ${s.id}@${s.partition}` })
      keyPartition.set(s.key, s)
    }
  }

  // The consumer group.
  const processedTwice: Finding[] = []
  const neverProcessed: Finding[] = []
  const processedCount = new Map<string, number>()
  for (const p of history.processed) processedCount.set(`${p.partition}:${p.offset}`, (processedCount.get(`${p.partition}:${p.offset}`) ?? 0) + 1)
  const processedAt = new Map<string, number>()
  for (const p of history.processed) {
    const k = `${p.partition}:${p.offset}`
    if ((processedCount.get(k) ?? 0) > 1 && !processedAt.has(k)) {
      processedAt.set(k, p.at)
      const times = history.processed.filter((q) => q.partition === p.partition && q.offset === p.offset)
      processedTwice.push({ partition: p.partition, at: times[times.length - 1].at, record: `${p.id}@${k} x${times.length}` })
    }
  }
  if (history.committedAtEnd) {
    // When the group skipped it: the first commit past it.
    const commits = history.commits.filter((c) => c.ok).sort((a, b) => a.at - b.at)
    for (const r of log) {
      const committed = history.committedAtEnd[String(r.partition)] ?? 0
      if (r.offset < committed && !processedCount.has(`${r.partition}:${r.offset}`)) {
        const past = commits.find((c) => c.partition === r.partition && c.offset > r.offset)
        neverProcessed.push({ partition: r.partition, at: past?.at ?? atOf(r.id), record: `${r.id}@${r.partition}:${r.offset}` })
      }
    }
  }

  // The output topic: per input record (its partition:offset), its outputs as read_committed reads them.
  const outputDuplicated: Finding[] = []
  const outputMissing: Finding[] = []
  const outputTotals = { output: 0, outputUncommitted: 0, outputAborted: 0, outputDuplicated: 0, outputDuplicatedUncommitted: 0, outputMissing: 0 }
  if (history.output) {
    const bySource = (records: readonly OutputRecord[]) => {
      const map = new Map<string, OutputRecord[]>()
      for (const r of records) map.set(r.source, [...(map.get(r.source) ?? []), r])
      return map
    }
    const committed = bySource(history.output.committed)
    const lastProcessed = new Map<string, number>()
    for (const p of history.processed) lastProcessed.set(`${p.partition}:${p.offset}`, Math.max(lastProcessed.get(`${p.partition}:${p.offset}`) ?? 0, p.at))
    for (const [source, list] of committed) {
      if (list.length < 2) continue
      const partition = Number(source.split(':')[0])
      outputDuplicated.push({ partition: Number.isFinite(partition) ? partition : null, at: lastProcessed.get(source) ?? atOf(list[0].id), record: `${list[0].id}@${source} x${list.length} (output ${list.map((r) => `${r.partition}:${r.offset}`).join(', ')})` })
    }
    if (history.committedAtEnd) {
      const commits = history.commits.filter((c) => c.ok).sort((a, b) => a.at - b.at)
      for (const r of log) {
        if (r.offset >= (history.committedAtEnd[String(r.partition)] ?? 0) || committed.has(`${r.partition}:${r.offset}`)) continue
        const past = commits.find((c) => c.partition === r.partition && c.offset > r.offset)
        outputMissing.push({ partition: r.partition, at: past?.at ?? atOf(r.id), record: `${r.id}@${r.partition}:${r.offset}` })
      }
    }
    const readCommitted = new Set(history.output.committed.map((r) => `${r.partition}:${r.offset}`))
    outputTotals.output = history.output.committed.length
    outputTotals.outputUncommitted = history.output.uncommitted.length
    outputTotals.outputAborted = history.output.uncommitted.filter((r) => !readCommitted.has(`${r.partition}:${r.offset}`)).length
    outputTotals.outputDuplicated = outputDuplicated.length
    outputTotals.outputDuplicatedUncommitted = [...bySource(history.output.uncommitted).values()].filter((list) => list.length > 1).length
    outputTotals.outputMissing = outputMissing.length
  }
  const exactlyOnce = history.commitMode === 'exactly_once'

  const anomalies = [
    ...group('outputDuplicated', outputDuplicated, faults, (n) => `${n} input record${n === 1 ? '' : 's'} with more than one output (read_committed)`),
    ...group('outputMissing', outputMissing, faults, (n) => `${n} input record${n === 1 ? '' : 's'} the group committed past with no output (read_committed)`),
    ...group('lost', lost, faults, (n, p) => `${n} acknowledged record${n === 1 ? '' : 's'} of partition ${p} never readable`),
    ...group('duplicated', duplicated, faults, (n) => `${n} record${n === 1 ? '' : 's'} readable more than once`),
    ...group('reordered', reordered, faults, (n, p) => `${n} record${n === 1 ? '' : 's'} in partition ${p} before one their producer sent earlier`),
    ...group('offsetMismatch', offsetMismatch, faults, (n) => `${n} record${n === 1 ? '' : 's'} readable at another offset than acknowledged`),
    // Exactly once: processing twice is expected (the first attempt's transaction aborted); the output says whether it mattered.
    ...(exactlyOnce ? [] : group('processedTwice', processedTwice, faults, (n) => `${n} record${n === 1 ? '' : 's'} processed more than once`)),
    ...group('neverProcessed', neverProcessed, faults, (n) => `${n} record${n === 1 ? '' : 's'} the group committed past but never processed`),
    ...group('keyMoved', keyMoved, faults, (n) => `${n} time${n === 1 ? '' : 's'} a key's records went to another partition`),
  ].sort((a, b) => a.firstAt - b.firstAt)

  // Throughput and latency, a point a second.
  const latencies = acked.flatMap((s) => (s.doneAt === null ? [] : [s.doneAt - s.sentAt])).sort((a, b) => a - b)
  const seconds = Math.max(1, Math.ceil(history.durationMs / 1000))
  const buckets = Array.from({ length: seconds }, () => ({ acked: 0, failed: 0, lat: [] as number[] }))
  for (const s of sends) {
    if (s.doneAt === null) continue
    const b = buckets[Math.min(seconds - 1, Math.max(0, Math.floor(s.doneAt / 1000)))]
    if (s.outcome === 'acked') {
      b.acked++
      b.lat.push(s.doneAt - s.sentAt)
    } else if (s.outcome === 'failed') b.failed++
  }
  const series: SeriesPoint[] = buckets.map((b, t) => {
    const lat = b.lat.sort((x, y) => x - y)
    return { t, acked: b.acked, failed: b.failed, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.length ? lat[lat.length - 1] : null }
  })

  // Unavailability: gaps between acknowledgements, while something was outstanding.
  const unavailable: CheckResult['unavailable'] = []
  const ackTimes = acked.flatMap((s) => (s.doneAt === null ? [] : [s.doneAt])).sort((a, b) => a - b)
  const lastSend = sends.length ? Math.max(...sends.map((s) => s.sentAt)) : 0
  let previous = 0
  for (const t of [...ackTimes, Math.max(lastSend, history.durationMs)]) {
    if (t - previous > UNAVAILABLE_GAP_MS) {
      // The window starts when the first send still waiting at its end was sent.
      const waiting = sends.filter((s) => s.sentAt < t && (s.doneAt === null || s.doneAt >= t) && s.outcome !== 'failed')
      const start = Math.max(previous, Math.min(Infinity, ...waiting.map((s) => s.sentAt)))
      if (waiting.length && t - start > UNAVAILABLE_GAP_MS) unavailable.push({ startMs: start, endMs: t, faults: faultsAround(faults, start, t) })
    }
    previous = Math.max(previous, t)
  }

  const totals = {
    sent: sends.length,
    acked: acked.length,
    failed: sends.filter((s) => s.outcome === 'failed').length,
    unknown: sends.filter((s) => s.outcome === 'unknown').length,
    readable: log.length,
    lost: lost.length,
    duplicated: duplicated.length,
    reordered: reordered.length,
    offsetMismatch: offsetMismatch.length,
    processed: history.processed.length,
    processedTwice: processedTwice.length,
    neverProcessed: neverProcessed.length,
    keyMoved: keyMoved.length,
    ...outputTotals,
    faults: faults.length,
  }
  const violations = Object.entries(expect).flatMap(([type, bound]) => {
    const n = totals[type as AnomalyType]
    return n > (bound ?? 0) ? [`${type}: ${n} > ${bound}`] : []
  })
  const result: CheckResult = {
    variant: history.variant,
    totals,
    latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.length ? latencies[latencies.length - 1] : null },
    series,
    unavailable,
    anomalies,
    violations,
    verdict: '',
  }
  result.verdict = verdictOf(result, faults)
  if (exactlyOnce && (processedTwice.length || outputTotals.outputAborted)) {
    result.verdict += ` (${processedTwice.length} record${processedTwice.length === 1 ? '' : 's'} processed twice; ${outputTotals.outputAborted} output record${outputTotals.outputAborted === 1 ? '' : 's'} of aborted transactions, seen only by read_uncommitted)`
  }
  return result
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

const PHRASES: Record<AnomalyType, string> = {
  lost: 'acknowledged records lost',
  duplicated: 'records duplicated',
  reordered: 'records reordered',
  offsetMismatch: 'records at another offset than acknowledged',
  processedTwice: 'records processed twice',
  neverProcessed: 'records never processed',
  keyMoved: 'key moves to another partition',
  outputDuplicated: 'records written twice to the output',
  outputMissing: 'records committed past without an output',
}

const PAST: Record<string, string> = {
  crash: 'crashed',
  stop: 'was stopped',
  pause: 'was paused',
  'link-cut': 'was cut off from a follower',
  'link-slow': 'had a slow link',
  'isolate-controller': 'was cut off from the controller',
  isolate: 'was cut off',
}

function faultPhrase(f: FaultRecord): string {
  if (f.kind === 'add-partitions') return `partitions were added at ${seconds(f.startMs)}`
  if (f.kind === 'kill-member') {
    const member = /member (\d+)/.exec(f.label)?.[1]
    return `${member === undefined ? 'a consumer' : `consumer member ${member}`} was killed at ${seconds(f.startMs)}`
  }
  const who = f.brokers.length ? `broker ${f.brokers[0]}` : 'a broker'
  if (f.kind === 'isolate' && f.label.startsWith('slow')) return `${who} lagged behind (slow links) at ${seconds(f.startMs)}`
  return `${who} ${PAST[f.kind] ?? f.kind} at ${seconds(f.startMs)}`
}

/** One variant in plain words: "acks=1: 214 acknowledged records lost when broker 2 crashed at 5.1 s". */
export function verdictOf(result: Pick<CheckResult, 'variant' | 'anomalies'> & Partial<Pick<CheckResult, 'unavailable'>>, faults: readonly FaultRecord[]): string {
  const byType = new Map<AnomalyType, Anomaly[]>()
  for (const a of result.anomalies) byType.set(a.type, [...(byType.get(a.type) ?? []), a])
  const windows = (result.unavailable ?? []).map((u) => `${seconds(u.startMs)} to ${seconds(u.endMs)}`)
  if (byType.size === 0) return `${result.variant}: none${windows.length ? ` (unavailable ${windows.join(', ')})` : ''}`
  // The output first: with consume-transform-produce, it is what the claim is about.
  const first = (type: AnomalyType) => (type === 'outputDuplicated' || type === 'outputMissing' ? 0 : 1)
  const parts = [...byType].sort(([a], [b]) => first(a) - first(b)).map(([type, list]) => {
    const n = list.reduce((sum, a) => sum + a.count, 0)
    const ids = [...new Set(list.flatMap((a) => a.faults))]
    const when = ids.map((id) => faults.find((f) => f.id === id)).filter((f): f is FaultRecord => !!f)
    return `${n} ${PHRASES[type]}${when.length ? ` when ${when.map(faultPhrase).join(' and ')}` : ''}`
  })
  return `${result.variant}: ${parts.join('; ')}`
}
