// The console's experiments: the ready-made specs, validation, one run at a time in the
// background (each variant on its own fresh embedded cluster, so it needs no connection and
// leaves the operator's cluster alone), the runs kept in the app database, and exports.
import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ExperimentRun, ExperimentRunSummary, ReadyMadeExperiment, SpecCheck } from '../../preload/schemas/experiments'
import { markdownReport } from './report'
import { runExperiment, type RunOptions } from './runner'
import { validateSpec, type SpecError } from './spec'
import type { ExperimentRunStore } from './store'

/** resources/experiments: two levels up from main/experiments (source) and from out/main (built). */
export const READY_MADE_DIR = fileURLToPath(new URL('../../resources/experiments/', import.meta.url))

export class SpecRejected extends Error {
  constructor(readonly errors: SpecError[]) {
    super(errors.map((e) => `${e.path || '(spec)'}: ${e.message}`).join('; '))
  }
}

export class ExperimentService {
  private running: ExperimentRun | null = null

  constructor(
    private readonly store: ExperimentRunStore,
    private readonly options: { dir?: string; run?: RunOptions } = {},
  ) {}

  readyMade(): ReadyMadeExperiment[] {
    const dir = this.options.dir ?? READY_MADE_DIR
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((file) => {
        const spec = readFileSync(`${dir}/${file}`, 'utf8')
        const parsed = JSON.parse(spec) as { name?: string; claim?: string }
        return { file, name: parsed.name ?? file, claim: parsed.claim ?? '', spec }
      })
  }

  validate(text: string): SpecCheck {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (err) {
      return { ok: false, errors: [{ path: '', message: `not JSON: ${(err as Error).message}` }] }
    }
    const result = validateSpec(json)
    return result.ok ? { ok: true, errors: [] } : { ok: false, errors: result.errors }
  }

  /** Starts a run in the background; throws SpecRejected naming the bad fields. */
  start(text: string): ExperimentRunSummary {
    const check = this.validate(text)
    if (!check.ok) throw new SpecRejected(check.errors)
    if (this.running) throw new Error(`an experiment is already running ("${this.running.name}"): one at a time, so that it has the machine to itself`)
    const result = validateSpec(JSON.parse(text))
    if (!result.ok) throw new SpecRejected(result.errors)
    const spec = result.spec
    const run: ExperimentRun = { id: randomUUID(), name: spec.name, startedAt: Date.now(), finishedAt: null, status: 'running', spec: text, variants: [], verdict: '', error: null, progress: 'starting' }
    this.running = run
    this.store.save(run)
    void runExperiment(spec, { ...this.options.run, onProgress: (text) => (run.progress = text) })
      .then((outcome) => {
        Object.assign(run, { status: 'done', finishedAt: Date.now(), verdict: outcome.verdict, progress: null, variants: outcome.variants.map(({ check, faults, notes }) => ({ check, faults, notes })) })
        this.store.save(run, outcome.variants.map((v) => v.history))
      })
      .catch((err) => {
        Object.assign(run, { status: 'failed', finishedAt: Date.now(), error: (err as Error).message ?? String(err), progress: null })
        this.store.save(run)
      })
      .finally(() => {
        if (this.running === run) this.running = null
      })
    return this.summary(run)
  }

  private summary({ id, name, startedAt, finishedAt, status, verdict }: ExperimentRun): ExperimentRunSummary {
    return { id, name, startedAt, finishedAt, status, verdict }
  }

  list(): ExperimentRunSummary[] {
    return this.store.list().map((s) => (s.status === 'running' && this.running?.id !== s.id ? { ...s, status: 'failed' } : s))
  }

  get(id: string): ExperimentRun | null {
    if (this.running?.id === id) return { ...this.running }
    const run = this.store.get(id)
    // A run left "running" by a host that stopped midway never finished.
    return run && run.status === 'running' ? { ...run, status: 'failed', error: 'the console stopped before it finished', progress: null } : run
  }

  delete(id: string): boolean {
    if (this.running?.id === id) throw new Error('the experiment is still running')
    return this.store.delete(id)
  }

  export(id: string, format: 'json' | 'markdown'): { fileName: string; content: string } | null {
    const run = this.get(id)
    if (!run) return null
    const base = `${run.name.replace(/[^A-Za-z0-9=._-]+/g, '-').replace(/^-|-$/g, '')}-${new Date(run.startedAt).toISOString().slice(0, 19).replace(/:/g, '')}`
    if (format === 'markdown') {
      const claim = (JSON.parse(run.spec) as { claim?: string }).claim
      return { fileName: `${base}.md`, content: markdownReport({ name: run.name, claim, startedAt: run.startedAt, variants: run.variants, verdict: run.verdict }) }
    }
    return { fileName: `${base}.json`, content: JSON.stringify({ ...run, spec: JSON.parse(run.spec), histories: this.store.histories(id) }, null, 2) }
  }
}
