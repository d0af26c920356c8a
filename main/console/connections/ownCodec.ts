// Requests the client library has no codec for (ElectLeaders), or in versions it does not speak,
// for clusters that serve only older ones: librdkafka's mock cluster serves ApiVersions v0-2, Metadata v0-2 and Fetch v0-11,
// where @platformatic/kafka speaks ApiVersions v3+, Metadata v9+ and Fetch v12+. These are
// encoded and decoded with Brokerlab's own generated codec, which covers every version of
// Kafka's message definitions, and sent over the library's own connection with its public
// createAPI, so the library still owns sockets, SASL, TLS and correlation ids.
import { createAPI, Writer, type Connection } from '@platformatic/kafka'
import { apiCodecs, type ApiRequests, type ApiResponses } from '../../cluster/protocol/messages'
import { Reader } from '../../cluster/protocol/messages/io'

type Key = keyof ApiRequests & keyof ApiResponses
type RawApi<K extends Key> = { async: (connection: Connection, request: ApiRequests[K]) => Promise<ApiResponses[K]> }

/** The versions of an API that Brokerlab's codec covers. */
export function ownVersions(apiKey: Key): { min: number; max: number } {
  return apiCodecs.get(apiKey)!.validVersions
}

/** The library API for `apiKey` at `version`, with Brokerlab's codec's request and response shapes. */
export function ownApi<K extends Key>(apiKey: K, version: number): RawApi<K> {
  const codec = apiCodecs.get(apiKey)!
  return createAPI(
    apiKey,
    version,
    (request: ApiRequests[K]) => Writer.create().append(codec.request.encode(version, request)),
    // The answer's body: what follows the response header, which the library has read.
    (_correlationId: number, _apiKey: number, _apiVersion: number, reader: { buffer: { slice(start?: number, end?: number): Buffer }; position: number; length: number }) =>
      codec.response.decode(version, new Reader(reader.buffer.slice(reader.position, reader.length))),
    // Flexible versions carry tagged fields in their headers (request header v2, response header v1).
    codec.requestHeaderVersion(version) >= 2,
    codec.responseHeaderVersion(version) >= 1,
  ) as unknown as RawApi<K>
}

/** Sends one request in Brokerlab's codec at `version` over a library connection and decodes the answer. */
export function sendOwn<K extends Key>(connection: Connection, apiKey: K, version: number, request: ApiRequests[K]): Promise<ApiResponses[K]> {
  return ownApi(apiKey, version).async(connection, request)
}
