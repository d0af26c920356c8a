import { describe, expect, it } from 'vitest'
import { Harness } from './harness'

describe('controller restart', () => {
  it('restores topics, configs, brokers and the producer id block from the data dir', () => {
    const h = new Harness(undefined, {}, { snapshotEvery: 5 })
    h.startBrokers(1, 2, 3)
    h.createTopic('a', 3, 2, { 'retention.ms': '1000' })
    h.createTopic('b', 2, 3)
    h.controller.incrementalAlterConfigs({
      resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'min.insync.replicas', configOperation: 0, value: '2' }] }],
      validateOnly: false,
    })
    h.advance(10_000, [2, 3]) // fence 1: leaders and ISRs change
    const before = h.controller.image.toData()
    const nextOffset = before.offset + 1

    h.close()
    const reopened = h.reopen()
    expect(reopened.image.toData()).toEqual(before)
    expect(reopened.snapshot().image).toEqual(before)
    // The log continues where it stopped.
    h.createTopic('c', 1, 1)
    expect(h.entries.slice(-2).map((e) => e.offset)).toEqual([nextOffset, nextOffset + 1])
  })

  it('replays the log without a clean close, as after a crash', () => {
    const h = new Harness(undefined, {}, { snapshotEvery: 3 })
    h.startBrokers(1, 2)
    h.createTopic('a', 4, 2)
    h.controller.deleteTopics({ names: ['a'] })
    h.createTopic('a', 2, 1)
    const before = h.controller.image.toData()
    const crashed = h.controller
    h.reopen()
    expect(h.controller.image.toData()).toEqual(before)
    crashed.close()
  })

  it('never hands out overlapping producer id blocks, across restarts', () => {
    const h = new Harness()
    h.startBrokers(1, 2)
    const allocate = (brokerId: number) =>
      h.controller.allocateProducerIds({ brokerId, brokerEpoch: h.controller.image.brokers.get(brokerId)!.epoch })
    const blocks = [allocate(1), allocate(2)]
    h.close()
    h.reopen()
    blocks.push(allocate(1))
    expect(blocks).toEqual([
      { producerIdStart: 0, producerIdLen: 1000 },
      { producerIdStart: 1000, producerIdLen: 1000 },
      { producerIdStart: 2000, producerIdLen: 1000 },
    ])
    expect(() => h.controller.allocateProducerIds({ brokerId: 1, brokerEpoch: 12345 })).toThrow(expect.objectContaining({ errorName: 'STALE_BROKER_EPOCH' }))
  })

  it('starts every session afresh: restarted brokers re-register at once and keep their partitions, silent ones are fenced', () => {
    const h = new Harness()
    h.startBrokers(1, 2, 3)
    h.createTopic('t', 3, 3)
    const partitions = () => [0, 1, 2].map((p) => h.partition('t', p))
    const before = partitions()
    h.close()
    h.time += 60_000 // the cluster was down for a minute
    h.reopen()
    // Nothing is fenced at open: each broker gets a full session to come back.
    h.controller.tick(h.time)
    expect(h.controller.image.liveBrokerIds()).toEqual([1, 2, 3])

    // Brokers 1 and 2 restart with new incarnations: accepted at once, fenced until caught up, leaders kept.
    h.register(1, 'second-life-1')
    h.register(2, 'second-life-2')
    expect(partitions()).toEqual(before)
    h.heartbeat(1)
    h.heartbeat(2)
    expect(h.controller.image.liveBrokerIds()).toEqual([1, 2, 3])
    expect(partitions()).toEqual(before)

    // Broker 3 never comes back: fenced after the session timeout, its partitions move.
    h.advance(10_000, [1, 2])
    expect(h.controller.image.brokers.get(3)!.fenced).toBe(true)
    for (const p of partitions()) {
      expect(p.isr).not.toContain(3)
      expect(p.leader).not.toBe(3)
    }
  })
})
