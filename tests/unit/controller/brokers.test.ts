import { describe, expect, it } from 'vitest'
import { Harness } from './harness'

describe('broker registration and heartbeats', () => {
  it('gives each registration the offset of its RegisterBrokerRecord as epoch, fenced until caught up', () => {
    const h = new Harness()
    const epoch1 = h.register(1)
    const epoch2 = h.register(2)
    // Offsets 0-3 are the bootstrap: the cluster-wide min.insync.replicas and three finalized features.
    expect([epoch1, epoch2]).toEqual([4, 5])
    expect(h.controller.image.brokers.get(1)).toMatchObject({ epoch: 4, fenced: true, incarnationId: 'incarnation-1' })

    // Behind its own registration: still fenced.
    expect(h.heartbeat(2, { offset: 4 })).toEqual({ isCaughtUp: false, isFenced: true, shouldShutDown: false })
    expect(h.heartbeat(2, { offset: 5 })).toEqual({ isCaughtUp: true, isFenced: false, shouldShutDown: false })
    expect(h.controller.image.brokers.get(2)!.fenced).toBe(false)
    expect(h.eventsOf('broker-registered').map((e) => [e.brokerId, e.brokerEpoch])).toEqual([[1, 4], [2, 5]])
    expect(h.eventsOf('broker-unfenced').map((e) => e.brokerId)).toEqual([2])
    expect(h.entries.map((e) => e.record.type)).toEqual(['RegisterBrokerRecord', 'RegisterBrokerRecord', 'BrokerRegistrationChangeRecord'])
  })

  it('answers a re-registration of the same incarnation with the same epoch, and refuses another incarnation while the session lives', () => {
    const h = new Harness()
    h.startBrokers(1)
    const epoch = h.controller.image.brokers.get(1)!.epoch
    expect(h.register(1)).toBe(epoch)
    expect(() => h.register(1, 'other')).toThrow(expect.objectContaining({ errorName: 'DUPLICATE_BROKER_REGISTRATION' }))

    // Once the session expires, the new incarnation takes over with a new epoch, fenced.
    h.time += 9001
    const newEpoch = h.register(1, 'other')
    expect(newEpoch).toBeGreaterThan(epoch)
    expect(h.controller.image.brokers.get(1)).toMatchObject({ epoch: newEpoch, incarnationId: 'other', fenced: true })
  })

  it('refuses a heartbeat with a stale epoch, and requests from unknown brokers', () => {
    const h = new Harness()
    h.startBrokers(1)
    const request = { brokerId: 1, brokerEpoch: 99, currentMetadataOffset: 5, wantFence: false, wantShutDown: false }
    expect(() => h.controller.brokerHeartbeat(request)).toThrow(expect.objectContaining({ errorName: 'STALE_BROKER_EPOCH' }))
    expect(() => h.controller.brokerHeartbeat({ ...request, brokerId: 7 })).toThrow(expect.objectContaining({ errorName: 'BROKER_ID_NOT_REGISTERED' }))
  })

  it('fences a broker that misses broker.session.timeout.ms and moves its leaderships to the first live ISR member', () => {
    const h = new Harness()
    h.startBrokers(1, 2, 3)
    h.createTopic('t', 3, 3)
    const led = [0, 1, 2].filter((p) => h.partition('t', p).leader === 1)
    expect(led).toHaveLength(1)
    const p = led[0]
    const before = h.partition('t', p)

    h.advance(5000, [2, 3])
    expect(h.controller.image.brokers.get(1)!.fenced).toBe(false)
    h.advance(5000, [2, 3]) // 10 s without a heartbeat from 1 > 9 s
    expect(h.controller.image.brokers.get(1)!.fenced).toBe(true)

    const after = h.partition('t', p)
    const expectedLeader = before.replicas.find((id) => id !== 1)
    expect(after.leader).toBe(expectedLeader)
    expect(after.leaderEpoch).toBe(before.leaderEpoch + 1)
    expect(after.isr).toEqual(before.isr.filter((id) => id !== 1))
    // Partitions it only followed lose it from the ISR, keeping their leader and leader epoch.
    for (const q of [0, 1, 2].filter((q) => q !== p)) {
      expect(h.partition('t', q).isr).not.toContain(1)
      expect(h.partition('t', q).leaderEpoch).toBe(0)
    }
    expect(h.eventsOf('broker-fenced')).toEqual([expect.objectContaining({ brokerId: 1, reason: 'session-timeout' })])
    const elected = h.eventsOf('leader-elected')
    expect(elected).toEqual([expect.objectContaining({ topic: 't', partition: p, leader: expectedLeader, previousLeader: 1, leaderEpoch: 1, reason: 'broker-fenced' })])
    expect(elected[0].timestamp).toBe(h.time)
    expect(h.eventsOf('isr-shrunk')).toHaveLength(3)
    expect(h.eventsOf('isr-shrunk')[0].cause).toMatch(/broker 1 sent no heartbeat for 9000 ms/)
  })

  it('takes a partition offline when its last ISR member is fenced, and gives it back its leader when it returns', () => {
    const h = new Harness()
    h.startBrokers(1, 2)
    h.createTopic('solo', 1, 1)
    const only = h.partition('solo', 0).leader
    const other = only === 1 ? 2 : 1

    h.advance(10_000, [other])
    expect(h.partition('solo', 0)).toMatchObject({ leader: -1, isr: [only], leaderEpoch: 1 })
    expect(h.eventsOf('partition-offline')).toEqual([expect.objectContaining({ topic: 'solo', partition: 0, lastLeader: only })])

    // The broker comes back: it heartbeats, catches up, is unfenced and leads again.
    expect(h.heartbeat(only).isFenced).toBe(false)
    expect(h.partition('solo', 0)).toMatchObject({ leader: only, isr: [only], leaderEpoch: 2 })
    expect(h.eventsOf('leader-elected').at(-1)).toMatchObject({ leader: only, previousLeader: -1, reason: 'offline-recovered' })
  })

  it('lets a broker fence itself on request', () => {
    const h = new Harness()
    h.startBrokers(1)
    expect(h.heartbeat(1, { wantFence: true }).isFenced).toBe(true)
    expect(h.eventsOf('broker-fenced')).toEqual([expect.objectContaining({ brokerId: 1, reason: 'requested' })])
  })

  it('shuts a broker down in a controlled way: leaderships move first, then it is told to go', () => {
    const h = new Harness()
    h.startBrokers(1, 2, 3)
    h.createTopic('t', 6, 2)
    const ledBy1 = [0, 1, 2, 3, 4, 5].filter((p) => h.partition('t', p).leader === 1)
    expect(ledBy1.length).toBeGreaterThan(0)

    const first = h.heartbeat(1, { wantShutDown: true })
    expect(first).toMatchObject({ isFenced: false, shouldShutDown: false })
    expect(h.controller.image.brokers.get(1)!.inControlledShutdown).toBe(true)
    for (const p of [0, 1, 2, 3, 4, 5]) {
      expect(h.partition('t', p).leader).not.toBe(1)
      expect(h.partition('t', p).isr).not.toContain(1)
    }
    expect(h.eventsOf('leader-elected').every((e) => e.reason === 'controlled-shutdown')).toBe(true)
    expect(h.eventsOf('leader-elected')).toHaveLength(ledBy1.length)

    // The others have not applied the moves yet: not before they have.
    expect(h.heartbeat(1, { wantShutDown: true }).shouldShutDown).toBe(false)
    h.heartbeat(2)
    h.heartbeat(3)
    expect(h.heartbeat(1, { wantShutDown: true })).toMatchObject({ isFenced: true, shouldShutDown: true })
    expect(h.eventsOf('broker-fenced')).toEqual([expect.objectContaining({ brokerId: 1, reason: 'controlled-shutdown' })])
  })

  it('lets a broker that leads nothing shut down at once, and new partitions are not led by it', () => {
    const h = new Harness()
    h.startBrokers(1, 2)
    expect(h.heartbeat(2, { wantShutDown: true })).toMatchObject({ isFenced: true, shouldShutDown: true })
    h.createTopic('after', 4, 1)
    for (const p of [0, 1, 2, 3]) expect(h.partition('after', p).replicas).toEqual([1])
  })
})
