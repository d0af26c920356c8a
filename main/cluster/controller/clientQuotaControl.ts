// Client quotas (Kafka's ClientQuotaControlManager): AlterClientQuotas validated as Kafka
// validates it and stored as ClientQuotaRecords. An entity is a user, a client id, a user
// and client id, or an ip; a null name is that type's default. Brokers describe them from
// their image; Brokerlab does not enforce them (docs/protocol.md).
import { isIP } from 'node:net'
import { KafkaError } from '../errors'
import { quotaEntityKey } from '../metadata/image'
import type { ClientQuotaEntityPart, ClientQuotaRecord } from '../metadata/records'
import type { AlterClientQuotasRequest, AlterClientQuotasResponse } from './api'
import { errorOf, NO_ERROR, type ControllerResult, type ImageSource } from './result'

type QuotaType = 'long' | 'double' | 'int'
/** Kafka's QuotaConfig.userAndClientQuotaConfigs and ipConfigs, with their types. */
const USER_AND_CLIENT_KEYS: Record<string, QuotaType> = {
  producer_byte_rate: 'long',
  consumer_byte_rate: 'long',
  request_percentage: 'double',
  controller_mutation_rate: 'double',
}
const IP_KEYS: Record<string, QuotaType> = { connection_creation_rate: 'int' }
const ENTITY_TYPES = ['user', 'client-id', 'ip']

type Alteration = AlterClientQuotasRequest['entries'][number]

/** Kafka's AlterClientQuotasRequest.entries(): the entity as a map, so a repeated type keeps its last name. */
function entityOf(alteration: Alteration): ClientQuotaEntityPart[] {
  const map = new Map(alteration.entity.map((p) => [p.entityType, p.entityName]))
  return [...map].map(([entityType, entityName]) => ({ entityType, entityName }))
}

function invalid(message: string): never {
  throw new KafkaError('INVALID_REQUEST', message)
}

/** Kafka's ClientQuotaEntity.toString, for messages. */
function describeEntity(entity: ClientQuotaEntityPart[]): string {
  return `ClientQuotaEntity(entries={${entity.map((p) => `${p.entityType}=${p.entityName}`).join(', ')}})`
}

function keysFor(entity: ClientQuotaEntityPart[]): Record<string, QuotaType> {
  if (entity.length === 0) invalid('Invalid empty client quota entity')
  for (const { entityType, entityName } of entity) {
    if (!ENTITY_TYPES.includes(entityType)) invalid(`Unhandled client quota entity type: ${entityType}`)
    if (entityName === '') invalid(`Empty ${entityType} not supported`)
  }
  const ip = entity.find((p) => p.entityType === 'ip')
  if (!ip) return USER_AND_CLIENT_KEYS
  if (entity.length > 1) invalid('Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId')
  // Kafka resolves a host name here; Brokerlab accepts IP addresses (and localhost) only.
  if (ip.entityName !== null && ip.entityName !== 'localhost' && isIP(ip.entityName) === 0) invalid(`${ip.entityName} is not a valid IP or resolvable host.`)
  return IP_KEYS
}

function validateValue(keys: Record<string, QuotaType>, key: string, value: number): void {
  const type = keys[key]
  if (!type) invalid(`Invalid configuration key ${key}`)
  if (value <= 0) invalid(`Quota ${key} must be greater than 0`)
  // JSON (the metadata log) cannot hold them; Kafka would take an infinite double.
  if (!Number.isFinite(value)) invalid(`Quota ${key} must be a finite number`)
  if (type === 'double') return
  if (type === 'int' && value > 2 ** 31 - 1) invalid(`Proposed value for ${key} is too large for an INT.`)
  if (type === 'long' && value > 2 ** 63 - 1) invalid(`Proposed value for ${key} is too large for a LONG.`)
  if (Math.abs(value % 1) > 1e-6) invalid(`${key} cannot be a fractional value.`)
}

export class ClientQuotaControlManager {
  constructor(private readonly metadata: ImageSource) {}

  alterClientQuotas(request: AlterClientQuotasRequest): ControllerResult<AlterClientQuotasResponse> {
    const records: ClientQuotaRecord[] = []
    // As Kafka: one answer per entity, the last one given for it.
    const results = new Map<string, { entity: ClientQuotaEntityPart[]; errorCode: number; errorMessage: string | null }>()
    for (const alteration of request.entries) {
      const entity = entityOf(alteration)
      const key = quotaEntityKey(entity)
      const ops = new Map<string, number | null>()
      let duplicateKey = false
      for (const op of alteration.ops) {
        if (ops.has(op.key)) duplicateKey = true
        else ops.set(op.key, op.remove ? null : op.value)
      }
      // Kafka records the duplicate key, then finds the entity already answered and says so instead.
      if (duplicateKey || results.has(key)) {
        results.set(key, { entity, ...errorOf(new KafkaError('INVALID_REQUEST', `Ignoring duplicate entity ${describeEntity(entity)}`)) })
        continue
      }
      try {
        records.push(...this.alterEntity(entity, ops))
        results.set(key, { entity, ...NO_ERROR })
      } catch (error) {
        results.set(key, { entity, ...errorOf(error) })
      }
    }
    return { records: request.validateOnly ? [] : records, response: { entries: [...results.values()] }, cause: { text: 'AlterClientQuotas' } }
  }

  private alterEntity(entity: ClientQuotaEntityPart[], ops: Map<string, number | null>): ClientQuotaRecord[] {
    const keys = keysFor(entity)
    const current = this.metadata.image.clientQuotas.get(quotaEntityKey(entity))?.values ?? {}
    const sorted = [...entity].sort((a, b) => a.entityType.localeCompare(b.entityType))
    const records: ClientQuotaRecord[] = []
    for (const [key, value] of ops) {
      if (value === null) {
        if (key in current) records.push({ type: 'ClientQuotaRecord', entity: sorted, key, value: 0, remove: true })
        continue
      }
      validateValue(keys, key, value)
      if (current[key] !== value) records.push({ type: 'ClientQuotaRecord', entity: sorted, key, value, remove: false })
    }
    return records
  }
}
