import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { electronBinding, electronBindingPath, openDatabase } from '../../../main/cluster/sqlite'

const made: string[] = []
afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true })
})

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-sqlite-'))
  made.push(dir)
  return dir
}

function touch(path: string): string {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, '')
  return path
}

const electron = { ...process.versions, electron: '41.10.0', modules: '145' } as NodeJS.ProcessVersions

it('uses Node’s own build outside Electron, and opens a real database with it', () => {
  const packageDir = scratch()
  touch(electronBindingPath(packageDir, process.versions.modules))
  expect(electronBinding({ BROKERLAB_SQLITE_BINDING: '/x/b.node' }, { ...process.versions, electron: undefined } as unknown as NodeJS.ProcessVersions, packageDir)).toBeUndefined()
  const db = openDatabase(join(scratch(), 'x.db'))
  expect(db.prepare('select 41 + 1 as answer').get()).toEqual({ answer: 42 })
  db.close()
})

it('inside Electron, takes BROKERLAB_SQLITE_BINDING first', () => {
  const packageDir = scratch()
  touch(electronBindingPath(packageDir, '145'))
  expect(electronBinding({ BROKERLAB_SQLITE_BINDING: '/x/b.node' }, electron, packageDir)).toBe('/x/b.node')
})

it('inside Electron, loads the build `brokerlab start` made for its ABI, and none for another ABI', () => {
  const packageDir = scratch()
  expect(electronBinding({}, electron, packageDir)).toBeUndefined()
  const built = touch(electronBindingPath(packageDir, '145'))
  expect(built).toBe(join(packageDir, 'native', 'electron-145', 'better_sqlite3.node'))
  expect(electronBinding({}, electron, packageDir)).toBe(built)
  expect(electronBinding({}, { ...electron, modules: '146' }, packageDir)).toBeUndefined()
})

it('in a packaged app, loads electron-builder’s rebuild from app.asar.unpacked', () => {
  const resources = scratch()
  const packageDir = join(resources, 'app.asar', 'node_modules', 'better-sqlite3')
  expect(electronBinding({}, electron, packageDir)).toBeUndefined()
  const unpacked = touch(join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))
  expect(electronBinding({}, electron, packageDir)).toBe(unpacked)
  // A build made by `brokerlab start` before packaging was packed too; it wins, as in development.
  const own = touch(electronBindingPath(packageDir, '145'))
  expect(electronBinding({}, electron, packageDir)).toBe(own)
})
