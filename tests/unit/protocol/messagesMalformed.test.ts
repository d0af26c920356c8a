// A malformed frame must never crash the broker: whatever the bytes, decoding either yields a
// message or throws a KafkaError, and no length read from the wire allocates more than the
// bytes that follow it. Encoding refuses what the version cannot carry, naming the field.
import { describe, expect, it } from 'vitest'
import { KafkaError } from '../../../main/cluster/errors'
import {
  ApiKey,
  type FetchResponse,
  Reader,
  Writer,
  apiCodecs,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from '../../../main/cluster/protocol/messages'

/** The error `fn` throws, which must be a KafkaError. */
function kafkaErrorOf(fn: () => unknown): KafkaError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(KafkaError)
    return err as KafkaError
  }
  throw new Error('expected a KafkaError, but nothing was thrown')
}

/** Either decodes or throws a KafkaError; anything else fails the test. */
function decodesOrKafkaError(fn: () => unknown): void {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err
  }
}

/** A deterministic byte source, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return s >>> 24
  }
}

const metadataRequest = (v: number) =>
  encodeRequest(ApiKey.Metadata, v, 1, 'c', {
    topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'orders' }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  }).subarray(4)

describe('truncated frames', () => {
  for (const version of [1, 9, 12]) {
    it(`every prefix of a Metadata v${version} request is a KafkaError`, () => {
      const frame = metadataRequest(version)
      for (let length = 0; length < frame.length; length++) {
        const prefix = frame.subarray(0, length)
        const error = kafkaErrorOf(() => decodeRequest(ApiKey.Metadata, version, prefix, decodeRequestHeader(prefix).headerSize))
        expect(error.errorName).toBe('CORRUPT_MESSAGE')
      }
    })
  }

  it('an empty or 3-byte frame has no header', () => {
    expect(kafkaErrorOf(() => decodeRequestHeader(Buffer.alloc(0))).errorName).toBe('CORRUPT_MESSAGE')
    expect(kafkaErrorOf(() => decodeRequestHeader(Buffer.from([0, 3, 0]))).errorName).toBe('CORRUPT_MESSAGE')
  })
})

describe('lengths', () => {
  // DeleteGroups v0: an array of strings, nothing else.
  const body = (bytes: number[]) => Buffer.from(bytes)
  const decodeDeleteGroups = (bytes: number[], version = 0) => decodeRequest(ApiKey.DeleteGroups, version, body(bytes), 0)

  it('a negative string or array length other than -1 is corrupt', () => {
    expect(kafkaErrorOf(() => decodeDeleteGroups([0, 0, 0, 1, 0xff, 0xfe])).message).toMatch(/Negative string length -2/)
    expect(kafkaErrorOf(() => decodeDeleteGroups([0xff, 0xff, 0xff, 0xf0])).message).toMatch(/Negative array length/)
  })

  it('null where the field is not nullable is corrupt', () => {
    expect(kafkaErrorOf(() => decodeDeleteGroups([0xff, 0xff, 0xff, 0xff])).message).toMatch(/Non-nullable array/)
    expect(kafkaErrorOf(() => decodeDeleteGroups([0, 0, 0, 1, 0xff, 0xff])).message).toMatch(/Non-nullable string/)
    expect(kafkaErrorOf(() => decodeDeleteGroups([0x02, 0x00, 0x00], 2)).message).toMatch(/Non-nullable string/)
  })

  it('an absurd array length fails at once instead of allocating', () => {
    const started = performance.now()
    expect(kafkaErrorOf(() => decodeDeleteGroups([0x7f, 0xff, 0xff, 0xff])).message).toMatch(/cannot fit/)
    // Compact: 0xffffffff as an unsigned varint.
    expect(kafkaErrorOf(() => decodeDeleteGroups([0xff, 0xff, 0xff, 0xff, 0x0f], 2)).message).toMatch(/cannot fit/)
    expect(performance.now() - started).toBeLessThan(100)
  })

  it('a string longer than the frame is truncated input', () => {
    expect(kafkaErrorOf(() => decodeDeleteGroups([0, 0, 0, 1, 0x7f, 0xff, 0x61])).message).toMatch(/Truncated string/)
  })

  it('an overlong varint is corrupt', () => {
    expect(kafkaErrorOf(() => decodeDeleteGroups([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 2)).errorName).toBe('CORRUPT_MESSAGE')
  })

  it('invalid UTF-8 decodes leniently, as in Kafka', () => {
    expect(decodeDeleteGroups([0, 0, 0, 1, 0, 2, 0xff, 0xfe])).toEqual({ groupsNames: ['\ufffd\ufffd'] })
  })

  it('a tagged field longer than what remains is corrupt', () => {
    // DeleteGroups v2: compact array of one group "g", then a tagged field claiming 9 bytes.
    expect(kafkaErrorOf(() => decodeDeleteGroups([0x02, 0x02, 0x67, 0x01, 0x05, 0x09, 0x00], 2)).message).toMatch(/Truncated tagged field/)
  })
})

describe('unknown APIs and versions', () => {
  it('an unknown API key or an unsupported version is UNSUPPORTED_VERSION', () => {
    const unknownApi = Buffer.from([0x01, 0x2c, 0, 0, 0, 0, 0, 1, 0xff, 0xff])
    expect(kafkaErrorOf(() => decodeRequestHeader(unknownApi)).errorName).toBe('UNSUPPORTED_VERSION')
    expect(kafkaErrorOf(() => decodeRequest(ApiKey.Produce, 14, Buffer.alloc(0), 0)).errorName).toBe('UNSUPPORTED_VERSION')
    expect(kafkaErrorOf(() => decodeRequest(ApiKey.Produce, -1, Buffer.alloc(0), 0)).errorName).toBe('UNSUPPORTED_VERSION')
    expect(kafkaErrorOf(() => encodeResponse(ApiKey.Metadata, 14, 1, {} as never)).errorName).toBe('UNSUPPORTED_VERSION')
    expect(kafkaErrorOf(() => decodeResponse(999, 0, Buffer.alloc(8))).errorName).toBe('UNSUPPORTED_VERSION')
  })

  it('still reads the header of an ApiVersions request newer than the codec, to answer it', () => {
    const frame = Buffer.from([0, 18, 0, 9, 0, 0, 0, 5, 0, 1, 0x63, 0x00, 0x00])
    expect(decodeRequestHeader(frame)).toEqual({ apiKey: 18, apiVersion: 9, correlationId: 5, clientId: 'c', headerVersion: 2, headerSize: 12 })
  })
})

describe('random bytes', () => {
  it('never throw anything but a KafkaError, for any API and version', () => {
    const next = random(42)
    for (const api of apiCodecs.values()) {
      for (let version = api.validVersions.min; version <= api.validVersions.max; version++) {
        for (let i = 0; i < 20; i++) {
          const bytes = Buffer.from(Array.from({ length: next() % 64 }, next))
          decodesOrKafkaError(() => decodeRequest(api.apiKey, version, bytes, 0))
          decodesOrKafkaError(() => decodeResponse(api.apiKey, version, bytes))
        }
      }
    }
  })

  it('nor do valid frames with bytes flipped', () => {
    const next = random(7)
    for (const version of [0, 4, 9, 12]) {
      const frame = metadataRequest(version)
      for (let i = 0; i < 500; i++) {
        const mutated = Buffer.from(frame)
        mutated[next() % mutated.length] = next()
        decodesOrKafkaError(() => decodeRequest(ApiKey.Metadata, version, mutated, decodeRequestHeader(mutated).headerSize))
      }
    }
  })
})

describe('encoding what a version cannot carry', () => {
  const fetchResponse = (preferredReadReplica: number, throttleTimeMs: number): FetchResponse => ({
    throttleTimeMs,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'orders',
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 0n,
            lastStableOffset: -1n,
            logStartOffset: -1n,
            divergingEpoch: { epoch: -1, endOffset: -1n },
            currentLeader: { leaderId: -1, leaderEpoch: -1 },
            snapshotId: { endOffset: -1n, epoch: -1 },
            abortedTransactions: null,
            preferredReadReplica,
            records: null,
          },
        ],
      },
    ],
    nodeEndpoints: [],
  })

  it('a non-default value of a field that is not ignorable is an error naming it', () => {
    const error = kafkaErrorOf(() => encodeResponse(ApiKey.Fetch, 10, 1, fetchResponse(2, 0)))
    expect(error.errorName).toBe('UNSUPPORTED_VERSION')
    expect(error.message).toBe(
      'FetchResponse.PartitionData.preferredReadReplica has a non-default value, but version 10 cannot carry it (it exists in versions 11-18)',
    )
    expect(() => encodeResponse(ApiKey.Fetch, 11, 1, fetchResponse(2, 0))).not.toThrow()
  })

  it('an ignorable field is dropped silently and decodes to its default', () => {
    // LogStartOffset came with Fetch v5; v4, the oldest served, cannot carry it.
    const response = fetchResponse(-1, 0)
    response.responses[0].partitions[0].logStartOffset = 250n
    const frame = encodeResponse(ApiKey.Fetch, 4, 1, response)
    expect(decodeResponse(ApiKey.Fetch, 4, frame.subarray(4)).body.responses[0].partitions[0].logStartOffset).toBe(-1n)
  })

  it('null where the version does not allow it is an error naming the field', () => {
    const error = kafkaErrorOf(() =>
      encodeRequest(ApiKey.Metadata, 0, 1, 'c', { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
    )
    expect(error.message).toBe('MetadataRequest.topics is null, but it is not nullable in version 0')
  })

  it('an invalid UUID is an error', () => {
    const w = new Writer()
    expect(kafkaErrorOf(() => w.uuid('not-a-uuid')).message).toMatch(/Invalid UUID/)
  })
})

describe('Writer and Reader', () => {
  it('join chunks once: large byte fields are referenced, small writes grow the buffer', () => {
    const w = new Writer(8, true)
    const big = Buffer.alloc(100_000, 7)
    for (let i = 0; i < 1000; i++) w.int32(i)
    w.bytes(big, false)
    w.int16(-1)
    const out = w.finish()
    expect(out.length).toBe(4 + 4000 + 4 + 100_000 + 2)
    expect(out.readInt32BE(0)).toBe(out.length - 4)
    const r = new Reader(out, 4)
    for (let i = 0; i < 1000; i++) expect(r.int32()).toBe(i)
    expect(r.bytes(false)).toEqual(big)
    expect(r.int16()).toBe(-1)
    expect(r.remaining).toBe(0)
  })

  it('int64 keeps every bit, and UUIDs read in their 36-character form', () => {
    const w = new Writer()
    w.int64(-(2n ** 63n))
    w.int64(2n ** 63n - 1n)
    w.uuid('01234567-89AB-CDEF-0123-456789abcdef')
    const r = new Reader(w.finish())
    expect([r.int64(), r.int64(), r.uuid()]).toEqual([-(2n ** 63n), 2n ** 63n - 1n, '01234567-89ab-cdef-0123-456789abcdef'])
  })
})
