// Entry points of the Kafka wire-protocol codec: request and response frames with their
// headers, dispatched on the API key through the generated table (apis.ts). A request frame is
// what follows the 4-byte size prefix; encoded frames include the prefix, ready for a socket.
// Decoding never throws anything but a KafkaError: a malformed frame is CORRUPT_MESSAGE, an
// unknown API key or an unsupported version UNSUPPORTED_VERSION.
import { KafkaError } from '../../errors'
import { type ApiCodec, type ApiRequests, type ApiResponses, apiCodecs } from './apis'
import * as header from './header'
import { Reader, Writer, asDecodeError } from './io'

export * from './apis'
export type { RequestHeader, ResponseHeader } from './header'
export { MalformedMessageError, NO_HIGH_WATERMARK, Reader, Writer, ZERO_UUID } from './io'

export interface RequestHeaderInfo {
  apiKey: number
  apiVersion: number
  correlationId: number
  /** Null when the client sent none (or with header v0, which has no client id). */
  clientId: string | null
  headerVersion: number
  /** Where the request body starts in the frame. */
  headerSize: number
}

export interface DecodedResponse<T> {
  correlationId: number
  body: T
}

export function apiCodec(apiKey: number): ApiCodec {
  const api = apiCodecs.get(apiKey)
  if (!api) throw new KafkaError('UNSUPPORTED_VERSION', `Unknown API key ${apiKey}`)
  return api
}

function versionedCodec(apiKey: number, version: number): ApiCodec {
  const api = apiCodec(apiKey)
  const { min, max } = api.validVersions
  if (!Number.isInteger(version) || version < min || version > max) {
    throw new KafkaError('UNSUPPORTED_VERSION', `${api.name} v${version} is not supported (v${min}-v${max})`)
  }
  return api
}

function decoding<T>(decode: () => T): T {
  try {
    return decode()
  } catch (err) {
    throw asDecodeError(err)
  }
}

/**
 * Reads a request's header. Its version depends on the API and version, so those two come
 * first. A version the codec does not know still yields the header (its layout follows from
 * the flexible versions, which are open-ended), so a broker can answer an ApiVersions request
 * newer than its own with UNSUPPORTED_VERSION.
 */
export function decodeRequestHeader(frame: Buffer): RequestHeaderInfo {
  return decoding(() => {
    const r = new Reader(frame)
    const apiKey = r.int16()
    const apiVersion = r.int16()
    const headerVersion = apiCodec(apiKey).requestHeaderVersion(apiVersion)
    r.pos = 0
    const h = header.decodeRequestHeader(headerVersion, r)
    return { apiKey, apiVersion, correlationId: h.correlationId, clientId: headerVersion === 0 ? null : h.clientId, headerVersion, headerSize: r.pos }
  })
}

/** Decodes a request body, which starts at `offset` in the frame (the header's size). */
export function decodeRequest<K extends keyof ApiRequests>(apiKey: K, version: number, frame: Buffer, offset: number): ApiRequests[K]
export function decodeRequest(apiKey: number, version: number, frame: Buffer, offset: number): ApiRequests[keyof ApiRequests]
export function decodeRequest(apiKey: number, version: number, frame: Buffer, offset: number): unknown {
  const api = versionedCodec(apiKey, version)
  return decoding(() => api.request.decode(version, new Reader(frame, offset)))
}

/** A response frame, size prefix and header included. */
export function encodeResponse<K extends keyof ApiResponses>(apiKey: K, version: number, correlationId: number, body: ApiResponses[K], options?: EncodeOptions): Buffer
export function encodeResponse(apiKey: number, version: number, correlationId: number, body: unknown, options?: EncodeOptions): Buffer
export function encodeResponse(apiKey: number, version: number, correlationId: number, body: unknown, options: EncodeOptions = {}): Buffer {
  const api = versionedCodec(apiKey, version)
  const w = new Writer(256, true, !options.dropUnsupportedFields)
  header.writeResponseHeader(w, api.responseHeaderVersion(version), { correlationId })
  api.response.write(w, version, body)
  return w.finish()
}

export interface EncodeOptions {
  /** Leave out values the version has no field for, instead of refusing them (a broker's answers). */
  dropUnsupportedFields?: boolean
}

/** A request frame, size prefix and header included (for clients and tests). */
export function encodeRequest<K extends keyof ApiRequests>(
  apiKey: K,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: ApiRequests[K],
): Buffer
export function encodeRequest(apiKey: number, version: number, correlationId: number, clientId: string | null, body: unknown): Buffer
export function encodeRequest(apiKey: number, version: number, correlationId: number, clientId: string | null, body: unknown): Buffer {
  const api = versionedCodec(apiKey, version)
  const headerVersion = api.requestHeaderVersion(version)
  const w = new Writer(256, true)
  const h = { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: headerVersion === 0 ? '' : clientId }
  header.writeRequestHeader(w, headerVersion, h)
  api.request.write(w, version, body)
  return w.finish()
}

/** Decodes a response frame (what follows its size prefix), header included. */
export function decodeResponse<K extends keyof ApiResponses>(apiKey: K, version: number, frame: Buffer): DecodedResponse<ApiResponses[K]>
export function decodeResponse(apiKey: number, version: number, frame: Buffer): DecodedResponse<ApiResponses[keyof ApiResponses]>
export function decodeResponse(apiKey: number, version: number, frame: Buffer): DecodedResponse<unknown> {
  const api = versionedCodec(apiKey, version)
  return decoding(() => {
    const r = new Reader(frame)
    const { correlationId } = header.decodeResponseHeader(api.responseHeaderVersion(version), r)
    return { correlationId, body: api.response.decode(version, r) }
  })
}
