// Shapes of Brokerlab's config model, named as Kafka names them (ConfigDef, ConfigSource,
// DescribeConfigs). Everything here is plain data so it can cross worker boundaries and be
// persisted as-is.

/** Kafka's ConfigDef.Type. */
export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD'

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

/** A parsed value: numbers for INT/SHORT/LONG/DOUBLE, string[] for LIST, string for the rest. */
export type ConfigValue = boolean | number | string | string[]

/** How Kafka lets a broker config change at runtime (the "Update Mode" column of Kafka's docs). */
export type DynamicUpdateMode = 'read-only' | 'per-broker' | 'cluster-wide'

export type ConfigScope = 'broker' | 'topic'

export type ConfigUnit = 'ms' | 'seconds' | 'minutes' | 'hours' | 'bytes'

/** Kafka's ConfigDef validators: Range.atLeast, Range.between, ValidString.in, ValidList.in. */
export type Validator =
  | { kind: 'atLeast'; min: number }
  | { kind: 'between'; min: number; max: number }
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

/** DescribeConfigsResponse.ConfigSource ids (Kafka's ConfigEntry.ConfigSource). */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource]

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

export interface ConfigSynonym {
  name: string
  /** null for sensitive configs. */
  value: string | null
  source: ConfigSource
}

/** One entry of a DescribeConfigs answer, plus the parsed value and the key's metadata. */
export interface DescribedConfig {
  name: string
  /** As Kafka shows it (ConfigDef.convertToString); null when sensitive or unset without default. */
  value: string | null
  typedValue: ConfigValue | null
  source: ConfigSource
  readOnly: boolean
  sensitive: boolean
  /** True when nothing overrides Kafka's default (IsDefault of DescribeConfigs v0). */
  isDefault: boolean
  type: ConfigType
  documentation: string
  /** Highest precedence first, as Kafka orders them. */
  synonyms: ConfigSynonym[]
  /**
   * Broker configs only: where Kafka lets it change at runtime (read-only: server.properties
   * and a restart; per-broker; cluster-wide: per broker or as the cluster default). Not on
   * the wire: the console uses it to say why a config cannot change.
   */
  dynamicUpdateMode?: DynamicUpdateMode
  /** The whole set of values it accepts, when that is a closed set (booleans, compression.type...). Not on the wire. */
  validValues?: string[]
}
