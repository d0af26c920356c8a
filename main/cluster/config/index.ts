// Brokerlab's broker and topic configs: definitions, validation, DescribeConfigs resolution
// and the typed LogConfig a partition log reads.

export * from './types'
export {
  BROKER_CONFIGS,
  TOPIC_CONFIGS,
  BROKER_COMPRESSION_TYPES,
  CLEANUP_POLICIES,
  TIMESTAMP_TYPES,
  INT_MAX_VALUE,
  LONG_MAX_VALUE,
  brokerConfigKey,
  topicConfigKey,
  configKey,
  brokerSynonymNames,
  isDynamicAt,
} from './definitions'
export { ConfigError, type ConfigErrorName } from './errors'
export { parseType, formatConfigValue } from './parse'
export {
  ensureValid,
  parseValue,
  parseConfigValue,
  requireConfigKey,
  isValidConfigName,
  validateTopicConfigs,
  validateStaticBrokerConfigs,
  validateBrokerConfigUpdate,
} from './validate'
export {
  emptyConfigLayers,
  describeBrokerConfig,
  describeBrokerConfigs,
  describeClusterDefaultConfigs,
  describeTopicConfig,
  describeTopicConfigs,
  choicesOf,
  type TopicSourceRule,
} from './resolve'
export { AlterConfigOpType, alterTopicConfigs, alterBrokerConfigs, type AlterConfigOp } from './alter'
export {
  DEFAULT_LOG_CONFIG,
  LOG_CONFIG_TOPIC_NAMES,
  logConfigFrom,
  logConfigFor,
  isCompacted,
  maxSegmentMs,
  randomSegmentJitter,
  compressionLevelOf,
  type LogConfig,
} from './logConfig'
export { cleanerConfigFrom, type CleanerConfig } from './cleanerConfig'
export { renderConfigTables } from './docTable'
