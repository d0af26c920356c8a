// The Schemas page's evolution demo on a real cluster and registry: for each change from v1
// to v2, the registry's verdict under each level agrees with what real records read back
// from a topic do (BACKWARD: a v2 consumer reads v1's record; FORWARD: a v1 consumer reads
// v2's), and a change the chosen level refuses is refused with the reason, its producer
// unable to write.
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionSettings, type EvolutionKind } from '../../preload/contract'
import { KafkaConnection } from '../../main/console/connections/kafkaConnection'
import { runEvolutionDemo } from '../../main/console/registry/evolutionDemo'
import { RegistryClient } from '../../main/console/registry/registryClient'
import { useRegistry } from '../helpers/registry'

/** Whether v2 may follow v1: BACKWARD (v2 reads v1's data) and FORWARD (v1 reads v2's), by Avro's resolution rules. */
const EXPECTED: Record<EvolutionKind, { backward: boolean; forward: boolean }> = {
  'add-with-default': { backward: true, forward: true },
  'add-without-default': { backward: false, forward: true },
  'remove-with-default': { backward: true, forward: true },
  'remove-without-default': { backward: true, forward: false },
  'change-type': { backward: false, forward: false },
}

describe('the evolution demo', () => {
  const env = useRegistry()
  let kafka: KafkaConnection | null = null
  afterEach(async () => {
    await kafka?.close()
    kafka = null
  })

  it('agrees, for every change and level, with what v1 and v2 consumers read from the topic', async () => {
    const cluster = await env.cluster.start({}, 1)
    const { url } = await env.start(cluster)
    kafka = new KafkaConnection(ConnectionSettings.parse({ bootstrap: cluster.bootstrapServers }))
    const registry = new RegistryClient(url)
    for (const [evolution, expected] of Object.entries(EXPECTED) as Array<[EvolutionKind, { backward: boolean; forward: boolean }]>) {
      const result = await runEvolutionDemo(registry, kafka, { evolution, level: 'NONE' })
      const verdict = Object.fromEntries(result.levels.map((l) => [l.level, l.compatible]))
      expect(verdict, evolution).toEqual({
        BACKWARD: expected.backward,
        BACKWARD_TRANSITIVE: expected.backward,
        FORWARD: expected.forward,
        FORWARD_TRANSITIVE: expected.forward,
        FULL: expected.backward && expected.forward,
        FULL_TRANSITIVE: expected.backward && expected.forward,
        NONE: true,
      })
      for (const l of result.levels) expect(l.messages.length > 0, `${evolution} ${l.level}`).toBe(!l.compatible)
      // Under NONE v2 is registered, so both producers write and both consumers try.
      expect(result.registration.ok).toBe(true)
      const read = (writer: string, reader: string) => result.records.find((r) => r.writer === writer)!.reads.find((r) => r.reader === reader)!.ok
      expect({ evolution, v1ReadsV1: read('v1', 'v1'), v2ReadsV2: read('v2', 'v2'), v2ReadsV1: read('v1', 'v2'), v1ReadsV2: read('v2', 'v1') }).toEqual({
        evolution,
        v1ReadsV1: true,
        v2ReadsV2: true,
        v2ReadsV1: expected.backward,
        v1ReadsV2: expected.forward,
      })
    }

    const refused = await runEvolutionDemo(registry, kafka, { evolution: 'remove-without-default', level: 'FORWARD' })
    expect(refused.registration).toMatchObject({ ok: false, id: null })
    expect(refused.registration.error).toMatch(/incompatible.*name.*FORWARD/)
    expect(refused.records.find((r) => r.writer === 'v2')).toMatchObject({ offset: null, produceError: expect.stringMatching(/^the v2 producer cannot write: the registry refused v2/) })
    expect(refused.records.find((r) => r.writer === 'v1')!.reads.find((r) => r.reader === 'v1')!.ok).toBe(true)
  }, 120_000)
})
