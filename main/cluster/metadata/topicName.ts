// Kafka's topic name rules (the contract's topicNameProblem, org.apache.kafka.common.internals.Topic)
// as the controller and the Kafka listener refuse a name: with INVALID_TOPIC_EXCEPTION.
import { KafkaError } from '../errors'
import { isInternalTopic, MAX_TOPIC_NAME_LENGTH, topicNameProblem, type TopicNameProblem } from '../../../preload/schemas/rules'

export { isInternalTopic, MAX_TOPIC_NAME_LENGTH }


const WHY: Record<TopicNameProblem, (name: string) => string> = {
  empty: () => 'it is empty',
  reserved: (name) => `"${name}" is reserved`,
  'too-long': () => `it is longer than ${MAX_TOPIC_NAME_LENGTH} characters`,
  'illegal-characters': () => 'it contains characters other than ASCII letters, digits, ".", "_" and "-"',
}

/** Kafka's Topic.validate: a refused name is INVALID_TOPIC_EXCEPTION, with the reason. */
export function validateTopicName(name: string): void {
  const problem = topicNameProblem(name)
  if (problem) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name "${name}" is illegal: ${WHY[problem](name)}`)
}

/**
 * Kafka's Topic.unifyCollisionChars: "." and "_" collide in metric names, so Kafka refuses a
 * topic whose name differs from an existing one only by them.
 */
export function unifyCollisionChars(name: string): string {
  return name.replaceAll('.', '_')
}
