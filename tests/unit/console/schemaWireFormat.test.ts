// Confluent's wire format as the console's message browser and Produce page read and write it:
// magic byte 0, a 4-byte big-endian schema id, the payload (Protobuf: message indexes first),
// decoded through a registry (a stub over node:http answering as Confluent's does).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import avro from 'avsc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistryClient } from '../../../main/console/registry/registryClient'
import { decodeWire, encodePayload, protobufTypeAt } from '../../../main/console/registry/schemaCodec'
import { readMessageIndexes, readWireHeader, writeMessageIndexes, writeWire } from '../../../main/console/registry/wireFormat'
import { avroFormat } from '../../../main/registry/formats/avro'
import { jsonSchemaFormat } from '../../../main/registry/formats/jsonSchema'
import { protobufFormat, type ProtobufSchema } from '../../../main/registry/formats/protobuf'

const USER = JSON.stringify({ type: 'record', name: 'User', fields: [{ name: 'id', type: 'int' }, { name: 'name', type: 'string' }, { name: 'email', type: ['null', 'string'], default: null }] })
const PROTO = 'syntax = "proto3";\npackage demo;\nmessage A { int32 x = 1; }\nmessage B { string s = 1; message Inner { int64 n = 1; } Inner inner = 2; }\n'
const JSON_SCHEMA = JSON.stringify({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] })

const schemas: Record<number, { schema: string; schemaType?: string }> = { 7: { schema: USER }, 8: { schema: PROTO, schemaType: 'PROTOBUF' }, 9: { schema: JSON_SCHEMA, schemaType: 'JSON' } }
let server: Server
let url: string

beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /^\/schemas\/ids\/(\d+)(\/versions)?$/.exec(req.url ?? '')
    const found = m && schemas[Number(m[1])]
    res.setHeader('content-type', 'application/vnd.schemaregistry.v1+json')
    if (!found) {
      res.statusCode = 404
      res.end(JSON.stringify({ error_code: 40403, message: `Schema ${m?.[1]} not found` }))
      return
    }
    res.end(JSON.stringify(m[2] ? [{ subject: `s${m[1]}-value`, version: 3 }] : found))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('the wire header', () => {
  it('reads magic byte 0 and a big-endian schema id', () => {
    const bytes = writeWire(0x01020304, Buffer.from([9, 9]))
    expect([...bytes.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4])
    expect(readWireHeader(bytes)).toEqual({ schemaId: 0x01020304, body: Buffer.from([9, 9]) })
  })
  it('leaves other bytes alone: another magic byte, or fewer than five bytes', () => {
    expect(readWireHeader(Buffer.from('{"a":1}'))).toBeNull()
    expect(readWireHeader(Buffer.from([0, 0, 0, 1]))).toBeNull()
  })
  it('writes and reads Protobuf message indexes, [0] as the single byte 0', () => {
    expect([...writeMessageIndexes([0])]).toEqual([0])
    expect([...writeMessageIndexes([1, 0])]).toEqual([4, 2, 0])
    expect(readMessageIndexes(Buffer.from([0, 8, 1]))).toEqual({ indexes: [0], message: Buffer.from([8, 1]) })
    expect(readMessageIndexes(Buffer.from([4, 2, 0, 7]))).toEqual({ indexes: [1, 0], message: Buffer.from([7]) })
  })
})

describe('decoding through the registry', () => {
  it('decodes Avro into JSON with the schema id, subject and version', async () => {
    const value = avro.Type.forSchema(JSON.parse(USER)).toBuffer({ id: 1, name: 'Ada', email: 'ada@example.com' })
    const decoded = await decodeWire(writeWire(7, value), new RegistryClient(url))
    expect(decoded).toMatchObject({ id: 7, subject: 's7-value', version: 3, schemaType: 'AVRO', error: null })
    expect(JSON.parse(decoded!.json!)).toEqual({ id: 1, name: 'Ada', email: { string: 'ada@example.com' } })
  })
  it('decodes Protobuf by its message indexes, nested messages included', async () => {
    const schema = protobufFormat.parse(PROTO, []) as ProtobufSchema
    const inner = protobufTypeAt(schema, [1, 0])
    expect(inner.name).toBe('Inner')
    const encoded = encodePayload(schema, JSON.stringify({ s: 'hi', inner: { n: '5' } }), 'demo.B')
    expect(encoded.problems).toEqual([])
    expect([...encoded.body!.subarray(0, 2)]).toEqual([2, 2]) // one index: 1
    const decoded = await decodeWire(writeWire(8, encoded.body!), new RegistryClient(url))
    expect(JSON.parse(decoded!.json!)).toEqual({ s: 'hi', inner: { n: '5' } })
  })
  it('decodes JSON Schema records as their JSON', async () => {
    const decoded = await decodeWire(writeWire(9, Buffer.from('{"n":5}')), new RegistryClient(url))
    expect(decoded).toMatchObject({ schemaType: 'JSON', json: '{\n  "n": 5\n}', error: null })
  })
  it('says when a schema id is unknown', async () => {
    const decoded = await decodeWire(writeWire(4242, Buffer.from([1])), new RegistryClient(url))
    expect(decoded).toMatchObject({ id: 4242, json: null, error: `schema id 4242 is unknown to the schema registry at ${url}` })
  })
  it('says when the registry is unreachable, and when the connection names none', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const unreachable = await decodeWire(writeWire(7, Buffer.from([2])), new RegistryClient(`http://127.0.0.1:${port}`))
    expect(unreachable?.error).toBe(`the schema registry at http://127.0.0.1:${port} is unreachable: ECONNREFUSED`)
    expect((await decodeWire(writeWire(7, Buffer.from([2])), null))?.error).toMatch(/names no schema registry/)
  })
  it('says when the bytes do not decode as the schema', async () => {
    const decoded = await decodeWire(writeWire(7, Buffer.from([2])), new RegistryClient(url))
    expect(decoded).toMatchObject({ subject: 's7-value', json: null })
    expect(decoded?.error).toMatch(/do not decode as its AVRO schema/)
  })
})

describe('encoding JSON with a schema', () => {
  it('names the path of each Avro problem', () => {
    const { problems, body } = encodePayload(avroFormat.parse(USER, []), JSON.stringify({ id: 'one', name: 'Ada', email: null }))
    expect(body).toBeNull()
    expect(problems).toEqual([{ path: 'id', message: '"one" is not a valid int' }])
  })
  it('encodes valid Avro as avsc writes it', () => {
    const { body } = encodePayload(avroFormat.parse(USER, []), JSON.stringify({ id: 1, name: 'Ada', email: null }))
    expect(avro.Type.forSchema(JSON.parse(USER)).fromBuffer(body!)).toMatchObject({ id: 1, name: 'Ada', email: null })
  })
  it('names the path of each JSON Schema problem (ajv)', () => {
    const schema = jsonSchemaFormat.parse(JSON_SCHEMA, [])
    expect(encodePayload(schema, '{"n":"x"}').problems).toEqual([{ path: 'n', message: 'must be integer' }])
    expect(encodePayload(schema, '{}').problems[0].message).toMatch(/required property 'n'/)
    expect(encodePayload(schema, 'nope').problems[0].message).toMatch(/^not JSON/)
  })
})
