// Errors of the record codec, each a KafkaError carrying the code a broker would answer
// with, so the request layer maps a thrown error to a response without string matching.
import { KafkaError, type ErrorName } from '../errors'

/** Kafka's CorruptRecordException: bad CRC or bytes that do not parse as records. */
export class CorruptRecordError extends KafkaError {
  constructor(message: string, errorName: ErrorName = 'CORRUPT_MESSAGE') {
    super(errorName, message)
    this.name = new.target.name
  }
}

/** The input ends before the structure it declares (a batch, a record, a varint). */
export class TruncatedInputError extends CorruptRecordError {}

/** recordsCount in the header disagrees with the records actually present. */
export class RecordCountMismatchError extends CorruptRecordError {}

/** Magic v0/v1 (legacy MessageSet) or an unknown magic: only RecordBatch v2 is supported. */
export class UnsupportedMagicError extends KafkaError {
  constructor(readonly magic: number) {
    // Kafka itself reads v0/v1; an unknown magic is plain corruption (ByteBufferLogInputStream).
    super(
      magic === 0 || magic === 1 ? 'UNSUPPORTED_FOR_MESSAGE_FORMAT' : 'CORRUPT_MESSAGE',
      `Unsupported record batch magic ${magic}: only magic v2 (RecordBatch, Kafka 0.11+) is ` +
        `supported, not the legacy v0/v1 MessageSet`,
    )
    this.name = 'UnsupportedMagicError'
  }
}

/** Attribute codec bits 5..7, which no Kafka version defines. */
export class UnsupportedCompressionTypeError extends KafkaError {
  constructor(readonly compressionType: number) {
    super('UNSUPPORTED_COMPRESSION_TYPE', `Unsupported compression type ${compressionType} (known: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)`)
    this.name = 'UnsupportedCompressionTypeError'
  }
}
