// The runtime of the generated message codec: a bounds-checked Reader and a chunked Writer
// for the Kafka protocol's primitive types, in their classic and flexible ("compact") forms.
// A malformed frame must never crash a broker, so every read checks what remains and throws
// a MalformedMessageError (a KafkaError, CORRUPT_MESSAGE) rather than a RangeError, and no
// length read from the wire allocates more than the bytes that follow it could hold.
import { KafkaError, type ErrorName } from '../../errors'
import { readUnsignedVarint, writeUnsignedVarint } from '../varint'

/** Bytes or an input that does not parse as the message it claims to be. */
export class MalformedMessageError extends KafkaError {
  constructor(message: string) {
    super('CORRUPT_MESSAGE', message)
    this.name = 'MalformedMessageError'
  }
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
/** Fetch v18's HighWatermark of a fetcher that does not send one: Long.MAX_VALUE (only KRaft voters do, KIP-1166). */
export const NO_HIGH_WATERMARK = 0x7fffffffffffffffn
export const EMPTY_BYTES: Buffer = Buffer.alloc(0)

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Strings with a classic int16 length prefix (Kafka's Short.MAX_VALUE). */
const MAX_STRING_LENGTH = 0x7fff

export class Reader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    public end = buf.length,
  ) {}

  get remaining(): number {
    return this.end - this.pos
  }

  private check(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new MalformedMessageError(`Truncated ${what} at byte ${this.pos}: needs ${n} bytes, ${this.end - this.pos} remain`)
    }
  }

  /** Claims the next n bytes; returns where they start. */
  private need(n: number, what: string): number {
    this.check(n, what)
    const at = this.pos
    this.pos += n
    return at
  }

  int8(): number {
    return this.buf.readInt8(this.need(1, 'int8'))
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2, 'int16'))
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2, 'uint16'))
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4, 'int32'))
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4, 'uint32'))
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8, 'int64'))
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8, 'float64'))
  }
  bool(): boolean {
    return this.buf[this.need(1, 'bool')] !== 0
  }
  unsignedVarint(): number {
    return readUnsignedVarint(this.buf, this, this.end)
  }

  uuid(): string {
    const at = this.need(16, 'uuid')
    const hex = this.buf.toString('hex', at, at + 16)
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }

  /** A length prefix: int16/int32 classically, unsigned varint (length + 1) when compact; -1 is null. */
  private length(compact: boolean, classicBytes: 2 | 4, what: string): number {
    if (compact) return this.unsignedVarint() - 1
    const n = classicBytes === 2 ? this.int16() : this.int32()
    if (n < -1) throw new MalformedMessageError(`Negative ${what} length ${n} at byte ${this.pos - classicBytes}`)
    return n
  }

  private nonNull(n: number, what: string): number {
    if (n === -1) throw new MalformedMessageError(`Non-nullable ${what} was serialized as null at byte ${this.pos}`)
    return n
  }

  nullableString(compact: boolean): string | null {
    const n = this.length(compact, 2, 'string')
    if (n === -1) return null
    const at = this.need(n, 'string')
    // Lenient like Kafka: invalid UTF-8 decodes to U+FFFD rather than failing the request.
    return this.buf.toString('utf8', at, at + n)
  }
  string(compact: boolean): string {
    const n = this.nonNull(this.length(compact, 2, 'string'), 'string')
    const at = this.need(n, 'string')
    return this.buf.toString('utf8', at, at + n)
  }

  /** A view into the frame, not a copy: bytes and records fields share the request's memory. */
  nullableBytes(compact: boolean): Buffer | null {
    const n = this.length(compact, 4, 'bytes')
    if (n === -1) return null
    const at = this.need(n, 'bytes')
    return this.buf.subarray(at, at + n)
  }
  bytes(compact: boolean): Buffer {
    const n = this.nonNull(this.length(compact, 4, 'bytes'), 'bytes')
    const at = this.need(n, 'bytes')
    return this.buf.subarray(at, at + n)
  }

  /** An array's element count, or -1 for null. Each element takes at least one byte, as Kafka assumes. */
  nullableArrayLength(compact: boolean): number {
    const n = this.length(compact, 4, 'array')
    if (n > this.end - this.pos) {
      throw new MalformedMessageError(`Array of ${n} elements at byte ${this.pos} cannot fit in the ${this.end - this.pos} bytes that remain`)
    }
    return n
  }
  arrayLength(compact: boolean): number {
    return this.nonNull(this.nullableArrayLength(compact), 'array')
  }

  /** Enters one tagged field: reads its size and limits reads to it; returns the outer limit. */
  enterTaggedField(): number {
    const size = this.unsignedVarint()
    this.check(size, 'tagged field')
    const outerEnd = this.end
    this.end = this.pos + size
    return outerEnd
  }
  /** Leaves a tagged field, skipping whatever of it was not read (an unknown tag reads nothing). */
  leaveTaggedField(outerEnd: number): void {
    this.pos = this.end
    this.end = outerEnd
  }
  skipTaggedFields(): void {
    for (let n = this.unsignedVarint(); n > 0; n--) {
      this.unsignedVarint()
      this.leaveTaggedField(this.enterTaggedField())
    }
  }
}

/** Reads one array element; struct readers ignore `compact` and derive it from the version. */
export type ElementReader<T> = (r: Reader, version: number, compact: boolean) => T

function readElements<T>(r: Reader, n: number, version: number, compact: boolean, read: ElementReader<T>): T[] {
  const out: T[] = []
  for (let i = 0; i < n; i++) out.push(read(r, version, compact))
  return out
}

export function readArray<T>(r: Reader, version: number, compact: boolean, read: ElementReader<T>): T[] {
  return readElements(r, r.arrayLength(compact), version, compact, read)
}

export function readNullableArray<T>(r: Reader, version: number, compact: boolean, read: ElementReader<T>): T[] | null {
  const n = r.nullableArrayLength(compact)
  return n === -1 ? null : readElements(r, n, version, compact, read)
}

// Element readers for arrays of primitives.
export const readInt8: ElementReader<number> = (r) => r.int8()
export const readInt16: ElementReader<number> = (r) => r.int16()
export const readInt32: ElementReader<number> = (r) => r.int32()
export const readInt64: ElementReader<bigint> = (r) => r.int64()
export const readUuid: ElementReader<string> = (r) => r.uuid()
export const readString: ElementReader<string> = (r, _version, compact) => r.string(compact)

/** Byte fields at least this long are referenced, not copied, until the one copy in finish(). */
const REFERENCE_THRESHOLD = 1024

/**
 * Writes into a growing list of chunks: a full chunk is kept rather than copied into a bigger
 * one, and large byte fields (record batches) are referenced, so each is copied exactly once,
 * when finish() joins the chunks.
 */
export class Writer {
  private readonly chunks: Buffer[] = []
  private buf: Buffer
  private pos = 0
  private total = 0

  /** With `sizePrefixed`, the first 4 bytes hold the size of what follows, filled in by finish(). */
  constructor(
    initialSize = 256,
    private readonly sizePrefixed = false,
    /**
     * Strict (the default) refuses a value the version being written cannot carry, as Kafka's
     * generated code does. A broker's responses are written lenient: one answer is built for
     * every version, and what an older client's version has no field for is left out.
     */
    private readonly strict = true,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize)
    if (sizePrefixed) this.pos = 4
  }

  /** A value for a field that the message version being written cannot carry. */
  unsupportedField(field: string, version: number, versions: string): void {
    if (this.strict) unsupportedField(field, version, versions)
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    this.flushChunk()
    this.buf = Buffer.allocUnsafe(Math.max(n, this.total, 256))
  }

  private flushChunk(): void {
    if (this.pos === 0) return
    this.chunks.push(this.buf.subarray(0, this.pos))
    this.total += this.pos
    this.buf = this.buf.subarray(this.pos)
    this.pos = 0
  }

  int8(v: number): void {
    this.ensure(1)
    this.pos = this.buf.writeInt8(v, this.pos)
  }
  int16(v: number): void {
    this.ensure(2)
    this.pos = this.buf.writeInt16BE(v, this.pos)
  }
  uint16(v: number): void {
    this.ensure(2)
    this.pos = this.buf.writeUInt16BE(v, this.pos)
  }
  int32(v: number): void {
    this.ensure(4)
    this.pos = this.buf.writeInt32BE(v, this.pos)
  }
  uint32(v: number): void {
    this.ensure(4)
    this.pos = this.buf.writeUInt32BE(v, this.pos)
  }
  int64(v: bigint): void {
    this.ensure(8)
    this.pos = this.buf.writeBigInt64BE(v, this.pos)
  }
  float64(v: number): void {
    this.ensure(8)
    this.pos = this.buf.writeDoubleBE(v, this.pos)
  }
  bool(v: boolean): void {
    this.ensure(1)
    this.buf[this.pos++] = v ? 1 : 0
  }
  unsignedVarint(v: number): void {
    this.ensure(5)
    this.pos = writeUnsignedVarint(this.buf, this.pos, v)
  }

  uuid(v: string): void {
    if (!UUID_PATTERN.test(v)) throw new KafkaError('UNKNOWN_SERVER_ERROR', `Invalid UUID "${v}": expected 36-character hex form`)
    this.ensure(16)
    this.pos += this.buf.write(v.replace(/-/g, ''), this.pos, 16, 'hex')
  }

  private length(n: number, compact: boolean, classicBytes: 2 | 4): void {
    if (compact) this.unsignedVarint(n + 1)
    else if (classicBytes === 2) this.int16(n)
    else this.int32(n)
  }

  nullableString(v: string | null, compact: boolean): void {
    if (v === null) this.length(-1, compact, 2)
    else this.string(v, compact)
  }
  string(v: string, compact: boolean): void {
    const n = Buffer.byteLength(v)
    if (n > MAX_STRING_LENGTH) {
      throw new KafkaError('UNKNOWN_SERVER_ERROR', `String of ${n} bytes is longer than the protocol's ${MAX_STRING_LENGTH}`)
    }
    this.length(n, compact, 2)
    this.ensure(n)
    this.pos += this.buf.write(v, this.pos, n, 'utf8')
  }

  nullableBytes(v: Uint8Array | null, compact: boolean): void {
    if (v === null) this.length(-1, compact, 4)
    else this.bytes(v, compact)
  }
  bytes(v: Uint8Array, compact: boolean): void {
    this.length(v.length, compact, 4)
    this.raw(v)
  }

  nullableArrayLength(n: number | null, compact: boolean): void {
    this.length(n ?? -1, compact, 4)
  }
  arrayLength(n: number, compact: boolean): void {
    this.length(n, compact, 4)
  }

  /** Appends bytes as they are; large ones are referenced until finish(). */
  raw(v: Uint8Array): void {
    if (v.length >= REFERENCE_THRESHOLD) {
      this.flushChunk()
      this.chunks.push(Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length))
      this.total += v.length
      return
    }
    this.ensure(v.length)
    this.buf.set(v, this.pos)
    this.pos += v.length
  }

  /** One tagged field: its tag, then its size, then the bytes written into `field`. */
  taggedField(tag: number, field: Writer): void {
    const data = field.finish()
    this.unsignedVarint(tag)
    this.unsignedVarint(data.length)
    this.raw(data)
  }

  get size(): number {
    return this.total + this.pos
  }

  finish(): Buffer {
    const size = this.size
    const out = this.chunks.length === 0 ? this.buf.subarray(0, this.pos) : Buffer.concat([...this.chunks, this.buf.subarray(0, this.pos)], size)
    if (this.sizePrefixed) out.writeInt32BE(size - 4, 0)
    return out
  }
}

/** A value for a field that the message version being written cannot carry. */
export function unsupportedField(field: string, version: number, versions: string): never {
  throw new KafkaError(
    'UNSUPPORTED_VERSION',
    `${field} has a non-default value, but version ${version} cannot carry it (it exists in versions ${versions})`,
  )
}

/** Null in a version where the field is not nullable. */
export function nullField(field: string, version: number): never {
  throw new KafkaError('UNKNOWN_SERVER_ERROR', `${field} is null, but it is not nullable in version ${version}`)
}

/** Any error from decoding untrusted bytes, as a KafkaError (a bug must not crash the broker either). */
export function asDecodeError(err: unknown, errorName: ErrorName = 'CORRUPT_MESSAGE'): KafkaError {
  if (err instanceof KafkaError) return err
  return new KafkaError(errorName, `Malformed message: ${err instanceof Error ? err.message : String(err)}`)
}
