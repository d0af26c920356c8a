// Records in Confluent's wire format to JSON and back, through the registry's own format
// modules (main/registry/formats): Avro with avsc, JSON Schema as JSON (validated with ajv),
// Protobuf with protobufjs and its message indexes.
import { Ajv, type AnySchema, type ErrorObject } from 'ajv'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import protobuf from 'protobufjs'
import { AvroSchema } from '../../registry/formats/avro'
import { JsonSchema } from '../../registry/formats/jsonSchema'
import { ProtobufSchema } from '../../registry/formats/protobuf'
import type { ParsedSchema } from '../../registry/formats/types'
import type { SchemaDecoded } from '../../../preload/contract'
import { RegistryError, type RegistryClient } from './registryClient'
import { readMessageIndexes, readWireHeader, writeMessageIndexes, writeWire } from './wireFormat'

/** JSON text of an avsc value: longs as numbers, bytes and fixed as their characters (Avro's JSON encoding). */
function avroJson(schema: AvroSchema, value: unknown): string {
  return JSON.stringify(JSON.parse(schema.type.toString(value)), null, 2)
}

/** The Protobuf message type that message indexes name: a path into the schema's own top-level messages, then nested ones. */
export function protobufTypeAt(schema: ProtobufSchema, indexes: number[]): protobuf.Type {
  const topLevel = [...schema.messages.values()].filter((t) => !(t.parent instanceof protobuf.Type))
  let type = topLevel[indexes[0]]
  for (const index of indexes.slice(1)) {
    if (!type) break
    type = type.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type)[index]
  }
  if (!type) throw new Error(`message indexes [${indexes.join(', ')}] name no message of the schema`)
  return type
}

function protobufIndexesOf(schema: ProtobufSchema, type: protobuf.Type): number[] {
  const path: number[] = []
  let t: protobuf.Type = type
  while (t.parent instanceof protobuf.Type) {
    const parent: protobuf.Type = t.parent
    path.unshift(parent.nestedArray.filter((n) => n instanceof protobuf.Type).indexOf(t))
    t = parent
  }
  path.unshift([...schema.messages.values()].filter((m) => !(m.parent instanceof protobuf.Type)).indexOf(t))
  return path
}

/** The payload after the schema id, as JSON text. */
export function decodePayload(schema: ParsedSchema, body: Buffer): string {
  if (schema instanceof AvroSchema) return avroJson(schema, schema.type.fromBuffer(body))
  if (schema instanceof JsonSchema) return JSON.stringify(JSON.parse(body.toString('utf8')), null, 2)
  if (schema instanceof ProtobufSchema) {
    const { indexes, message } = readMessageIndexes(body)
    const type = protobufTypeAt(schema, indexes)
    return JSON.stringify(type.toObject(type.decode(message), { longs: String, enums: String, bytes: String, defaults: true }), null, 2)
  }
  throw new Error(`schema type ${(schema as ParsedSchema).schemaType} cannot be decoded`)
}

/** Bytes in Confluent's wire format decoded through the registry; undefined when they are not in that format. */
export async function decodeWire(bytes: Uint8Array | null, registry: RegistryClient | null): Promise<SchemaDecoded | undefined> {
  const wire = bytes && readWireHeader(bytes)
  if (!wire) return undefined
  const base = { id: wire.schemaId, subject: null, version: null, schemaType: null, json: null }
  if (!registry) return { ...base, error: `schema id ${wire.schemaId} (Confluent's wire format), but this connection names no schema registry` }
  let schema
  try {
    schema = await registry.schemaById(wire.schemaId)
  } catch (err) {
    return { ...base, error: err instanceof RegistryError ? err.message : `schema id ${wire.schemaId} cannot be read: ${(err as Error).message}` }
  }
  const known = { ...base, subject: schema.subject, version: schema.version, schemaType: schema.schemaType }
  try {
    return { ...known, json: decodePayload(schema.parsed, wire.body), error: null }
  } catch (err) {
    return { ...known, error: `the bytes after schema id ${wire.schemaId} do not decode as its ${schema.schemaType} schema: ${(err as Error).message}` }
  }
}

export interface ValueProblem {
  path: string
  message: string
}

function ajvErrors(schema: JsonSchema, value: unknown): ErrorObject[] {
  const json = schema.json as { $schema?: string }
  const options = { strict: false, allErrors: true, validateFormats: false }
  const ajv = /2020-12/.test(json.$schema ?? '') ? new Ajv2020(options) : /2019-09/.test(json.$schema ?? '') ? new Ajv2019(options) : new Ajv(options)
  const validate = ajv.compile(schema.json as AnySchema)
  return validate(value) ? [] : (validate.errors ?? [])
}

/** Checks a JSON text against a schema and encodes it (the payload only): the problems, each with its path, or the bytes. */
export function encodePayload(schema: ParsedSchema, jsonText: string, messageType?: string): { problems: ValueProblem[]; body: Buffer | null } {
  let value: unknown
  try {
    value = JSON.parse(jsonText)
  } catch (err) {
    return { problems: [{ path: '', message: `not JSON: ${(err as Error).message}` }], body: null }
  }
  if (schema instanceof AvroSchema) {
    const problems: ValueProblem[] = []
    const valid = schema.type.isValid(value, {
      errorHook: (path: string[], any: unknown, type: { toString(): string; typeName?: string }) => {
        const name = (type as { typeName?: string }).typeName ?? 'value'
        const wanted = (type as { name?: string }).name ?? name
        problems.push({ path: path.join('.') || '(record)', message: `${JSON.stringify(any) ?? 'missing'} is not a valid ${wanted}` })
      },
    })
    return valid ? { problems: [], body: schema.type.toBuffer(value) } : { problems, body: null }
  }
  if (schema instanceof JsonSchema) {
    const errors = schema.validate(value) ? [] : ajvErrors(schema, value)
    if (errors.length) return { problems: errors.map((e) => ({ path: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)', message: e.message ?? 'invalid' })), body: null }
    return { problems: [], body: Buffer.from(JSON.stringify(value), 'utf8') }
  }
  if (schema instanceof ProtobufSchema) {
    const type = messageType ? schema.messages.get(messageType) : [...schema.messages.values()][0]
    if (!type) return { problems: [{ path: '', message: `the schema has no message ${messageType}` }], body: null }
    // int64s may be typed as strings (as toObject writes them): those verify once converted.
    let problem = type.verify(value as Record<string, unknown>)
    if (problem && /Long expected/.test(problem)) {
      try {
        problem = type.verify(type.fromObject(value as Record<string, unknown>))
      } catch {
        /* keep the first problem */
      }
    }
    if (problem) return { problems: [{ path: problem.split(':')[0] ?? '', message: problem }], body: null }
    const message = type.encode(type.fromObject(value as Record<string, unknown>)).finish()
    return { problems: [], body: Buffer.concat([writeMessageIndexes(protobufIndexesOf(schema, type)), Buffer.from(message)]) }
  }
  return { problems: [{ path: '', message: 'unknown schema type' }], body: null }
}

export function encodeWire(schemaId: number, body: Buffer): Buffer {
  return writeWire(schemaId, body)
}
