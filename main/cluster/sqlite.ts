// Every SQLite database of the cluster opens here. better-sqlite3 is a native module: the
// build npm installs is for Node's ABI, which tests and the CLI use. Electron has its own
// ABI, so inside Electron a build for it is loaded through better-sqlite3's nativeBinding
// option, and one install serves both without rebuilding back and forth (DESIGN.md).
import { existsSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { createRequire } from 'node:module'
import Database from 'better-sqlite3'

/** Where `brokerlab start` puts, and the app looks for, the build for one Electron ABI. */
export function electronBindingPath(packageDir: string, abi: string): string {
  return join(packageDir, 'native', `electron-${abi}`, 'better_sqlite3.node')
}

/**
 * The better-sqlite3 binding to load, or undefined for the package's own build. Under Node
 * that is always the package's own. Under Electron, the first that exists of:
 * 1. BROKERLAB_SQLITE_BINDING;
 * 2. native/electron-<abi>/ in the package, which `brokerlab start` fills on first start;
 * 3. build/Release/ in app.asar.unpacked, where a packaged app keeps the build that
 *    electron-builder's rebuild made (a .node cannot be loaded from inside the asar).
 */
export function electronBinding(
  env: NodeJS.ProcessEnv = process.env,
  versions: NodeJS.ProcessVersions = process.versions,
  packageDir: string = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
): string | undefined {
  if (!versions.electron) return undefined
  if (env.BROKERLAB_SQLITE_BINDING) return env.BROKERLAB_SQLITE_BINDING
  const asar = `${sep}app.asar${sep}`
  const candidates = [electronBindingPath(packageDir, versions.modules)]
  if (packageDir.includes(asar)) candidates.push(join(packageDir.replace(asar, `${sep}app.asar.unpacked${sep}`), 'build', 'Release', 'better_sqlite3.node'))
  return candidates.find((candidate) => existsSync(candidate))
}

const nativeBinding = electronBinding()

export function openDatabase(path: string): Database.Database {
  return new Database(path, nativeBinding ? { nativeBinding } : {})
}
