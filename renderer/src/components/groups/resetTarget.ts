import { parseWholeNumber } from '../../format/wholeNumber'
import type { ResetTarget } from '../../../../preload/contract'

export type TargetKind = ResetTarget['kind']

export const TARGET_KINDS: Array<{ kind: TargetKind; label: string }> = [
  { kind: 'earliest', label: 'Earliest' },
  { kind: 'latest', label: 'Latest' },
  { kind: 'offset', label: 'Offset' },
  { kind: 'timestamp', label: 'Timestamp' },
  { kind: 'shift', label: 'Shift by N' },
]

/** The form's fields as a target; throws what the operator has to fix. */
export function toTarget(kind: TargetKind, value: string | number): ResetTarget {
  switch (kind) {
    case 'earliest':
    case 'latest':
      return { kind }
    case 'timestamp': {
      const timestamp = Date.parse(String(value))
      if (Number.isNaN(timestamp)) throw new Error('Choose a date and time')
      return { kind, timestamp }
    }
    case 'offset':
      return { kind, offset: parseWholeNumber(value, 'The offset is a whole number, 0 or more', 0) }
    case 'shift':
      return { kind, by: parseWholeNumber(value, 'Shift by a whole number (negative moves back)') }
  }
}

/** "0, 2-4" -> [0, 2, 3, 4]; empty means every partition (undefined). */
export function parsePartitions(text: string): number[] | undefined {
  if (!text.trim()) return undefined
  const out = new Set<number>()
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part)
    if (!m) throw new Error(`"${part}" is not a partition or a range like 2-4`)
    for (let p = Number(m[1]); p <= Number(m[2] ?? m[1]); p++) out.add(p)
  }
  return [...out].sort((a, b) => a - b)
}
