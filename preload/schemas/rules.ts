// The contract's plain rules and ids, without zod, so that the workers that need them (the
// controller refusing a topic name, a broker describing configs) do not load the schemas.
// preload/contract.ts re-exports them.

/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic). */
export const MAX_TOPIC_NAME_LENGTH = 249

/** Kafka's Topic.isInternal: the topics of its own coordinators. */
export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state'
}
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/
export type TopicNameProblem = 'empty' | 'reserved' | 'too-long' | 'illegal-characters'

/** Why Kafka's Topic.validate refuses the name, or null when it does not: each side words it for its reader. */
export function topicNameProblem(name: string): TopicNameProblem | null {
  if (name.length === 0) return 'empty'
  if (name === '.' || name === '..') return 'reserved'
  if (name.length > MAX_TOPIC_NAME_LENGTH) return 'too-long'
  if (!LEGAL_TOPIC_NAME.test(name)) return 'illegal-characters'
  return null
}

/** The most partitions and replicas a topic:create request may ask for. */
export const MAX_TOPIC_PARTITIONS = 10_000
export const MAX_REPLICATION_FACTOR = 32

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
