// DescribeConfigs (32), answered here from the broker's image and the config module, and
// AlterConfigs (33) / IncrementalAlterConfigs (44), forwarded to the controller. The legacy
// AlterConfigs replaces a resource's whole set of dynamic configs, so it becomes SET for what
// it names and DELETE for what it leaves out.
import { CONFIG_TYPE_ID, describeBrokerConfigs, describeClusterDefaultConfigs, describeTopicConfigs, type DescribedConfig } from '../../config'
import { AlterConfigOp, type IncrementalAlterConfigsRequest } from '../../controller/api'
import { ErrorCode, KafkaError } from '../../errors'
import { ConfigResourceType } from '../../metadata/records'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

function describeResource(context: BrokerContext, resourceType: number, resourceName: string): DescribedConfig[] {
  const image = context.image()
  if (resourceType === ConfigResourceType.TOPIC) {
    if (!image.topicsByName.has(resourceName)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${resourceName}" does not exist`)
    return describeTopicConfigs(image.topicConfigs(resourceName), context.brokerConfigs())
  }
  if (resourceType === ConfigResourceType.BROKER) {
    if (resourceName === '') return describeClusterDefaultConfigs(context.brokerConfigs())
    const id = Number(resourceName)
    if (!Number.isInteger(id) || !image.brokers.has(id)) throw new KafkaError('INVALID_REQUEST', `There is no broker "${resourceName}"`)
    return describeBrokerConfigs(image.brokerConfigLayers(id, context.brokerConfigs().static))
  }
  throw new KafkaError('INVALID_REQUEST', `Config resource type ${resourceType} is not supported (2 = topic, 4 = broker)`)
}

export function handleDescribeConfigs(context: BrokerContext, request: M.DescribeConfigsRequest): M.DescribeConfigsResponse {
  return {
    throttleTimeMs: 0,
    results: request.resources.map((resource) => {
      const result = { resourceType: resource.resourceType, resourceName: resource.resourceName }
      let described: DescribedConfig[]
      try {
        described = describeResource(context, resource.resourceType, resource.resourceName)
      } catch (err) {
        const code = err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
        return { ...result, errorCode: code, errorMessage: (err as Error).message, configs: [] }
      }
      const keys = resource.configurationKeys
      return {
        ...result,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        configs: described
          .filter((c) => keys === null || keys.includes(c.name))
          .map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            isDefault: c.isDefault,
            configSource: c.source,
            isSensitive: c.sensitive,
            synonyms: request.includeSynonyms ? c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })) : [],
            configType: CONFIG_TYPE_ID[c.type],
            documentation: request.includeDocumentation ? c.documentation : null,
          })),
      }
    }),
  }
}

async function forwardAlter(context: BrokerContext, request: IncrementalAlterConfigsRequest): Promise<M.IncrementalAlterConfigsResponse> {
  const answer = await context.forward('incrementalAlterConfigs', request).catch((err) => ({
    responses: request.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      errorCode: err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR,
      errorMessage: (err as Error).message,
    })),
  }))
  return {
    throttleTimeMs: 0,
    responses: answer.responses.map((r) => ({ errorCode: r.errorCode, errorMessage: r.errorMessage, resourceType: r.resourceType, resourceName: r.resourceName })),
  }
}

export function handleIncrementalAlterConfigs(context: BrokerContext, request: M.IncrementalAlterConfigsRequest): Promise<M.IncrementalAlterConfigsResponse> {
  return forwardAlter(context, {
    validateOnly: request.validateOnly,
    resources: request.resources.map((r) => ({
      resourceType: r.resourceType as 2 | 4,
      resourceName: r.resourceName,
      configs: r.configs.map((c) => ({ name: c.name, configOperation: c.configOperation, value: c.value })),
    })),
  })
}

/** The dynamic configs a resource has now, which a legacy AlterConfigs replaces. */
function currentDynamicConfigs(context: BrokerContext, resourceType: number, resourceName: string): Record<string, string> {
  const { configs } = context.image()
  if (resourceType === ConfigResourceType.TOPIC) return configs.topics[resourceName] ?? {}
  return resourceName === '' ? configs.clusterDefaults : (configs.brokers[resourceName] ?? {})
}

export function handleAlterConfigs(context: BrokerContext, request: M.AlterConfigsRequest): Promise<M.AlterConfigsResponse> {
  return forwardAlter(context, {
    validateOnly: request.validateOnly,
    resources: request.resources.map((r) => {
      const named = new Set(r.configs.map((c) => c.name))
      const removed = Object.keys(currentDynamicConfigs(context, r.resourceType, r.resourceName)).filter((name) => !named.has(name))
      return {
        resourceType: r.resourceType as 2 | 4,
        resourceName: r.resourceName,
        configs: [
          ...r.configs.map((c) => ({ name: c.name, configOperation: c.value === null ? AlterConfigOp.DELETE : AlterConfigOp.SET, value: c.value })),
          ...removed.map((name) => ({ name, configOperation: AlterConfigOp.DELETE, value: null })),
        ],
      }
    }),
  })
}
