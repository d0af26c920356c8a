// The import boundaries of docs/architecture.md, checked on the sources: the cluster knows
// nothing of the console or its adapters, the renderer knows only the contract, and the
// workers' code reaches the contract's schemas (zod) only for types.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..', '..')

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|vue)$/.test(file))
    .map((file) => join(dir, file))
}

/** Every `from '...'` of the file, with whether it is a type-only import. */
function importsOf(file: string): Array<{ path: string; typeOnly: boolean }> {
  const text = readFileSync(join(ROOT, file), 'utf8')
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)].map((m) => ({ path: m[2], typeOnly: !!m[1] }))
}

function offending(dir: string, bad: (path: string, typeOnly: boolean) => boolean): string[] {
  return sources(dir).flatMap((file) => importsOf(file).filter((i) => bad(i.path, i.typeOnly)).map((i) => `${relative(ROOT, join(ROOT, file))}: ${i.path}`))
}

describe('import boundaries', () => {
  it('nothing under main/cluster imports main/console or main/host', () => {
    expect(offending('main/cluster', (path) => /(^|\/)(console|host)\//.test(path) && path.startsWith('..') && !path.includes('preload'))).toEqual([])
  })

  it('the renderer imports the contract and nothing else of main or the preload', () => {
    expect(offending('renderer/src', (path) => /(^|\/)(main|preload)\//.test(path) && !/(^|\/)preload\/contract$/.test(path))).toEqual([])
  })

  it('main/cluster takes only types from the contract (the workers do not load zod)', () => {
    expect(offending('main/cluster', (path, typeOnly) => /preload\/contract$/.test(path) && !typeOnly)).toEqual([])
  })
})
