// The registry's state in memory, a pure function of the `_schemas` records read in order.
// `apply` returns an undo, so a batch applied before it is written can be taken back if
// the write fails.
import type { ConfigValue, RegistryRecord, SchemaReference, SchemaType, SchemaValue } from './records'

export interface StoredSchema {
  id: number
  schemaType: SchemaType
  schema: string
  references: SchemaReference[]
}

type Undo = () => void

export class RegistryStore {
  /** subject -> version -> value (soft-deleted ones included). */
  readonly subjects = new Map<string, Map<number, SchemaValue>>()
  /** Global id -> the schema it names. */
  readonly schemas = new Map<number, StoredSchema>()
  /** id -> the subject versions that use it ("subject\u0000version"). */
  private readonly usedBy = new Map<number, Set<string>>()
  /** A schema's identity (type, text, references) -> its id, so one schema keeps one id across subjects. */
  private readonly ids = new Map<string, number>()
  readonly configs = new Map<string | null, ConfigValue>()
  readonly modes = new Map<string | null, string>()
  maxId = 0

  static identity(schemaType: SchemaType, schema: string, references: SchemaReference[] = []): string {
    return JSON.stringify([schemaType, schema, references.map((r) => [r.name, r.subject, r.version])])
  }

  idOf(identity: string): number | undefined {
    return this.ids.get(identity)
  }

  /** Subject versions using schema `id` (live and soft-deleted). */
  usesOf(id: number): Array<{ subject: string; version: number; deleted: boolean }> {
    const out: Array<{ subject: string; version: number; deleted: boolean }> = []
    for (const entry of this.usedBy.get(id) ?? []) {
      const [subject, version] = entry.split('\u0000') as [string, string]
      const value = this.subjects.get(subject)?.get(Number(version))
      if (value) out.push({ subject, version: value.version, deleted: value.deleted })
    }
    return out.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version))
  }

  apply(record: RegistryRecord): Undo {
    switch (record.key.keytype) {
      case 'SCHEMA':
        return this.putVersion(record.key.subject, record.key.version, record.value as SchemaValue | null)
      case 'CONFIG':
        return setOrDelete(this.configs, record.key.subject ?? null, record.value as ConfigValue | null)
      case 'MODE': {
        const mode = (record.value as { mode?: string } | null)?.mode ?? null
        return setOrDelete(this.modes, record.key.subject ?? null, mode)
      }
      case 'DELETE_SUBJECT': {
        const value = record.value as { version?: number } | null
        const versions = this.subjects.get(record.key.subject)
        if (!value || !versions) return () => undefined
        const undos: Undo[] = []
        for (const v of versions.values()) {
          if (v.version <= (value.version ?? Infinity) && !v.deleted) undos.push(this.putVersion(v.subject, v.version, { ...v, deleted: true }))
        }
        return () => undos.reverse().forEach((u) => u())
      }
      case 'CLEAR_SUBJECT':
      case 'NOOP':
        return () => undefined
    }
  }

  private putVersion(subject: string, version: number, value: SchemaValue | null): Undo {
    let versions = this.subjects.get(subject)
    const hadSubject = versions !== undefined
    const previous = versions?.get(version)
    const undos: Undo[] = []
    if (value === null) {
      if (!versions || !previous) return () => undefined
      versions.delete(version)
      if (versions.size === 0) this.subjects.delete(subject)
      const users = this.usedBy.get(previous.id)
      users?.delete(`${subject}\u0000${version}`)
      undos.push(() => users?.add(`${subject}\u0000${version}`))
    } else {
      if (!versions) this.subjects.set(subject, (versions = new Map()))
      versions.set(version, value)
      const key = `${subject}\u0000${version}`
      if (previous && previous.id !== value.id) {
        const users = this.usedBy.get(previous.id)
        users?.delete(key)
        undos.push(() => users?.add(key))
      }
      let users = this.usedBy.get(value.id)
      if (!users) {
        this.usedBy.set(value.id, (users = new Set()))
        undos.push(() => this.usedBy.delete(value.id))
      }
      if (!users.has(key)) {
        users.add(key)
        undos.push(() => users.delete(key))
      }
      if (!this.schemas.has(value.id)) {
        const schemaType = value.schemaType ?? 'AVRO'
        const references = value.references ?? []
        this.schemas.set(value.id, { id: value.id, schemaType, schema: value.schema, references })
        undos.push(() => this.schemas.delete(value.id))
        const identity = RegistryStore.identity(schemaType, value.schema, references)
        if (!this.ids.has(identity)) {
          this.ids.set(identity, value.id)
          undos.push(() => this.ids.delete(identity))
        }
      }
      if (value.id > this.maxId) {
        const maxId = this.maxId
        this.maxId = value.id
        undos.push(() => (this.maxId = maxId))
      }
    }
    return () => {
      for (const undo of undos.reverse()) undo()
      if (!hadSubject) this.subjects.delete(subject)
      else {
        let versions = this.subjects.get(subject)
        if (!versions) this.subjects.set(subject, (versions = new Map()))
        if (previous) versions.set(version, previous)
        else versions.delete(version)
      }
    }
  }
}

function setOrDelete<K, V>(map: Map<K, V>, key: K, value: V | null): Undo {
  const had = map.has(key)
  const previous = map.get(key)
  if (value === null) map.delete(key)
  else map.set(key, value)
  return () => {
    if (had) map.set(key, previous as V)
    else map.delete(key)
  }
}
