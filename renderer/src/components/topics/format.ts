// Formatting for the Topics views.
const DURATIONS: Array<[number, string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
]

/** retention.ms as an operator reads it: "7 d", "36 h", "unlimited" (-1); "—" when unknown. */
export function formatRetention(value: string | null | undefined): string {
  if (value === undefined || value === null) return '—'
  const ms = Number(value)
  if (!Number.isFinite(ms)) return value
  if (ms < 0) return 'unlimited'
  const unit = DURATIONS.find(([size]) => ms >= size && ms % size === 0)
  return unit ? `${ms / unit[0]} ${unit[1]}` : `${ms} ms`
}

/** 12345 -> "12,345"; null -> "—". */
export function formatCount(value: number | null): string {
  return value === null ? '—' : value.toLocaleString('en-US')
}
