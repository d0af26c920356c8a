// Every generated API, every version, request and response: data built from the schema
// (non-default values wherever the version carries a field) decodes to what was encoded, and
// consumes exactly the bytes written. Flexible versions are covered here, tagged fields included.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type ExampleMode, exampleData } from '../../../main/cluster/protocol/generator/examples'
import { APIS, DEFAULT_SCHEMA_DIR, RECORDS, loadApi } from '../../../main/cluster/protocol/generator/generate'
import { type Message, buildMessage, readMessageJson } from '../../../main/cluster/protocol/generator/schema'
import { type MessageCodec, Reader, apiCodec, decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from '../../../main/cluster/protocol/messages'

const haveSchemas = existsSync(DEFAULT_SCHEMA_DIR)
const modes: ExampleMode[] = ['full', 'nulls']

function versions(message: Message): number[] {
  const { lo, hi } = message.validVersions
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)
}

function roundTrip(codec: MessageCodec<unknown>, version: number, data: unknown): void {
  const bytes = codec.encode(version, data)
  const r = new Reader(bytes)
  expect(codec.decode(version, r)).toStrictEqual(data)
  expect(r.pos).toBe(bytes.length)
}

describe.skipIf(!haveSchemas)(`round trips of every API and version (schemas from ${DEFAULT_SCHEMA_DIR})`, () => {
  for (const name of haveSchemas ? APIS : []) {
    const api = loadApi(DEFAULT_SCHEMA_DIR, name)
    const codec = apiCodec(api.apiKey)
    describe(name, () => {
      it('covers the versions of the definitions', () => {
        expect(codec.validVersions).toEqual({ min: api.request.validVersions.lo, max: api.request.validVersions.hi })
      })
      for (const version of versions(api.request)) {
        for (const mode of modes) {
          it(`v${version} request and response (${mode})`, () => {
            roundTrip(codec.request, version, exampleData(api.request.root, version, mode))
            roundTrip(codec.response, version, exampleData(api.response.root, version, mode))
          })
        }
        it(`v${version} framed with headers`, () => {
          const request = exampleData(api.request.root, version, 'full')
          const frame = encodeRequest(api.apiKey, version, 42, 'client-é', request).subarray(4)
          const header = decodeRequestHeader(frame)
          expect(header).toMatchObject({ apiKey: api.apiKey, apiVersion: version, correlationId: 42 })
          expect(decodeRequest(api.apiKey, version, frame, header.headerSize)).toStrictEqual(request)
          const response = exampleData(api.response.root, version, 'full')
          const responseFrame = encodeResponse(api.apiKey, version, 43, response)
          expect(responseFrame.readInt32BE(0)).toBe(responseFrame.length - 4)
          expect(decodeResponse(api.apiKey, version, responseFrame.subarray(4))).toStrictEqual({ correlationId: 43, body: response })
        })
      }
    })
  }
})

describe.skipIf(!haveSchemas)('round trips of the generated data schemas (records of __consumer_offsets, consumer protocol)', () => {
  for (const { file, schemas } of haveSchemas ? RECORDS : []) {
    for (const schema of schemas) {
      const message = buildMessage(readMessageJson(DEFAULT_SCHEMA_DIR, schema))
      it(`${message.name}, every version`, async () => {
        const module = (await import(`../../../main/cluster/protocol/messages/${file}`)) as Record<string, (...args: unknown[]) => unknown>
        const codec = { encode: module[`encode${message.name}`], decode: module[`decode${message.name}`] } as unknown as MessageCodec<unknown>
        for (const version of versions(message)) for (const mode of modes) roundTrip(codec, version, exampleData(message.root, version, mode))
      })
    }
  }
})

if (!haveSchemas) {
  it.skip(`round trips need Kafka's message definitions at ${DEFAULT_SCHEMA_DIR} (CI has them)`, () => {})
}
