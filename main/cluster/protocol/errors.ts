// Errors of the record codec. Each carries the Kafka error a broker would answer with, so the
// request layer can map a thrown error to a response code without string matching.

/** The Kafka error codes these errors map to (Kafka's Errors enum). */
export const KafkaErrorCode = {
  CORRUPT_MESSAGE: 2,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
} as const
export type KafkaErrorName = keyof typeof KafkaErrorCode

export abstract class KafkaProtocolError extends Error {
  abstract readonly errorName: KafkaErrorName
  get errorCode(): number {
    return KafkaErrorCode[this.errorName]
  }
}

/** Kafka's CorruptRecordException: bad CRC or bytes that do not parse as records. */
export class CorruptRecordError extends KafkaProtocolError {
  readonly errorName: KafkaErrorName = 'CORRUPT_MESSAGE'
  override name = 'CorruptRecordError'
}

/** The input ends before the structure it declares (a batch, a record, a varint). */
export class TruncatedInputError extends CorruptRecordError {
  override name = 'TruncatedInputError'
}

/** recordsCount in the header disagrees with the records actually present. */
export class RecordCountMismatchError extends CorruptRecordError {
  override name = 'RecordCountMismatchError'
}

/** Magic v0/v1 (legacy MessageSet) or an unknown magic: only RecordBatch v2 is supported. */
export class UnsupportedMagicError extends KafkaProtocolError {
  readonly errorName: KafkaErrorName
  override name = 'UnsupportedMagicError'
  constructor(readonly magic: number) {
    super(
      `Unsupported record batch magic ${magic}: only magic v2 (RecordBatch, Kafka 0.11+) is ` +
        `supported, not the legacy v0/v1 MessageSet`,
    )
    // Kafka itself reads v0/v1; an unknown magic is plain corruption (ByteBufferLogInputStream).
    this.errorName = magic === 0 || magic === 1 ? 'UNSUPPORTED_FOR_MESSAGE_FORMAT' : 'CORRUPT_MESSAGE'
  }
}

/** Attribute codec bits 5..7, which no Kafka version defines. */
export class UnsupportedCompressionTypeError extends KafkaProtocolError {
  readonly errorName: KafkaErrorName = 'UNSUPPORTED_COMPRESSION_TYPE'
  override name = 'UnsupportedCompressionTypeError'
  constructor(readonly compressionType: number) {
    super(`Unsupported compression type ${compressionType} (known: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)`)
  }
}
