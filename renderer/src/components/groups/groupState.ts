import type { Tone } from '../../format/events'
import type { GroupSnapshot } from '../../../../preload/contract'

/** A group state's colour: Stable is healthy, a rebalance is a warning, Dead is gone. */
export function stateTone(state: string): Tone | 'neutral' {
  if (state === 'Stable') return 'good'
  if (state === 'Dead') return 'bad'
  if (state.endsWith('Rebalance')) return 'warn'
  return 'neutral'
}

/** A group's total lag as shown: "—" when no partition it holds offsets for has a lag (all on deleted topics). */
export function totalLagText(g: Pick<GroupSnapshot, 'partitions' | 'totalLag'>): string {
  return g.partitions.length > 0 && g.partitions.every((p) => p.lag === null) ? '—' : String(g.totalLag)
}
