import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { afterEach, expect, it } from 'vitest'
import { electronBinding, openDatabase } from '../../../main/cluster/sqlite'

const made: string[] = []
afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true })
})

it('uses Node’s own build outside Electron, and opens a real database with it', () => {
  expect(electronBinding({}, { ...process.versions, electron: undefined } as unknown as NodeJS.ProcessVersions)).toBeUndefined()
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-sqlite-'))
  made.push(dir)
  const db = openDatabase(join(dir, 'x.db'))
  expect(db.prepare('select 41 + 1 as answer').get()).toEqual({ answer: 42 })
  db.close()
})

it('inside Electron, takes BROKERLAB_SQLITE_BINDING, else the build for Electron’s ABI when it exists', () => {
  const electron = { ...process.versions, electron: '41.10.0', modules: '145' } as NodeJS.ProcessVersions
  expect(electronBinding({ BROKERLAB_SQLITE_BINDING: '/x/b.node' }, electron)).toBe('/x/b.node')
  const packageDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'))
  expect(electronBinding({}, electron)).toBeUndefined()
  const built = join(packageDir, 'native', 'electron-145', 'better_sqlite3.node')
  mkdirSync(dirname(built), { recursive: true })
  made.push(join(packageDir, 'native'))
  writeFileSync(built, '')
  expect(electronBinding({}, electron)).toBe(built)
})
