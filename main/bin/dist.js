#!/usr/bin/env node
// `npm run dist`: installers with electron-builder. Its own rebuild (npmRebuild, through
// @electron/rebuild) compiles better-sqlite3 for Electron's ABI in place, in this checkout's
// node_modules, before packing it into app.asar.unpacked. The tests and the CLI need the
// Node build there, so it is kept aside and put back afterwards, whether packaging worked or
// not. Its rebuild runs without npm's nodedir, which would make it build for Node
// (electronEnv.js). Plain JS, like build.js, so it runs before anything is built.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { builtProjectRoot } from './build.js'
import { electronBuildEnv } from './electronEnv.js'

const root = builtProjectRoot(import.meta.dirname)

const ELECTRON_BUILDER = 'electron-builder@26'

/**
 * electron-builder is not a dependency of the project (it is large and used only here), so it
 * is installed into node_modules/.cache on first use. It runs under this Node directly, not
 * through npx: npm would hand it npm's config (nodedir among it) again.
 */
function installElectronBuilder() {
  const prefix = join(root, 'node_modules', '.cache', 'brokerlab-electron-builder')
  const cli = join(prefix, 'node_modules', 'electron-builder', 'cli.js')
  if (existsSync(cli)) return cli
  console.error(`dist: installing ${ELECTRON_BUILDER} into ${prefix}...`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const install = spawnSync(npm, ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', ELECTRON_BUILDER], { stdio: 'inherit', shell: process.platform === 'win32' })
  if (install.status !== 0 || !existsSync(cli)) throw new Error(`dist: could not install ${ELECTRON_BUILDER} (npm install exited with ${install.status})`)
  return cli
}

// better-sqlite3's whole build/ as npm install left it: the Node build and what came with it.
const nodeBuild = join(root, 'node_modules/better-sqlite3/build')
const keep = mkdtempSync(join(tmpdir(), 'brokerlab-dist-'))
const kept = join(keep, 'build')
if (existsSync(nodeBuild)) cpSync(nodeBuild, kept, { recursive: true })
let status = 1
try {
  const cli = installElectronBuilder()
  const builder = spawnSync(process.execPath, [cli, '--publish', 'never', ...process.argv.slice(2)], { cwd: root, env: electronBuildEnv(process.env), stdio: 'inherit' })
  status = builder.status ?? 1
  if (builder.error) console.error(`dist: could not run ${ELECTRON_BUILDER}: ${builder.error.message}`)
} catch (err) {
  console.error(err.message)
} finally {
  if (existsSync(kept)) {
    // Also drops @electron/rebuild's .forge-meta, whose "built for Electron" would make the next dist skip the rebuild.
    rmSync(nodeBuild, { recursive: true, force: true })
    cpSync(kept, nodeBuild, { recursive: true })
    console.error("dist: put better-sqlite3's Node build back in node_modules, for the tests and the CLI")
  }
  rmSync(keep, { recursive: true, force: true })
}
process.exit(status)
