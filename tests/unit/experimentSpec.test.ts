// Experiment specs: defaults, variants, the nemesis's seeded schedule, and bad specs rejected
// with errors naming the field.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseSpec, planFaults, resolveVariants, validateSpec } from '../../main/experiments/spec'

const errorsOf = (input: unknown) => {
  const result = validateSpec(input)
  return result.ok ? [] : result.errors
}

describe('experiment specs', () => {
  it('fills in defaults and resolves variants over the base', () => {
    const spec = parseSpec({ name: 'x', workload: { acks: 1 }, variants: [{ name: 'a' }, { name: 'b', workload: { acks: 'all', idempotent: true }, topic: { configs: { 'min.insync.replicas': '2' } } }] })
    expect(spec.duration).toBe(10)
    const [a, b] = resolveVariants(spec)
    expect(a.workload).toMatchObject({ acks: 1, idempotent: false, rate: 200 })
    expect(b.workload).toMatchObject({ acks: 'all', idempotent: true, rate: 200 })
    expect(b.topic).toMatchObject({ partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })
  })

  it('names the field of an unknown config, a negative rate and a fault on a broker that does not exist', () => {
    expect(errorsOf({ name: 'x', topic: { configs: { 'min.insync.replica': '2' } } })).toEqual([{ path: 'topic.configs.min.insync.replica', message: 'unknown topic config "min.insync.replica"' }])
    expect(errorsOf({ name: 'x', brokerConfigs: { 'bogus.config': '1' } })[0].path).toBe('brokerConfigs.bogus.config')
    expect(errorsOf({ name: 'x', workload: { rate: -5 } })).toEqual([{ path: 'workload.rate', message: expect.stringContaining('>0') }])
    expect(errorsOf({ name: 'x', brokers: 3, faults: { type: 'scripted', faults: [{ at: 1, kind: 'crash', broker: 4 }] } })).toEqual([
      { path: 'faults.faults[0].broker', message: 'broker 4 does not exist (the cluster has brokers 1 to 3)' },
    ])
    expect(errorsOf({ name: 'x', workload: { lingerMS: 5 } })).toEqual([{ path: 'workload.lingerMS', message: 'unknown field "lingerMS"' }])
    expect(errorsOf({ name: 'x', variants: [{ name: 'a', workload: { acks: 2 } }] })[0].path).toBe('variants[0].workload.acks')
    expect(errorsOf({ name: 'x', faults: { type: 'scripted', faults: [{ at: 1, kind: 'crash', broker: 'leader:7' }] } })[0]).toEqual({ path: 'faults.faults[0].broker', message: 'partition 7 does not exist (the topic has 3)' })
    expect(errorsOf({ name: 'x', workload: { acks: 1, idempotent: true } })[0].path).toBe('workload.idempotent')
  })

  it('accepts exactly_once as a commit mode, and output bounds in expect', () => {
    expect(errorsOf({ name: 'x', workload: { consumer: { commitMode: 'exactly_once' } }, expect: { outputDuplicated: 0, outputMissing: 0 } })).toEqual([])
  })

  it('restarts a killed member when the fault has a duration, and only then', () => {
    const spec = parseSpec({ name: 'x', workload: { consumer: { commitMode: 'exactly_once' } }, faults: { type: 'scripted', faults: [{ at: 3, kind: 'kill-member', count: 1, for: 1.5 }, { at: 4, kind: 'kill-member', count: 0 }] } })
    expect(planFaults(spec)).toEqual([
      { id: 0, atMs: 3000, untilMs: 4500, kind: 'kill-member', count: 1, restart: true, broker: undefined, peer: undefined, delayMs: undefined },
      { id: 1, atMs: 4000, untilMs: 10_000, kind: 'kill-member', count: 0, broker: undefined, peer: undefined, delayMs: undefined },
    ])
    expect(errorsOf({ name: 'x', workload: { consumer: { members: 2 } }, faults: { type: 'scripted', faults: [{ at: 1, kind: 'kill-member', count: 2 }] } })).toEqual([{ path: 'faults.faults[0].count', message: 'member 2 does not exist (the group has members 0 to 1)' }])
  })

  it('plans the same random schedule for the same seed, within the overlap and the run', () => {
    const spec = parseSpec({ name: 'x', duration: 30, faults: { type: 'random', nemesis: { seed: 7, maxOverlap: 2 } } })
    const plan = planFaults(spec)
    expect(planFaults(spec)).toEqual(plan)
    expect(plan.length).toBeGreaterThan(5)
    expect(planFaults(parseSpec({ ...spec, faults: { type: 'random', nemesis: { seed: 8, maxOverlap: 2 } } }))).not.toEqual(plan)
    for (const f of plan) {
      expect(f.untilMs).toBeLessThanOrEqual(30_000)
      expect(plan.filter((g) => g.atMs <= f.atMs && g.untilMs > f.atMs).length).toBeLessThanOrEqual(2)
      expect(typeof f.broker === 'number' && f.broker >= 1 && f.broker <= 3).toBe(true)
    }
  })

  it('accepts every ready-made experiment', () => {
    const dir = new URL('../../resources/experiments/', import.meta.url)
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'))
    expect(files.length).toBeGreaterThanOrEqual(6)
    for (const file of files) expect(validateSpec(JSON.parse(readFileSync(new URL(file, dir), 'utf8'))), file).toMatchObject({ ok: true })
  })
})
