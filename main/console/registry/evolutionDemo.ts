// The guided evolution demo (issue 17): a subject starts at v1 of a small Avro record; v2
// changes it one way (a field added or removed, with or without a default, or a field's type
// changed). The registry says, level by level, whether v2 may follow v1 and why not; v2 is
// then registered under the chosen level (or refused with the reason). A producer with each
// version writes a real record to a real topic, and consumers reading with v1 and with v2
// decode it by Avro's schema resolution (avsc): which pairs keep working is what the level
// promised.
import avro from 'avsc'
import { CompatibilityLevel, type EvolutionDemoResult, type EvolutionKind, type RequestOf } from '../../../preload/contract'
import type { KafkaConnection } from '../connections/kafkaConnection'
import { produceRecord } from '../views/produce'
import { createTopic } from '../views/topics'
import { RegistryError, type RegistryClient } from './registryClient'
import { readWireHeader } from './wireFormat'
import { encodeWire } from './schemaCodec'

export const EVOLUTION_TOPIC = 'schema-evolution-demo'

const field = (name: string, type: string, def?: unknown) => ({ name, type, ...(def !== undefined && { default: def }) })
const record = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Customer', namespace: 'brokerlab.demo', fields })

const ID = field('id', 'int')
const NAME = field('name', 'string')
const COUNTRY = field('country', 'string', 'NL')

/** v1 and v2 of each evolution. */
export const EVOLUTIONS: Record<EvolutionKind, { v1: string; v2: string; v1Value: object; v2Value: object }> = {
  'add-with-default': { v1: record([ID, NAME]), v2: record([ID, NAME, field('email', 'string', '')]), v1Value: { id: 1, name: 'Ada' }, v2Value: { id: 2, name: 'Grace', email: 'grace@example.com' } },
  'add-without-default': { v1: record([ID, NAME]), v2: record([ID, NAME, field('email', 'string')]), v1Value: { id: 1, name: 'Ada' }, v2Value: { id: 2, name: 'Grace', email: 'grace@example.com' } },
  'remove-with-default': { v1: record([ID, NAME, COUNTRY]), v2: record([ID, NAME]), v1Value: { id: 1, name: 'Ada', country: 'UK' }, v2Value: { id: 2, name: 'Grace' } },
  'remove-without-default': { v1: record([ID, NAME]), v2: record([ID]), v1Value: { id: 1, name: 'Ada' }, v2Value: { id: 2 } },
  'change-type': { v1: record([ID, NAME]), v2: record([ID, field('name', 'int')]), v1Value: { id: 1, name: 'Ada' }, v2Value: { id: 2, name: 42 } },
}

const enc = encodeURIComponent

export async function runEvolutionDemo(registry: RegistryClient, kafka: KafkaConnection, request: RequestOf<'schema:evolutionDemo'>): Promise<EvolutionDemoResult> {
  const evolution = EVOLUTIONS[request.evolution]
  const topic = request.topic ?? EVOLUTION_TOPIC
  const subject = `${topic}-${request.evolution}-value`
  // Start over: the subject from an earlier run goes (soft, then hard), then v1 alone.
  await registry.request('DELETE', `subjects/${enc(subject)}`).catch(() => null)
  await registry.request('DELETE', `subjects/${enc(subject)}?permanent=true`).catch(() => null)
  await registry.request('PUT', `config/${enc(subject)}`, { compatibility: 'NONE' })
  const { id: v1Id } = await registry.request<{ id: number }>('POST', `subjects/${enc(subject)}/versions`, { schema: evolution.v1 })

  // Level by level: may v2 follow v1? (With one version, a transitive level answers as its plain one.)
  const levels: EvolutionDemoResult['levels'] = []
  for (const level of CompatibilityLevel.options) {
    await registry.request('PUT', `config/${enc(subject)}`, { compatibility: level })
    const answer = await registry.request<{ is_compatible: boolean; messages?: string[] }>('POST', `compatibility/subjects/${enc(subject)}/versions?verbose=true`, { schema: evolution.v2 })
    levels.push({ level, compatible: answer.is_compatible, messages: answer.messages ?? [] })
  }
  await registry.request('PUT', `config/${enc(subject)}`, { compatibility: request.level })
  let registration: EvolutionDemoResult['registration']
  try {
    const { id } = await registry.request<{ id: number }>('POST', `subjects/${enc(subject)}/versions`, { schema: evolution.v2 })
    registration = { ok: true, id, error: null }
  } catch (err) {
    if (!(err instanceof RegistryError) || err.unreachable) throw err
    registration = { ok: false, id: null, error: err.message }
  }

  await ensureTopic(kafka, topic)
  const types = { v1: avro.Type.forSchema(JSON.parse(evolution.v1) as avro.Schema), v2: avro.Type.forSchema(JSON.parse(evolution.v2) as avro.Schema) }
  const records: EvolutionDemoResult['records'] = []
  for (const writer of ['v1', 'v2'] as const) {
    const schemaId = writer === 'v1' ? v1Id : registration.id
    if (schemaId === null) {
      // A serializer registers (or looks up) its schema before it writes: refused, it cannot produce.
      records.push({ writer, schemaId: null, partition: null, offset: null, produceError: `the v2 producer cannot write: the registry refused v2 (${registration.error})`, reads: [] })
      continue
    }
    const value = encodeWire(schemaId, types[writer].toBuffer(writer === 'v1' ? evolution.v1Value : evolution.v2Value))
    const written = await produceRecord(kafka, { topic, partition: 0, key: `${request.evolution}-${writer}`, value })
    if (!written) throw new Error('the record was not acknowledged')
    // The consumers read the record back from the topic, and the schema of its id from the registry.
    const fetched = await kafka.fetch(topic, 0, written.offset)
    const bytes = fetched.batches.flatMap((b) => b.records).find((r) => r.offset === written.offset)?.value
    const wire = bytes && readWireHeader(bytes)
    if (!wire) throw new Error(`the record at ${topic}-0@${written.offset} did not come back in Confluent's wire format`)
    const writerSchema = await registry.request<{ schema: string }>('GET', `schemas/ids/${wire.schemaId}`)
    const writerType = avro.Type.forSchema(JSON.parse(writerSchema.schema) as avro.Schema)
    const reads = (['v1', 'v2'] as const).map((reader) => {
      try {
        const resolver = types[reader].createResolver(writerType)
        const read = types[reader].fromBuffer(wire.body, resolver)
        return { reader, ok: true, json: types[reader].toString(read), error: null }
      } catch (err) {
        return { reader, ok: false, json: null, error: `a consumer with ${reader} cannot read it: ${(err as Error).message}` }
      }
    })
    records.push({ writer, schemaId: wire.schemaId, partition: written.partition, offset: written.offset, produceError: null, reads })
  }
  return { subject, topic, level: request.level, v1: evolution.v1, v2: evolution.v2, levels, registration, records }
}

async function ensureTopic(kafka: KafkaConnection, topic: string): Promise<void> {
  const known = (await kafka.metadata([topic]).catch(() => null))?.topics.get(topic)
  if (known && known.partitions.length > 0) return
  await createTopic(kafka, { name: topic, partitions: 1 }).catch((err: Error) => {
    if (!/TOPIC_ALREADY_EXISTS|already exists/i.test(err.message)) throw err
  })
}
