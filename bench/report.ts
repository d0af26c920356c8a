// Shared shape and printing of benchmark results.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface BenchResult {
  name: string
  recordsPerSec: number
  mbPerSec: number
  seconds: number
  /** This path's speed over the reference measured in the same run. */
  ratio?: number
  /** The ratio the issue asks for. */
  target?: number
}

export function rate(records: number, bytes: number, seconds: number): Pick<BenchResult, 'recordsPerSec' | 'mbPerSec' | 'seconds'> {
  return { recordsPerSec: records / seconds, mbPerSec: bytes / 1e6 / seconds, seconds }
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-bench-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export function printTable(title: string, results: BenchResult[]): boolean {
  console.log(`\n## ${title}\n`)
  console.log('| path | records/s | MB/s | seconds | ratio | target |')
  console.log('|---|---:|---:|---:|---:|---:|')
  let met = true
  for (const r of results) {
    const ratio = r.ratio === undefined ? '' : r.ratio.toFixed(2)
    const target = r.target === undefined ? '' : `>= ${r.target}${r.ratio! >= r.target ? ' ✓' : ' ✗'}`
    if (r.target !== undefined && r.ratio! < r.target) met = false
    console.log(`| ${r.name} | ${Math.round(r.recordsPerSec).toLocaleString('en-US')} | ${r.mbPerSec.toFixed(1)} | ${r.seconds.toFixed(3)} | ${ratio} | ${target} |`)
  }
  return met
}
