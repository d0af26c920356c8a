// Every SQLite database of the cluster opens here. better-sqlite3 is a native module: the
// build npm installs is for Node's ABI, which tests and the CLI use. Electron has its own
// ABI, so inside Electron a build for it is loaded through better-sqlite3's nativeBinding
// option, and one install serves both without rebuilding back and forth (DESIGN.md).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import Database from 'better-sqlite3'

/**
 * Where the Electron build of better-sqlite3 is looked for: BROKERLAB_SQLITE_BINDING, else
 * native/electron-<abi>/better_sqlite3.node beside the better-sqlite3 package's own build
 * (docs/electron.md says how to make it).
 */
export function electronBinding(env: NodeJS.ProcessEnv = process.env, versions: NodeJS.ProcessVersions = process.versions): string | undefined {
  if (!versions.electron) return undefined
  if (env.BROKERLAB_SQLITE_BINDING) return env.BROKERLAB_SQLITE_BINDING
  const packageDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'))
  const candidate = join(packageDir, 'native', `electron-${versions.modules}`, 'better_sqlite3.node')
  return existsSync(candidate) ? candidate : undefined
}

const nativeBinding = electronBinding()

export function openDatabase(path: string): Database.Database {
  return new Database(path, nativeBinding ? { nativeBinding } : {})
}
