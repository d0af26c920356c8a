// ListConfigResources (74; ListClientMetricsResources before KIP-1142): the config resources
// a client may describe. v0 lists client metrics resources only, and Brokerlab has none
// (it keeps no CLIENT_METRICS configs); v1 lists the types asked for, every supported type
// when none is, and refuses the whole request with UNSUPPORTED_VERSION for another type.
import { ErrorCode } from '../../errors'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

/** Kafka's ConfigResource.Type ids. */
const TOPIC = 2
const BROKER = 4
const BROKER_LOGGER = 8
const CLIENT_METRICS = 16
const GROUP = 32
const SUPPORTED = [TOPIC, BROKER, BROKER_LOGGER, CLIENT_METRICS, GROUP]

export function handleListConfigResources(context: BrokerContext, request: M.ListConfigResourcesRequest, version: number): M.ListConfigResourcesResponse {
  const answer = (configResources: M.ConfigResource[], errorCode: number = ErrorCode.NONE) => ({ throttleTimeMs: 0, errorCode, configResources })
  if (version === 0) return answer([])
  const types = request.resourceTypes.length ? request.resourceTypes : SUPPORTED
  if (types.some((t) => !SUPPORTED.includes(t))) return answer([], ErrorCode.UNSUPPORTED_VERSION)
  const image = context.image()
  const resources: M.ConfigResource[] = []
  const add = (resourceType: number, names: Iterable<string>) => {
    for (const resourceName of names) resources.push({ resourceName, resourceType })
  }
  if (types.includes(TOPIC)) add(TOPIC, [...image.topicsByName.keys()].sort())
  const brokerIds = [...image.brokers.keys()].sort((a, b) => a - b).map(String)
  if (types.includes(BROKER)) add(BROKER, brokerIds)
  if (types.includes(BROKER_LOGGER)) add(BROKER_LOGGER, brokerIds)
  // No client metrics or group configs are kept, so those types list nothing.
  return answer(resources)
}
