// Bytes as the browser shows them: text when they are UTF-8, else base64.
import type { ShownBytes } from '../../../../preload/contract'

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function show(bytes: Uint8Array | null): ShownBytes | null {
  if (bytes === null) return null
  try {
    return { text: utf8.decode(bytes), encoding: 'utf8' }
  } catch {
    return { text: Buffer.from(bytes).toString('base64'), encoding: 'base64' }
  }
}
