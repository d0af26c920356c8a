// JSON Schema through ajv: a schema is valid when ajv compiles it (draft-07 by default,
// 2019-09 and 2020-12 by their $schema), references added under their names. Compatibility
// is a walk of the common keywords (type, properties, required, enum, items, additionalProperties);
// what it does not check is listed in docs/schema-registry.md.
import { Ajv, type AnySchema } from 'ajv'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { Direction, ParsedSchema, ResolvedReference, SchemaFormat } from './types'
import { flattenReferences, sides } from './types'

type Json = boolean | Record<string, unknown>

function dialectOf(schema: Json): '2020-12' | '2019-09' | 'draft-07' {
  const dialect = typeof schema === 'object' && typeof schema.$schema === 'string' ? schema.$schema : ''
  return dialect.includes('2020-12') ? '2020-12' : dialect.includes('2019-09') ? '2019-09' : 'draft-07'
}

function newAjv(dialect: ReturnType<typeof dialectOf>) {
  const options = { strict: false, allErrors: false, validateFormats: false }
  if (dialect === '2020-12') return new Ajv2020(options)
  if (dialect === '2019-09') return new Ajv2019(options)
  return new Ajv(options)
}

/** One ajv per dialect for schemas without references (making an ajv costs tens of milliseconds). */
const shared = new Map<string, ReturnType<typeof newAjv>>()

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]))
  }
  return value
}

export class JsonSchema implements ParsedSchema {
  readonly schemaType = 'JSON' as const
  constructor(
    readonly json: Json,
    readonly canonical: string,
    /** Validates a value against the schema (for the console's Produce with schema). */
    readonly validate: (value: unknown) => boolean,
  ) {}

  normalized(): string {
    return JSON.stringify(sortKeys(this.json))
  }

  readProblems(writer: ParsedSchema, direction: Direction): string[] {
    if (!(writer instanceof JsonSchema)) return [`the other version is ${writer.schemaType}, not JSON: the schema type cannot change`]
    const problems: string[] = []
    accepts(this.json, writer.json, '', direction, problems)
    const { consequence } = sides(direction)
    return problems.map((p) => `${p}: ${consequence}`)
  }
}

export const jsonSchemaFormat: SchemaFormat = {
  schemaType: 'JSON',
  parse(schema: string, references: ResolvedReference[]): JsonSchema {
    let json: Json
    try {
      json = JSON.parse(schema) as Json
    } catch (err) {
      throw new Error(`not JSON: ${(err as Error).message}`)
    }
    if (typeof json !== 'boolean' && (json === null || typeof json !== 'object' || Array.isArray(json))) throw new Error('a JSON Schema is an object or a boolean')
    const dialect = dialectOf(json)
    const refs = flattenReferences(references)
    if (refs.length === 0) {
      let ajv = shared.get(dialect)
      if (!ajv) shared.set(dialect, (ajv = newAjv(dialect)))
      try {
        const validate = ajv.compile(json as AnySchema)
        return new JsonSchema(json, JSON.stringify(json), (value) => validate(value) as boolean)
      } finally {
        // Compiled, it needs no entry in ajv's cache: two schemas with one $id must not clash.
        ajv.removeSchema(json as AnySchema)
      }
    }
    const ajv = newAjv(dialect)
    for (const ref of refs) {
      if (ref.schemaType !== 'JSON') throw new Error(`reference ${ref.name} is ${ref.schemaType}, not JSON`)
      ajv.addSchema(JSON.parse(ref.schema) as AnySchema, ref.name)
    }
    const validate = ajv.compile(json as AnySchema)
    return new JsonSchema(json, JSON.stringify(json), (value) => validate(value) as boolean)
  },
}

function types(schema: Record<string, unknown>): Set<string> | null {
  const t = schema.type
  if (typeof t === 'string') return new Set([t])
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'))
  return null
}

/** Whether every value `writer` allows is allowed by `reader`; each refusal named. */
function accepts(reader: Json, writer: Json, path: string, direction: Direction, out: string[]): void {
  const where = path === '' ? 'the schema' : `property ${path}`
  if (reader === true || writer === false) return
  if (reader === false) {
    out.push(`${where} now allows nothing`)
    return
  }
  if (writer === true) writer = {}
  const r = reader
  const w = writer
  const rt = types(r)
  const wt = types(w)
  if (rt) {
    const missing = wt ? [...wt].filter((t) => !rt.has(t) && !(t === 'integer' && rt.has('number'))) : ['any type']
    if (missing.length > 0) {
      const [from, to] = direction === 'backward' ? [wt ? [...wt].join('|') : 'any', [...rt].join('|')] : [[...rt].join('|'), wt ? [...wt].join('|') : 'any']
      out.push(`${where} changed type from ${from} to ${to}`)
      return
    }
  }
  if (Array.isArray(r.enum)) {
    const allowed = new Set(r.enum.map((v) => JSON.stringify(v)))
    const extra = Array.isArray(w.enum) ? w.enum.filter((v) => !allowed.has(JSON.stringify(v))) : ['(anything)']
    if (extra.length > 0) out.push(`${where}: enum value(s) ${extra.map((v) => JSON.stringify(v)).join(', ')} ${direction === 'backward' ? 'removed' : 'added'}`)
  }
  const rProps = (r.properties ?? {}) as Record<string, Json>
  const wProps = (w.properties ?? {}) as Record<string, Json>
  const rRequired = new Set(Array.isArray(r.required) ? (r.required as string[]) : [])
  const wRequired = new Set(Array.isArray(w.required) ? (w.required as string[]) : [])
  for (const name of rRequired) {
    if (!wRequired.has(name)) {
      out.push(direction === 'backward' ? `property ${join(path, name)} became required` : `property ${join(path, name)}, required by the old schema, is optional or gone in the new one`)
    }
  }
  for (const [name, schema] of Object.entries(wProps)) {
    if (name in rProps) accepts(rProps[name] as Json, schema, join(path, name), direction, out)
    else if (r.additionalProperties === false) {
      out.push(direction === 'backward' ? `property ${join(path, name)} removed while additional properties are not allowed` : `property ${join(path, name)} added while the old schema allows no additional properties`)
    } else if (r.additionalProperties && typeof r.additionalProperties === 'object') {
      accepts(r.additionalProperties as Json, schema, join(path, name), direction, out)
    }
  }
  if (r.items && typeof r.items === 'object' && !Array.isArray(r.items) && w.items && typeof w.items === 'object' && !Array.isArray(w.items)) {
    accepts(r.items as Json, w.items as Json, `${path}[]`, direction, out)
  }
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`
}
