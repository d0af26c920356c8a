// Configs as the console shows them, over the Kafka protocol: DescribeConfigs (with synonyms
// and documentation) of a topic, a broker, or the cluster-wide dynamic defaults (the broker
// resource named ""), and IncrementalAlterConfigs with validateOnly. A broker's own configs
// are asked of that broker, as Kafka's admin client does. Kafka's catalogue of configs adds
// what the wire does not carry: how a broker config may change at runtime, and the closed
// set of values a config accepts.
import { brokerConfigKey, choicesOf, CONFIG_TYPE_ID, topicConfigKey } from '../../cluster/config'
import { KafkaError } from '../../cluster/errors'
import { kafkaErrorOf } from '../connections/kafkaErrors'
import type { KafkaConnection, Lane } from '../connections/kafkaConnection'
import type { ConfigSource, ConfigType, ConfigValue, DescribedConfig } from '../../../preload/contract'

type DescribeConfigsResponse = import('@platformatic/kafka').describeConfigsV4.DescribeConfigsResponse
type WireConfig = DescribeConfigsResponse['results'][number]['configs'][number]
type IncrementalAlterConfigsResponse = import('@platformatic/kafka').incrementalAlterConfigsV1.IncrementalAlterConfigsResponse

const TOPIC = 2
const BROKER = 4
const TYPE_BY_ID = new Map(Object.entries(CONFIG_TYPE_ID).map(([type, id]) => [id, type as ConfigType]))

/** The broker that answers for a resource: a broker's own configs come from it, the rest from any. */
const nodeFor = (resourceType: number, name: string): number | 'any' => (resourceType === BROKER && name !== '' ? Number(name) : 'any')

function typed(type: ConfigType, value: string | null): ConfigValue | null {
  if (value === null) return null
  switch (type) {
    case 'BOOLEAN':
      return value === 'true'
    case 'SHORT':
    case 'INT':
    case 'LONG':
    case 'DOUBLE':
      return Number(value)
    case 'LIST':
      return value === '' ? [] : value.split(',').map((v) => v.trim())
    default:
      return value
  }
}

function described(resourceType: number, c: WireConfig): DescribedConfig {
  const key = resourceType === BROKER ? brokerConfigKey(c.name) : topicConfigKey(c.name)
  const type = TYPE_BY_ID.get(c.configType) ?? key?.type ?? 'STRING'
  const validValues = key && choicesOf(key)
  const source = c.configSource as ConfigSource
  return {
    name: c.name,
    value: c.value ?? null,
    typedValue: c.isSensitive ? null : typed(type, c.value ?? null),
    source,
    readOnly: c.readOnly,
    sensitive: c.isSensitive,
    isDefault: source === 5,
    type,
    documentation: c.documentation ?? key?.documentation ?? '',
    synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value ?? null, source: s.source as ConfigSource })),
    ...(resourceType === BROKER && key && 'dynamicUpdateMode' in key ? { dynamicUpdateMode: key.dynamicUpdateMode } : {}),
    ...(validValues ? { validValues } : {}),
  }
}

async function describe(kafka: KafkaConnection, resourceType: number, name: string): Promise<DescribedConfig[]> {
  const { response } = await kafka.send<DescribeConfigsResponse>(nodeFor(resourceType, name), 'DescribeConfigs', [2, 3, 4], () => [[{ resourceType, resourceName: name, configurationKeys: null }], true, true])
  const result = response.results[0]
  if (!result) throw new KafkaError('UNKNOWN_SERVER_ERROR', 'DescribeConfigs answered nothing')
  if (result.errorCode !== 0) throw kafkaErrorOf(result.errorCode, 'DescribeConfigs', result.errorMessage)
  return result.configs.map((c) => described(resourceType, c))
}

export function topicConfigs(kafka: KafkaConnection, topic: string): Promise<DescribedConfig[]> {
  return describe(kafka, TOPIC, topic)
}

/** A broker's configs, or with '' the cluster-wide dynamic defaults. */
export function brokerConfigs(kafka: KafkaConnection, brokerId: number | ''): Promise<DescribedConfig[]> {
  return describe(kafka, BROKER, String(brokerId))
}

/** IncrementalAlterConfigs: a value SETs the config, null DELETEs the override (back to the inherited value). */
export async function alterConfigs(kafka: KafkaConnection, resource: { topic: string } | { broker: number | '' }, configs: Record<string, string | null>, validateOnly = false): Promise<void> {
  const [resourceType, name] = 'topic' in resource ? [TOPIC, resource.topic] : [BROKER, String(resource.broker)]
  const ops = Object.entries(configs).map(([config, value]) => (value === null ? { name: config, configOperation: 1 as const } : { name: config, configOperation: 0 as const, value }))
  const { response } = await kafka.send<IncrementalAlterConfigsResponse>(nodeFor(resourceType, name), 'IncrementalAlterConfigs', [0, 1], () => [[{ resourceType, resourceName: name, configs: ops }], validateOnly])
  const result = response.responses[0]
  if (result && result.errorCode !== 0) throw kafkaErrorOf(result.errorCode, 'IncrementalAlterConfigs', result.errorMessage)
}

/**
 * Many topics' configs (`keys` of them, or all) in one DescribeConfigs, by topic; a topic whose
 * answer carries an error is left out.
 */
export async function manyTopicConfigs(kafka: KafkaConnection, topics: string[], keys: string[] | null, lane: Lane = 'foreground'): Promise<Map<string, WireConfig[]>> {
  if (topics.length === 0) return new Map()
  const resources = topics.map((name) => ({ resourceType: TOPIC, resourceName: name, configurationKeys: keys }))
  const { response } = await kafka.send<DescribeConfigsResponse>('any', 'DescribeConfigs', [2, 3, 4], () => [resources, false, false], lane)
  return new Map(response.results.flatMap((r) => (r.errorCode === 0 ? [[r.resourceName, r.configs] as const] : [])))
}

/** Each topic's dynamic overrides (DYNAMIC_TOPIC_CONFIG), name -> value, in one DescribeConfigs. */
export async function topicOverrides(kafka: KafkaConnection, topics: string[]): Promise<Map<string, Map<string, string | null>>> {
  // Every topic's configs is a slow request on a large cluster: in the background lane, beside the refresh.
  const described = await manyTopicConfigs(kafka, topics, null, 'background')
  return new Map([...described].map(([topic, configs]) => [topic, new Map(configs.filter((c) => c.configSource === 1).map((c) => [c.name, c.value ?? null]))]))
}
