// Example message data built from the schema, for round-trip tests of the generated codec:
// every field present in the version gets a value other than its default (so a field the
// codec dropped or misplaced shows), every absent field its default, as a decoder yields it.
import { type Field, type Primitive, type Struct, contains } from './schema'

export type ExampleMode =
  /** Non-default values everywhere, arrays of two. */
  | 'full'
  /** Null wherever the version allows it, otherwise as 'full' with arrays of one. */
  | 'nulls'

/** The value a decoder gives a field the version does not carry (Kafka's defaults). */
export function defaultOf(f: Field): unknown {
  if (f.default === 'null') return null
  const t = f.type
  if (t.kind === 'array') return []
  if (t.kind === 'struct') return Object.fromEntries(t.struct.fields.map((sf) => [sf.prop, defaultOf(sf)]))
  switch (t.type) {
    case 'bool':
      return f.default === 'true'
    case 'int64':
      return BigInt(f.default ?? 0)
    case 'string':
      return f.default ?? ''
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000'
    case 'bytes':
      return Buffer.alloc(0)
    case 'records':
      return null
    default:
      return Number(f.default ?? 0)
  }
}

function primitiveExample(type: Primitive, name: string, seed: number): unknown {
  switch (type) {
    case 'bool':
      return seed % 2 === 1
    case 'int8':
      return 100 + (seed % 20)
    case 'int16':
      return 30_000 + (seed % 1000)
    case 'uint16':
      return 65_000 + (seed % 500)
    case 'int32':
      return 2_000_000_000 + (seed % 1000)
    case 'uint32':
      return 4_000_000_000 + (seed % 1000)
    case 'int64':
      // Beyond 2^53: a double would lose the low bits.
      return 2n ** 60n + BigInt(seed)
    case 'float64':
      return 0.5 + seed
    case 'string':
      return `${name}-é🚀-${seed}`
    case 'uuid':
      return `${seed.toString(16).padStart(8, '0')}-0123-4567-89ab-cdef01234567`
    case 'bytes':
      return Buffer.from([seed & 0xff, 0, 0xff, 0x80])
    case 'records':
      return Buffer.from(Array.from({ length: 61 }, (_, i) => (i * 7 + seed) & 0xff))
  }
}

function exampleOf(f: Field, version: number, mode: ExampleMode, seed: number): unknown {
  if (!contains(f.versions, version)) return defaultOf(f)
  if (mode === 'nulls' && contains(f.nullableVersions, version)) return null
  const t = f.type
  let value: unknown
  if (t.kind === 'primitive') value = primitiveExample(t.type, f.prop, seed)
  else if (t.kind === 'struct') value = exampleData(t.struct, version, mode, seed)
  else {
    const element = t.element
    value = Array.from({ length: mode === 'full' ? 2 : 1 }, (_, i) =>
      element.kind === 'struct' ? exampleData(element.struct, version, mode, seed * 3 + i) : primitiveExample(element.type, f.prop, seed + i),
    )
  }
  // A sample that happens to equal the default would not prove the field travels.
  if (t.kind === 'primitive' && value === defaultOf(f)) value = t.type === 'bool' ? !value : primitiveExample(t.type, f.prop, seed + 1)
  return value
}

export function exampleData(struct: Struct, version: number, mode: ExampleMode, seed = 1): Record<string, unknown> {
  return Object.fromEntries(struct.fields.map((f, i) => [f.prop, exampleOf(f, version, mode, seed + i)]))
}
