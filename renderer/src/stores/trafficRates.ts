// Per-second traffic rates from the brokers' monotonic totals (BrokerSnapshot.traffic): the
// difference between two snapshots over the time between them. Pure, so the store stays thin.
import type { BrokerSnapshot, BrokerTrafficTotals } from '../../../preload/contract'

type Totals = Omit<BrokerTrafficTotals, 'since'>
export type Rates = Record<keyof Totals, number>

export interface TrafficPoint extends Rates {
  timestamp: number
  /**
   * Only messages in is known: summed from the topics' end offsets, for a cluster whose
   * brokers report no traffic totals (any cluster but the embedded one).
   */
  endOffsetsOnly?: boolean
  /** Each broker's own rates over the same interval, by broker id. */
  brokers: Record<number, Rates>
}

export interface TrafficBaseline {
  /** When the last point was made (null before the first snapshot). */
  at: number | null
  /** Each broker's totals at the last point it answered in. */
  totals: Map<number, BrokerTrafficTotals>
}

const FIELDS: Array<keyof Totals> = ['messagesIn', 'bytesIn', 'messagesOut', 'bytesOut', 'replicationBytesIn', 'replicationBytesOut']
/** Snapshots closer together than this (a burst after events) wait for a later one: short intervals make noisy rates. */
export const MIN_INTERVAL_MS = 1000

export const emptyBaseline = (): TrafficBaseline => ({ at: null, totals: new Map() })

/**
 * What a broker counted since its baseline. A broker that restarted counts from 0 again (a
 * new `since`): everything it counted came after the baseline, so its totals are the
 * difference. A broker seen for the first time has no baseline yet and counts nothing.
 */
function counted(current: BrokerTrafficTotals, base: BrokerTrafficTotals | undefined): Totals {
  const restarted = base !== undefined && base.since !== current.since
  return Object.fromEntries(FIELDS.map((f) => [f, base === undefined ? 0 : restarted ? current[f] : Math.max(current[f] - base[f], 0)])) as Totals
}

/**
 * Folds one snapshot's brokers (taken at `at`) into the baseline. Returns the rates since the
 * previous point, or null for the first snapshot and for one too soon after the last point
 * (the baseline is then kept, and the next point covers the longer interval).
 */
export function nextTrafficPoint(baseline: TrafficBaseline, brokers: BrokerSnapshot[], at: number): TrafficPoint | null {
  if (baseline.at !== null && at - baseline.at < MIN_INTERVAL_MS) return null
  const seconds = baseline.at === null ? 0 : (at - baseline.at) / 1000
  const point: TrafficPoint = { timestamp: at, brokers: {}, ...zero() }
  for (const broker of brokers) {
    if (!broker.traffic) continue
    const delta = counted(broker.traffic, baseline.totals.get(broker.id))
    const rates = zero()
    for (const f of FIELDS) {
      rates[f] = seconds > 0 ? delta[f] / seconds : 0
      point[f] += rates[f]
    }
    point.brokers[broker.id] = rates
    baseline.totals.set(broker.id, broker.traffic)
  }
  const first = baseline.at === null
  baseline.at = at
  return first ? null : point
}

function zero(): Rates {
  return Object.fromEntries(FIELDS.map((f) => [f, 0])) as Rates
}

/** A point for a cluster without traffic totals: messages in per second from the topics' end offsets. */
export function endOffsetPoint(byTopic: ReadonlyMap<string, number>, at: number): TrafficPoint {
  let messagesIn = 0
  for (const rate of byTopic.values()) messagesIn += rate
  return { ...zero(), messagesIn, timestamp: at, brokers: {}, endOffsetsOnly: true }
}
