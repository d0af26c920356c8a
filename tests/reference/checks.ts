// The record of compared checks: each test file's checks go to .results/<file>.json (read by
// report.ts to write docs/compatibility.md), and a check passes when its differences are
// exactly those that known-differences.json lists for it: a new difference fails, and so
// does a difference that went away until the list is regenerated (npm run compatibility).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Difference } from './compare'

export const RESULTS_DIR = join(import.meta.dirname, '.results')
export const KNOWN_DIFFERENCES_FILE = join(import.meta.dirname, 'known-differences.json')

export interface CheckResult {
  /** The scenario (a describe block), e.g. "CreateTopics". */
  scenario: string
  check: string
  /** What both clusters were sent, in a few words. */
  request: string
  differences: Difference[]
}

export const checkId = (r: Pick<CheckResult, 'scenario' | 'check'>) => `${r.scenario} › ${r.check}`

/** While regenerating the record, differences are recorded but fail nothing. */
export const updatingRecord = process.env.REFERENCE_UPDATE === '1'

export function knownDifferences(): Record<string, string[]> {
  return existsSync(KNOWN_DIFFERENCES_FILE) ? JSON.parse(readFileSync(KNOWN_DIFFERENCES_FILE, 'utf8')) : {}
}

/** Differing paths of a check, without array indexes' order mattering to the record. */
export function differingPaths(result: CheckResult): string[] {
  return [...new Set(result.differences.map((d) => d.path))].sort()
}

export function writeResults(file: string, results: CheckResult[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(join(RESULTS_DIR, `${file}.json`), JSON.stringify(results, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2))
}

export function readResults(): CheckResult[] {
  if (!existsSync(RESULTS_DIR)) return []
  const files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).sort()
  return files.flatMap((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as CheckResult[])
}

