// Confluent's wire format for keys and values: magic byte 0, the schema id as a 4-byte
// big-endian integer, then the payload; a Protobuf payload is preceded by its message
// indexes (a zigzag varint count, then each index as a zigzag varint; the first message of
// the file, [0], is written as the single byte 0).

export const MAGIC_BYTE = 0

export interface WireRecord {
  schemaId: number
  /** What follows the schema id (for Protobuf, the message indexes and the message). */
  body: Buffer
}

/** The schema id and body of bytes in Confluent's wire format, or null when they are not in it. */
export function readWireHeader(bytes: Uint8Array): WireRecord | null {
  if (bytes.length < 5 || bytes[0] !== MAGIC_BYTE) return null
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { schemaId: buffer.readUInt32BE(1), body: buffer.subarray(5) }
}

export function writeWire(schemaId: number, body: Uint8Array): Buffer {
  const header = Buffer.alloc(5)
  header[0] = MAGIC_BYTE
  header.writeUInt32BE(schemaId, 1)
  return Buffer.concat([header, body])
}

function readZigzag(buffer: Buffer, at: number): { value: number; next: number } {
  let result = 0
  let shift = 0
  for (let i = at; i < buffer.length && shift < 35; i++) {
    const b = buffer[i]
    result |= (b & 0x7f) << shift
    if ((b & 0x80) === 0) return { value: (result >>> 1) ^ -(result & 1), next: i + 1 }
    shift += 7
  }
  throw new Error('the Protobuf message indexes end before their varint does')
}

function writeZigzag(value: number, out: number[]): void {
  let n = ((value << 1) ^ (value >> 31)) >>> 0
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
}

/** The message indexes at the start of a Protobuf body, and the message after them. */
export function readMessageIndexes(body: Buffer): { indexes: number[]; message: Buffer } {
  const count = readZigzag(body, 0)
  if (count.value < 0 || count.value > 100) throw new Error(`the Protobuf message index count ${count.value} is not plausible`)
  if (count.value === 0) return { indexes: [0], message: body.subarray(count.next) }
  const indexes: number[] = []
  let at = count.next
  for (let i = 0; i < count.value; i++) {
    const index = readZigzag(body, at)
    indexes.push(index.value)
    at = index.next
  }
  return { indexes, message: body.subarray(at) }
}

export function writeMessageIndexes(indexes: number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0])
  const out: number[] = []
  writeZigzag(indexes.length, out)
  for (const index of indexes) writeZigzag(index, out)
  return Buffer.from(out)
}
