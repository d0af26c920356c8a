// Issue "The console as operators use it", bug 5: the idempotent load producer kept failing
// with OUT_OF_ORDER_SEQUENCE_NUMBER after MESSAGE_TOO_LARGE, even once the config was
// reverted. A producer must recover as Kafka's clients do; this one resets its producer id.
// The cause: kafkajs sends one request per broker for all its partitions there, and when one
// partition's batch is refused it rolls back the sequence numbers of all of them, also of the
// partitions whose batches the broker did append; their next batches then reuse sequence
// numbers, which the broker refuses as out of order, for ever.
import { describe, expect, it } from 'vitest'
import type { ProducerStats } from '../../main/cluster/clients/api'
import { ConsoleService } from '../../main/console/consoleService'
import { eventually, useCluster } from '../helpers/cluster'
import { call } from '../helpers/contract'

const fixture = useCluster()

describe('idempotent load producer', () => {
  it('recovers when MESSAGE_TOO_LARGE refused one partition of a request whose other partition was appended', async () => {
    const c = await fixture.start({}, 1)
    const host = new ConsoleService(c)
    // Two partitions on the one broker: each kafkajs request carries a batch for both.
    await call(host, 'topic:create', { name: 'halves', partitions: 2 })
    const started = await call<ProducerStats>(host, 'demo:startProducer', { topic: 'halves', ratePerSec: 60, messageBytes: 600, keyCardinality: 100, acks: -1, idempotent: true })
    const stats = async () => (await call<ProducerStats[]>(host, 'demo:producers', {})).find((p) => p.producerId === started.producerId)!
    await eventually('acknowledged sends', async () => (await stats()).acked > 20)
    // Two records of a tick fit, three do not: some requests have one batch refused and one appended.
    await call(host, 'config:alter', { topic: 'halves', configs: { 'max.message.bytes': '1500' } })
    await eventually('sends refused as too large', async () => (await stats()).failed > 10, 15_000)
    await new Promise((r) => setTimeout(r, 2000))
    await call(host, 'config:alter', { topic: 'halves', configs: { 'max.message.bytes': null } })
    await new Promise((r) => setTimeout(r, 1000))
    const before = await stats()
    const recovered = await eventually('acknowledged sends again', async () => {
      const s = await stats()
      return s.acked > before.acked + 30 ? s : undefined
    }, 20_000).catch(async (err) => {
      throw new Error(`${(err as Error).message}; last error: ${(await stats()).lastError}`)
    })
    expect(recovered.acked).toBeGreaterThan(before.acked + 30)
    await call(host, 'demo:stopProducer', { producerId: started.producerId })
  }, 60_000)

  it('recovers after MESSAGE_TOO_LARGE on a new leader once max.message.bytes is reverted', async () => {
    const c = await fixture.start()
    const host = new ConsoleService(c)
    await call(host, 'topic:create', { name: 'sized', partitions: 1, replicationFactor: 3 })
    const started = await call<ProducerStats>(host, 'demo:startProducer', { topic: 'sized', ratePerSec: 50, messageBytes: 600, keyCardinality: null, acks: -1, idempotent: true })
    const stats = async () => (await call<ProducerStats[]>(host, 'demo:producers', {})).find((p) => p.producerId === started.producerId)!
    await eventually('acknowledged sends', async () => (await stats()).acked > 20)

    // The leader dies; the producer moves to the new one, where its records are then too large.
    const leader = (await call<{ partitions: Array<{ leader: number }> }>(host, 'topic:describe', { name: 'sized' })).partitions[0].leader
    await c.crashBroker(leader)
    const moved = (await stats()).acked
    await eventually('acknowledged by the new leader', async () => (await stats()).acked > moved + 10, 15_000)
    await call(host, 'config:alter', { topic: 'sized', configs: { 'max.message.bytes': '200' } })
    const refused = await eventually('sends refused as too large', async () => {
      const s = await stats()
      return s.failed > 3 ? s : undefined
    }, 15_000)
    expect(refused.lastError).toMatch(/larger than the max message size/)

    await call(host, 'config:alter', { topic: 'sized', configs: { 'max.message.bytes': null } })
    const before = (await stats()).acked
    const recovered = await eventually('acknowledged sends again', async () => {
      const s = await stats()
      return s.acked > before + 20 ? s : undefined
    }, 20_000)
    expect(recovered.acked).toBeGreaterThan(before + 20)
    await call(host, 'demo:stopProducer', { producerId: started.producerId })
  }, 60_000)
})
