import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { AppDatabase, DEFAULT_WINDOW, restoredBounds } from '../../../main/host/appDatabase'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

it('keeps settings across reopening the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-app-'))
  dirs.push(dir)
  let db = new AppDatabase(dir)
  expect(db.get('window', DEFAULT_WINDOW)).toEqual(DEFAULT_WINDOW)
  db.set('window', { x: 10, y: 20, width: 900, height: 600, maximized: true })
  db.close()
  db = new AppDatabase(dir)
  expect(db.get('window', DEFAULT_WINDOW)).toEqual({ x: 10, y: 20, width: 900, height: 600, maximized: true })
  db.close()
})

it('restores a window only where a screen still shows it', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 }
  const saved = { x: 100, y: 100, width: 1280, height: 800, maximized: false }
  expect(restoredBounds(saved, [screen])).toEqual(saved)
  expect(restoredBounds({ ...saved, x: 5000 }, [screen])).toEqual({ width: 1280, height: 800, maximized: false })
})
