// Records as a file an operator takes away: JSON Lines (one record a line) or CSV (RFC 4180).
// Keys and values are the text shown, or base64 where the bytes are not UTF-8 (the
// key_encoding and value_encoding say which), so `kcat -P` can write them back.
import type { PagedRecord, ShownBytes } from '../../../../preload/contract'

export type ExportFormat = 'jsonl' | 'csv'

const textOf = (shown: ShownBytes | null) => shown?.text ?? null
const encodingOf = (shown: ShownBytes | null) => shown?.encoding ?? null

function row(r: PagedRecord) {
  return {
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: textOf(r.key),
    key_encoding: encodingOf(r.key),
    value: textOf(r.value),
    value_encoding: encodingOf(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: textOf(h.value) })),
  }
}

/** A CSV field: quoted when it holds a comma, a quote or a line break; null as an empty field. */
function csvField(value: unknown): string {
  if (value === null) return ''
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The data records: transaction markers (control records) are no record a consumer gets. */
export function exportRecords(records: PagedRecord[], format: ExportFormat): string {
  const rows = records.filter((r) => !r.control).map(row)
  if (format === 'jsonl') return rows.map((r) => `${JSON.stringify(r)}\n`).join('')
  const columns = ['partition', 'offset', 'timestamp', 'key', 'key_encoding', 'value', 'value_encoding', 'headers'] as const
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].map((line) => `${line}\r\n`).join('')
}
