// Keeps out/ in step with the sources, for the `brokerlab` command and `brokerlab start`:
// a fresh checkout, a pull or an edit must never run stale code. Plain JS because
// main/bin/brokerlab.js runs before anything is built.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** What `electron-vite build` produces and the app needs. */
const OUTPUTS = ['out/main/index.js', 'out/main/cli.js', 'out/main/brokerWorker.js', 'out/main/controllerWorker.js', 'out/main/clientsWorker.js', 'out/main/clientMemberWorker.js', 'out/preload/index.cjs', 'out/renderer/index.html']
/** What the build reads. */
const SOURCES = ['main', 'preload', 'renderer', 'resources', 'electron.vite.config.ts', 'package.json']

/** The nearest directory at or above `from` that holds a package.json (from main/ or out/main/ alike). */
export function findProjectRoot(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs)
}

export function buildIsStale(root) {
  const built = OUTPUTS.map((file) => statSync(join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? 0)
  const sources = SOURCES.map((path) => newestMtime(join(root, path)))
  return Math.min(...built) < Math.max(...sources)
}

/** Builds when out/ is missing or older than the sources; the build's own output shows only if it fails. */
export function ensureBuilt(root) {
  if (!buildIsStale(root)) return
  console.error('brokerlab: building the app (electron-vite build)...')
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' })
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `${build.error.message}\n` : ''}`)
    throw new Error('brokerlab: the build failed (output above)')
  }
}

/** For the bin scripts: the project root with out/ up to date, or the process ends saying why. */
export function builtProjectRoot(from) {
  const root = findProjectRoot(from)
  try {
    ensureBuilt(root)
  } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
  return root
}
