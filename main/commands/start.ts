// `brokerlab start`: the desktop app. npm install leaves out Electron's binary ("allowScripts")
// and builds better-sqlite3 for Node only, so the first start fetches both before it launches
// Electron. Where either cannot be had (offline, no display) it says why in one line and
// opens the headless console instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ensureBuilt, findProjectRoot } from '../bin/build.js'
import { describeOutcome, electronTarget, ensureElectronSqlite } from './electronSqlite'
import { runServe } from './serve'

const FALLBACK = 'starting the headless console instead (brokerlab serve)'

export async function runStart(): Promise<number> {
  const root = findProjectRoot(import.meta.dirname)
  try {
    ensureBuilt(root)
  } catch (err) {
    console.error((err as Error).message)
    return 1
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.error(`brokerlab start: no display (DISPLAY and WAYLAND_DISPLAY are unset), so Electron cannot open a window; ${FALLBACK}`)
    return runServe({})
  }
  const electron = findElectron(root) ?? installElectron(root)
  if (typeof electron !== 'string') {
    console.error(`brokerlab start: the Electron binary is not installed and could not be downloaded (${electron.reason}); ${FALLBACK}`)
    return runServe({})
  }
  if (!sqliteForElectron(root, electron)) return runServe({})
  const env = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE // would make Electron behave as plain Node
  const child = spawn(electron, [root], { stdio: 'inherit', env })
  return new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))))
}

/** True when the app will find a better-sqlite3 built for this Electron; says in one line what it did, or why not. */
function sqliteForElectron(root: string, electron: string): boolean {
  if (process.env.BROKERLAB_SQLITE_BINDING) return true // the user's own build (docs/electron.md)
  const target = electronTarget(root, electron)
  if ('reason' in target) {
    console.error(`brokerlab start: ${target.reason}; ${FALLBACK}`)
    return false
  }
  const outcome = ensureElectronSqlite(target)
  const line = describeOutcome(outcome, target, root)
  if (line) console.error(outcome.kind === 'failed' ? `${line}; ${FALLBACK}` : line)
  return outcome.kind !== 'failed'
}

function electronPackageDir(root: string): string {
  return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'))
}

/** The Electron executable that node_modules/electron/install.js put in place, if it is there. */
function findElectron(root: string): string | null {
  const dir = electronPackageDir(root)
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const executable = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(executable) ? executable : null
}

/** npm install skips electron's download ("allowScripts"), so fetch the binary on first start. */
function installElectron(root: string): string | { reason: string } {
  console.error('brokerlab start: downloading the Electron binary...')
  const install = spawnSync(process.execPath, [join(electronPackageDir(root), 'install.js')], { encoding: 'utf8', timeout: 300_000 })
  const installed = findElectron(root)
  if (installed) return installed
  // The error's own line, not its stack trace, e.g. "TypeError: fetch failed".
  const message = `${install.error?.message ?? ''}\n${install.stderr ?? ''}`
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith('at '))
  return { reason: message || `install.js exited with code ${install.status}` }
}
