// Protobuf through protobufjs: a schema is valid when protobufjs parses it and every type
// it names resolves (referenced schemas parsed into the same root first, as its imports).
// Compatibility compares messages by full name and fields by number, with the wire types
// Protobuf lets a reader accept; what it does not check is listed in docs/schema-registry.md.
import protobuf from 'protobufjs'
import type { Direction, ParsedSchema, ResolvedReference, SchemaFormat } from './types'
import { flattenReferences, sides } from './types'

/** Field types that share a wire encoding and decode into each other. */
const WIRE_GROUPS = [['int32', 'uint32', 'int64', 'uint64', 'bool'], ['sint32', 'sint64'], ['fixed32', 'sfixed32'], ['fixed64', 'sfixed64'], ['string', 'bytes']]

function wireCompatible(a: string, b: string): boolean {
  return a === b || WIRE_GROUPS.some((g) => g.includes(a) && g.includes(b))
}

export class ProtobufSchema implements ParsedSchema {
  readonly schemaType = 'PROTOBUF' as const
  constructor(
    readonly root: protobuf.Root,
    readonly canonical: string,
    /** The messages this schema itself declares (not those of its references), by full name. */
    readonly messages: Map<string, protobuf.Type>,
  ) {}

  normalized(): string {
    return this.canonical.replace(/\s+/g, ' ').trim()
  }

  readProblems(writer: ParsedSchema, direction: Direction): string[] {
    if (!(writer instanceof ProtobufSchema)) return [`the other version is ${writer.schemaType}, not PROTOBUF: the schema type cannot change`]
    const out: string[] = []
    const { consequence } = sides(direction)
    for (const [name, reader] of this.messages) {
      const written = writer.messages.get(name)
      if (!written) continue
      const writerFields = new Map(written.fieldsArray.map((f) => [f.id, f]))
      for (const field of reader.fieldsArray) {
        const other = writerFields.get(field.id)
        if (!other) {
          if (field.required) out.push(`message ${name}: required field ${field.name} (${field.id}) ${direction === 'backward' ? 'added' : 'removed'}`)
          continue
        }
        const [from, to] = direction === 'backward' ? [other, field] : [field, other]
        if (field.repeated !== other.repeated || field.map !== other.map) {
          out.push(`message ${name}: field ${field.id} changed from ${label(from)} to ${label(to)}`)
        } else if (!wireCompatible(field.type, other.type)) {
          const fr = field.resolvedType?.fullName.replace(/^\./, '')
          const ot = other.resolvedType?.fullName.replace(/^\./, '')
          if (!(fr && ot && (fr === ot || shortName(fr) === shortName(ot)))) out.push(`message ${name}: field ${field.id} changed type from ${from.type} to ${to.type}`)
        }
      }
    }
    return out.map((p) => `${p}: ${consequence}`)
  }
}

function label(field: protobuf.Field): string {
  return `${field.repeated ? 'repeated ' : ''}${field.type} ${field.name}`
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1)
}

function collect(ns: protobuf.NamespaceBase, into: Map<string, protobuf.Type>): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) into.set(nested.fullName.replace(/^\./, ''), nested)
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) collect(nested, into)
  }
}

export const protobufFormat: SchemaFormat = {
  schemaType: 'PROTOBUF',
  parse(schema: string, references: ResolvedReference[]): ProtobufSchema {
    const root = new protobuf.Root()
    for (const ref of flattenReferences(references)) {
      if (ref.schemaType !== 'PROTOBUF') throw new Error(`reference ${ref.name} is ${ref.schemaType}, not PROTOBUF`)
      protobuf.parse(ref.schema, root, { keepCase: true })
    }
    const own = new protobuf.Root()
    protobuf.parse(schema, own, { keepCase: true })
    protobuf.parse(schema, root, { keepCase: true })
    root.resolveAll()
    const messages = new Map<string, protobuf.Type>()
    collect(own, messages)
    const resolved = new Map<string, protobuf.Type>()
    collect(root, resolved)
    for (const name of messages.keys()) messages.set(name, resolved.get(name) as protobuf.Type)
    if (messages.size === 0) throw new Error('the schema declares no message')
    return new ProtobufSchema(root, schema, messages)
  },
}
