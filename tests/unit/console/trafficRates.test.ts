import { describe, expect, it } from 'vitest'
import type { BrokerSnapshot } from '../../../preload/contract'
import type { BrokerTrafficTotals } from '../../../main/cluster/broker/brokerTopicMetrics'
import { emptyBaseline, MIN_INTERVAL_MS, nextTrafficPoint } from '../../../renderer/src/stores/trafficRates'

const totals = (since: number, messagesIn: number, messagesOut = 0): BrokerTrafficTotals => ({
  since,
  messagesIn,
  messagesOut,
  bytesIn: messagesIn * 100,
  bytesOut: messagesOut * 100,
  replicationBytesIn: 0,
  replicationBytesOut: 0,
})
const broker = (id: number, traffic: BrokerTrafficTotals | null) =>
  ({ id, status: traffic ? 'running' : 'crashed', listener: null, fenced: false, registered: true, leaderOf: 0, followerOf: 0, bytes: 0, traffic }) as BrokerSnapshot

describe('nextTrafficPoint', () => {
  it('turns the totals of two snapshots into per-second rates, per broker and summed', () => {
    const baseline = emptyBaseline()
    expect(nextTrafficPoint(baseline, [broker(1, totals(0, 100, 10)), broker(2, totals(0, 50))], 10_000)).toBeNull()
    const point = nextTrafficPoint(baseline, [broker(1, totals(0, 300, 50)), broker(2, totals(0, 150))], 12_000)
    expect(point).toMatchObject({ timestamp: 12_000, messagesIn: 150, messagesOut: 20, bytesIn: 15_000 })
    expect(point!.brokers[1]).toMatchObject({ messagesIn: 100, messagesOut: 20 })
    expect(point!.brokers[2]).toMatchObject({ messagesIn: 50, messagesOut: 0 })
  })

  it('waits for a later snapshot when one comes too soon, and measures over the longer interval', () => {
    const baseline = emptyBaseline()
    nextTrafficPoint(baseline, [broker(1, totals(0, 0))], 0)
    expect(nextTrafficPoint(baseline, [broker(1, totals(0, 10))], MIN_INTERVAL_MS - 1)).toBeNull()
    expect(nextTrafficPoint(baseline, [broker(1, totals(0, 40))], 2000)).toMatchObject({ messagesIn: 20 })
  })

  it('never goes negative when a broker restarts: its new totals are what it counted since', () => {
    const baseline = emptyBaseline()
    nextTrafficPoint(baseline, [broker(1, totals(0, 5000))], 0)
    // Crashed: it does not answer, counts nothing, and keeps its baseline.
    expect(nextTrafficPoint(baseline, [broker(1, null)], 2000)).toMatchObject({ messagesIn: 0, brokers: {} })
    const restarted = nextTrafficPoint(baseline, [broker(1, totals(3000, 30))], 4000)
    expect(restarted).toMatchObject({ messagesIn: 15 })
    expect(nextTrafficPoint(baseline, [broker(1, totals(3000, 50))], 6000)).toMatchObject({ messagesIn: 10 })
  })

  it('counts nothing for a broker it sees for the first time', () => {
    const baseline = emptyBaseline()
    nextTrafficPoint(baseline, [broker(1, totals(0, 0))], 0)
    expect(nextTrafficPoint(baseline, [broker(1, totals(0, 20)), broker(2, totals(0, 999))], 2000)).toMatchObject({ messagesIn: 10, brokers: { 2: { messagesIn: 0 } } })
  })
})
