// CRC-32C (Castagnoli), the checksum of RecordBatch v2. Node's zlib.crc32 is CRC-32 (IEEE),
// a different polynomial, so we use @node-rs/crc32, which computes CRC-32C with the CPU's
// SSE4.2/ARMv8 instructions when present: CRC is on the hot path of every produce and fetch.
import { crc32c as nativeCrc32c } from '@node-rs/crc32'

/** CRC-32C of `buf[start, end)`, as an unsigned 32-bit integer. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end)
  return nativeCrc32c(Buffer.from(view.buffer, view.byteOffset, view.byteLength)) >>> 0
}
