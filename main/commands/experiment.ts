// `brokerlab experiment SPEC.json`: runs a spec against fresh embedded clusters and prints
// the report (Markdown, or the whole outcome with --json). Exit codes: 0 when every bound in
// the spec's expect held, 1 when an anomaly the spec says must not appear did, 2 for a bad
// spec (every bad field named).
import { readFileSync } from 'node:fs'
import { markdownReport } from '../experiments/report'
import { runExperiment } from '../experiments/runner'
import { parseSpec, SpecValidationError } from '../experiments/spec'

export interface ExperimentCommandOptions {
  spec: string
  json?: boolean
  quiet?: boolean
}

export async function runExperimentCommand(options: ExperimentCommandOptions): Promise<number> {
  let text: string
  try {
    text = readFileSync(options.spec, 'utf8')
  } catch (err) {
    console.error(`brokerlab: cannot read ${options.spec}: ${(err as Error).message}`)
    return 2
  }
  let spec
  try {
    spec = parseSpec(JSON.parse(text))
  } catch (err) {
    if (err instanceof SpecValidationError) console.error(`brokerlab: ${options.spec} is not a valid experiment:\n${err.errors.map((e) => `  ${e.path || '(spec)'}: ${e.message}`).join('\n')}`)
    else console.error(`brokerlab: ${options.spec} is not JSON: ${(err as Error).message}`)
    return 2
  }
  const startedAt = Date.now()
  const outcome = await runExperiment(spec, { onProgress: options.quiet ? undefined : (line) => console.error(`  ${line}`) })
  if (options.json) console.log(JSON.stringify({ spec, ...outcome }, null, 2))
  else console.log(markdownReport({ name: spec.name, claim: spec.claim, startedAt, variants: outcome.variants, verdict: outcome.verdict }))
  if (outcome.violations.length) {
    console.error(`brokerlab: the spec's expectations were broken: ${outcome.violations.join('; ')}`)
    return 1
  }
  return 0
}
