// 20,000 mutated frames of every served API and version at a broker's listener, pipelined
// several to a connection, with connections read, left unread, reset and cut mid-frame
// (tests/helpers/fuzz). The broker never dies, and after every round it still serves a
// produce and fetch round trip from kafkajs and kcat; a well-behaved client on its own
// connection keeps getting answers throughout; memory stays bounded.
import { describe, expect, it } from 'vitest'
import { useCluster } from '../helpers/cluster'
import { schemasAvailable } from '../helpers/fuzz/requests'
import { fuzzSession } from '../helpers/fuzz/session'
import { kcatAvailable } from '../helpers/kcat'
import { RawClient } from '../helpers/rawClient'

const fixture = useCluster()
const SEED = 20261206
const MIB = 1024 * 1024

describe.skipIf(!schemasAvailable || !kcatAvailable)('fuzzing a listener', () => {
  it('survives 20,000 pipelined mutated frames: no broker death, real clients served after every round, memory bounded', async () => {
    const c = await fixture.start({}, 1)
    await c.createTopic({ name: 'fuzzed', partitions: 1 })
    const good = await RawClient.connect(c.bootstrapServers)
    const metadata = () => good.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    // The well-behaved client asks for metadata over and over while the fuzzing goes on.
    let fuzzing = true
    let answered = 0
    const wellBehaved = (async () => {
      while (fuzzing) {
        expect((await metadata()).topics.map((t) => t.name)).toContain('fuzzed')
        answered++
      }
    })()
    const report = await fuzzSession(c, { topic: 'fuzzed', frames: 20_000, rounds: 4, seed: SEED }).finally(() => (fuzzing = false))
    await wellBehaved
    expect(answered).toBeGreaterThan(10)
    console.log(
      `fuzz: ${report.frames} frames on ${report.connections} connections in ${report.durationMs} ms; broker heap ${(report.before.heapUsedBytes / MIB).toFixed(1)} -> ${(report.after.heapUsedBytes / MIB).toFixed(1)} MiB, RSS ${(report.before.rssBytes / MIB).toFixed(0)} -> ${(report.after.rssBytes / MIB).toFixed(0)} MiB`,
    )
    expect(report.deaths).toEqual([])
    expect(report.frames).toBe(20_000)
    // Of the connections whose answers were read, many carry a malformed frame and are closed
    // by the broker; others wait on a long poll or on a size prefix that claims more than was
    // sent until the client gives up (how many depends on the machine's load).
    const read = report.rounds.reduce((n, r) => n + r.stats.endings.read, 0)
    expect(report.closedByBroker).toBeGreaterThan(read / 10)
    good.close()
    expect(report.after.heapUsedBytes - report.before.heapUsedBytes).toBeLessThan(100 * MIB)
    expect(report.after.rssBytes - report.before.rssBytes).toBeLessThan(300 * MIB)
  }, 120_000)
})
