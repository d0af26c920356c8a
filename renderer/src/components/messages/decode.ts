// Showing a record's bytes: the API gives UTF-8 text, or base64 when the bytes are not UTF-8.
import type { ShownBytes } from '../../../../preload/contract'
import { prettyJson } from '../../format/prettyJson'

export type DecodeMode = 'text' | 'json' | 'hex'

export function bytesOf(shown: ShownBytes): Uint8Array {
  if (shown.encoding === 'utf8') return new TextEncoder().encode(shown.text)
  return Uint8Array.from(atob(shown.text), (c) => c.charCodeAt(0))
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')

/** The text to show and whether it is what was asked for (JSON that does not parse falls back to text). */
export function decode(shown: ShownBytes | null, mode: DecodeMode): { text: string; ok: boolean } {
  if (shown === null) return { text: 'null', ok: true }
  if (mode === 'hex') return { text: hex(bytesOf(shown)), ok: true }
  const text = shown.encoding === 'utf8' ? shown.text : `base64:${shown.text}`
  if (mode === 'text' || shown.encoding !== 'utf8') return { text, ok: mode === 'text' }
  // Re-indented with every number as written: JSON.parse would round 12345678901234567890.
  const pretty = prettyJson(shown.text)
  return pretty === null ? { text, ok: false } : { text: pretty, ok: true }
}
