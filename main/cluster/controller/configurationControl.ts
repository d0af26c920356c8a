// Dynamic configs (Kafka's ConfigurationControlManager): IncrementalAlterConfigs on topics,
// brokers and the cluster-wide broker default, validated by the config module and stored as
// ConfigRecords; and the values the controller itself acts on, resolved the way brokers do.
import {
  alterBrokerConfigs,
  alterTopicConfigs,
  brokerConfigKey,
  describeBrokerConfig,
  describeTopicConfig,
  topicConfigKey,
  type AlterConfigOp,
  type ConfigLayers,
  type ConfigValue,
} from '../config'
import { KafkaError } from '../errors'
import { ConfigResourceType, type ConfigRecord } from '../metadata/records'
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './api'
import { errorOf, NO_ERROR, type ControllerResult, type ImageSource } from './result'

const OPERATIONS: readonly AlterConfigOp['op'][] = ['SET', 'DELETE', 'APPEND', 'SUBTRACT']
const BROKER_ID = /^\d+$/

type Resource = IncrementalAlterConfigsRequest['resources'][number]

/** ConfigRecords that turn `before` into `after`: set what differs, null what is gone. */
function configRecords(resourceType: ConfigResourceType, resourceName: string, before: Record<string, string>, after: Record<string, string>): ConfigRecord[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...names]
    .filter((name) => before[name] !== after[name])
    .map((name) => ({ type: 'ConfigRecord', resourceType, resourceName, name, value: after[name] ?? null }))
}

function operations(resource: Resource): AlterConfigOp[] {
  const seen = new Set<string>()
  return resource.configs.map(({ name, configOperation, value }) => {
    const op = OPERATIONS[configOperation]
    if (op === undefined) throw new KafkaError('INVALID_REQUEST', `Unknown config operation ${configOperation} for ${name}`)
    if (seen.has(name)) throw new KafkaError('INVALID_REQUEST', `Error due to duplicate config keys: ${name}`)
    seen.add(name)
    return { name, op, value }
  })
}

export class ConfigurationControlManager {
  constructor(
    private readonly metadata: ImageSource,
    /** The cluster's static broker properties; the controller decides with them. */
    readonly staticConfigs: Readonly<Record<string, string>>,
  ) {}

  /** The controller's layers: static properties under the cluster-wide dynamic default. */
  private layers(): ConfigLayers {
    return { static: { ...this.staticConfigs }, clusterDefaults: { ...this.metadata.image.configs.clusterDefaults }, perBroker: {} }
  }

  brokerValue(name: string): ConfigValue {
    const key = brokerConfigKey(name)
    if (!key) throw new Error(`Unknown broker config ${name}`)
    return describeBrokerConfig(key, this.layers()).typedValue!
  }

  /** A topic's value: its override, else the cluster default, else the static property, else Kafka's default. */
  topicValue(topic: string, name: string): ConfigValue {
    const key = topicConfigKey(name)
    if (!key) throw new Error(`Unknown topic config ${name}`)
    return describeTopicConfig(key, this.metadata.image.topicConfigs(topic), this.layers()).typedValue!
  }

  /**
   * The records a new cluster's controller writes first, as Kafka 4.4's
   * ActivationRecordsGenerator.recordsForEmptyLog does when eligible leader replicas (KIP-966)
   * are on, the default of a new 4.x cluster: the cluster-wide min.insync.replicas, set to the
   * controller's static value, so every broker and topic describes it as a dynamic default.
   */
  bootstrapRecords(): ControllerResult<void> {
    const value = String(this.brokerValue('min.insync.replicas'))
    const record: ConfigRecord = { type: 'ConfigRecord', resourceType: ConfigResourceType.BROKER, resourceName: '', name: 'min.insync.replicas', value }
    return { records: [record], response: undefined, cause: { text: 'bootstrap: the cluster-wide min.insync.replicas (eligible leader replicas)' } }
  }

  uncleanLeaderElectionEnabled(topic: string): boolean {
    return this.topicValue(topic, 'unclean.leader.election.enable') === true
  }

  incrementalAlterConfigs(request: IncrementalAlterConfigsRequest): ControllerResult<IncrementalAlterConfigsResponse> {
    const records: ConfigRecord[] = []
    const seen = new Set<string>()
    const responses = request.resources.map((resource) => {
      const { resourceType, resourceName } = resource
      try {
        const key = `${resourceType}:${resourceName}`
        if (seen.has(key)) throw new KafkaError('INVALID_REQUEST', `Duplicate resource ${resourceName} in the request`)
        seen.add(key)
        records.push(...this.alterResource(resource))
        return { resourceType, resourceName, ...NO_ERROR }
      } catch (error) {
        return { resourceType, resourceName, ...errorOf(error) }
      }
    })
    return {
      records: request.validateOnly ? [] : records,
      response: { responses },
      cause: { text: 'IncrementalAlterConfigs' },
    }
  }

  private alterResource(resource: Resource): ConfigRecord[] {
    const { resourceType, resourceName } = resource
    const ops = operations(resource)
    const { image } = this.metadata
    if (resourceType === ConfigResourceType.TOPIC) {
      if (!image.topicsByName.has(resourceName)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${resourceName} does not exist`)
      const before = image.topicConfigs(resourceName)
      return configRecords(ConfigResourceType.TOPIC, resourceName, before, alterTopicConfigs(before, ops))
    }
    if (resourceType === ConfigResourceType.BROKER) {
      if (resourceName !== '' && !BROKER_ID.test(resourceName)) {
        throw new KafkaError('INVALID_REQUEST', `Unable to parse broker name "${resourceName}" as a base 10 number`)
      }
      const level = resourceName === '' ? 'clusterDefaults' : 'perBroker'
      const layers = image.brokerConfigLayers(Number(resourceName), this.staticConfigs)
      return configRecords(ConfigResourceType.BROKER, resourceName, layers[level], alterBrokerConfigs(layers, level, ops)[level])
    }
    throw new KafkaError('INVALID_REQUEST', `Unsupported resource type ${resourceType as number}`)
  }
}
