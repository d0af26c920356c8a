// What stopping or crashing a broker would do to the partitions it is in sync for, before the
// operator confirms: a partition whose ISR would be left empty goes offline; one left with
// fewer in-sync replicas than its min.insync.replicas refuses acks=all produces
// (NOT_ENOUGH_REPLICAS). Read over the Kafka protocol: Metadata, and each topic's effective
// min.insync.replicas from DescribeConfigs.
import type { KafkaConnection } from '../connections/kafkaConnection'
import { manyTopicConfigs } from './configs'
import type { FaultImpact } from '../../../preload/contract'

async function minInsyncReplicas(kafka: KafkaConnection, topics: string[]): Promise<Map<string, number>> {
  const described = await manyTopicConfigs(kafka, topics, ['min.insync.replicas'])
  return new Map([...described].flatMap(([topic, configs]) => (configs[0]?.value ? [[topic, Number(configs[0].value)] as const] : [])))
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
