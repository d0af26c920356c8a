// The compatibility matrix: every level against pairs of Avro schemas, each answer checked
// against Avro's resolution rules (the pair's table, and avsc's resolver) and each refusal
// naming the field and the level.
import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import { COMPATIBILITY_LEVELS, compatibilityProblems } from '../../../main/registry/compatibility'
import { AvroSchema, avroFormat } from '../../../main/registry/formats/avro'
import { AVRO_PAIRS } from './avroPairs'

const parse = (s: string) => avroFormat.parse(s, [])

function expected(level: string, backward: boolean, forward: boolean): boolean {
  if (level === 'NONE') return true
  if (level.startsWith('BACKWARD')) return backward
  if (level.startsWith('FORWARD')) return forward
  return backward && forward
}

describe('Avro compatibility matrix', () => {
  it.each(AVRO_PAIRS)('$change: the walk and avsc\'s resolver agree with Avro\'s rules', (pair) => {
    const [oldType, newType] = [avro.Type.forSchema(JSON.parse(pair.old)), avro.Type.forSchema(JSON.parse(pair.new))]
    const resolves = (reader: avro.Type, writer: avro.Type) => {
      try {
        reader.createResolver(writer)
        return true
      } catch {
        return false
      }
    }
    expect({ backward: resolves(newType, oldType), forward: resolves(oldType, newType) }).toEqual({ backward: pair.backward, forward: pair.forward })
    const [o, n] = [parse(pair.old), parse(pair.new)]
    expect(n.readProblems(o, 'backward').length === 0).toBe(pair.backward)
    expect(o.readProblems(n, 'forward').length === 0).toBe(pair.forward)
  })

  for (const level of COMPATIBILITY_LEVELS) {
    it.each(AVRO_PAIRS)(`${level}: $change`, (pair) => {
      const problems = compatibilityProblems(level, parse(pair.new), [{ version: 1, schema: parse(pair.old) }])
      expect(problems.length === 0).toBe(expected(level, pair.backward, pair.forward))
      for (const p of problems) {
        expect(p).toContain(pair.names)
        expect(p).toMatch(new RegExp(`\\(${level}(, against version 1)?\\)$`))
      }
    })
  }

  it('names the rule with the sides, as the console shows it', () => {
    const removed = AVRO_PAIRS.find((p) => p.change === 'field removed without a default')!
    expect(compatibilityProblems('FORWARD', parse(removed.new), [{ version: 1, schema: parse(removed.old) }])).toEqual([
      'field email removed, and the old schema has no default for it: readers of the old schema cannot read new data (FORWARD)',
    ])
    const added = AVRO_PAIRS.find((p) => p.change === 'field added without a default')!
    expect(compatibilityProblems('FULL', parse(added.new), [{ version: 1, schema: parse(added.old) }])).toEqual([
      'field email added without a default: readers of the new schema cannot read old data (FULL)',
    ])
    const symbol = AVRO_PAIRS.find((p) => p.change === 'enum symbol removed, no enum default')!
    expect(compatibilityProblems('BACKWARD', parse(symbol.new), [{ version: 1, schema: parse(symbol.old) }])).toEqual([
      'field c: symbol BLUE removed from enum Color, which has no default: readers of the new schema cannot read old data (BACKWARD)',
    ])
  })

  it('checks the transitive levels against every live version, the others against the latest only', () => {
    const r = (fields: object[]) => parse(JSON.stringify({ type: 'record', name: 'User', fields }))
    const v1 = r([{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }])
    const v2 = r([{ name: 'id', type: 'long' }])
    const v3 = r([{ name: 'id', type: 'long' }, { name: 'name', type: 'int', default: 0 }])
    const history = [{ version: 1, schema: v1 }, { version: 2, schema: v2 }]
    expect(compatibilityProblems('BACKWARD', v3, history)).toEqual([])
    expect(compatibilityProblems('BACKWARD_TRANSITIVE', v3, history)).toEqual([
      'field name changed type from string to int: string cannot be promoted to int: readers of the new schema cannot read old data (BACKWARD_TRANSITIVE, against version 1)',
    ])
    expect(compatibilityProblems('FULL', v3, history)).toEqual([])
    expect(compatibilityProblems('FULL_TRANSITIVE', v3, history).length).toBe(2)
    expect(compatibilityProblems('FORWARD_TRANSITIVE', v3, history)).toEqual([
      'field name changed type from string to int: int cannot be promoted to string: readers of the old schema cannot read new data (FORWARD_TRANSITIVE, against version 1)',
    ])
  })

  it('gives the Parsing Canonical Form and its fingerprints, the same for equivalent schemas', () => {
    const a = parse('{"type": "record", "name": "User", "namespace": "com.acme", "doc": "a user", "fields": [{"name": "id", "type": {"type": "long"}}]}') as AvroSchema
    const b = parse('{"name":"com.acme.User","type":"record","fields":[{"type":"long","name":"id","doc":"the id"}]}') as AvroSchema
    expect(a.canonicalForm()).toBe('{"name":"com.acme.User","type":"record","fields":[{"name":"id","type":"long"}]}')
    expect(a.canonicalForm()).toBe(b.canonicalForm())
    expect(a.fingerprint('sha256')).toBe(b.fingerprint('sha256'))
    expect(a.fingerprint('md5')).toMatch(/^[0-9a-f]{32}$/)
  })
})
