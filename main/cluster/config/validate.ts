// Validation as Kafka does it: names first (LogConfig.validateNames), then each value parsed
// and checked by its ConfigDef validator, then, for dynamic broker updates, the update-mode
// rules of DynamicBrokerConfig.validateConfigs.

import { brokerConfigKey, brokerSynonymNames, configKey, topicConfigKey, TOPIC_CONFIGS } from './definitions'
import { ConfigError } from './errors'
import { parseType } from './parse'
import { cleanerConfigFrom, validateCleanerConfig, validateCompactionLags } from './cleanerConfig'
import type { ConfigKey, ConfigScope, ConfigValue, Validator } from './types'

function ruleBroken(validator: Validator, value: ConfigValue): { rule: string; offending: unknown } | undefined {
  switch (validator.kind) {
    case 'atLeast':
      return (value as number) < validator.min ? { rule: `Value must be at least ${validator.min}`, offending: value } : undefined
    case 'between': {
      const n = value as number
      if (n < validator.min) return { rule: `Value must be at least ${validator.min}`, offending: n }
      return n > validator.max ? { rule: `Value must be no more than ${validator.max}`, offending: n } : undefined
    }
    case 'betweenOr': {
      const n = value as number
      const ok = n === validator.or || (n >= validator.min && n <= validator.max)
      return ok ? undefined : { rule: `Value must be between ${validator.min} and ${validator.max} or equal to ${validator.or}`, offending: n }
    }
    case 'in':
      return validator.values.includes(value as string)
        ? undefined
        : { rule: `String must be one of: ${validator.values.join(', ')}`, offending: value }
    case 'listIn': {
      // ValidList reports the first member that is not allowed, not the whole list.
      const bad = (value as string[]).find((member) => !validator.values.includes(member))
      return bad === undefined ? undefined : { rule: `String must be one of: ${validator.values.join(', ')}`, offending: bad }
    }
  }
}

/** ConfigDef's validator check on an already parsed value. */
export function ensureValid(key: ConfigKey, value: ConfigValue): void {
  const broken = key.validator && ruleBroken(key.validator, value)
  if (broken) throw new ConfigError(key.name, broken.offending, broken.rule, { sensitive: key.sensitive })
}

/** Parse and validate one value of a known key. */
export function parseValue(key: ConfigKey, value: unknown): ConfigValue {
  const parsed = parseType(key, value)
  ensureValid(key, parsed)
  return parsed
}

/** The hint that turns "unknown" into something an operator can act on. */
function otherScopeHint(scope: ConfigScope, name: string): string {
  if (scope === 'broker') {
    const topic = topicConfigKey(name)
    return topic ? ` (${name} is a topic config; its broker default is ${topic.brokerSynonyms[0].name})` : ''
  }
  const broker = brokerConfigKey(name)
  if (!broker) return ''
  const primary = brokerSynonymNames(name)[0]
  const topic = TOPIC_CONFIGS.find((t) => t.brokerSynonyms[0].name === primary)
  return topic ? ` (${name} is a broker config; the topic config is ${topic.name})` : ` (${name} is a broker config)`
}

function unknownName(scope: ConfigScope, name: string, value: unknown): ConfigError {
  const rule = `Unknown ${scope} config name`
  return new ConfigError(name, value, rule, { message: `${rule}: ${name}${otherScopeHint(scope, name)}` })
}

/** The key of `name` in `scope`, or a ConfigError naming the scope (Kafka: "Unknown topic config name: x"). */
export function requireConfigKey(scope: ConfigScope, name: string, value?: unknown): ConfigKey {
  const key = configKey(scope, name)
  if (!key) throw unknownName(scope, name, value)
  return key
}

export function isValidConfigName(scope: ConfigScope, name: string): boolean {
  return configKey(scope, name) !== undefined
}

/** Parse one config as AlterConfigs / CreateTopics would: known name, parseable, within its rules. */
export function parseConfigValue(scope: ConfigScope, name: string, value: unknown): ConfigValue {
  return parseValue(requireConfigKey(scope, name, value), value)
}

function parseAll(scope: ConfigScope, configs: Record<string, unknown>): Record<string, ConfigValue> {
  for (const [name, value] of Object.entries(configs)) requireConfigKey(scope, name, value)
  return Object.fromEntries(Object.entries(configs).map(([name, value]) => [name, parseConfigValue(scope, name, value)]))
}

/**
 * LogConfig.validateRemoteStorageOnlyIfSystemEnabled: Brokerlab has no tiered storage, which is
 * a Kafka broker with remote.log.storage.system.enable=false, so a topic cannot turn it on.
 */
export function validateRemoteStorage(overrides: Record<string, unknown>): void {
  const raw = overrides['remote.storage.enable']
  if (raw === undefined || parseConfigValue('topic', 'remote.storage.enable', raw) !== true) return
  const message = 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'
  throw new ConfigError('remote.storage.enable', true, message, { message })
}

/** Topic configs of CreateTopics / AlterConfigs: every name known, every value valid. */
export function validateTopicConfigs(configs: Record<string, unknown>): Record<string, ConfigValue> {
  const parsed = parseAll('topic', configs)
  validateCompactionLags(configs)
  validateRemoteStorage(configs)
  return parsed
}

/** A broker's properties at start (STATIC_BROKER_CONFIG). Brokerlab refuses unknown names here too. */
export function validateStaticBrokerConfigs(configs: Record<string, unknown>): Record<string, ConfigValue> {
  const parsed = parseAll('broker', configs)
  validateCleanerConfig(cleanerConfigFrom({ static: configs as Record<string, string>, clusterDefaults: {}, perBroker: {} }))
  return parsed
}

/** Kafka prints these sets with Scala's Set toString. */
const scalaSet = (names: string[]): string => `Set(${names.join(', ')})`

function refuseNames(names: string[], reason: string): void {
  if (names.length > 0) {
    const message = `${reason}: ${scalaSet(names)}`
    throw new ConfigError(names[0], undefined, reason, { message, errorName: 'INVALID_REQUEST' })
  }
}

/**
 * A dynamic broker config update (AlterConfigs on a broker resource, or on the default
 * broker resource when `perBroker` is false). Kafka checks the whole update for read-only
 * names first, then values, then per-broker-only names at cluster level, and answers every
 * failure with INVALID_REQUEST (ConfigAdminManager.validateBrokerConfigChange, KAFKA-13609).
 */
export function validateBrokerConfigUpdate(configs: Record<string, unknown>, options: { perBroker: boolean }): Record<string, ConfigValue> {
  const names = Object.keys(configs)
  try {
    for (const name of names) requireConfigKey('broker', name, configs[name])
    refuseNames(
      names.filter((n) => brokerConfigKey(n)!.dynamicUpdateMode === 'read-only'),
      'Cannot update these configs dynamically',
    )
    const parsed = parseAll('broker', configs)
    if (!options.perBroker) {
      refuseNames(
        names.filter((n) => brokerConfigKey(n)!.dynamicUpdateMode === 'per-broker'),
        'Cannot update these configs at default cluster level, broker id must be specified',
      )
    }
    return parsed
  } catch (error) {
    throw error instanceof ConfigError ? error.withErrorName('INVALID_REQUEST') : error
  }
}
