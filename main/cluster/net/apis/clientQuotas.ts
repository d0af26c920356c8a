// DescribeClientQuotas (48), answered from this broker's metadata image as Kafka's
// ClientQuotasImage.describe does, and AlterClientQuotas (49), forwarded to the controller.
// Quotas are stored and described; Brokerlab does not throttle by them (docs/protocol.md).
import { ErrorCode, isKafkaError, KafkaError } from '../../errors'
import type { ClientQuotaImage } from '../../metadata/image'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

const ENTITY_TYPES = ['user', 'client-id', 'ip']
const MATCH_EXACT = 0
const MATCH_DEFAULT = 1
const MATCH_SPECIFIED = 2

interface Filter {
  /** Entity type → the name it must have (null: the default entity). */
  exact: Map<string, string | null>
  /** Entity types that must be present, with any name. */
  specified: Set<string>
}

function filterOf(request: M.DescribeClientQuotasRequest): Filter {
  const exact = new Map<string, string | null>()
  const specified = new Set<string>()
  const invalid = (message: string) => new KafkaError('INVALID_REQUEST', message)
  for (const { entityType, matchType, match } of request.components) {
    if (entityType === '') throw invalid('Invalid empty entity type.')
    if (exact.has(entityType) || specified.has(entityType)) throw invalid(`Entity type ${entityType} cannot appear more than once in the filter.`)
    if (!ENTITY_TYPES.includes(entityType)) throw new KafkaError('UNSUPPORTED_VERSION', `Unsupported entity type ${entityType}`)
    if (matchType === MATCH_EXACT) {
      if (match === null) throw invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.')
      exact.set(entityType, match)
    } else if (matchType === MATCH_DEFAULT) {
      if (match !== null) throw invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.')
      exact.set(entityType, null)
    } else if (matchType === MATCH_SPECIFIED) {
      if (match !== null) throw invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.')
      specified.add(entityType)
    } else throw invalid(`Unknown match type ${matchType}`)
  }
  const has = (type: string) => exact.has(type) || specified.has(type)
  if (has('ip') && (has('user') || has('client-id'))) {
    throw invalid('Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.')
  }
  return { exact, specified }
}

function matches(quotas: ClientQuotaImage, filter: Filter, strict: boolean): boolean {
  const names = new Map(quotas.entity.map((p) => [p.entityType, p.entityName]))
  if (strict && names.size !== filter.exact.size + filter.specified.size) return false
  for (const [type, name] of filter.exact) if (!names.has(type) || names.get(type) !== name) return false
  for (const type of filter.specified) if (!names.has(type)) return false
  return true
}

export function handleDescribeClientQuotas(context: BrokerContext, request: M.DescribeClientQuotasRequest): M.DescribeClientQuotasResponse {
  try {
    const filter = filterOf(request)
    const entries = [...context.image().clientQuotas.values()]
      .filter((q) => matches(q, filter, request.strict))
      .map((q) => ({ entity: q.entity.map((p) => ({ ...p })), values: Object.entries(q.values).map(([key, value]) => ({ key, value })) }))
    // Kafka answers an empty message, not a null one.
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '', entries }
  } catch (err) {
    // A bad filter is the whole request's error, with no entries, as Kafka's getErrorResponse.
    if (!isKafkaError(err)) throw err
    return { throttleTimeMs: 0, errorCode: err.errorCode, errorMessage: err.message, entries: null }
  }
}

export async function handleAlterClientQuotas(context: BrokerContext, request: M.AlterClientQuotasRequest): Promise<M.AlterClientQuotasResponse> {
  const answer = await context.forward('alterClientQuotas', { entries: request.entries, validateOnly: request.validateOnly }).catch((err) => ({
    entries: request.entries.map((e) => ({
      entity: e.entity,
      errorCode: err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR,
      errorMessage: `The controller did not answer: ${(err as Error).message}`,
    })),
  }))
  return { throttleTimeMs: 0, entries: answer.entries.map((e) => ({ errorCode: e.errorCode, errorMessage: e.errorMessage, entity: e.entity })) }
}
