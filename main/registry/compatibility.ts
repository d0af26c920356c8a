// Compatibility levels: which earlier versions a new schema is checked against, and in which
// direction. BACKWARD: the new schema reads data written with the latest one; FORWARD: the
// latest reads the new one's data; FULL: both; *_TRANSITIVE: against every live version,
// not only the latest; NONE: nothing is checked.
import type { ParsedSchema } from './formats/types'

export const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number]
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD'

export function compatibilityLevel(value: unknown): CompatibilityLevel | null {
  if (typeof value !== 'string') return null
  const upper = value.toUpperCase()
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(upper) ? (upper as CompatibilityLevel) : null
}

/**
 * What breaks `level` when `candidate` follows `previous` (live versions, oldest first);
 * each message names the field, the rule and the level (and the version, when transitive).
 */
export function compatibilityProblems(level: CompatibilityLevel, candidate: ParsedSchema, previous: Array<{ version: number; schema: ParsedSchema }>): string[] {
  if (level === 'NONE' || previous.length === 0) return []
  const transitive = level.endsWith('_TRANSITIVE')
  const against = transitive ? previous : previous.slice(-1)
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL')
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL')
  const out: string[] = []
  for (const { version, schema } of [...against].reverse()) {
    const suffix = transitive ? ` (${level}, against version ${version})` : ` (${level})`
    if (backward) for (const p of candidate.readProblems(schema, 'backward')) out.push(p + suffix)
    if (forward) for (const p of schema.readProblems(candidate, 'forward')) out.push(p + suffix)
  }
  return out
}
