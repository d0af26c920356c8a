// Kafka's topic name rules (org.apache.kafka.common.internals.Topic), shared by the
// controller, which refuses bad names, and whoever wants to check a name before asking.
import { KafkaError } from '../errors'

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/
export const MAX_TOPIC_NAME_LENGTH = 249

/** Kafka's Topic.isInternal: the topics of its own coordinators. */
export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state'
}

/** Kafka's Topic.validate: the reasons a topic name is refused. */
export function validateTopicName(name: string): void {
  const problem =
    name.length === 0 ? 'it is empty'
    : name === '.' || name === '..' ? `"${name}" is reserved`
    : name.length > MAX_TOPIC_NAME_LENGTH ? `it is longer than ${MAX_TOPIC_NAME_LENGTH} characters`
    : !LEGAL_TOPIC_NAME.test(name) ? 'it contains characters other than ASCII letters, digits, ".", "_" and "-"'
    : null
  if (problem) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name "${name}" is illegal: ${problem}`)
}

/**
 * Kafka's Topic.unifyCollisionChars: "." and "_" collide in metric names, so Kafka refuses a
 * topic whose name differs from an existing one only by them.
 */
export function unifyCollisionChars(name: string): string {
  return name.replaceAll('.', '_')
}
