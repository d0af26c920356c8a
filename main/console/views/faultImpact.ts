// What stopping or crashing a broker would do to the partitions it is in sync for, before the
// operator confirms: a partition whose ISR would be left empty goes offline; one left with
// fewer in-sync replicas than its min.insync.replicas refuses acks=all produces
// (NOT_ENOUGH_REPLICAS). Read over the Kafka protocol: Metadata, and each topic's effective
// min.insync.replicas from DescribeConfigs.
import type { KafkaConnection } from '../connections/kafkaConnection'
import type { FaultImpact } from '../../../preload/contract'

type DescribeConfigsResponse = import('@platformatic/kafka').describeConfigsV4.DescribeConfigsResponse

async function minInsyncReplicas(kafka: KafkaConnection, topics: string[]): Promise<Map<string, number>> {
  if (topics.length === 0) return new Map()
  const resources = topics.map((name) => ({ resourceType: 2, resourceName: name, configurationKeys: ['min.insync.replicas'] }))
  const { response } = await kafka.send<DescribeConfigsResponse>('any', 'DescribeConfigs', [2, 3, 4], () => [resources, false, false])
  return new Map(response.results.flatMap((r) => (r.errorCode === 0 && r.configs[0]?.value ? [[r.resourceName, Number(r.configs[0].value)] as const] : [])))
}

export async function faultImpact(kafka: KafkaConnection, brokerId: number): Promise<FaultImpact[]> {
  const metadata = await kafka.metadata()
  const inSync = [...metadata.topics.values()].flatMap((t) => t.partitions.filter((p) => p.isr.includes(brokerId)).map((p) => ({ topic: t.name, ...p })))
  const minIsr = await minInsyncReplicas(kafka, [...new Set(inSync.map((p) => p.topic))])
  return inSync.flatMap((p): FaultImpact[] => {
    const left = p.isr.filter((id) => id !== brokerId)
    const min = minIsr.get(p.topic) ?? 1
    if (left.length === 0) return [{ topic: p.topic, partition: p.partition, effect: 'offline', isr: p.isr, isrAfter: left, minInsyncReplicas: min }]
    if (left.length < min) return [{ topic: p.topic, partition: p.partition, effect: 'below-min-isr', isr: p.isr, isrAfter: left, minInsyncReplicas: min }]
    return []
  })
}
