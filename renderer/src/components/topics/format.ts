// Formatting for the Topics views.
import { formatDuration } from '../../format/units'

/** retention.ms as an operator reads it: "7 d", "1.5 d", "unlimited" (-1); "—" when unknown. */
export function formatRetention(value: string | null | undefined): string {
  if (value === undefined || value === null) return '—'
  const ms = Number(value)
  if (!Number.isFinite(ms)) return value
  return ms < 0 ? 'unlimited' : formatDuration(ms)
}

/** 12345 -> "12,345"; null -> "—". */
export function formatCount(value: number | null): string {
  return value === null ? '—' : value.toLocaleString('en-US')
}
