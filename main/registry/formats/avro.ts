// Avro through avsc: parsing (with references as named types), Parsing Canonical Form and
// its fingerprints, and compatibility as Avro's schema resolution decides it. avsc's
// resolver (`reader.createResolver(writer)`) says whether a writer's data can be read; a
// walk of both schemas along the same rules names each field and rule that fails.
import avro from 'avsc'
import type { Direction, ParsedSchema, ResolvedReference, SchemaFormat } from './types'
import { flattenReferences, sides } from './types'

type Type = avro.Type
type AnyType = Type & {
  typeName: string
  name?: string
  aliases?: string[]
  fields?: Array<{ name: string; aliases: string[]; type: Type }>
  symbols?: string[]
  default?: string
  size?: number
  itemsType?: Type
  valuesType?: Type
  types?: Type[]
  underlyingType?: Type
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'])

/** Writer type -> the reader types it may be read as besides itself (Avro's promotions). */
const PROMOTIONS: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
}

export class AvroSchema implements ParsedSchema {
  readonly schemaType = 'AVRO' as const
  constructor(
    readonly type: Type,
    readonly canonical: string,
  ) {}

  /** Parsing Canonical Form (avsc's `schema()`): full names, no attributes, no whitespace. */
  canonicalForm(): string {
    return JSON.stringify(this.type.schema())
  }

  /** The fingerprint of the Parsing Canonical Form, hex ('md5' or 'sha256'). */
  fingerprint(algorithm: 'md5' | 'sha256' = 'sha256'): string {
    return this.type.fingerprint(algorithm).toString('hex')
  }

  normalized(): string {
    return JSON.stringify(this.type.schema({ exportAttrs: true }))
  }

  readProblems(writer: ParsedSchema, direction: Direction): string[] {
    if (!(writer instanceof AvroSchema)) return [`the other version is ${writer.schemaType}, not AVRO: the schema type cannot change`]
    const problems: string[] = []
    new Walk(direction, problems).check(this.type as AnyType, writer.type as AnyType, '')
    try {
      this.type.createResolver(writer.type)
    } catch (err) {
      // avsc refuses what the walk did not name: report avsc's own words.
      if (problems.length === 0) problems.push(`Avro schema resolution fails: ${(err as Error).message}: ${sides(direction).consequence}`)
    }
    return problems
  }
}

export const avroFormat: SchemaFormat = {
  schemaType: 'AVRO',
  parse(schema: string, references: ResolvedReference[]): AvroSchema {
    const registry: Record<string, Type> = {}
    for (const ref of flattenReferences(references)) {
      if (ref.schemaType !== 'AVRO') throw new Error(`reference ${ref.name} is ${ref.schemaType}, not AVRO`)
      try {
        avro.Type.forSchema(parseJson(ref.schema) as avro.Schema, { registry })
      } catch (err) {
        throw new Error(`reference ${ref.name} (subject ${ref.subject} version ${ref.version}): ${(err as Error).message}`)
      }
    }
    const json = parseJson(schema)
    const type = avro.Type.forSchema(json as avro.Schema, { registry })
    return new AvroSchema(type, JSON.stringify(json))
  },
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`)
  }
}

function base(type: AnyType): AnyType {
  return type.typeName.startsWith('logical:') && type.underlyingType ? base(type.underlyingType as AnyType) : type
}

function kind(type: AnyType): string {
  const t = base(type).typeName
  return t.startsWith('union') ? 'union' : t
}

function describe(type: AnyType): string {
  const t = base(type)
  switch (kind(t)) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `${kind(t)} ${shortName(t.name ?? '')}`
    case 'array':
      return `array<${describe(t.itemsType as AnyType)}>`
    case 'map':
      return `map<${describe(t.valuesType as AnyType)}>`
    case 'union':
      return `[${(t.types ?? []).map((b) => describe(b as AnyType)).join(', ')}]`
    default:
      return t.typeName
  }
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1)
}

/** Avro's rule for named types: the same unqualified name, or the reader's alias names the writer. */
function namesMatch(reader: AnyType, writer: AnyType): boolean {
  const r = reader.name ?? ''
  const w = writer.name ?? ''
  if (shortName(r) === shortName(w)) return true
  return (reader.aliases ?? []).some((alias) => alias === w || shortName(alias) === shortName(w))
}

/** Whether a writer's type can be read as the reader's, at the top (named types by name, primitives with promotions). */
function matches(reader: AnyType, writer: AnyType): boolean {
  const r = kind(reader)
  const w = kind(writer)
  if (r === w) return ['record', 'enum', 'fixed'].includes(r) ? namesMatch(base(reader), base(writer)) : true
  return PROMOTIONS[w]?.includes(r) ?? false
}

class Walk {
  private readonly words: ReturnType<typeof sides>
  /** Named pairs already being checked (recursive types). */
  private readonly seen = new Set<string>()

  constructor(
    private readonly direction: Direction,
    private readonly problems: string[],
  ) {
    this.words = sides(direction)
  }

  private where(path: string): string {
    return path === '' ? 'the schema' : `field ${path}`
  }

  private add(message: string): void {
    this.problems.push(`${message}: ${this.words.consequence}`)
  }

  /** Old and new as the direction has them. */
  private oldNew(reader: AnyType, writer: AnyType): [string, string] {
    return this.direction === 'backward' ? [describe(writer), describe(reader)] : [describe(reader), describe(writer)]
  }

  check(readerType: AnyType, writerType: AnyType, path: string): void {
    const reader = base(readerType)
    const writer = base(writerType)
    const r = kind(reader)
    const w = kind(writer)
    if (w === 'union') {
      // Every branch the writer may have written must be readable.
      for (const branch of writer.types ?? []) {
        const b = base(branch as AnyType)
        if (r === 'union') {
          const target = (reader.types ?? []).map((x) => base(x as AnyType)).find((x) => matches(x, b))
          if (!target) {
            this.add(
              this.direction === 'backward'
                ? `${this.where(path)}: branch ${describe(b)} removed from the union ${describe(reader)}`
                : `${this.where(path)}: branch ${describe(b)} added to the union ${describe(writer)}`,
            )
          } else this.check(target, b, path)
        } else if (!matches(reader, b)) {
          const [from, to] = this.oldNew(reader, writer)
          this.add(`${this.where(path)} changed type from ${from} to ${to}: the union's ${describe(b)} branch cannot be read as ${describe(reader)}`)
        } else this.check(reader, b, path)
      }
      return
    }
    if (r === 'union') {
      const target = (reader.types ?? []).map((x) => base(x as AnyType)).find((x) => kind(x) === w && matches(x, writer)) ??
        (reader.types ?? []).map((x) => base(x as AnyType)).find((x) => matches(x, writer))
      if (!target) {
        const [from, to] = this.oldNew(reader, writer)
        this.add(`${this.where(path)} changed type from ${from} to ${to}: the union has no branch that reads ${describe(writer)}`)
      } else this.check(target, writer, path)
      return
    }
    if (!matches(reader, writer)) {
      const [from, to] = this.oldNew(reader, writer)
      const why =
        r === w
          ? `the ${r} names differ (${reader.name} and ${writer.name}) and no alias maps them`
          : PRIMITIVES.has(w) && PRIMITIVES.has(r)
            ? `${describe(writer)} cannot be promoted to ${describe(reader)}`
            : `${describe(writer)} cannot be read as ${describe(reader)}`
      this.add(`${this.where(path)} changed type from ${from} to ${to}: ${why}`)
      return
    }
    switch (r) {
      case 'record':
        return this.record(reader, writer, path)
      case 'enum':
        return this.enumeration(reader, writer, path)
      case 'fixed':
        if (reader.size !== writer.size) {
          const [from, to] = this.direction === 'backward' ? [writer.size, reader.size] : [reader.size, writer.size]
          this.add(`${this.where(path)}: fixed ${shortName(reader.name ?? '')} changed size from ${from} to ${to}`)
        }
        return
      case 'array':
        return this.check(reader.itemsType as AnyType, writer.itemsType as AnyType, `${path}[]`)
      case 'map':
        return this.check(reader.valuesType as AnyType, writer.valuesType as AnyType, `${path}{}`)
    }
  }

  private record(reader: AnyType, writer: AnyType, path: string): void {
    const pair = `${reader.name}\u0000${writer.name}`
    if (this.seen.has(pair)) return
    this.seen.add(pair)
    const writerFields = new Map((writer.fields ?? []).map((f) => [f.name, f]))
    for (const field of reader.fields ?? []) {
      const fieldPath = path === '' ? field.name : `${path}.${field.name}`
      const source = writerFields.get(field.name) ?? field.aliases.map((a) => writerFields.get(a)).find((f) => f !== undefined)
      if (source) {
        this.check(field.type as AnyType, source.type as AnyType, fieldPath)
      } else if (!Object.prototype.hasOwnProperty.call(field, 'defaultValue')) {
        this.add(
          this.direction === 'backward'
            ? `field ${fieldPath} added without a default`
            : `field ${fieldPath} removed, and the old schema has no default for it`,
        )
      }
    }
  }

  private enumeration(reader: AnyType, writer: AnyType, path: string): void {
    if (reader.default !== undefined) return
    const symbols = new Set(reader.symbols ?? [])
    for (const symbol of writer.symbols ?? []) {
      if (symbols.has(symbol)) continue
      const name = shortName(reader.name ?? '')
      this.add(
        this.direction === 'backward'
          ? `${this.where(path)}: symbol ${symbol} removed from enum ${name}, which has no default`
          : `${this.where(path)}: symbol ${symbol} added to enum ${name}, and the old enum has no default`,
      )
    }
  }
}
