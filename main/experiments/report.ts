// An experiment's report in Markdown: the verdict, each variant's totals, latency,
// unavailability, faults and anomalies. The CLI prints it; the console exports it.
import type { CheckResult, FaultRecord, VariantRun } from '../../preload/schemas/experiments'

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`)

export interface ReportInput {
  name: string
  claim?: string
  startedAt: number
  variants: VariantRun[]
  verdict: string
}

function faultList(faults: FaultRecord[]): string[] {
  if (!faults.length) return ['No faults.']
  return faults.map((f) => `- #${f.id} ${s(f.startMs)} to ${s(f.endMs)}: ${f.label}${f.error ? ` (failed: ${f.error})` : ''}`)
}

function variantSection(v: VariantRun): string[] {
  const c: CheckResult = v.check
  const t = c.totals
  const lines = [
    `## ${c.variant}`,
    '',
    `**${c.verdict}**`,
    '',
    '| sent | acked | failed | unknown | readable | lost | duplicated | reordered | offset mismatch | processed | processed twice | never processed | key moved |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${t.sent} | ${t.acked} | ${t.failed} | ${t.unknown} | ${t.readable} | ${t.lost} | ${t.duplicated} | ${t.reordered} | ${t.offsetMismatch} | ${t.processed} | ${t.processedTwice} | ${t.neverProcessed} | ${t.keyMoved} |`,
    '',
    ...(t.outputUncommitted
      ? [
          `Output topic, read_committed: ${t.output} records, ${t.outputDuplicated} input records written twice, ${t.outputMissing} committed past without an output. read_uncommitted: ${t.outputUncommitted} records, ${t.outputAborted} of aborted transactions, ${t.outputDuplicatedUncommitted} input records twice.`,
          '',
        ]
      : []),
    `Latency (send to acknowledgement): p50 ${ms(c.latency.p50)}, p99 ${ms(c.latency.p99)}, max ${ms(c.latency.max)}.`,
    '',
    c.unavailable.length ? `Unavailable (no acknowledgement for over a second): ${c.unavailable.map((u) => `${s(u.startMs)} to ${s(u.endMs)}`).join(', ')}.` : 'Never unavailable for over a second.',
    '',
    '### Faults',
    '',
    ...faultList(v.faults),
    '',
    '### Anomalies',
    '',
  ]
  if (!c.anomalies.length) lines.push('None.')
  else {
    lines.push('| type | partition | count | from | to | faults | records |', '|---|---:|---:|---:|---:|---|---|')
    for (const a of c.anomalies) lines.push(`| ${a.type} | ${a.partition ?? '-'} | ${a.count} | ${s(a.firstAt)} | ${s(a.lastAt)} | ${a.faults.map((id) => `#${id}`).join(' ')} | ${a.records.slice(0, 5).join(', ')}${a.count > 5 ? ', ...' : ''} |`)
  }
  if (c.violations.length) lines.push('', `**Expectations broken:** ${c.violations.join('; ')}`)
  if (v.notes.length) lines.push('', ...v.notes.map((n) => `Note: ${n}`))
  lines.push('')
  return lines
}

export function markdownReport(input: ReportInput): string {
  return [`# Experiment: ${input.name}`, '', ...(input.claim ? [`Claim: ${input.claim}`, ''] : []), `Run at ${new Date(input.startedAt).toISOString()}.`, '', `**Verdict:** ${input.verdict}`, '', ...input.variants.flatMap(variantSection)].join('\n')
}
