// One line per cluster event for the timeline, in Kafka's words.
import type { ContractEvent } from '../../../preload/contract'
import { formatBytes } from './units'

export type Tone = 'good' | 'info' | 'warn' | 'bad'

export interface EventLine {
  title: string
  detail: string
  tone: Tone
}

const tp = (e: { topic: string; partition: number }) => `${e.topic}-${e.partition}`
const list = (ids: number[]) => `[${ids.join(', ')}]`

export function describeEvent(event: ContractEvent): EventLine {
  switch (event.type) {
    case 'broker-registered':
      return { title: `Broker ${event.brokerId} registered`, detail: `broker epoch ${event.brokerEpoch}`, tone: 'good' }
    case 'broker-fenced':
      return { title: `Broker ${event.brokerId} fenced`, detail: event.reason, tone: 'warn' }
    case 'broker-unfenced':
      return { title: `Broker ${event.brokerId} unfenced`, detail: 'eligible for leadership again', tone: 'good' }
    case 'broker-unregistered':
      return { title: `Broker ${event.brokerId} unregistered`, detail: '', tone: 'warn' }
    case 'leader-elected':
      return { title: `Leader of ${tp(event)}: ${event.leader}`, detail: `was ${event.previousLeader}, epoch ${event.leaderEpoch}, ${event.reason}`, tone: event.reason === 'unclean' ? 'bad' : 'info' }
    case 'isr-shrunk':
    case 'isr-expanded':
      return { title: `ISR of ${tp(event)} ${event.type === 'isr-shrunk' ? 'shrunk' : 'expanded'}`, detail: `${list(event.previousIsr)} → ${list(event.isr)}, ${event.cause}`, tone: event.type === 'isr-shrunk' ? 'warn' : 'good' }
    case 'partition-offline':
      return { title: `${tp(event)} offline`, detail: `last leader ${event.lastLeader}, ${event.cause}`, tone: 'bad' }
    case 'unclean-election':
      return { title: `Unclean election on ${tp(event)}`, detail: `leader ${event.leader}, ISR was ${list(event.previousIsr)}`, tone: 'bad' }
    case 'topic-created':
      return { title: `Topic ${event.topic} created`, detail: `${event.partitions} partitions, RF ${event.replicationFactor}`, tone: 'good' }
    case 'topic-deleted':
      return { title: `Topic ${event.topic} deleted`, detail: '', tone: 'info' }
    case 'partitions-created':
      return { title: `Partitions added to ${event.topic}`, detail: `${event.from} → ${event.to}`, tone: 'info' }
    case 'config-changed':
      return { title: `Config ${event.name} changed`, detail: `${event.resourceType === 2 ? 'topic' : 'broker'} ${event.resourceName || '(default)'}: ${event.value ?? 'deleted'}`, tone: 'info' }
    case 'log-recovered':
      return { title: `Log ${tp(event)} recovered`, detail: `broker ${event.brokerId}, ${event.truncatedBytes} bytes truncated`, tone: 'warn' }
    case 'log-truncated':
      return { title: `Log ${tp(event)} truncated`, detail: `broker ${event.brokerId}: ${event.fromOffset} → ${event.toOffset}, leader ${event.leader}`, tone: 'warn' }
    case 'segments-deleted':
      return { title: `Segments of ${tp(event)} deleted`, detail: `broker ${event.brokerId}: ${event.deletedSegments} by ${event.reason}`, tone: 'info' }
    case 'log-cleaned':
      return { title: `${tp(event)} cleaned`, detail: describeCleaning(event), tone: 'info' }
    case 'group-rebalanced':
      return { title: `Group ${event.groupId} rebalanced`, detail: `generation ${event.generationId}, ${event.members} member${event.members === 1 ? '' : 's'}${event.protocol ? `, ${event.protocol}` : ''}, coordinator ${event.brokerId}`, tone: 'info' }
    case 'link-fault':
      return { title: `Link ${event.a} ↔ ${event.b}: ${event.fault.mode}`, detail: event.fault.mode === 'slow' ? `${event.fault.delayMs} ms delay` : '', tone: event.fault.mode === 'ok' ? 'good' : 'bad' }
    case 'broker-died':
      return { title: `Broker ${event.brokerId} died`, detail: `${event.message}${event.restarting ? '; restarting it' : ''}`, tone: 'bad' }
    case 'controller-died':
      return { title: 'Controller died', detail: event.message, tone: 'bad' }
    case 'clients-died':
      return { title: 'Demo clients died', detail: `${event.message}; their runs and producers ended`, tone: 'bad' }
    default:
      // The remaining cluster events say what happened to a broker: broker-stopped, broker-crashed...
      return { title: `Broker ${event.brokerId} ${event.type.slice('broker-'.length)}`, detail: '', tone: event.type === 'broker-crashed' ? 'bad' : event.type === 'broker-started' || event.type === 'broker-resumed' ? 'good' : 'warn' }
  }
}

/** A cleaning round in a line: "broker 1: read 12 MiB, wrote 1.2 MiB, 9,000 records removed, up to offset 10000". */
export function describeCleaning(round: { brokerId: number; bytesRead: number; bytesWritten: number; recordsRemoved: number; endOffset: number; elapsedMs: number }): string {
  const removed = `${round.recordsRemoved.toLocaleString('en-US')} record${round.recordsRemoved === 1 ? '' : 's'} removed`
  return `broker ${round.brokerId}: read ${formatBytes(round.bytesRead)}, wrote ${formatBytes(round.bytesWritten)}, ${removed}, cleaned up to offset ${round.endOffset} in ${round.elapsedMs} ms`
}
