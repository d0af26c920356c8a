// Shapes of Brokerlab's config model, named as Kafka names them (ConfigDef, ConfigSource,
// DescribeConfigs). Everything here is plain data so it can cross worker boundaries and be
// persisted as-is.
import { ConfigSource } from '../../../preload/schemas/rules'
import type { ConfigSynonym, ConfigType, ConfigValue, DescribedConfig, DynamicUpdateMode } from '../../../preload/contract'

// The shapes a console shows are the contract's.
export { ConfigSource, type ConfigSynonym, type ConfigType, type ConfigValue, type DescribedConfig, type DynamicUpdateMode }

/** DescribeConfigsResponse.ConfigType ids, the ConfigType field of DescribeConfigs v3+. */
export const CONFIG_TYPE_ID: Readonly<Record<ConfigType, number>> = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
}

export type ConfigScope = 'broker' | 'topic'

export type ConfigUnit = 'ms' | 'seconds' | 'minutes' | 'hours' | 'bytes'

/**
 * Kafka's ConfigDef validators: Range.atLeast, Range.between, ValidString.in, ValidList.in, and
 * the LambdaValidator of compression.gzip.level: a range or one more value ("[1,...,9] or -1").
 */
export type Validator =
  | { kind: 'atLeast'; min: number }
  | { kind: 'between'; min: number; max: number }
  | { kind: 'betweenOr'; min: number; max: number; or: number }
  | { kind: 'in'; values: readonly string[] }
  | { kind: 'listIn'; values: readonly string[] }

/** One config name in one scope. */
export interface ConfigKey {
  name: string
  scope: ConfigScope
  type: ConfigType
  /** Parsed default; null when Kafka defines the key without a default (e.g. log.retention.ms). */
  defaultValue: ConfigValue | null
  validator?: Validator
  unit?: ConfigUnit
  documentation: string
  sensitive: boolean
}

export interface BrokerConfigKey extends ConfigKey {
  scope: 'broker'
  dynamicUpdateMode: DynamicUpdateMode
  /** The topic config this broker config is the default for (log.retention.ms -> retention.ms). */
  topicConfig?: string
}

/** A broker config that feeds a topic config, and the factor converting it to the topic's unit. */
export interface BrokerSynonym {
  name: string
  factor: number
}

export interface TopicConfigKey extends ConfigKey {
  scope: 'topic'
  /** In Kafka's precedence order: log.retention.ms, log.retention.minutes, log.retention.hours. */
  brokerSynonyms: readonly BrokerSynonym[]
  /** A negative broker value means unlimited and resolves to -1 (retention.ms). */
  negativeMeansUnlimited?: boolean
}

/**
 * A broker's config as Kafka layers it. Values are the strings an operator typed (server
 * properties or AlterConfigs), so each map persists as rows of (name, value).
 */
export interface ConfigLayers {
  /** The broker's properties at start (STATIC_BROKER_CONFIG). */
  static: Record<string, string>
  /** Dynamic config of the default broker resource, shared by every broker (DYNAMIC_DEFAULT_BROKER_CONFIG). */
  clusterDefaults: Record<string, string>
  /** Dynamic config of this broker's resource (DYNAMIC_BROKER_CONFIG). */
  perBroker: Record<string, string>
}
