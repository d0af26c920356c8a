// The faults an operator can cause from the console, on a real 3-broker cluster: a long
// pause, a controlled shutdown, a slow link, and the preferred leader coming back.
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../main/cluster/errors'
import { describeTopic } from '../../main/console/views/snapshot'
import { producerBatch } from '../helpers/batches'
import { eventually, lab, useCluster } from '../helpers/cluster'

const fixture = useCluster()
const start = fixture.start

describe('faults', () => {
  it('a paused leader is fenced and replaced, and follows again once resumed', async () => {
    const c = await start()
    await c.createTopic({ name: 'gc', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })
    const paused = c.topic('gc').partitions[0].leader
    await c.pauseBroker(paused)
    expect(c.brokerStatus(paused)).toBe('paused')
    const fenced = await eventually('the paused broker is fenced', () => fixture.events.find((e) => e.type === 'broker-fenced' && e.brokerId === paused))
    expect(fenced).toMatchObject({ reason: 'session-timeout' })
    const leader = await eventually('a new leader', () => {
      const l = c.image.partition('gc', 0)!.leader
      return l >= 0 && l !== paused ? l : undefined
    })
    expect(await c.produce('gc', 0, producerBatch({ count: 3 }), -1)).toMatchObject({ errorCode: ErrorCode.NONE })
    c.resumeBroker(paused)
    await eventually('the resumed broker is unfenced', () => fixture.events.find((e) => e.type === 'broker-unfenced' && e.brokerId === paused))
    await eventually('it rejoins the ISR as a follower', () => c.image.partition('gc', 0)!.isr.includes(paused))
    expect(c.image.partition('gc', 0)!.leader).toBe(leader)
  })

  it('a controlled shutdown moves leaderships away before the broker stops', async () => {
    const c = await start()
    await c.createTopic({ name: 'cs', partitions: 3, replicationFactor: 3 })
    const victim = c.topic('cs').partitions[0].leader
    const led = c.topic('cs').partitions.filter((p) => p.leader === victim).length
    await c.stopBroker(victim)
    expect(c.brokerStatus(victim)).toBe('stopped')
    const moves = fixture.events.filter((e) => e.type === 'leader-elected' && e.previousLeader === victim)
    expect(moves.length).toBe(led)
    for (const move of moves) expect(move).toMatchObject({ reason: 'controlled-shutdown' })
    for (let p = 0; p < 3; p++) {
      expect(c.image.partition('cs', p)!.leader).not.toBe(victim)
      expect(await c.produce('cs', p, producerBatch(), -1)).toMatchObject({ errorCode: ErrorCode.NONE })
    }
    await c.restartBroker(victim)
    await eventually('the restarted broker is back in every ISR', () => [0, 1, 2].every((p) => c.image.partition('cs', p)!.isr.includes(victim)))
  })

  it('a link slower than replica.lag.time.max.ms drops the follower from the ISR until it heals', async () => {
    const c = await start()
    await c.createTopic({ name: 'slow', partitions: 1, replicationFactor: 3 })
    const { leader, replicas } = c.topic('slow').partitions[0]
    const follower = replicas.find((id) => id !== leader)!
    await c.setLinkFault(leader, follower, { mode: 'slow', delayMs: 1500 })
    const shrunk = await eventually('the slow follower leaves the ISR', () =>
      fixture.events.find((e) => e.type === 'isr-shrunk' && !e.isr.includes(follower)),
    )
    expect(shrunk).toMatchObject({ topic: 'slow', partition: 0 })
    expect(await c.produce('slow', 0, producerBatch({ count: 2 }), -1)).toMatchObject({ errorCode: ErrorCode.NONE })
    await c.healAllLinks()
    await eventually('it rejoins the ISR', () => c.image.partition('slow', 0)!.isr.includes(follower), 15_000)
    const deadline = Date.now() + 5000
    let replica
    do {
      replica = (await describeTopic(lab(c), 'slow')).partitions[0].replicaStates.find((r) => r.brokerId === follower)
    } while (replica?.logEndOffset !== 2 && Date.now() < deadline)
    expect(replica).toMatchObject({ logEndOffset: 2, lag: 0, inSync: true })
  })

  it('gives leadership back to the preferred replica on request', async () => {
    const c = await start()
    await c.createTopic({ name: 'pref', partitions: 1, replicationFactor: 3 })
    const preferred = c.topic('pref').partitions[0].replicas[0]
    expect(c.topic('pref').partitions[0].leader).toBe(preferred)
    await c.crashBroker(preferred)
    await eventually('another leader', () => c.image.partition('pref', 0)!.leader !== preferred && c.image.partition('pref', 0)!.leader >= 0)
    await c.restartBroker(preferred)
    await eventually('the preferred replica is back in the ISR', () => c.image.partition('pref', 0)!.isr.includes(preferred), 15_000)
    expect(c.image.partition('pref', 0)!.leader).not.toBe(preferred)
    const result = await c.electPreferredLeaders([{ topic: 'pref', partitions: [0] }])
    expect(result.replicaElectionResults[0].partitionResult[0]).toMatchObject({ partitionId: 0, errorCode: ErrorCode.NONE })
    await eventually('the preferred leader', () => c.image.partition('pref', 0)!.leader === preferred)
    expect(fixture.events.some((e) => e.type === 'leader-elected' && e.leader === preferred && e.reason === 'preferred')).toBe(true)
  })
})
