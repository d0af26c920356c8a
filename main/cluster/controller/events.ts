// The console's timeline: events read off what a committed batch changed in the image, so
// every event matches a record, with the batch's cause in words.
import type { MetadataChange, MetadataImage, PartitionRegistration } from '../metadata/image'
import { LeaderRecoveryState, NO_LEADER } from '../metadata/records'
import type { ControllerEvent } from './api'
import type { ChangeCause } from './result'

type EventBody = ControllerEvent extends infer E ? (E extends ControllerEvent ? Omit<E, 'timestamp'> : never) : never
type PartitionChange = Extract<MetadataChange, { kind: 'partition' }>

const without = (a: readonly number[], b: readonly number[]) => a.filter((id) => !b.includes(id))

function brokerEvents(change: Extract<MetadataChange, { kind: 'broker' }>, cause: ChangeCause): EventBody[] {
  const { brokerId, previous, current } = change
  if (!current) return [{ type: 'broker-unregistered', brokerId }]
  const events: EventBody[] = []
  if (!previous || previous.epoch !== current.epoch) events.push({ type: 'broker-registered', brokerId, brokerEpoch: current.epoch })
  else if (!previous.fenced && current.fenced) events.push({ type: 'broker-fenced', brokerId, reason: cause.fence ?? 'requested' })
  else if (previous.fenced && !current.fenced) events.push({ type: 'broker-unfenced', brokerId })
  return events
}

function leaderEvents(topic: string, partition: number, previous: PartitionRegistration, current: PartitionRegistration, cause: ChangeCause): EventBody[] {
  if (current.leader === previous.leader) return []
  if (current.leader === NO_LEADER) {
    const why = `${cause.text}; no other in-sync replica of [${current.isr}] is live`
    return [{ type: 'partition-offline', topic, partition, lastLeader: previous.leader, cause: why }]
  }
  const elected = { type: 'leader-elected', topic, partition, leader: current.leader, previousLeader: previous.leader, leaderEpoch: current.leaderEpoch } as const
  if (current.leaderRecoveryState === LeaderRecoveryState.RECOVERING && !previous.isr.includes(current.leader)) {
    const why = `${cause.text}; no in-sync replica of [${previous.isr}] was live, so replica ${current.leader} outside the ISR was elected and records acknowledged by the ISR may be lost`
    return [
      { type: 'unclean-election', topic, partition, leader: current.leader, previousIsr: [...previous.isr], cause: why },
      { ...elected, reason: 'unclean' },
    ]
  }
  return [{ ...elected, reason: previous.leader === NO_LEADER ? 'offline-recovered' : (cause.election ?? 'preferred') }]
}

function isrEvents(topic: string, partition: number, previous: PartitionRegistration, current: PartitionRegistration, cause: ChangeCause): EventBody[] {
  const removed = without(previous.isr, current.isr)
  const added = without(current.isr, previous.isr)
  const base = { topic, partition, isr: [...current.isr], previousIsr: [...previous.isr] }
  return [
    ...(removed.length > 0 ? [{ ...base, type: 'isr-shrunk' as const, cause: `${cause.text}; [${removed}] left the ISR` }] : []),
    ...(added.length > 0 ? [{ ...base, type: 'isr-expanded' as const, cause: `${cause.text}; [${added}] joined the ISR` }] : []),
  ]
}

/** Partitions added to existing topics, as one event per topic. */
function partitionsCreated(created: PartitionChange[], newTopics: Set<string>, image: MetadataImage): EventBody[] {
  const byTopic = new Map<string, number>()
  for (const c of created) if (!newTopics.has(c.topicId)) byTopic.set(c.topic, Math.min(byTopic.get(c.topic) ?? Infinity, c.partition))
  return [...byTopic].map(([topic, from]) => ({ type: 'partitions-created', topic, from, to: image.topicsByName.get(topic)?.partitions.length ?? from }))
}

export function eventsFor(changes: readonly MetadataChange[], cause: ChangeCause, image: MetadataImage, timestamp: number): ControllerEvent[] {
  const events: EventBody[] = []
  const newTopics = new Set<string>()
  const newPartitions: PartitionChange[] = []
  for (const change of changes) {
    switch (change.kind) {
      case 'broker':
        events.push(...brokerEvents(change, cause))
        break
      case 'topic-created': {
        newTopics.add(change.topicId)
        const partitions = image.topicsById.get(change.topicId)?.partitions ?? []
        events.push({ type: 'topic-created', topic: change.topic, topicId: change.topicId, partitions: partitions.length, replicationFactor: partitions[0]?.replicas.length ?? 0 })
        break
      }
      case 'topic-removed':
        events.push({ type: 'topic-deleted', topic: change.topic, topicId: change.topicId })
        break
      case 'partition': {
        const { topic, partition, previous, current } = change
        if (!previous) newPartitions.push(change)
        else events.push(...leaderEvents(topic, partition, previous, current, cause), ...isrEvents(topic, partition, previous, current, cause))
        break
      }
      case 'config':
        events.push({ type: 'config-changed', resourceType: change.resourceType, resourceName: change.resourceName, name: change.name, value: change.value })
        break
      case 'producer-ids':
      case 'client-quota':
      case 'scram-credential':
      case 'feature-level':
        break
    }
  }
  events.push(...partitionsCreated(newPartitions, newTopics, image))
  return events.map((event) => ({ timestamp, ...event }) as ControllerEvent)
}
