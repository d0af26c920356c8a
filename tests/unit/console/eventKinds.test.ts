import { describe, expect, it } from 'vitest'
import type { ContractEvent } from '../../../preload/contract'
import { brokersOf, EVENT_KINDS, eventKind, matchesFilter, type EventKind } from '../../../renderer/src/format/eventKinds'
import { describeEvent } from '../../../renderer/src/format/events'

const at = { timestamp: 0 }
const elected: ContractEvent = { source: 'controller', type: 'leader-elected', topic: 'orders', partition: 1, leader: 3, previousLeader: 2, leaderEpoch: 4, reason: 'broker-fenced', ...at }
const shrunk: ContractEvent = { source: 'controller', type: 'isr-shrunk', topic: 'payments', partition: 0, isr: [1, 3], previousIsr: [1, 2, 3], cause: 'lagging', ...at }
const crashed: ContractEvent = { source: 'cluster', type: 'broker-crashed', brokerId: 2, ...at }
const cut: ContractEvent = { source: 'cluster', type: 'link-fault', a: 1, b: 'controller', fault: { mode: 'cut' }, ...at }
const rebalanced: ContractEvent = { source: 'broker', brokerId: 1, type: 'group-rebalanced', groupId: 'billing', generationId: 2, protocol: 'range', members: 2, ...at }
const death = { error: { name: 'MalformedMessageError', message: 'Truncated int32 at byte 4', stack: null }, exitCode: 1, timestamp: 0 }
const died: ContractEvent = { source: 'cluster', type: 'broker-died', brokerId: 1, message: 'MalformedMessageError: Truncated int32 at byte 4', death, restarting: false, ...at }
const all = new Set(Object.keys(EVENT_KINDS) as EventKind[])
const matches = (event: ContractEvent, filter: { kinds?: Set<EventKind>; text?: string; hideInternal?: boolean }) =>
  matchesFilter(event, describeEvent(event), { kinds: filter.kinds ?? all, text: filter.text ?? '', hideInternal: filter.hideInternal })

describe('the timeline filter', () => {
  it('sorts events into kinds', () => {
    expect([elected, shrunk, crashed, cut, rebalanced].map(eventKind)).toEqual(['elections', 'isr', 'brokers', 'brokers', 'groups'])
  })

  it('finds every broker an event names, and no controller or -1', () => {
    expect(brokersOf(elected).sort()).toEqual([2, 3])
    expect(brokersOf(shrunk).sort()).toEqual([1, 1, 2, 3, 3])
    expect(brokersOf(cut)).toEqual([1])
  })

  it('matches a broker id exactly and other text anywhere in the line', () => {
    expect(matches(shrunk, { text: '2' })).toBe(true)
    expect(matches(crashed, { text: '3' })).toBe(false)
    // "1" as a broker id, not as a substring of the partition "orders-1".
    expect(matches(elected, { text: '1' })).toBe(false)
    expect(matches(elected, { text: 'ORDERS' })).toBe(true)
    expect(matches(rebalanced, { text: 'billing' })).toBe(true)
    expect(matches(shrunk, { text: 'orders' })).toBe(false)
  })

  it('hides the events of Kafka\'s internal topics when asked, and only those', () => {
    const offsetsShrunk: ContractEvent = { ...shrunk, topic: '__consumer_offsets' } as ContractEvent
    const txnElected: ContractEvent = { ...elected, topic: '__transaction_state' } as ContractEvent
    const lookalike: ContractEvent = { ...shrunk, topic: '_consumer_offsets' } as ContractEvent
    const offsetsConfig: ContractEvent = { source: 'controller', type: 'config-changed', resourceType: 2, resourceName: '__consumer_offsets', name: 'cleanup.policy', value: 'compact', ...at }
    const brokerConfig: ContractEvent = { source: 'controller', type: 'config-changed', resourceType: 4, resourceName: '__consumer_offsets', name: 'x', value: null, ...at }
    expect([offsetsConfig, brokerConfig].map((e) => matches(e, { hideInternal: true }))).toEqual([false, true])
    expect([offsetsShrunk, txnElected, lookalike, shrunk, crashed].map((e) => matches(e, { hideInternal: true }))).toEqual([false, false, true, true, true])
    expect([offsetsShrunk, txnElected].map((e) => matches(e, {}))).toEqual([true, true])
  })

  it('tells a broker that died unasked from one the operator crashed, with its error', () => {
    expect(describeEvent(died)).toEqual({ title: 'Broker 1 died', detail: 'MalformedMessageError: Truncated int32 at byte 4', tone: 'bad' })
    expect(describeEvent(crashed).title).toBe('Broker 2 crashed')
    expect(describeEvent({ ...died, restarting: true } as ContractEvent).detail).toMatch(/; restarting it$/)
    expect(eventKind(died)).toBe('brokers')
    expect(matches(died, { text: '1' })).toBe(true)
    expect(matches(died, { text: 'malformed' })).toBe(true)
  })

  it('keeps only the chosen kinds', () => {
    const elections = new Set<EventKind>(['elections'])
    expect([elected, shrunk, crashed].filter((e) => matches(e, { kinds: elections }))).toEqual([elected])
  })
})
