// Emits the TypeScript codec of one API (its request and response messages): an interface per
// struct, and per struct a reader and a writer that are straight-line code with a version test
// per field, as Kafka's generated Java is. Readers build each object in one literal (fields in
// wire order, absent ones at their defaults, so objects keep one shape); the trailing tagged
// fields then overwrite their defaults.
import {
  type Field,
  type Message,
  type Primitive,
  type Struct,
  type VersionRange,
  formatVersions,
  intersect,
  isEmpty,
  regularVersions,
} from './schema'

/** A version test over `within`: 'true' or 'false' when it does not depend on the version. */
export function versionTest(range: VersionRange, within: VersionRange): string {
  const r = intersect(range, within)
  if (isEmpty(r)) return 'false'
  const parts: string[] = []
  if (r.lo > within.lo) parts.push(`version >= ${r.lo}`)
  if (r.hi < within.hi) parts.push(`version <= ${r.hi}`)
  return parts.length === 0 ? 'true' : parts.join(' && ')
}

/** `stmt` under a version test ('true': unconditionally). */
function when(test: string, stmt: string): string {
  return test === 'true' ? stmt : `if (${test}) ${stmt}`
}

/** Statements under a version test, braced when there are several. */
function block(test: string, stmts: string[]): string[] {
  if (test === 'true') return stmts
  if (stmts.length === 1) return [when(test, stmts[0])]
  return [`if (${test}) {`, ...stmts.map((s) => `  ${s}`), `}`]
}

const NUMBER_TYPES = new Set<Primitive>(['int8', 'int16', 'uint16', 'int32', 'uint32', 'float64'])
/** Element readers in io.ts for arrays of primitives. */
const ELEMENT_READERS: Partial<Record<Primitive, string>> = {
  int8: 'readInt8',
  int16: 'readInt16',
  int32: 'readInt32',
  int64: 'readInt64',
  uuid: 'readUuid',
  string: 'readString',
}

function primitiveTsType(type: Primitive): string {
  if (NUMBER_TYPES.has(type)) return 'number'
  if (type === 'int64') return 'bigint'
  if (type === 'bool') return 'boolean'
  if (type === 'bytes' || type === 'records') return 'Buffer'
  return 'string'
}

/** Emits the structs of one message; `names` gives each struct its TypeScript name. */
class MessageEmitter {
  constructor(
    private readonly message: Message,
    private readonly names: Map<Struct, string>,
  ) {}

  private name(struct: Struct): string {
    return this.names.get(struct)!
  }

  private isNullableType(f: Field): boolean {
    return !isEmpty(f.nullableVersions) || f.default === 'null' || (f.type.kind === 'primitive' && f.type.type === 'records')
  }

  tsType(f: Field): string {
    const t = f.type
    let base: string
    if (t.kind === 'primitive') base = primitiveTsType(t.type)
    else if (t.kind === 'struct') base = this.name(t.struct)
    else base = `${t.element.kind === 'primitive' ? primitiveTsType(t.element.type) : this.name(t.element.struct)}[]`
    return this.isNullableType(f) ? `${base} | null` : base
  }

  defaultValue(f: Field): string {
    if (f.default === 'null') return 'null'
    const t = f.type
    if (t.kind === 'array') return '[]'
    if (t.kind === 'struct') return `default${this.name(t.struct)}()`
    switch (t.type) {
      case 'bool':
        return f.default === 'true' ? 'true' : 'false'
      case 'int64':
        return `${BigInt(f.default ?? 0)}n`
      case 'string':
        return `'${(f.default ?? '').replace(/[\\']/g, '\\$&')}'`
      case 'uuid':
        return 'ZERO_UUID'
      case 'bytes':
        return 'EMPTY_BYTES'
      case 'records':
        return 'null'
      default:
        return String(f.default === undefined ? 0 : Number(f.default))
    }
  }

  /** A boolean expression: does `v` differ from the field's default? */
  nonDefault(f: Field, v: string): string {
    const t = f.type
    const dflt = this.defaultValue(f)
    if (dflt === 'null') return `${v} !== null`
    const orNull = this.isNullableType(f) ? `${v} === null || ` : ''
    if (t.kind === 'array' || (t.kind === 'primitive' && t.type === 'bytes')) return `(${orNull}${v}.length !== 0)`
    if (t.kind === 'struct') return `(${orNull}!isDefault${this.name(t.struct)}(${v}))`
    return `${v} !== ${dflt}`
  }

  private path(struct: Struct, f: Field): string {
    const owner = struct === this.message.root ? this.message.name : `${this.message.name}.${this.name(struct)}`
    return `${owner}.${f.prop}`
  }

  /** The compact flag for a field's strings, bytes and arrays. */
  private compact(f: Field, within: VersionRange): string {
    const test = versionTest(f.flexibleVersions, within)
    return test === versionTest(this.message.flexibleVersions, within) && test !== 'true' && test !== 'false' ? 'flexible' : test
  }

  /** Reads the field in a version where it is present. */
  readExpr(struct: Struct, f: Field, present: VersionRange): string {
    const t = f.type
    const c = this.compact(f, present)
    const nullable = versionTest(f.nullableVersions, present)
    const choose = (nullableExpr: string, nonNullExpr: string) =>
      nullable === 'true' ? nullableExpr : nullable === 'false' ? nonNullExpr : `(${nullable} ? ${nullableExpr} : ${nonNullExpr})`
    if (t.kind === 'struct') {
      const read = `read${this.name(t.struct)}(r, version)`
      return choose(`(r.int8() < 0 ? null : ${read})`, read)
    }
    if (t.kind === 'array') {
      const e = t.element
      const element = e.kind === 'struct' ? `read${this.name(e.struct)}` : ELEMENT_READERS[e.type]
      if (!element) throw new Error(`${this.path(struct, f)}: no reader for arrays of ${f.type}`)
      return choose(`readNullableArray(r, version, ${c}, ${element})`, `readArray(r, version, ${c}, ${element})`)
    }
    switch (t.type) {
      case 'string':
        return choose(`r.nullableString(${c})`, `r.string(${c})`)
      case 'bytes':
      case 'records':
        return choose(`r.nullableBytes(${c})`, `r.bytes(${c})`)
      default:
        return `r.${t.type}()`
    }
  }

  /** Statements writing the field's value `v` with writer `w`, in a version where it is present. */
  writeStmts(struct: Struct, f: Field, present: VersionRange, w: string, v: string): string[] {
    const t = f.type
    const c = this.compact(f, present)
    const nullable = versionTest(f.nullableVersions, present)
    const nullableType = this.isNullableType(f)
    // A null the version cannot carry is a bug in the caller; say which field.
    const nullError = `nullField('${this.path(struct, f)}', version)`
    if (t.kind === 'primitive' && (t.type === 'string' || t.type === 'bytes' || t.type === 'records')) {
      const kind = t.type === 'string' ? 'String' : 'Bytes'
      const nonNull = `${w}.${kind.toLowerCase()}(${nullableType ? `${v} ?? ${nullError}` : v}, ${c})`
      if (nullable === 'true') return [`${w}.nullable${kind}(${v}, ${c})`]
      if (nullable === 'false') return [nonNull]
      return [`if (${nullable}) ${w}.nullable${kind}(${v}, ${c})`, `else ${nonNull}`]
    }
    if (t.kind === 'primitive') return [this.writePrimitive(t.type, w, v, c)]
    const body =
      t.kind === 'struct'
        ? [`write${this.name(t.struct)}(${w}, version, ${v})`]
        : [
            `${w}.arrayLength(${v}.length, ${c})`,
            `for (const e of ${v}) ${
              t.element.kind === 'struct' ? `write${this.name(t.element.struct)}(${w}, version, e)` : this.writePrimitive(t.element.type, w, 'e', c)
            }`,
          ]
    if (!nullableType) return body
    // Null is a -1 length for arrays and a -1 marker byte before a struct.
    const writeNull = t.kind === 'struct' ? `${w}.int8(-1)` : `${w}.nullableArrayLength(null, ${c})`
    const onNull = nullable === 'true' ? writeNull : nullable === 'false' ? nullError : `{\n  if (!(${nullable})) ${nullError}\n  ${writeNull}\n}`
    const whenPresent = t.kind === 'struct' ? [`${w}.int8(1)`, ...body] : body
    return [...`if (${v} === null) ${onNull}`.split('\n'), `else {`, ...whenPresent.map((s) => `  ${s}`), `}`]
  }

  /** Writes a non-null primitive (an array element, or a number, bool or uuid field). */
  private writePrimitive(type: Primitive, w: string, v: string, c: string): string {
    if (type === 'string') return `${w}.string(${v}, ${c})`
    if (type === 'bytes' || type === 'records') return `${w}.bytes(${v}, ${c})`
    return `${w}.${type}(${v})`
  }

  emitInterface(struct: Struct): string {
    const lines = struct.fields.map((f) => {
      const about = f.about ? `${f.about.replace(/\*\//g, '*\\/')} ` : ''
      return `  /** ${about}(versions ${formatVersions(f.versions)}${isEmpty(f.taggedVersions) ? '' : `, tagged ${f.tag}`}) */\n  ${f.prop}: ${this.tsType(f)}`
    })
    return `export interface ${this.name(struct)} {\n${lines.join('\n')}\n}\n`
  }

  emitDefault(struct: Struct): string {
    const fields = struct.fields.map((f) => `    ${f.prop}: ${this.defaultValue(f)},`)
    const name = this.name(struct)
    const nonDefault = struct.fields.map((f) => this.nonDefault(f, `d.${f.prop}`))
    const isDefault = nonDefault.length === 0 ? 'true' : `!(${nonDefault.join(' || ')})`
    return (
      `function default${name}(): ${name} {\n  return {\n${fields.join('\n')}\n  }\n}\n\n` +
      `function isDefault${name}(d: ${name}): boolean {\n  return ${isDefault}\n}\n`
    )
  }

  private flexibleDecl(within: VersionRange): { decl: string[]; flexible: string } {
    const test = versionTest(this.message.flexibleVersions, within)
    if (test === 'true' || test === 'false') return { decl: [], flexible: test }
    return { decl: [`const flexible = ${test}`], flexible: 'flexible' }
  }

  private taggedFields(struct: Struct): Field[] {
    return struct.fields.filter((f) => !isEmpty(f.taggedVersions)).sort((a, b) => a.tag! - b.tag!)
  }

  emitReader(struct: Struct, root: boolean): string {
    const name = this.name(struct)
    const within = struct.versions
    const { decl, flexible } = this.flexibleDecl(within)
    // Tagged sections exist only in flexible versions: tests inside them need not repeat that.
    const flexibleWithin = intersect(within, this.message.flexibleVersions)
    const props = struct.fields.map((f) => {
      const regular = regularVersions(f)
      const test = versionTest(regular, within)
      const read = test === 'false' ? '' : this.readExpr(struct, f, intersect(regular, within))
      const value = test === 'true' ? read : test === 'false' ? this.defaultValue(f) : `${test} ? ${read} : ${this.defaultValue(f)}`
      return `    ${f.prop}: ${value},`
    })
    const body = [...decl, `const d: ${name} = {`, ...props.map((p) => p.slice(2)), `}`]
    const tagged = this.taggedFields(struct)
    if (flexible !== 'false' && tagged.length === 0) body.push(when(flexible, 'r.skipTaggedFields()'))
    if (flexible !== 'false' && tagged.length > 0) {
      const cases = tagged.flatMap((f) => {
        const present = intersect(f.taggedVersions, within)
        const test = versionTest(f.taggedVersions, flexibleWithin)
        const assign = `d.${f.prop} = ${this.readExpr(struct, f, present)}`
        return [`      case ${f.tag}:`, `        ${test === 'true' ? assign : `if (${test}) ${assign}`}`, `        break`]
      })
      const loop = [
        `for (let n = r.unsignedVarint(); n > 0; n--) {`,
        `  const tag = r.unsignedVarint()`,
        `  const outer = r.enterTaggedField()`,
        `  switch (tag) {`,
        ...cases.map((c) => c.slice(2)),
        `  }`,
        `  r.leaveTaggedField(outer)`,
        `}`,
      ]
      body.push(...block(flexible, loop))
    }
    body.push('return d')
    const signature = root
      ? `export function decode${name}(version: number, r: Reader): ${name}`
      : `function read${name}(r: Reader, version: number): ${name}`
    return `${signature} {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`
  }

  emitWriter(struct: Struct, root: boolean): string {
    const name = this.name(struct)
    const within = struct.versions
    const { decl, flexible } = this.flexibleDecl(within)
    // Tagged sections exist only in flexible versions: tests inside them need not repeat that.
    const flexibleWithin = intersect(within, this.message.flexibleVersions)
    const body = [...decl]
    for (const f of struct.fields) {
      const v = `d.${f.prop}`
      const regular = regularVersions(f)
      const test = versionTest(regular, within)
      const stmts = test === 'false' ? [] : this.writeStmts(struct, f, intersect(regular, within), 'w', v)
      if (test !== 'false') body.push(...block(test, stmts))
      // Kafka's rule: a value the version cannot carry may be dropped only if the field is ignorable.
      const present = versionTest(f.versions, within)
      if (f.ignorable || present === 'true') continue
      const nonDefault = this.nonDefault(f, v)
      const fail = `w.unsupportedField('${this.path(struct, f)}', version, '${formatVersions(f.versions)}')`
      if (present === 'false') body.push(`if (${nonDefault}) ${fail}`)
      else if (test !== present) body.push(`if (!(${present}) && ${nonDefault}) ${fail}`)
      else if (body[body.length - 1] === '}') body[body.length - 1] = `} else if (${nonDefault}) ${fail}`
      else body.push(`else if (${nonDefault}) ${fail}`)
    }
    const tagged = this.taggedFields(struct)
    if (flexible !== 'false' && tagged.length === 0) body.push(when(flexible, 'w.unsignedVarint(0)'))
    if (flexible !== 'false' && tagged.length > 0) {
      const lines: string[] = []
      tagged.forEach((f, i) => {
        const test = versionTest(f.taggedVersions, flexibleWithin)
        const nonDefault = this.nonDefault(f, `d.${f.prop}`)
        lines.push(`const tagged${i} = ${test === 'true' ? nonDefault : `${test} && ${nonDefault}`}`)
      })
      const count = tagged.length === 1 ? 'tagged0 ? 1 : 0' : tagged.map((_, i) => `(tagged${i} ? 1 : 0)`).join(' + ')
      lines.push(`w.unsignedVarint(${count})`)
      tagged.forEach((f, i) => {
        const stmts = this.writeStmts(struct, f, intersect(f.taggedVersions, within), 't', `d.${f.prop}`)
        lines.push(`if (tagged${i}) {`, `  const t = new Writer(64)`, ...stmts.map((s) => `  ${s}`), `  w.taggedField(${f.tag}, t)`, `}`)
      })
      body.push(...block(flexible, lines))
    }
    const signature = `${root ? 'export ' : ''}function write${name}(w: Writer, version: number, d: ${name}): void`
    return `${signature} {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`
  }

  emitEncode(): string {
    const name = this.name(this.message.root)
    return (
      `export function encode${name}(version: number, d: ${name}): Buffer {\n` +
      `  const w = new Writer()\n  write${name}(w, version, d)\n  return w.finish()\n}\n`
    )
  }

  emit(defaultsNeeded: Set<Struct>): string[] {
    const out: string[] = []
    // In definition order, the root first: reads top-down like the schema.
    const structs = this.message.structs
    for (const s of structs) out.push(this.emitInterface(s))
    for (const s of structs) {
      const root = s === this.message.root
      if (defaultsNeeded.has(s)) out.push(this.emitDefault(s))
      out.push(this.emitReader(s, root), this.emitWriter(s, root))
      if (root) out.push(this.emitEncode())
    }
    return out
  }
}

/**
 * TypeScript names for structs, unique across all generated files so the index can re-export
 * every type: a nested struct keeps its JSON name unless another message also uses that name,
 * then it takes its message's name as a prefix (FetchResponse's PartitionData becomes
 * FetchResponsePartitionData, like Java's FetchResponseData.PartitionData).
 */
export function structNames(messages: Message[]): Map<Struct, string> {
  const users = new Map<string, Set<Message>>()
  for (const m of messages) for (const s of m.structs) users.set(s.name, (users.get(s.name) ?? new Set()).add(m))
  const names = new Map<Struct, string>()
  for (const m of messages) {
    for (const s of m.structs) names.set(s, s === m.root || users.get(s.name)!.size === 1 ? s.name : `${m.name}${s.name}`)
  }
  return names
}

function structsNeedingDefaults(messages: Message[]): Set<Struct> {
  const needed = new Set<Struct>()
  for (const m of messages) {
    for (const s of m.structs) for (const f of s.fields) if (f.type.kind === 'struct' && f.default !== 'null') needed.add(f.type.struct)
  }
  return needed
}

const IO_NAMES = [
  'EMPTY_BYTES',
  'ZERO_UUID',
  'nullField',
  'readArray',
  'readNullableArray',
  'readInt8',
  'readInt16',
  'readInt32',
  'readInt64',
  'readString',
  'readUuid',
]

/** The generated source of one file holding `messages` (a request and its response, or the headers). */
export function emitFile(messages: Message[], names: Map<Struct, string>, sources: string[]): string {
  const defaults = structsNeedingDefaults(messages)
  const body = messages.flatMap((m) => new MessageEmitter(m, names).emit(defaults)).join('\n')
  const used = IO_NAMES.filter((n) => new RegExp(`\\b${n}\\b`).test(body))
  return [
    `// Generated by main/cluster/protocol/generator/generate.ts from Apache Kafka's message definitions`,
    `// (${sources.join(', ')}; Apache License 2.0). Do not edit: change the generator and regenerate.`,
    `import { ${['type Reader', 'Writer', ...used].join(', ')} } from './io'`,
    '',
    body,
  ].join('\n')
}
