// The event timeline of a cluster the console reaches only over the Kafka protocol: what
// changed between two Metadata answers (brokers joining and leaving, topics and partitions
// created or deleted, leaders moving, ISRs shrinking and expanding) and, every 30 seconds,
// which topic configs changed (DescribeConfigs). The embedded cluster's controller reports its
// own events; no other cluster tells a client why, so these carry what was seen, not why.
import type { ClusterEvent } from '../../../preload/contract'
import type { ClusterMetadata } from '../connections/kafkaConnection'

const KEPT_EVENTS = 5000

export class ObservedTimeline {
  private previous: ClusterMetadata | null = null
  private readonly events: ClusterEvent[] = []
  private readonly listeners = new Set<(event: ClusterEvent) => void>()
  private topicConfigs: Map<string, Map<string, string | null>> | null = null

  /** Compares a new Metadata answer with the last one and records the differences. */
  observe(metadata: ClusterMetadata): void {
    const before = this.previous
    this.previous = metadata
    if (!before) return
    const timestamp = Date.now()
    const at = { source: 'observed' as const, timestamp }
    for (const id of metadata.brokers.keys()) if (!before.brokers.has(id)) this.add({ ...at, type: 'broker-registered', brokerId: id, brokerEpoch: -1 })
    for (const id of before.brokers.keys()) if (!metadata.brokers.has(id)) this.add({ ...at, type: 'broker-unregistered', brokerId: id })
    for (const [name, topic] of metadata.topics) {
      const old = before.topics.get(name)
      if (!old || old.topicId !== topic.topicId) {
        const replicationFactor = Math.max(0, ...topic.partitions.map((p) => p.replicas.length))
        this.add({ ...at, type: 'topic-created', topic: name, topicId: topic.topicId, partitions: topic.partitions.length, replicationFactor })
        continue
      }
      if (topic.partitions.length > old.partitions.length) this.add({ ...at, type: 'partitions-created', topic: name, from: old.partitions.length, to: topic.partitions.length })
      for (const p of topic.partitions) {
        const q = old.partitions[p.partition]
        // Nothing moved, the usual case on every poll: passed over before anything is made.
        if (!q || (p.leader === q.leader && p.isr.length === q.isr.length && p.isr.every((id, i) => id === q.isr[i]))) continue
        const partition = { topic: name, partition: p.partition }
        if (p.leader !== q.leader) {
          if (p.leader < 0) this.add({ ...at, ...partition, type: 'partition-offline', lastLeader: q.leader, cause: 'no leader in Metadata' })
          else this.add({ ...at, ...partition, type: 'leader-elected', leader: p.leader, previousLeader: q.leader, leaderEpoch: p.leaderEpoch, reason: 'observed' })
        }
        const shrunk = q.isr.some((id) => !p.isr.includes(id))
        const expanded = p.isr.some((id) => !q.isr.includes(id))
        if (shrunk || expanded) {
          this.add({ ...at, ...partition, type: shrunk ? 'isr-shrunk' : 'isr-expanded', isr: p.isr, previousIsr: q.isr, cause: 'seen in Metadata' })
        }
      }
    }
    for (const [name, old] of before.topics) {
      const now = metadata.topics.get(name)
      if (!now || now.topicId !== old.topicId) this.add({ ...at, type: 'topic-deleted', topic: name, topicId: old.topicId })
    }
  }

  /** Compares each topic's overrides (name -> value) with the last ones seen and records the changes. */
  observeTopicConfigs(overrides: Map<string, Map<string, string | null>>): void {
    const before = this.topicConfigs
    this.topicConfigs = overrides
    if (!before) return
    const at = { source: 'observed' as const, timestamp: Date.now(), resourceType: 2 as const }
    for (const [topic, configs] of overrides) {
      const old = before.get(topic)
      if (!old) continue
      for (const [name, value] of configs) if (old.get(name) !== value) this.add({ ...at, type: 'config-changed', resourceName: topic, name, value })
      for (const name of old.keys()) if (!configs.has(name)) this.add({ ...at, type: 'config-changed', resourceName: topic, name, value: null })
    }
  }

  private add(event: ClusterEvent): void {
    this.events.push(event)
    if (this.events.length > KEPT_EVENTS) this.events.splice(0, this.events.length - KEPT_EVENTS)
    for (const listener of this.listeners) listener(event)
  }

  /** The latest events, oldest first. */
  recent(limit = 500): ClusterEvent[] {
    return this.events.slice(-limit)
  }

  onEvent(listener: (event: ClusterEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
