import type { Tone } from '../../format/events'

/** A group state's colour: Stable is healthy, a rebalance is a warning, Dead is gone. */
export function stateTone(state: string): Tone | 'neutral' {
  if (state === 'Stable') return 'good'
  if (state === 'Dead') return 'bad'
  if (state.endsWith('Rebalance')) return 'warn'
  return 'neutral'
}
