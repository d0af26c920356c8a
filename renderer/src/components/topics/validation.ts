// Checks of the create-topic form before anything is sent, as Kafka would reject it.
import { MAX_REPLICATION_FACTOR, MAX_TOPIC_NAME_LENGTH, MAX_TOPIC_PARTITIONS, topicNameProblem, type TopicNameProblem } from '../../../../preload/contract'

export interface TopicForm {
  name: string
  partitions: number
  replicationFactor: number
  configs: Array<{ key: string; value: string }>
}

export type TopicFormErrors = Partial<Record<'name' | 'partitions' | 'replicationFactor' | 'configs', string>>

const NAME_ERROR: Record<TopicNameProblem, (name: string) => string> = {
  empty: () => 'A topic needs a name.',
  reserved: () => 'A topic cannot be named "." or "..".',
  'too-long': (name) => `A topic name has at most ${MAX_TOPIC_NAME_LENGTH} characters (this one has ${name.length}).`,
  'illegal-characters': () => 'Only letters, digits, ".", "_" and "-" are allowed.',
}

export function topicNameError(name: string): string | undefined {
  const problem = topicNameProblem(name)
  return problem ? NAME_ERROR[problem](name) : undefined
}

export function replicationFactorError(value: number, liveBrokers: number): string | undefined {
  if (!Number.isInteger(value) || value < 1) return 'The replication factor is at least 1.'
  if (value > MAX_REPLICATION_FACTOR) return `The replication factor is at most ${MAX_REPLICATION_FACTOR}.`
  if (value > liveBrokers) {
    const running = liveBrokers === 1 ? '1 broker is running' : `${liveBrokers} brokers are running`
    return `${running}: replication factor can be at most ${liveBrokers}.`
  }
  return undefined
}

export function validateTopicForm(form: TopicForm, liveBrokers: number): TopicFormErrors {
  const errors: TopicFormErrors = {}
  errors.name = topicNameError(form.name)
  if (!Number.isInteger(form.partitions) || form.partitions < 1) errors.partitions = 'A topic has at least 1 partition.'
  else if (form.partitions > MAX_TOPIC_PARTITIONS) errors.partitions = `A topic has at most ${MAX_TOPIC_PARTITIONS.toLocaleString('en-US')} partitions.`
  errors.replicationFactor = replicationFactorError(form.replicationFactor, liveBrokers)
  const keys = form.configs.map((c) => c.key.trim()).filter(Boolean)
  if (form.configs.some((c) => !c.key.trim() && c.value.trim())) errors.configs = 'Every value needs a config name.'
  else if (new Set(keys).size !== keys.length) errors.configs = 'A config is named twice.'
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message)) as TopicFormErrors
}

/** The non-empty config rows as the request's configs, or undefined when there are none. */
export function configsOf(rows: TopicForm['configs']): Record<string, string> | undefined {
  const entries = rows.filter((c) => c.key.trim()).map((c) => [c.key.trim(), c.value.trim()] as const)
  return entries.length ? Object.fromEntries(entries) : undefined
}
