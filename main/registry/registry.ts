// The registry's operations, as Confluent Schema Registry answers them: reads from memory,
// writes through one queue that applies a batch to memory, writes it to `_schemas` with
// acks=all in one produce, and takes it back if that fails.
import * as errors from './errors'
import { RegistryError } from './errors'
import { COMPATIBILITY_LEVELS, compatibilityLevel, compatibilityProblems, DEFAULT_COMPATIBILITY, type CompatibilityLevel } from './compatibility'
import { FORMATS, SCHEMA_TYPES } from './formats'
import type { ParsedSchema, ResolvedReference } from './formats/types'
import { LogWriteError } from './kafkaLog'
import { configKey, deleteSubjectKey, modeKey, schemaKey, type RegistryRecord, type SchemaReference, type SchemaType, type SchemaValue } from './records'
import { RegistryStore } from './store'

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const
export type Mode = (typeof MODES)[number]

/** Where the records go: the Kafka log, or anything that can take them (tests). */
export interface RecordSink {
  write(records: RegistryRecord[]): Promise<void>
}

export interface RegisterRequest {
  schema?: unknown
  schemaType?: unknown
  references?: unknown
  id?: unknown
  version?: unknown
}

export interface SchemaAnswer {
  subject: string
  version: number
  id: number
  schemaType?: SchemaType
  references?: SchemaReference[]
  schema: string
}

const MAX_VERSION = 2 ** 31 - 1

interface Pending {
  prepare: () => { records: RegistryRecord[]; result: unknown }
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
  what: string
}

export class Registry {
  readonly store = new RegistryStore()
  private readonly parsed = new Map<number, ParsedSchema>()
  private readonly queue: Pending[] = []
  private pumping = false
  /** How many requests the last write carried. */
  private lastBatch = 0

  constructor(private sink: RecordSink | null = null) {}

  setSink(sink: RecordSink): void {
    this.sink = sink
  }

  // ---- reads --------------------------------------------------------------------------

  subjectNames(deleted: boolean, prefix = ''): string[] {
    const out: string[] = []
    for (const [subject, versions] of this.store.subjects) {
      if (!subject.startsWith(prefix)) continue
      if (deleted || [...versions.values()].some((v) => !v.deleted)) out.push(subject)
    }
    return out.sort()
  }

  versions(subject: string, deleted: boolean): number[] {
    const versions = this.store.subjects.get(subject)
    const out = versions ? [...versions.values()].filter((v) => deleted || !v.deleted).map((v) => v.version) : []
    if (out.length === 0) throw errors.subjectNotFound(subject)
    return out.sort((a, b) => a - b)
  }

  /** `version`: a number, "latest" or -1. */
  version(subject: string, version: string, deleted: boolean): SchemaAnswer {
    return answer(this.versionValue(subject, version, deleted))
  }

  private versionValue(subject: string, version: string, deleted: boolean): SchemaValue {
    const wanted = parseVersion(version)
    const versions = this.store.subjects.get(subject)
    const live = versions ? [...versions.values()].filter((v) => deleted || !v.deleted) : []
    if (live.length === 0) throw errors.subjectNotFound(subject)
    if (wanted === 'latest') return live.reduce((a, b) => (b.version > a.version ? b : a))
    const value = versions?.get(wanted)
    if (!value || (value.deleted && !deleted)) throw errors.versionNotFound(wanted)
    return value
  }

  schemaById(id: number, subject?: string): { schema: string; schemaType?: SchemaType; references?: SchemaReference[] } {
    const stored = this.store.schemas.get(id)
    if (!stored || this.store.usesOf(id).length === 0) throw errors.schemaNotFound(id)
    if (subject !== undefined && !this.store.usesOf(id).some((u) => u.subject === subject)) throw errors.schemaNotFound(id)
    return {
      ...(stored.schemaType !== 'AVRO' ? { schemaType: stored.schemaType } : {}),
      ...(stored.references.length > 0 ? { references: stored.references } : {}),
      schema: stored.schema,
    }
  }

  idUses(id: number, deleted: boolean): Array<{ subject: string; version: number }> {
    if (!this.store.schemas.has(id)) throw errors.schemaNotFound(id)
    const uses = this.store.usesOf(id)
    if (uses.length === 0) throw errors.schemaNotFound(id)
    return uses.filter((u) => deleted || !u.deleted).map(({ subject, version }) => ({ subject, version }))
  }

  /** Ids of the schemas that reference subject `subject` version `version`. */
  referencedBy(subject: string, version: string): number[] {
    const value = this.versionValue(subject, version, true)
    const ids = new Set<number>()
    for (const versions of this.store.subjects.values()) {
      for (const v of versions.values()) {
        if (!v.deleted && (v.references ?? []).some((r) => r.subject === subject && r.version === value.version)) ids.add(v.id)
      }
    }
    return [...ids].sort((a, b) => a - b)
  }

  /** Every live schema version, or only each subject's latest (GET /schemas). */
  allSchemas(prefix: string, deleted: boolean, latestOnly: boolean): SchemaAnswer[] {
    const out: SchemaAnswer[] = []
    for (const subject of this.subjectNames(deleted, prefix)) {
      const versions = [...(this.store.subjects.get(subject)?.values() ?? [])].filter((v) => deleted || !v.deleted).sort((a, b) => a.version - b.version)
      for (const v of latestOnly ? versions.slice(-1) : versions) out.push(answer(v))
    }
    return out
  }

  schemaTypes(): readonly SchemaType[] {
    return SCHEMA_TYPES
  }

  /** The level in force for a subject: its own, else the global one, else BACKWARD. */
  compatibilityOf(subject: string | null): CompatibilityLevel {
    const own = subject === null ? undefined : compatibilityLevel(this.store.configs.get(subject)?.compatibilityLevel)
    return own ?? compatibilityLevel(this.store.configs.get(null)?.compatibilityLevel) ?? DEFAULT_COMPATIBILITY
  }

  config(subject: string | null, defaultToGlobal: boolean): { compatibilityLevel: CompatibilityLevel; normalize?: boolean } {
    if (subject !== null) {
      const own = this.store.configs.get(subject)
      if (!own?.compatibilityLevel) {
        if (!defaultToGlobal) throw errors.subjectCompatibilityNotConfigured(subject)
        return this.config(null, false)
      }
      return { compatibilityLevel: compatibilityLevel(own.compatibilityLevel) ?? DEFAULT_COMPATIBILITY, ...(own.normalize !== undefined ? { normalize: own.normalize } : {}) }
    }
    const global = this.store.configs.get(null)
    return { compatibilityLevel: this.compatibilityOf(null), ...(global?.normalize !== undefined ? { normalize: global.normalize } : {}) }
  }

  modeOf(subject: string | null): Mode {
    const own = subject === null ? undefined : this.store.modes.get(subject)
    return ((own ?? this.store.modes.get(null) ?? 'READWRITE') as Mode)
  }

  mode(subject: string | null, defaultToGlobal: boolean): { mode: Mode } {
    if (subject !== null && !this.store.modes.has(subject)) {
      if (!defaultToGlobal) throw errors.subjectModeNotConfigured(subject)
    }
    return { mode: this.modeOf(subject) }
  }

  // ---- schemas --------------------------------------------------------------------------

  /** A stored schema parsed (cached by id). */
  private parsedById(id: number): ParsedSchema {
    let parsed = this.parsed.get(id)
    if (!parsed) {
      const stored = this.store.schemas.get(id)
      if (!stored) throw errors.schemaNotFound(id)
      parsed = FORMATS[stored.schemaType].parse(stored.schema, this.resolveReferences(stored.references, [], null))
      this.parsed.set(id, parsed)
    }
    return parsed
  }

  /** References with their schemas, depth first; a cycle or a missing one is an invalid schema (42201). */
  resolveReferences(references: SchemaReference[], stack: string[], registering: string | null): ResolvedReference[] {
    return references.map((ref) => {
      if (registering !== null && ref.subject === registering && ref.version === -1) {
        throw errors.invalidSchema(`reference ${ref.name} names subject ${ref.subject}'s latest version, which is the schema being registered: a reference cycle`)
      }
      const versions = this.store.subjects.get(ref.subject)
      const value =
        ref.version === -1
          ? [...(versions?.values() ?? [])].filter((v) => !v.deleted).reduce<SchemaValue | undefined>((a, b) => (!a || b.version > a.version ? b : a), undefined)
          : versions?.get(ref.version)
      if (!value) throw errors.invalidSchema(`reference ${ref.name}: subject ${ref.subject} version ${ref.version === -1 ? 'latest' : ref.version} not found`)
      const key = `${ref.subject} version ${value.version}`
      if (stack.includes(key)) throw errors.invalidSchema(`reference cycle: ${[...stack, key].join(' -> ')}`)
      return {
        name: ref.name,
        subject: ref.subject,
        version: value.version,
        schemaType: value.schemaType ?? 'AVRO',
        schema: value.schema,
        references: this.resolveReferences(value.references ?? [], [...stack, key], null),
      }
    })
  }

  /** The request's schema checked and parsed: its type, references, parsed form and stored text. */
  private candidate(subject: string | null, request: RegisterRequest, normalize: boolean) {
    if (request === null || typeof request !== 'object' || Array.isArray(request)) throw errors.badRequest('The request body must be a JSON object')
    if (request.schema === undefined || request.schema === null || request.schema === '') throw errors.invalidSchema('Empty schema')
    if (typeof request.schema !== 'string') throw errors.badRequest('Cannot deserialize value of type `java.lang.String` from the value of "schema": send the schema as a string')
    const schemaType = (request.schemaType ?? 'AVRO') as SchemaType
    if (typeof schemaType !== 'string' || !SCHEMA_TYPES.includes(schemaType.toUpperCase() as SchemaType)) {
      throw errors.invalidSchema(`unknown schema type ${JSON.stringify(request.schemaType)}; this registry knows ${SCHEMA_TYPES.join(', ')}`)
    }
    const type = schemaType.toUpperCase() as SchemaType
    const references = parseReferences(request.references)
    const resolved = this.resolveReferences(references, subject === null ? [] : [], subject)
    let parsed: ParsedSchema
    try {
      parsed = FORMATS[type].parse(request.schema, resolved)
    } catch (err) {
      if (err instanceof RegistryError) throw err
      throw errors.invalidSchema(`${type} schema: ${(err as Error).message}`)
    }
    const text = normalize ? parsed.normalized() : parsed.canonical
    return { type, references, parsed, text, identity: RegistryStore.identity(type, text, references) }
  }

  /** Live versions of a subject, oldest first, parsed (only the latest when `latestOnly`). */
  private history(subject: string, latestOnly = false): Array<{ version: number; schema: ParsedSchema; value: SchemaValue }> {
    const versions = [...(this.store.subjects.get(subject)?.values() ?? [])].filter((v) => !v.deleted).sort((a, b) => a.version - b.version)
    return (latestOnly ? versions.slice(-1) : versions).map((value) => ({ version: value.version, value, schema: this.parsedById(value.id) }))
  }

  /** The versions a level checks a new schema against. */
  private checkedHistory(subject: string, level: CompatibilityLevel) {
    return level === 'NONE' ? [] : this.history(subject, !level.endsWith('_TRANSITIVE'))
  }

  /** POST /subjects/{subject}: the version of `subject` that holds this schema. */
  lookup(subject: string, request: RegisterRequest, normalize: boolean, deleted: boolean): SchemaAnswer {
    const versions = this.store.subjects.get(subject)
    if (!versions || (!deleted && [...versions.values()].every((v) => v.deleted))) throw errors.subjectNotFound(subject)
    const c = this.candidate(null, request, normalize || this.normalizeOf(subject))
    const candidates = [c.identity, RegistryStore.identity(c.type, c.parsed.normalized(), c.references), RegistryStore.identity(c.type, c.parsed.canonical, c.references)]
    const found = [...versions.values()]
      .filter((v) => deleted || !v.deleted)
      .sort((a, b) => b.version - a.version)
      .find((v) => candidates.includes(RegistryStore.identity(v.schemaType ?? 'AVRO', v.schema, v.references ?? [])))
    if (!found) throw errors.schemaNotFound()
    return answer(found)
  }

  private normalizeOf(subject: string): boolean {
    return this.store.configs.get(subject)?.normalize ?? this.store.configs.get(null)?.normalize ?? false
  }

  testCompatibility(subject: string, version: string | null, request: RegisterRequest, normalize: boolean): { is_compatible: boolean; messages: string[] } {
    const level = this.compatibilityOf(subject)
    let previous: Array<{ version: number; schema: ParsedSchema }>
    if (version === null) previous = this.checkedHistory(subject, level)
    else {
      const value = this.versionValue(subject, version, false)
      previous = [{ version: value.version, schema: this.parsedById(value.id) }]
    }
    const c = this.candidate(subject, request, normalize)
    const messages = compatibilityProblems(level, c.parsed, previous)
    return { is_compatible: messages.length === 0, messages }
  }

  // ---- writes ---------------------------------------------------------------------------

  private refuseIfReadOnly(subject: string | null): void {
    const mode = this.modeOf(subject)
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw errors.operationNotPermitted(subject === null ? 'The registry is in read-only mode' : `Subject ${subject} is in read-only mode`)
  }

  register(subject: string, request: RegisterRequest, normalize: boolean): Promise<{ id: number; version: number }> {
    return this.enqueue(`registering a schema under subject ${subject}`, () => {
      validSubject(subject)
      this.refuseIfReadOnly(subject)
      const mode = this.modeOf(subject)
      const c = this.candidate(subject, request, normalize || this.normalizeOf(subject))
      const requestedId = request.id === undefined || request.id === null ? null : Number(request.id)
      const requestedVersion = request.version === undefined || request.version === null ? null : Number(request.version)
      if (requestedId !== null && (!Number.isInteger(requestedId) || requestedId < 1)) throw errors.badRequest(`id must be a positive whole number, not ${JSON.stringify(request.id)}`)
      if (requestedVersion !== null && (!Number.isInteger(requestedVersion) || requestedVersion < 1 || requestedVersion > MAX_VERSION)) throw errors.invalidVersion(String(request.version))
      if (requestedId !== null && mode !== 'IMPORT') throw errors.operationNotPermitted(`Subject ${subject} is not in import mode`)
      // The same schema already under this subject: its id, nothing written.
      const existingId = this.store.idOf(c.identity)
      const same = existingId === undefined ? undefined : this.store.usesOf(existingId).find((u) => u.subject === subject && !u.deleted)
      if (same && existingId !== undefined && (requestedId === null || requestedId === existingId)) return { records: [], result: { id: existingId, version: same.version } }
      if (mode !== 'IMPORT') {
        const level = this.compatibilityOf(subject)
        const problems = compatibilityProblems(level, c.parsed, this.checkedHistory(subject, level))
        if (problems.length > 0) throw errors.incompatibleSchema(subject, problems)
      }
      let id: number
      if (requestedId !== null) {
        const holder = this.store.schemas.get(requestedId)
        if (holder && RegistryStore.identity(holder.schemaType, holder.schema, holder.references) !== c.identity) {
          throw errors.idDoesNotMatch(`Overwrite new schema with id ${requestedId} is not permitted.`)
        }
        id = requestedId
      } else id = existingId ?? this.store.maxId + 1
      const all = [...(this.store.subjects.get(subject)?.values() ?? [])]
      const version = requestedVersion ?? all.reduce((max, v) => Math.max(max, v.version), 0) + 1
      const taken = this.store.subjects.get(subject)?.get(version)
      if (taken && !taken.deleted) throw errors.idDoesNotMatch(`Version ${version} of subject ${subject} is already taken by schema ${taken.id}`)
      const value: SchemaValue = { subject, version, id, schemaType: c.type, references: c.references, schema: c.text, deleted: false }
      this.parsed.set(id, this.parsed.get(id) ?? c.parsed)
      return { records: [{ key: schemaKey(subject, version), value }], result: { id, version } }
    }) as Promise<{ id: number; version: number }>
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.enqueue(`deleting subject ${subject}`, () => {
      this.refuseIfReadOnly(subject)
      const versions = [...(this.store.subjects.get(subject)?.values() ?? [])].sort((a, b) => a.version - b.version)
      if (versions.length === 0) throw errors.subjectNotFound(subject)
      const live = versions.filter((v) => !v.deleted)
      this.refuseIfReferenced(subject, live)
      if (!permanent) {
        if (live.length === 0) throw errors.subjectSoftDeleted(subject)
        const latest = versions[versions.length - 1] as SchemaValue
        return { records: [{ key: deleteSubjectKey(subject), value: { subject, version: latest.version } }], result: live.map((v) => v.version) }
      }
      if (live.length > 0) throw errors.subjectNotSoftDeleted(subject)
      const records: RegistryRecord[] = versions.map((v) => ({ key: schemaKey(subject, v.version), value: null }))
      if (this.store.configs.has(subject)) records.push({ key: configKey(subject), value: null })
      if (this.store.modes.has(subject)) records.push({ key: modeKey(subject), value: null })
      return { records, result: versions.map((v) => v.version) }
    }) as Promise<number[]>
  }

  deleteVersion(subject: string, version: string, permanent: boolean): Promise<number> {
    return this.enqueue(`deleting subject ${subject} version ${version}`, () => {
      this.refuseIfReadOnly(subject)
      const wanted = parseVersion(version)
      const versions = this.store.subjects.get(subject)
      if (!versions || versions.size === 0) throw errors.subjectNotFound(subject)
      let value: SchemaValue | undefined
      if (wanted === 'latest') {
        const sorted = [...versions.values()].sort((a, b) => b.version - a.version)
        value = permanent ? sorted[0] : sorted.find((v) => !v.deleted)
        if (!value) throw errors.subjectNotFound(subject)
      } else value = versions.get(wanted)
      if (!value) throw errors.versionNotFound(wanted)
      if (!value.deleted) this.refuseIfReferenced(subject, [value])
      if (!permanent) {
        if (value.deleted) throw errors.versionSoftDeleted(subject, value.version)
        return { records: [{ key: schemaKey(subject, value.version), value: { ...value, deleted: true } }], result: value.version }
      }
      if (!value.deleted) throw errors.versionNotSoftDeleted(subject, value.version)
      return { records: [{ key: schemaKey(subject, value.version), value: null }], result: value.version }
    }) as Promise<number>
  }

  private refuseIfReferenced(subject: string, values: SchemaValue[]): void {
    for (const value of values) {
      for (const versions of this.store.subjects.values()) {
        for (const v of versions.values()) {
          if (!v.deleted && (v.references ?? []).some((r) => r.subject === subject && r.version === value.version)) {
            throw errors.referenceExists(`subject ${subject} version ${value.version} (referenced by subject ${v.subject} version ${v.version})`)
          }
        }
      }
    }
  }

  setConfig(subject: string | null, body: unknown): Promise<{ compatibility: CompatibilityLevel; normalize?: boolean }> {
    return this.enqueue('updating compatibility', () => {
      if (subject !== null) validSubject(subject)
      const b = jsonObject(body)
      const level = compatibilityLevel(b.compatibility ?? b.compatibilityLevel)
      if (!level) throw errors.invalidCompatibility()
      if (b.normalize !== undefined && typeof b.normalize !== 'boolean') throw errors.badRequest('normalize must be true or false')
      const value = { compatibilityLevel: level, ...(b.normalize !== undefined ? { normalize: b.normalize as boolean } : {}) }
      return { records: [{ key: configKey(subject), value }], result: { compatibility: level, ...(b.normalize !== undefined ? { normalize: b.normalize as boolean } : {}) } }
    }) as Promise<{ compatibility: CompatibilityLevel; normalize?: boolean }>
  }

  deleteConfig(subject: string | null): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return this.enqueue('deleting compatibility', () => {
      const previous = this.config(subject, false)
      if (subject !== null && !this.store.subjects.has(subject) && !this.store.configs.has(subject)) throw errors.subjectNotFound(subject)
      return { records: [{ key: configKey(subject), value: null }], result: previous }
    }) as Promise<{ compatibilityLevel: CompatibilityLevel }>
  }

  setMode(subject: string | null, body: unknown, force: boolean): Promise<{ mode: Mode }> {
    return this.enqueue('updating the mode', () => {
      if (subject !== null) validSubject(subject)
      const b = jsonObject(body)
      const mode = typeof b.mode === 'string' ? (b.mode.toUpperCase() as Mode) : null
      if (!mode || !MODES.includes(mode)) throw errors.invalidMode()
      if (mode === 'IMPORT' && !force) {
        const existing = subject === null ? this.subjectNames(false).length > 0 : this.subjectNames(false).includes(subject)
        if (existing) throw errors.operationNotPermitted('Cannot import since found existing subjects')
      }
      return { records: [{ key: modeKey(subject), value: { mode } }], result: { mode } }
    }) as Promise<{ mode: Mode }>
  }

  deleteMode(subject: string): Promise<{ mode: Mode }> {
    return this.enqueue('deleting the mode', () => {
      const previous = this.mode(subject, false)
      return { records: [{ key: modeKey(subject), value: null }], result: previous }
    }) as Promise<{ mode: Mode }>
  }

  // ---- the write queue ------------------------------------------------------------------

  private enqueue(what: string, prepare: Pending['prepare']): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ prepare, resolve, reject, what })
      // The next turn of the event loop, so requests parsed together are written together.
      if (!this.pumping) {
        this.pumping = true
        setImmediate(() => void this.pump())
      }
    })
  }

  private async pump(): Promise<void> {
    this.pumping = true
    try {
      while (this.queue.length > 0) {
        // Many clients at once answer together and send together: when fewer are waiting
        // than were in the last batch, give the rest a moment to arrive, so one write
        // carries them all rather than two writes taking turns.
        if (this.queue.length < this.lastBatch / 2) await new Promise((r) => setTimeout(r, 2))
        const batch = this.queue.splice(0, 256)
        this.lastBatch = batch.length
        const undos: Array<() => void> = []
        const records: RegistryRecord[] = []
        const done: Array<{ pending: Pending; result: unknown }> = []
        for (const pending of batch) {
          try {
            const { records: mine, result } = pending.prepare()
            for (const record of mine) undos.push(this.store.apply(record))
            records.push(...mine)
            done.push({ pending, result })
          } catch (err) {
            pending.reject(err)
          }
        }
        if (records.length > 0) {
          try {
            if (!this.sink) throw new LogWriteError('the registry has no store to write to', 'failed')
            await this.sink.write(records)
          } catch (err) {
            for (const undo of undos.reverse()) undo()
            this.parsed.clear()
            for (const { pending } of done) pending.reject(storeFailure(pending.what, err))
            continue
          }
        }
        for (const { pending, result } of done) pending.resolve(result)
      }
    } finally {
      this.pumping = false
    }
  }

  /** A record read from `_schemas` that this registry did not write itself. */
  applyRead(record: RegistryRecord): void {
    this.store.apply(record)
    if (record.key.keytype === 'SCHEMA' && record.value === null) this.parsed.clear()
  }
}

function storeFailure(what: string, err: unknown): RegistryError {
  if (err instanceof RegistryError) return err
  const message = (err as Error).message
  if (err instanceof LogWriteError && err.kind === 'timeout') return errors.operationTimeout(`Error while ${what}: the write to the Kafka store timed out: ${message}`)
  return errors.storeError(`Error while ${what}: the write to the Kafka store failed: ${message}`)
}

function answer(v: SchemaValue): SchemaAnswer {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType && v.schemaType !== 'AVRO' ? { schemaType: v.schemaType } : {}),
    ...(v.references && v.references.length > 0 ? { references: v.references } : {}),
    schema: v.schema,
  }
}

export function parseVersion(version: string): number | 'latest' {
  if (version === 'latest' || version === '-1') return 'latest'
  if (!/^\d+$/.test(version)) throw errors.invalidVersion(version)
  const n = Number(version)
  if (n < 1 || n > MAX_VERSION) throw errors.invalidVersion(version)
  return n
}

function parseReferences(value: unknown): SchemaReference[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw errors.badRequest('references must be an array of {name, subject, version}')
  return value.map((r, i) => {
    const ref = r as Record<string, unknown>
    if (!ref || typeof ref.name !== 'string' || typeof ref.subject !== 'string' || !Number.isInteger(ref.version)) {
      throw errors.invalidSchema(`reference ${i} must have a name, a subject and a whole version number (-1 for the latest)`)
    }
    return { name: ref.name, subject: ref.subject, version: ref.version as number }
  })
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('The request body must be a JSON object')
  return body as Record<string, unknown>
}

function validSubject(subject: string): void {
  if (subject.length === 0 || /[\u0000-\u001f]/.test(subject)) throw errors.invalidSubject(subject)
}

export { COMPATIBILITY_LEVELS }
