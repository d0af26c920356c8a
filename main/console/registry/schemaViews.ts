// The Schemas page's methods over the connection's registry (RegistryClient, HTTP from main),
// producing with a schema, and records of a browsed page decoded through the registry.
import { ContractValidationError, type MethodName, type PagedRecord, type RequestOf, type ResponseOf, type SchemaSubjects } from '../../../preload/contract'
import type { KafkaConnection } from '../connections/kafkaConnection'
import { produceRecord } from '../views/produce'
import { runEvolutionDemo } from './evolutionDemo'
import { RegistryClient, RegistryError } from './registryClient'
import { decodeWire, encodePayload, encodeWire } from './schemaCodec'
import { FORMATS } from '../../registry/formats'

type SchemaMethod = Extract<MethodName, `schema:${string}`>
type Level = NonNullable<SchemaSubjects['globalLevel']>

const enc = encodeURIComponent

/** Registry refusals cross the contract as Kafka-like errors named by Confluent's code. */
export function registryCall<T>(call: () => Promise<T>): Promise<T> {
  return call().catch((err) => {
    if (err instanceof RegistryError) throw new ContractValidationError({ kind: 'kafka', message: err.message, errorName: err.unreachable ? 'REGISTRY_UNREACHABLE' : `REGISTRY_${err.errorCode}` })
    throw err
  })
}

export function schemaMethods(registry: RegistryClient | null, kafka: KafkaConnection) {
  const need = (): RegistryClient => {
    if (!registry) throw new ContractValidationError({ kind: 'invalid-request', message: 'this connection names no schema registry: add its URL on the Connections page' })
    return registry
  }
  const r = <T>(call: (registry: RegistryClient) => Promise<T>) => registryCall(() => call(need()))
  return {
    'schema:subjects': async (): Promise<ResponseOf<'schema:subjects'>> => {
      if (!registry) return { url: null, globalLevel: null, subjects: [] }
      return registryCall(async () => {
        const [global, live, all] = await Promise.all([
          registry.request<{ compatibilityLevel: Level }>('GET', 'config'),
          registry.request<string[]>('GET', 'subjects'),
          registry.request<string[]>('GET', 'subjects?deleted=true'),
        ])
        const subjects = await Promise.all(
          all.sort().map(async (subject) => {
            const softDeleted = !live.includes(subject)
            const [versions, level, latest] = await Promise.all([
              softDeleted ? Promise.resolve([] as number[]) : registry.request<number[]>('GET', `subjects/${enc(subject)}/versions`).catch(() => [] as number[]),
              registry.request<{ compatibilityLevel: Level }>('GET', `config/${enc(subject)}`).then((c) => c.compatibilityLevel, () => null),
              registry.request<{ schemaType?: 'AVRO' | 'JSON' | 'PROTOBUF' }>('GET', `subjects/${enc(subject)}/versions/latest${softDeleted ? '?deleted=true' : ''}`).catch(() => null),
            ])
            return { subject, versions, level, schemaType: latest ? (latest.schemaType ?? 'AVRO') : null, softDeleted }
          }),
        )
        return { url: registry.url, globalLevel: global.compatibilityLevel, subjects }
      })
    },
    'schema:version': (q: RequestOf<'schema:version'>) =>
      r(async (reg) => {
        const v = await reg.request<{ subject: string; version: number; id: number; schemaType?: 'AVRO' | 'JSON' | 'PROTOBUF'; schema: string }>('GET', `subjects/${enc(q.subject)}/versions/${q.version}`)
        return { subject: v.subject, version: v.version, id: v.id, schemaType: v.schemaType ?? 'AVRO', schema: v.schema }
      }),
    'schema:check': (q: RequestOf<'schema:check'>) =>
      r(async (reg): Promise<ResponseOf<'schema:check'>> => {
        // The draft must parse first: the registry would answer 42201 with the parser's words.
        const versions = await reg.request<number[]>('GET', `subjects/${enc(q.subject)}/versions`).catch((err) => {
          if (err instanceof RegistryError && err.errorCode === 40401) return [] as number[]
          throw err
        })
        if (versions.length === 0) {
          try {
            FORMATS[q.schemaType].parse(q.schema, [])
          } catch (err) {
            return { compatible: false, messages: [`invalid ${q.schemaType} schema: ${(err as Error).message}`], level: null, against: 'nothing (a new subject)' }
          }
          return { compatible: true, messages: [], level: null, against: 'nothing (a new subject)' }
        }
        const level = (await reg.request<{ compatibilityLevel: Level }>('GET', `config/${enc(q.subject)}?defaultToGlobal=true`)).compatibilityLevel
        const path = q.version ? `versions/${q.version}` : 'versions'
        const body = { schema: q.schema, ...(q.schemaType !== 'AVRO' && { schemaType: q.schemaType }) }
        try {
          const answer = await reg.request<{ is_compatible: boolean; messages?: string[] }>('POST', `compatibility/subjects/${enc(q.subject)}/${path}?verbose=true`, body)
          return { compatible: answer.is_compatible, messages: answer.messages ?? [], level, against: q.version ? `version ${q.version}` : level.endsWith('TRANSITIVE') ? 'every version' : 'the latest version' }
        } catch (err) {
          if (err instanceof RegistryError && err.errorCode === 42201) return { compatible: false, messages: [err.message], level, against: 'nothing: the schema is invalid' }
          throw err
        }
      }),
    'schema:register': (q: RequestOf<'schema:register'>) =>
      r(async (reg) => {
        const exists = await reg.request<number[]>('GET', `subjects/${enc(q.subject)}/versions`).then(
          (v) => v.length > 0,
          () => false,
        )
        if (!exists && q.level) await reg.request('PUT', `config/${enc(q.subject)}`, { compatibility: q.level })
        const { id } = await reg.request<{ id: number }>('POST', `subjects/${enc(q.subject)}/versions`, { schema: q.schema, ...(q.schemaType !== 'AVRO' && { schemaType: q.schemaType }) })
        const versions = await reg.request<Array<{ subject: string; version: number }>>('GET', `schemas/ids/${id}/versions`).catch(() => [])
        return { id, version: versions.find((v) => v.subject === q.subject)?.version ?? null }
      }),
    'schema:setLevel': (q: RequestOf<'schema:setLevel'>) =>
      r(async (reg) => {
        if (q.level) await reg.request('PUT', `config/${enc(q.subject)}`, { compatibility: q.level })
        else await reg.request('DELETE', `config/${enc(q.subject)}`).catch((err) => (err instanceof RegistryError && err.errorCode === 40408 ? null : Promise.reject(err)))
        return null
      }),
    'schema:delete': (q: RequestOf<'schema:delete'>) =>
      r(async (reg) => {
        const path = q.version ? `subjects/${enc(q.subject)}/versions/${q.version}` : `subjects/${enc(q.subject)}`
        const answer = await reg.request<number | number[]>('DELETE', `${path}${q.permanent ? '?permanent=true' : ''}`)
        return Array.isArray(answer) ? answer : [answer]
      }),
    'schema:produce': (q: RequestOf<'schema:produce'>) =>
      r(async (reg): Promise<ResponseOf<'schema:produce'>> => {
        const v = await reg.request<{ id: number; version: number }>('GET', `subjects/${enc(q.subject)}/versions/${q.version ?? 'latest'}`)
        const schema = await reg.schemaById(v.id)
        const { problems, body } = encodePayload(schema.parsed, q.value, q.messageType)
        const failed = { ok: false, schemaId: v.id, version: v.version, encodedHex: null, record: null }
        if (!body) return { ...failed, errors: problems }
        const encoded = encodeWire(v.id, body)
        if (q.validateOnly) return { ok: true, schemaId: v.id, version: v.version, errors: [], encodedHex: encoded.toString('hex'), record: null }
        const record = await produceRecord(kafka, { topic: q.topic, partition: q.partition, key: q.key ?? null, value: encoded })
        return { ok: true, schemaId: v.id, version: v.version, errors: [], encodedHex: encoded.toString('hex'), record }
      }),
    'schema:evolutionDemo': (q: RequestOf<'schema:evolutionDemo'>) => r((reg) => runEvolutionDemo(reg, kafka, q)),
  } satisfies { [M in SchemaMethod]: (q: RequestOf<M>) => Promise<ResponseOf<M>> }
}

/** The page's records with their keys and values in Confluent's wire format decoded through the registry. */
export async function decodeSchemaRecords(records: PagedRecord[], registry: RegistryClient | null): Promise<PagedRecord[]> {
  const bytesOf = (shown: PagedRecord['value']) => shown && Buffer.from(shown.text, shown.encoding === 'utf8' ? 'utf8' : 'base64')
  return Promise.all(
    records.map(async (record) => {
      if (record.decoded) return record
      const [keySchema, valueSchema] = await Promise.all([decodeWire(bytesOf(record.key), registry), decodeWire(bytesOf(record.value), registry)])
      return { ...record, ...(keySchema && { keySchema }), ...(valueSchema && { valueSchema }) }
    }),
  )
}
