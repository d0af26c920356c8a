// The `_schemas` topic's records, in Confluent Schema Registry's layout, so a registry of
// either kind could read the other's topic. Keys and values are JSON:
//   SCHEMA          {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}
//                   -> {"subject","version","id","schemaType"?,"references"?,"schema","deleted"}
//                   (null: the version was hard-deleted)
//   CONFIG          {"keytype":"CONFIG","subject":"s","magic":0} (no subject: the global one)
//                   -> {"compatibilityLevel":"FULL", "normalize"?} (null: reset)
//   MODE            {"keytype":"MODE","subject":"s","magic":0} -> {"mode":"READONLY"} (null: reset)
//   DELETE_SUBJECT  {"keytype":"DELETE_SUBJECT","subject":"s","magic":0} -> {"subject","version"}
//   CLEAR_SUBJECT   {"keytype":"CLEAR_SUBJECT","subject":"s","magic":0} -> {"subject"}
//   NOOP            {"keytype":"NOOP","magic":0} -> null (a marker to read up to)

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF'

export interface SchemaReference {
  name: string
  subject: string
  version: number
}

export interface SchemaValue {
  subject: string
  version: number
  id: number
  schemaType?: SchemaType
  references?: SchemaReference[]
  schema: string
  deleted: boolean
}

export interface ConfigValue {
  compatibilityLevel?: string
  normalize?: boolean
}

export interface ModeValue {
  mode: string
}

export type RegistryKey =
  | { keytype: 'SCHEMA'; subject: string; version: number; magic: number }
  | { keytype: 'CONFIG'; subject?: string | null; magic: number }
  | { keytype: 'MODE'; subject?: string | null; magic: number }
  | { keytype: 'DELETE_SUBJECT'; subject: string; magic: number }
  | { keytype: 'CLEAR_SUBJECT'; subject: string; magic: number }
  | { keytype: 'NOOP'; magic: number }

export type RegistryRecord =
  | { key: Extract<RegistryKey, { keytype: 'SCHEMA' }>; value: SchemaValue | null }
  | { key: Extract<RegistryKey, { keytype: 'CONFIG' }>; value: ConfigValue | null }
  | { key: Extract<RegistryKey, { keytype: 'MODE' }>; value: ModeValue | null }
  | { key: Extract<RegistryKey, { keytype: 'DELETE_SUBJECT' }>; value: { subject: string; version: number } | null }
  | { key: Extract<RegistryKey, { keytype: 'CLEAR_SUBJECT' }>; value: { subject: string } | null }
  | { key: Extract<RegistryKey, { keytype: 'NOOP' }>; value: null }

export const schemaKey = (subject: string, version: number) => ({ keytype: 'SCHEMA' as const, subject, version, magic: 1 })
/** Confluent leaves the subject out of the global config's and mode's keys. */
export const configKey = (subject: string | null) => (subject === null ? { keytype: 'CONFIG' as const, magic: 0 } : { keytype: 'CONFIG' as const, subject, magic: 0 })
export const modeKey = (subject: string | null) => (subject === null ? { keytype: 'MODE' as const, magic: 0 } : { keytype: 'MODE' as const, subject, magic: 0 })
export const deleteSubjectKey = (subject: string) => ({ keytype: 'DELETE_SUBJECT' as const, subject, magic: 0 })
export const noopKey = () => ({ keytype: 'NOOP' as const, magic: 0 })

/** The record's key and value as the bytes written to `_schemas` (keys in Confluent's field order). */
export function encodeRecord(record: RegistryRecord): { key: Buffer; value: Buffer | null } {
  let value: unknown = record.value
  if (record.key.keytype === 'SCHEMA' && record.value) {
    const v = record.value as SchemaValue
    // Confluent omits schemaType for Avro, and references when there are none.
    value = {
      subject: v.subject,
      version: v.version,
      id: v.id,
      ...(v.schemaType && v.schemaType !== 'AVRO' ? { schemaType: v.schemaType } : {}),
      ...(v.references && v.references.length > 0 ? { references: v.references } : {}),
      schema: v.schema,
      deleted: v.deleted,
    }
  }
  return { key: Buffer.from(JSON.stringify(record.key)), value: value === null ? null : Buffer.from(JSON.stringify(value)) }
}

/** A record read from `_schemas`, or null for a key this registry does not know (skipped, as Confluent skips them). */
export function decodeRecord(key: Buffer | null | undefined, value: Buffer | null | undefined): RegistryRecord | null {
  if (!key || key.length === 0) return null
  let k: RegistryKey
  let v: unknown
  try {
    k = JSON.parse(key.toString('utf8')) as RegistryKey
    v = value && value.length > 0 ? JSON.parse(value.toString('utf8')) : null
  } catch {
    return null
  }
  if (!k || typeof k !== 'object') return null
  switch (k.keytype) {
    case 'SCHEMA':
    case 'CONFIG':
    case 'MODE':
    case 'DELETE_SUBJECT':
    case 'CLEAR_SUBJECT':
    case 'NOOP':
      return { key: k, value: v } as RegistryRecord
    default:
      return null
  }
}
