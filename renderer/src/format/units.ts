const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** 1536 -> "1.5 KiB": binary units, as Kafka's byte configs count. */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

/** The wall-clock time of an event, to the second. */
export function formatTime(timestamp: number): string {
  return new Date(timestamp).toLocaleTimeString(undefined, { hour12: false })
}

/** A record's timestamp as an operator compares it with logs: to the millisecond, with the time zone. */
export function formatRecordTime(timestamp: number): string {
  return new Date(timestamp).toLocaleTimeString(undefined, { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, timeZoneName: 'short' })
}

/** A per-second rate: one decimal below 10, whole numbers (grouped) above. */
export function formatRate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond).toLocaleString('en-US')
}

export const formatByteRate = (perSecond: number) => `${formatBytes(Math.round(perSecond))}/s`

const DURATIONS: Array<[number, string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
]

/** 5400000 -> "1.5 h": the largest unit that fits, to one decimal. */
export function formatDuration(ms: number): string {
  const [size, unit] = DURATIONS.find(([size]) => Math.abs(ms) >= size) ?? [1, 'ms']
  return `${Number((ms / size).toFixed(1))} ${unit}`
}

/** Config names say their unit in their suffix (retention.ms, segment.bytes, log.retention.hours). */
const UNIT_SUFFIXES: Array<[string, number, string]> = [
  ['.ms', 1, 'ms'],
  ['.seconds', 1000, 's'],
  ['.minutes', 60_000, 'min'],
  ['.hours', 3_600_000, 'h'],
]

/**
 * A config value as a person reads it, from the unit in its name: "1073741824" of
 * segment.bytes -> "1 GiB", "604800000" of retention.ms -> "7 d", -1 -> "no limit" (Kafka's
 * -1 for retention.ms and retention.bytes). Null where that adds nothing.
 */
export function configUnitHint(name: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null
  const n = Number(value)
  if (!Number.isFinite(n)) return null
  if (n === -1 && /retention\.(ms|bytes)$/.test(name)) return 'no limit'
  if (n < 0) return null
  if (name.endsWith('.bytes')) return n >= 1024 ? formatBytes(n) : null
  const unit = UNIT_SUFFIXES.find(([suffix]) => name.endsWith(suffix))
  if (!unit) return null
  const hint = formatDuration(n * unit[1])
  return hint === `${n} ${unit[2]}` ? null : hint
}

/** "1 topic", "3 topics": a count with its noun, singular for one. */
export function countOf(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`
}
