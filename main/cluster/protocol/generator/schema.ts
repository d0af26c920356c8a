// Apache Kafka's JSON message definitions (clients/src/main/resources/common/message), read
// into a model the emitter walks: every field with the versions it is present, nullable and
// tagged in, already intersected with its parent's, as Kafka's own generator does.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** An inclusive range of versions; `hi` is Infinity for "N+", and lo > hi is empty ("none"). */
export interface VersionRange {
  lo: number
  hi: number
}

export const NO_VERSIONS: VersionRange = { lo: 1, hi: 0 }

export function parseVersions(spec: string | undefined): VersionRange {
  if (spec === undefined || spec === 'none') return NO_VERSIONS
  const open = /^(\d+)\+$/.exec(spec)
  if (open) return { lo: Number(open[1]), hi: Infinity }
  const closed = /^(\d+)(?:-(\d+))?$/.exec(spec)
  if (!closed) throw new Error(`Bad version range "${spec}"`)
  return { lo: Number(closed[1]), hi: Number(closed[2] ?? closed[1]) }
}

export function intersect(a: VersionRange, b: VersionRange): VersionRange {
  return { lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi) }
}

export function isEmpty(r: VersionRange): boolean {
  return r.lo > r.hi
}

export function contains(r: VersionRange, version: number): boolean {
  return version >= r.lo && version <= r.hi
}

export function formatVersions(r: VersionRange): string {
  if (isEmpty(r)) return 'none'
  if (r.hi === Infinity) return `${r.lo}+`
  return r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`
}

/** A field as written in the JSON. */
export interface FieldJson {
  name: string
  type: string
  versions: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number
  ignorable?: boolean
  default?: string | number | boolean
  flexibleVersions?: string
  fields?: FieldJson[]
  about?: string
}

export interface MessageJson {
  apiKey?: number
  type: 'request' | 'response' | 'header' | 'data'
  name: string
  validVersions: string
  flexibleVersions: string
  latestVersionUnstable?: boolean
  fields: FieldJson[]
  commonStructs?: { name: string; versions: string; fields: FieldJson[] }[]
}

/** Kafka's definitions are JSON with whole-line `//` comments (the licence header, notes). */
export function parseMessageJson(text: string): MessageJson {
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as MessageJson
}

/**
 * Definitions of versions newer than ../shared's, as in Kafka 4.4's kafka-clients jar
 * (common/message/): ListTransactions v2 (KIP-1152), Fetch v18, OffsetCommit v10 and the other
 * APIs Kafka 4.4 serves newer, kept beside the generator: a file here is read instead of the
 * shared one of that name.
 */
const NEWER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'newer')

export function readMessageJson(dir: string, name: string): MessageJson {
  const newer = join(NEWER_DIR, `${name}.json`)
  return parseMessageJson(readFileSync(existsSync(newer) ? newer : join(dir, `${name}.json`), 'utf8'))
}

export const PRIMITIVES = ['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records'] as const
export type Primitive = (typeof PRIMITIVES)[number]

export function isPrimitive(type: string): type is Primitive {
  return (PRIMITIVES as readonly string[]).includes(type)
}

export type FieldType =
  | { kind: 'primitive'; type: Primitive }
  | { kind: 'struct'; struct: Struct }
  | { kind: 'array'; element: { kind: 'primitive'; type: Primitive } | { kind: 'struct'; struct: Struct } }

export interface Field {
  name: string
  /** The TypeScript property: the JSON name in lowerCamelCase. */
  prop: string
  type: FieldType
  versions: VersionRange
  nullableVersions: VersionRange
  /** Versions it travels as a tagged field in (the rest of `versions` it is a regular field). */
  taggedVersions: VersionRange
  tag?: number
  ignorable: boolean
  /** The JSON default, as written (undefined: the type's default). */
  default?: string
  /** Versions its strings, bytes and arrays are compact in (a field may opt out, as ClientId does). */
  flexibleVersions: VersionRange
  about?: string
}

export interface Struct {
  /** The JSON type name, e.g. TopicProduceData; the emitter may prefix it to keep names unique. */
  name: string
  versions: VersionRange
  fields: Field[]
}

export interface Message {
  name: string
  type: MessageJson['type']
  apiKey?: number
  /** validVersions, less the latest when Kafka marks it unstable. */
  validVersions: VersionRange
  flexibleVersions: VersionRange
  root: Struct
  /** Every struct, the root first, in the order their definitions appear. */
  structs: Struct[]
}

export function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

export function buildMessage(json: MessageJson): Message {
  const valid = parseVersions(json.validVersions)
  if (json.latestVersionUnstable) valid.hi--
  const flexible = parseVersions(json.flexibleVersions)
  const structs: Struct[] = []
  const common = new Map((json.commonStructs ?? []).map((s) => [s.name, s]))

  function structOf(name: string, fields: FieldJson[] | undefined, versions: VersionRange): Struct {
    const known = structs.find((s) => s.name === name)
    const definition = fields ?? common.get(name)?.fields
    if (known && !fields) {
      // A common struct used at other versions too (AddPartitionsToTxnTopic: v4+ inside
      // Transactions, v0-3 at the top): its fields are those of every version it is used in.
      if (definition && (versions.lo < known.versions.lo || versions.hi > known.versions.hi)) {
        known.versions = { lo: Math.min(known.versions.lo, versions.lo), hi: Math.max(known.versions.hi, versions.hi) }
        known.fields = definition.map((f) => buildField(f, known.versions))
      }
      return known
    }
    if (!definition) throw new Error(`${json.name}: struct ${name} has no definition`)
    const struct: Struct = { name, versions, fields: [] }
    structs.push(struct)
    struct.fields = definition.map((f) => buildField(f, versions))
    return struct
  }

  function buildField(f: FieldJson, parent: VersionRange): Field {
    // As Kafka's FieldSpec: a field with only taggedVersions exists in those versions (TransactionLogValue's producer ids).
    const versions = intersect(parseVersions(f.versions ?? f.taggedVersions), parent)
    const elementName = f.type.startsWith('[]') ? f.type.slice(2) : undefined
    let type: FieldType
    if (elementName !== undefined) {
      type = {
        kind: 'array',
        element: isPrimitive(elementName)
          ? { kind: 'primitive', type: elementName }
          : { kind: 'struct', struct: structOf(elementName, f.fields, versions) },
      }
    } else if (isPrimitive(f.type)) {
      type = { kind: 'primitive', type: f.type }
    } else {
      type = { kind: 'struct', struct: structOf(f.type, f.fields, versions) }
    }
    return {
      name: f.name,
      prop: lowerCamel(f.name),
      type,
      versions,
      nullableVersions: intersect(parseVersions(f.nullableVersions), versions),
      taggedVersions: intersect(intersect(parseVersions(f.taggedVersions), versions), flexible),
      tag: f.tag,
      ignorable: f.ignorable === true,
      default: f.default === undefined ? undefined : String(f.default),
      flexibleVersions: f.flexibleVersions === undefined ? flexible : parseVersions(f.flexibleVersions),
      about: f.about,
    }
  }

  const root: Struct = { name: json.name, versions: valid, fields: [] }
  structs.push(root)
  root.fields = json.fields.map((f) => buildField(f, valid))
  return { name: json.name, type: json.type, apiKey: json.apiKey, validVersions: valid, flexibleVersions: flexible, root, structs }
}

/** Is the field a regular (untagged) field in some version? */
export function regularVersions(field: Field): VersionRange {
  // taggedVersions are open-ended, so what is left of `versions` below them is one range.
  if (isEmpty(field.taggedVersions)) return field.versions
  return { lo: field.versions.lo, hi: Math.min(field.versions.hi, field.taggedVersions.lo - 1) }
}
