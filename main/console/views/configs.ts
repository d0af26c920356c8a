// Configs as the console shows them: DescribeConfigs' answer for a topic, a broker, or the
// cluster-wide dynamic defaults, every value with its source and synonyms.
import type { Cluster } from '../../cluster/cluster'
import { describeBrokerConfigs, describeClusterDefaultConfigs, describeTopicConfigs } from '../../cluster/config'
import type { DescribedConfig } from '../../../preload/contract'

export function topicConfigs(cluster: Cluster, topic: string): DescribedConfig[] {
  cluster.topic(topic)
  return describeTopicConfigs(cluster.image.topicConfigs(topic), cluster.image.brokerConfigLayers(cluster.brokerIds[0], cluster.staticConfigs))
}

/** A broker's configs, or with '' the cluster-wide dynamic defaults. */
export function brokerConfigs(cluster: Cluster, brokerId: number | ''): DescribedConfig[] {
  if (brokerId === '') return describeClusterDefaultConfigs(cluster.image.brokerConfigLayers(cluster.brokerIds[0], cluster.staticConfigs))
  cluster.brokerStatus(brokerId)
  return describeBrokerConfigs(cluster.image.brokerConfigLayers(brokerId, { ...cluster.staticConfigs, 'node.id': String(brokerId) }))
}
