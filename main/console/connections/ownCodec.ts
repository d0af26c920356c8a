// A request the client library has no codec for (ElectLeaders), sent over the library's
// connection with Brokerlab's own codec, generated from Kafka's message definitions
// (main/cluster/protocol/messages): the library frames it, authenticates and matches the
// answer; our codec writes the body and reads the answer's body.
import { createAPI, Writer as LibraryWriter } from '@platformatic/kafka'
import { apiCodec, Reader, Writer, type ApiRequests, type ApiResponses } from '../../cluster/protocol/messages'

type RawApi = { async: (connection: import('@platformatic/kafka').Connection, ...args: never[]) => Promise<unknown> }

/** The library API for `apiKey` at `version`, with our codec's request and response shapes. */
export function ownApi<K extends keyof ApiRequests & keyof ApiResponses>(apiKey: K, version: number): RawApi {
  const codec = apiCodec(apiKey)
  // Flexible versions carry tagged fields in their headers (request header v2, response header v1).
  const requestTagged = codec.requestHeaderVersion(version) >= 2
  const responseTagged = codec.responseHeaderVersion(version) >= 1
  return createAPI<[ApiRequests[K]], ApiResponses[K]>(
    apiKey,
    version,
    (body: ApiRequests[K]) => {
      const w = new Writer(256)
      codec.request.write(w, version, body)
      return LibraryWriter.create().append(w.finish())
    },
    (_correlationId, _key, _version, reader) => codec.response.decode(version, new Reader(reader.buffer.slice(reader.position, reader.length))) as ApiResponses[K],
    requestTagged,
    responseTagged,
  ) as unknown as RawApi
}
