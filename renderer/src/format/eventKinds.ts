// The timeline's filter: each cluster event's kind, the brokers it involves, and a match on
// kinds plus a text (a broker id, or any part of a topic, group or the event's words).
import { isInternalTopic, type ContractEvent } from '../../../preload/contract'
import type { EventLine } from './events'

export const EVENT_KINDS = {
  elections: 'Elections',
  isr: 'ISR',
  brokers: 'Brokers & faults',
  groups: 'Groups',
  configs: 'Configs',
  topics: 'Topics',
  logs: 'Logs, retention & cleaning',
} as const
export type EventKind = keyof typeof EVENT_KINDS

export function eventKind(event: ContractEvent): EventKind {
  switch (event.type) {
    case 'leader-elected':
    case 'unclean-election':
    case 'partition-offline':
      return 'elections'
    case 'isr-shrunk':
    case 'isr-expanded':
      return 'isr'
    case 'group-rebalanced':
      return 'groups'
    case 'config-changed':
      return 'configs'
    case 'topic-created':
    case 'topic-deleted':
    case 'partitions-created':
      return 'topics'
    case 'log-recovered':
    case 'log-truncated':
    case 'segments-deleted':
    case 'log-cleaned':
      return 'logs'
    default:
      // Registration, fencing, the broker lifecycle (stopped, crashed...) and link faults.
      return 'brokers'
  }
}

/** Every broker id an event names: the broker, a leader before and after, ISR members, a link's ends. */
export function brokersOf(event: ContractEvent): number[] {
  const ids: unknown[] = []
  const e = event as Partial<Record<string, unknown>>
  ids.push(e.brokerId, e.leader, e.previousLeader, e.lastLeader, e.a, e.b)
  for (const list of [e.isr, e.previousIsr]) if (Array.isArray(list)) ids.push(...list)
  return ids.filter((id): id is number => typeof id === 'number' && id >= 0)
}

/** The topic an event is about: a partition's, a created or deleted topic's, or a topic config's. */
export function topicOf(event: ContractEvent): string | undefined {
  if ('topic' in event && typeof event.topic === 'string') return event.topic
  if (event.type === 'config-changed' && event.resourceType === 2) return event.resourceName
  return undefined
}

export interface EventFilter {
  kinds: ReadonlySet<EventKind>
  /** A whole number matches the events that involve that broker; other text matches the line's words. */
  text: string
  /** Leaves out the events of Kafka's internal topics (__consumer_offsets churns as groups commit). */
  hideInternal?: boolean
}

export function matchesFilter(event: ContractEvent, line: EventLine, filter: EventFilter): boolean {
  if (!filter.kinds.has(eventKind(event))) return false
  if (filter.hideInternal && isInternalTopic(topicOf(event) ?? '')) return false
  const text = filter.text.trim().toLowerCase()
  if (!text) return true
  if (/^\d+$/.test(text)) return brokersOf(event).includes(Number(text))
  return `${line.title} ${line.detail}`.toLowerCase().includes(text)
}
