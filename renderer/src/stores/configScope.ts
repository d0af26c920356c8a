// The Configuration page's rules, as Kafka applies them: the three levels a config can be set
// at (cluster-wide default, one broker, one topic), what cannot change at a level and why, and
// what a config falls back to once its override there is removed.
import { ConfigSource, type DescribedConfig } from '../../../preload/contract'
import { configSource } from '../format/configSource'

/** Kafka's config resources: the default broker resource (''), a broker, a topic. */
export type ConfigScope = { kind: 'cluster' } | { kind: 'broker'; id: number } | { kind: 'topic'; name: string }

/** 'cluster', 'broker:2', 'topic:orders': the scope picker's option values. */
export function scopeKey(scope: ConfigScope): string {
  if (scope.kind === 'cluster') return 'cluster'
  return scope.kind === 'broker' ? `broker:${scope.id}` : `topic:${scope.name}`
}

export function parseScopeKey(key: string): ConfigScope {
  if (key.startsWith('broker:')) return { kind: 'broker', id: Number(key.slice('broker:'.length)) }
  if (key.startsWith('topic:')) return { kind: 'topic', name: key.slice('topic:'.length) }
  return { kind: 'cluster' }
}

export function scopeLabel(scope: ConfigScope): string {
  if (scope.kind === 'cluster') return 'cluster-wide defaults'
  return scope.kind === 'broker' ? `broker ${scope.id}` : `topic ${scope.name}`
}

/** config:alter's resource for the scope. */
export function alterTarget(scope: ConfigScope): { topic: string } | { broker: number | '' } {
  if (scope.kind === 'topic') return { topic: scope.name }
  return { broker: scope.kind === 'broker' ? scope.id : '' }
}

/** The ConfigSource a value set at this level is described with. */
const LEVEL_SOURCE = {
  cluster: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
  broker: ConfigSource.DYNAMIC_BROKER_CONFIG,
  topic: ConfigSource.DYNAMIC_TOPIC_CONFIG,
} as const

/** Kafka's own refusals (ConfigAdminManager), followed by what they mean for the operator. */
export const READ_ONLY_REASON = 'Cannot update these configs dynamically: Kafka reads it from server.properties at startup. Here that is the cluster\'s static config: start it with --config name=value (brokerlab cluster or serve), then restart.'
export const PER_BROKER_REASON = 'Cannot update these configs at default cluster level, broker id must be specified: set it on each broker.'

/** Why the config cannot change at this level, in Kafka's words; null when it can. Every topic config is dynamic. */
export function readOnlyReason(config: DescribedConfig, scope: ConfigScope): string | null {
  if (scope.kind === 'topic') return null
  if (config.readOnly || config.dynamicUpdateMode === 'read-only') return READ_ONLY_REASON
  if (scope.kind === 'cluster' && config.dynamicUpdateMode === 'per-broker') return PER_BROKER_REASON
  return null
}

/** Whether the config's value is set at this very level: what "revert to default" removes. */
export function isSetAtLevel(config: DescribedConfig, scope: ConfigScope): boolean {
  const own = config.synonyms[0]
  return own !== undefined && own.name === config.name && own.source === LEVEL_SOURCE[scope.kind]
}

/**
 * What the config inherits once its override at this level goes: the next synonym in Kafka's
 * precedence order, e.g. "168 from log.retention.hours (default)" for a topic's retention.ms.
 */
export function inheritedValue(config: DescribedConfig, scope: ConfigScope): string {
  const next = config.synonyms.find((s) => s.source !== LEVEL_SOURCE[scope.kind])
  // Kafka lists a topic's broker synonyms from the primary broker name on (log.retention.ms):
  // a value that only log.retention.hours gives comes with no synonym to name.
  if (!next && scope.kind === 'topic') return "the broker's value (Kafka names no synonym for it)"
  if (!next) return 'no value (Kafka has no default for it)'
  const value = config.sensitive ? '(sensitive)' : (next.value ?? '(unset)')
  const from = next.name === config.name ? '' : ` from ${next.name}`
  return `${value}${from} (${configSource(next.source).label})`
}

/**
 * The cluster-wide default resource as the page shows it: every broker config, with what is
 * set there (config:describeBroker '', which lists only those) and, for the rest, what one
 * broker describes minus its own per-broker layer, i.e. what the cluster default inherits.
 */
export function clusterDefaultView(brokerConfigs: readonly DescribedConfig[], setAtCluster: readonly DescribedConfig[]): DescribedConfig[] {
  const set = new Map(setAtCluster.map((c) => [c.name, c]))
  return brokerConfigs.map((config) => {
    const atCluster = set.get(config.name)
    if (!atCluster) return withoutPerBrokerLayer(config)
    // Kafka lists only the cluster-wide synonyms of the default resource: what a removal there
    // inherits (static, default) is in the broker's own description.
    const below = config.synonyms.filter((s) => s.source === ConfigSource.STATIC_BROKER_CONFIG || s.source === ConfigSource.DEFAULT_CONFIG)
    return { ...atCluster, synonyms: [...atCluster.synonyms, ...below] }
  })
}

function withoutPerBrokerLayer(config: DescribedConfig): DescribedConfig {
  const rest = config.synonyms.filter((s) => s.source !== ConfigSource.DYNAMIC_BROKER_CONFIG)
  if (config.source !== ConfigSource.DYNAMIC_BROKER_CONFIG) return { ...config, synonyms: rest }
  // As Kafka describes a secondary name, the synonyms start at the config's own name.
  const start = rest.findIndex((s) => s.name === config.name)
  const synonyms = start < 0 ? [] : rest.slice(start)
  const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG
  return { ...config, value: synonyms[0]?.value ?? null, typedValue: null, source, isDefault: source === ConfigSource.DEFAULT_CONFIG, synonyms }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The names among `names` that Kafka's message is about: "Invalid value -5 for configuration
 * retention.ms: ...", "Cannot update these configs dynamically: Set(a, b)", "Unknown topic
 * config name: x". Whole names only, so retention.ms does not match log.retention.ms.
 */
export function configsNamedIn(message: string, names: readonly string[]): string[] {
  return names.filter((name) => new RegExp(`(^|[\\s(,:'"])${escape(name)}($|[\\s),:'"]|\\.(\\s|$))`).test(message))
}

/** A first check before the server's: a number where Kafka's type wants one. The server stays the judge. */
export function typeError(config: DescribedConfig, value: string): string | null {
  const text = value.trim()
  switch (config.type) {
    case 'INT':
    case 'SHORT':
    case 'LONG':
      return /^-?\d+$/.test(text) ? null : `${config.name} takes a whole number (${config.type})`
    case 'DOUBLE':
      return text !== '' && Number.isFinite(Number(text)) ? null : `${config.name} takes a number (DOUBLE)`
    case 'BOOLEAN':
      return /^(true|false)$/i.test(text) ? null : `${config.name} takes true or false`
    default:
      return null
  }
}
