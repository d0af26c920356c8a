// Bad specs get errors naming the field from the console's contract methods and from the
// CLI; runs are kept, listed and exported from the app database.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { experimentMethods } from '../../main/console/experimentMethods'
import { openDatabase } from '../../main/cluster/sqlite'
import { ExperimentService } from '../../main/experiments/service'
import { ExperimentRunStore } from '../../main/experiments/store'
import { parseCommandLine } from '../../main/cli'
import { ContractValidationError, type ExperimentRun } from '../../preload/contract'
import { tempDir } from '../helpers/batches'

const BAD = JSON.stringify({ name: 'bad', brokers: 3, faults: { type: 'scripted', faults: [{ at: 1, kind: 'crash', broker: 4 }] } })

describe('experiments in the console service', () => {
  const store = new ExperimentRunStore(openDatabase(':memory:'))
  const methods = experimentMethods(new ExperimentService(store))

  it('lists the ready-made experiments', () => {
    const readyMade = methods['experiment:readyMade']({}) as Array<{ file: string; name: string }>
    expect(readyMade.map((r) => r.file)).toContain('acks-1-vs-all.json')
  })

  it('names the bad field when validating and refuses to start a bad spec', () => {
    expect(methods['experiment:validate']({ spec: BAD })).toEqual({ ok: false, errors: [{ path: 'faults.faults[0].broker', message: 'broker 4 does not exist (the cluster has brokers 1 to 3)' }] })
    expect(methods['experiment:validate']({ spec: '{' })).toMatchObject({ ok: false, errors: [{ path: '', message: expect.stringContaining('not JSON') }] })
    try {
      methods['experiment:start']({ spec: JSON.stringify({ name: 'x', workload: { rate: -1 } }) })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ContractValidationError)
      expect((err as ContractValidationError).detail).toMatchObject({ kind: 'invalid-request', field: 'spec.workload.rate', message: expect.stringContaining('workload.rate') })
    }
  })

  it('accepts the exactly-once commit mode, and names a member a kill-member fault lacks', () => {
    const spec = JSON.stringify({ name: 'x', workload: { consumer: { commitMode: 'exactly_once' } } })
    expect(methods['experiment:validate']({ spec })).toEqual({ ok: true, errors: [] })
    const bad = JSON.stringify({ name: 'x', workload: { consumer: { commitMode: 'exactly_once', members: 2 } }, faults: { type: 'scripted', faults: [{ at: 1, kind: 'kill-member', count: 2 }] } })
    expect(methods['experiment:validate']({ spec: bad })).toEqual({ ok: false, errors: [{ path: 'faults.faults[0].count', message: 'member 2 does not exist (the group has members 0 to 1)' }] })
  })

  it('keeps runs, lists them newest first and exports them', () => {
    const run: ExperimentRun = { id: 'r1', name: 'n', startedAt: 1, finishedAt: 2, status: 'done', spec: '{"name":"n","claim":"c"}', variants: [], verdict: 'v: none', error: null, progress: null }
    store.save(run, [])
    store.save({ ...run, id: 'r2', startedAt: 5 })
    expect((methods['experiment:list']({}) as Array<{ id: string }>).map((r) => r.id)).toEqual(['r2', 'r1'])
    expect(methods['experiment:get']({ id: 'r1' })).toEqual(run)
    const md = methods['experiment:export']({ id: 'r1', format: 'markdown' }) as { fileName: string; content: string }
    expect(md.content).toContain('**Verdict:** v: none')
    expect(JSON.parse((methods['experiment:export']({ id: 'r1', format: 'json' }) as { content: string }).content)).toMatchObject({ spec: { claim: 'c' }, histories: [] })
    methods['experiment:delete']({ id: 'r1' })
    expect(() => methods['experiment:get']({ id: 'r1' })).toThrow(/id: no experiment run/)
  })
})

describe('brokerlab experiment', () => {
  it('parses its spec argument', () => {
    expect(parseCommandLine(['experiment', 'x.json', '--json'])).toEqual({ kind: 'run', command: 'experiment', options: { json: true, spec: 'x.json' } })
    expect(parseCommandLine(['experiment'])).toMatchObject({ kind: 'usage-error', message: 'experiment takes one spec file' })
  })

  it('exits 2 naming the bad field of a spec', async () => {
    const tmp = tempDir()
    try {
      const file = join(tmp.dir, 'bad.json')
      writeFileSync(file, BAD)
      const outcome = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'main/cli.ts', 'experiment', file]).catch((err) => err as { code: number; stderr: string })
      expect(outcome).toMatchObject({ code: 2, stderr: expect.stringContaining('faults.faults[0].broker: broker 4 does not exist') })
    } finally {
      tmp.remove()
    }
  }, 30_000)
})
