// JSON Schema (ajv) and Protobuf (protobufjs) in the registry: syntax, references, and the
// compatibility checks each does (docs/schema-registry.md lists what they leave out).
import { describe, expect, it } from 'vitest'
import { compatibilityProblems } from '../../../main/registry/compatibility'
import { jsonSchemaFormat, type JsonSchema } from '../../../main/registry/formats/jsonSchema'
import { protobufFormat } from '../../../main/registry/formats/protobuf'
import type { ResolvedReference } from '../../../main/registry/formats/types'

const json = (schema: object, refs: ResolvedReference[] = []) => jsonSchemaFormat.parse(JSON.stringify(schema), refs)
const check = (level: Parameters<typeof compatibilityProblems>[0], next: ReturnType<typeof json>, previous: ReturnType<typeof json>) =>
  compatibilityProblems(level, next, [{ version: 1, schema: previous }])

describe('JSON Schema', () => {
  it('validates syntax with ajv and values against the schema, references resolved by name', () => {
    expect(() => jsonSchemaFormat.parse('{"type": 5}', [])).toThrow()
    expect(() => jsonSchemaFormat.parse('[1]', [])).toThrow(/object or a boolean/)
    const address: ResolvedReference = { name: 'address.json', subject: 'address', version: 1, schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }), references: [] }
    const customer = json({ type: 'object', properties: { address: { $ref: 'address.json' } } }, [address]) as JsonSchema
    expect(customer.validate({ address: { city: 'Oslo' } })).toBe(true)
    expect(customer.validate({ address: {} })).toBe(false)
    const modern = json({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'integer' }] }) as JsonSchema
    expect(modern.validate([1])).toBe(true)
    expect(modern.validate(['x'])).toBe(false)
  })

  it('names what breaks: type changes, new requirements, enum values, closed content', () => {
    const v1 = json({ type: 'object', properties: { id: { type: 'integer' }, kind: { enum: ['a', 'b'] } }, required: ['id'] })
    expect(check('FULL', json({ type: 'object', properties: { id: { type: 'integer' }, kind: { enum: ['a', 'b'] }, note: { type: 'string' } }, required: ['id'] }), v1)).toEqual([])
    expect(check('BACKWARD', json({ type: 'object', properties: { id: { type: 'number' }, kind: { enum: ['a', 'b'] } }, required: ['id'] }), v1)).toEqual([])
    expect(check('FORWARD', json({ type: 'object', properties: { id: { type: 'number' }, kind: { enum: ['a', 'b'] } }, required: ['id'] }), v1)).toEqual([
      'property id changed type from integer to number: readers of the old schema cannot read new data (FORWARD)',
    ])
    expect(check('BACKWARD', json({ type: 'object', properties: { id: { type: 'integer' }, kind: { enum: ['a', 'b'] }, name: { type: 'string' } }, required: ['id', 'name'] }), v1)).toEqual([
      'property name became required: readers of the new schema cannot read old data (BACKWARD)',
    ])
    expect(check('BACKWARD', json({ type: 'object', properties: { id: { type: 'integer' }, kind: { enum: ['a'] } }, required: ['id'] }), v1)).toEqual([
      'property kind: enum value(s) "b" removed: readers of the new schema cannot read old data (BACKWARD)',
    ])
    expect(check('BACKWARD', json({ type: 'object', properties: { id: { type: 'integer' } }, required: ['id'], additionalProperties: false }), v1)).toEqual([
      'property kind removed while additional properties are not allowed: readers of the new schema cannot read old data (BACKWARD)',
    ])
  })
})

describe('Protobuf', () => {
  const order = (fields: string) => protobufFormat.parse(`syntax = "proto3";\npackage acme;\nmessage Order {\n${fields}\n}\n`, [])

  it('parses with protobufjs, resolving referenced schemas as imports, and refuses unresolved types', () => {
    const money: ResolvedReference = { name: 'money.proto', subject: 'money', version: 1, schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\npackage acme;\nmessage Money { int64 cents = 1; string currency = 2; }\n', references: [] }
    const withRef = protobufFormat.parse('syntax = "proto3";\npackage acme;\nimport "money.proto";\nmessage Invoice { Money total = 1; }\n', [money])
    expect([...(withRef as unknown as { messages: Map<string, unknown> }).messages.keys()]).toEqual(['acme.Invoice'])
    expect(() => protobufFormat.parse('syntax = "proto3";\npackage acme;\nmessage Invoice { Money total = 1; }\n', [])).toThrow(/Money/)
    expect(() => protobufFormat.parse('syntax = "proto3"; message {', [])).toThrow()
  })

  it('names wire-incompatible type changes, label changes, and required fields', () => {
    const v1 = order('int64 id = 1;\nstring item = 2;\nrepeated string tags = 3;')
    expect(compatibilityProblems('FULL', order('int64 id = 1;\nstring item = 2;\nrepeated string tags = 3;\nint32 qty = 4;'), [{ version: 1, schema: v1 }])).toEqual([])
    expect(compatibilityProblems('FULL', order('uint64 id = 1;\nbytes item = 2;\nrepeated string tags = 3;'), [{ version: 1, schema: v1 }])).toEqual([])
    expect(compatibilityProblems('BACKWARD', order('int64 id = 1;\ndouble item = 2;\nstring tags = 3;'), [{ version: 1, schema: v1 }])).toEqual([
      'message acme.Order: field 2 changed type from string to double: readers of the new schema cannot read old data (BACKWARD)',
      'message acme.Order: field 3 changed from repeated string tags to string tags: readers of the new schema cannot read old data (BACKWARD)',
    ])
    const p2 = (fields: string) => protobufFormat.parse(`syntax = "proto2";\npackage acme;\nmessage Order {\n${fields}\n}\n`, [])
    expect(compatibilityProblems('BACKWARD', p2('required int64 id = 1;\nrequired string item = 2;'), [{ version: 1, schema: p2('required int64 id = 1;') }])).toEqual([
      'message acme.Order: required field item (2) added: readers of the new schema cannot read old data (BACKWARD)',
    ])
  })
})
