// DescribeConfigs as Kafka's ConfigHelper builds it. Precedence, highest first:
// topic override > per-broker dynamic > cluster-wide dynamic default > static > default.
// Synonyms are listed layer by layer, each layer in the synonym order (ms, minutes, hours),
// and the first one is where the value comes from.

import { BROKER_CONFIGS, brokerConfigKey, brokerSynonymNames, isDynamicAt, TOPIC_CONFIGS } from './definitions'
import { formatConfigValue } from './parse'
import { parseValue } from './validate'
import {
  ConfigSource,
  type BrokerConfigKey,
  type ConfigKey,
  type ConfigLayers,
  type ConfigSynonym,
  type ConfigValue,
  type DescribedConfig,
  type TopicConfigKey,
} from './types'

export function emptyConfigLayers(): ConfigLayers {
  return { static: {}, clusterDefaults: {}, perBroker: {} }
}

/**
 * Whether a dynamic layer may hold `name`. Kafka ignores persisted dynamic values of configs
 * that cannot be updated at that level (DynamicBrokerConfig drops them with a warning).
 */
function allowedInLayer(name: string, source: ConfigSource): boolean {
  if (source === ConfigSource.DYNAMIC_BROKER_CONFIG) return isDynamicAt(name, 'perBroker')
  if (source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG) return isDynamicAt(name, 'clusterDefaults')
  return brokerConfigKey(name) !== undefined
}

interface SynonymValue extends ConfigSynonym {
  typedValue: ConfigValue
}

function layerValue(key: ConfigKey, layer: Record<string, string>, source: ConfigSource): SynonymValue | undefined {
  if (source === ConfigSource.DEFAULT_CONFIG) {
    return key.defaultValue === null ? undefined : synonym(key, key.defaultValue, source)
  }
  const raw = layer[key.name]
  if (raw === undefined || !allowedInLayer(key.name, source)) return undefined
  return synonym(key, parseValue(key, raw), source)
}

function synonym(key: ConfigKey, typedValue: ConfigValue, source: ConfigSource): SynonymValue {
  return { name: key.name, value: formatConfigValue(key.type, typedValue), source, typedValue }
}

/** ConfigHelper.configSynonyms: every set synonym, layer by layer, highest precedence first. */
function brokerSynonyms(names: readonly string[], layers: ConfigLayers): SynonymValue[] {
  const order: [Record<string, string>, ConfigSource][] = [
    [layers.perBroker, ConfigSource.DYNAMIC_BROKER_CONFIG],
    [layers.clusterDefaults, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [layers.static, ConfigSource.STATIC_BROKER_CONFIG],
    [{}, ConfigSource.DEFAULT_CONFIG],
  ]
  return order.flatMap(([layer, source]) => names.flatMap((name) => layerValue(brokerConfigKey(name)!, layer, source) ?? []))
}

function described(key: ConfigKey, readOnly: boolean, typedValue: ConfigValue | null, synonyms: SynonymValue[]): DescribedConfig {
  const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG
  const hide = (value: string | null): string | null => (key.sensitive ? null : value)
  const validValues = choicesOf(key)
  return {
    name: key.name,
    value: hide(formatConfigValue(key.type, typedValue)),
    typedValue: key.sensitive ? null : typedValue,
    source,
    readOnly,
    sensitive: key.sensitive,
    isDefault: source === ConfigSource.DEFAULT_CONFIG,
    type: key.type,
    documentation: key.documentation,
    synonyms: synonyms.map(({ name, value, source }) => ({ name, value: hide(value), source })),
    ...(validValues ? { validValues } : {}),
  }
}

/** The values a config can take when they are a closed set: a boolean, or one of a list. */
export function choicesOf(key: ConfigKey): string[] | undefined {
  if (key.type === 'BOOLEAN') return ['true', 'false']
  return key.validator?.kind === 'in' ? [...key.validator.values] : undefined
}

/** One broker config. A secondary name (log.retention.hours) starts its synonyms at itself, as Kafka's dropWhile does. */
export function describeBrokerConfig(key: BrokerConfigKey, layers: ConfigLayers): DescribedConfig {
  const all = brokerSynonyms(brokerSynonymNames(key.name), layers)
  const start = all.findIndex((s) => s.name === key.name)
  const synonyms = start < 0 ? [] : all.slice(start)
  const config = described(key, key.dynamicUpdateMode === 'read-only', synonyms[0]?.typedValue ?? key.defaultValue, synonyms)
  return { ...config, dynamicUpdateMode: key.dynamicUpdateMode }
}

/** DescribeConfigs of a broker resource: every broker config Brokerlab supports. */
export function describeBrokerConfigs(layers: ConfigLayers): DescribedConfig[] {
  return BROKER_CONFIGS.map((key) => describeBrokerConfig(key, layers))
}

/**
 * DescribeConfigs of the default broker resource (empty name): only what is set there, with
 * only the cluster-wide synonyms, as Kafka's ConfigHelper answers for the default resource
 * (`filter(perBrokerConfig || _.source == DYNAMIC_DEFAULT_BROKER_CONFIG)`).
 */
export function describeClusterDefaultConfigs(layers: ConfigLayers): DescribedConfig[] {
  const shared: ConfigLayers = { ...layers, perBroker: {} }
  return BROKER_CONFIGS.filter((key) => layerValue(key, layers.clusterDefaults, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)).map((key) => {
    const config = describeBrokerConfig(key, shared)
    return { ...config, synonyms: config.synonyms.filter((s) => s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG) }
  })
}

/** A topic value from the broker synonym it falls back to, converted to the topic's unit. */
function topicValueFrom(key: TopicConfigKey, source: SynonymValue): ConfigValue {
  if (typeof source.typedValue !== 'number') return source.typedValue
  const factor = key.brokerSynonyms.find((s) => s.name === source.name)?.factor ?? 1
  const value = source.typedValue * factor
  return key.negativeMeansUnlimited && value < 0 ? -1 : value
}

/**
 * Which rule names a topic config's source: DescribeConfigs follows Kafka's ConfigHelper, which
 * lists the broker synonyms from the first one named as the topic's primary broker config
 * (log.retention.ms, log.roll.ms) and takes the source from that list, so a value that comes
 * from log.retention.hours alone shows no synonym and DEFAULT_CONFIG; CreateTopics answers with
 * the controller's KafkaConfigSchema.resolveEffectiveTopicConfig, which names the layer of the
 * first synonym set, whichever its name.
 */
export type TopicSourceRule = 'describeConfigs' | 'createTopics'

function topicValue(key: TopicConfigKey, from: SynonymValue | undefined): ConfigValue | null {
  if (from === undefined) return key.defaultValue
  return from.source === ConfigSource.DYNAMIC_TOPIC_CONFIG ? from.typedValue : topicValueFrom(key, from)
}

/** One topic config: the topic override if any, else the broker's value for it. */
export function describeTopicConfig(
  key: TopicConfigKey,
  topicOverrides: Record<string, string>,
  brokerLayers: ConfigLayers,
  rule: TopicSourceRule = 'describeConfigs',
): DescribedConfig {
  const raw = topicOverrides[key.name]
  const override = raw === undefined ? [] : [synonym(key, parseValue(key, raw), ConfigSource.DYNAMIC_TOPIC_CONFIG)]
  const names = key.brokerSynonyms.map((s) => s.name)
  const fromBroker = brokerSynonyms(names, brokerLayers)
  if (rule === 'createTopics') return described(key, false, topicValue(key, override[0] ?? fromBroker[0]), [...override, ...fromBroker])
  // The broker's value as its KafkaConfig computes it (logRetentionTimeMillis): the first name
  // set in any layer (a dynamic layer over the static one), ms over minutes over hours.
  const set = fromBroker.filter((s) => s.source !== ConfigSource.DEFAULT_CONFIG)
  const effective = names.map((name) => set.find((s) => s.name === name)).find((s) => s !== undefined) ?? fromBroker[0]
  const typedValue = topicValue(key, override[0] ?? effective)
  // ConfigHelper.configSynonyms(primary, ...).dropWhile(_.name != primary)
  const start = fromBroker.findIndex((s) => s.name === key.brokerSynonyms[0]?.name)
  return described(key, false, typedValue, [...override, ...(start < 0 ? [] : fromBroker.slice(start))])
}

/** DescribeConfigs of a topic resource: every topic config, defaults derived from the broker. */
export function describeTopicConfigs(topicOverrides: Record<string, string>, brokerLayers: ConfigLayers, rule: TopicSourceRule = 'describeConfigs'): DescribedConfig[] {
  return TOPIC_CONFIGS.map((key) => describeTopicConfig(key, topicOverrides, brokerLayers, rule))
}
