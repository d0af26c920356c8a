// The desktop app's first start: which steps make better-sqlite3 for Electron, where the
// result goes, and what is said. The download itself cannot run here (these machines reach
// no download host), so the real tools are run against an unreachable proxy to show the
// offline path, and a step runner stands in for the tools where a success is needed.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { electronBuildEnv } from '../../../main/bin/electronEnv.js'
import { buildSteps, describeOutcome, ensureElectronSqlite, findNodeGyp, lastReason, type BuildStep, type ElectronTarget } from '../../../main/commands/electronSqlite'
import { electronBindingPath } from '../../../main/cluster/sqlite'

const realPackage = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'))
const made: string[] = []
afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true })
})

/** A copy of the installed better-sqlite3 with its Node build, so nothing under node_modules changes. */
function packageCopy(): ElectronTarget {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-bs3-'))
  made.push(dir)
  for (const entry of ['package.json', 'binding.gyp', 'src', 'deps', 'build/Release/better_sqlite3.node']) cpSync(join(realPackage, entry), join(dir, entry), { recursive: true })
  return { packageDir: dir, electronVersion: '41.10.0', abi: '145', platform: 'linux', arch: 'x64' }
}

/** A step runner that leaves a binding behind for the chosen kinds of step, and fails the others. */
function runner(succeeds: BuildStep['kind'][], ran: BuildStep[] = []) {
  return (step: BuildStep): string | null => {
    ran.push(step)
    if (!succeeds.includes(step.kind)) return `${step.kind} refused`
    mkdirSync(join(step.cwd, 'build', 'Release'), { recursive: true })
    writeFileSync(join(step.cwd, 'build', 'Release', 'better_sqlite3.node'), `${step.kind} build for electron`)
    return null
  }
}

describe('the steps', () => {
  const target: ElectronTarget = { packageDir: '/p/better-sqlite3', electronVersion: '41.10.0', abi: '145', platform: 'linux', arch: 'x64' }
  const env = { PATH: '/usr/bin', HOME: '/root', npm_config_nodedir: '/usr', npm_config_target: '20.20.2', npm_config_runtime: 'node', https_proxy: 'http://proxy:3128' }

  it('asks prebuild-install for Electron’s prebuilt binary first, then node-gyp for a build against Electron’s headers', () => {
    const [prebuilt, source, ...rest] = buildSteps(target, '/work', env, '/npm/node-gyp.js')
    expect(rest).toEqual([])
    expect(prebuilt.kind).toBe('prebuilt')
    expect(prebuilt.args[0]).toMatch(/prebuild-install[/\\]bin\.js$/)
    expect(prebuilt.args.slice(1)).toEqual(['--runtime', 'electron', '--target', '41.10.0', '--arch', 'x64', '--platform', 'linux'])
    expect(source.kind).toBe('source')
    expect(source.args).toEqual(['/npm/node-gyp.js', 'rebuild', '--release', '--runtime=electron', '--target=41.10.0', '--arch=x64', '--dist-url=https://electronjs.org/headers'])
    // Each in its own scratch directory, never in the package's own build/.
    expect(new Set([prebuilt.cwd, source.cwd]).size).toBe(2)
    for (const step of [prebuilt, source]) expect(step.cwd.startsWith('/work/')).toBe(true)
  })

  it('drops the npm settings that would build for Node instead (nodedir, target, runtime), and keeps the rest', () => {
    const [step] = buildSteps(target, '/work', env, undefined)
    expect(step.env).toEqual({ PATH: '/usr/bin', HOME: '/root', https_proxy: 'http://proxy:3128' })
    expect(electronBuildEnv({ NPM_CONFIG_NODEDIR: '/usr', npm_config_dist_url: 'x', npm_config_cache: '/c' })).toEqual({ npm_config_cache: '/c' })
  })

  it('tries no build from source where npm’s node-gyp is missing', () => {
    expect(buildSteps(target, '/work', env, undefined).map((s) => s.kind)).toEqual(['prebuilt'])
    expect(findNodeGyp({}, '/nowhere/bin/node')).toBeUndefined()
    expect(findNodeGyp({}, process.execPath)).toMatch(/node-gyp\.js$/) // the one this machine's npm uses
  })
})

describe('ensureElectronSqlite', () => {
  it('puts a downloaded prebuilt binary where the app loads it, and leaves the Node build alone', () => {
    const target = packageCopy()
    const nodeBuild = readFileSync(join(target.packageDir, 'build/Release/better_sqlite3.node'))
    const ran: BuildStep[] = []
    const outcome = ensureElectronSqlite(target, { run: runner(['prebuilt', 'source'], ran), nodeGyp: '/npm/node-gyp.js' })
    expect(outcome).toEqual({ kind: 'prebuilt', path: electronBindingPath(target.packageDir, '145') })
    expect(readFileSync(electronBindingPath(target.packageDir, '145'), 'utf8')).toBe('prebuilt build for electron')
    expect(ran.map((s) => s.kind)).toEqual(['prebuilt'])
    expect(readFileSync(join(target.packageDir, 'build/Release/better_sqlite3.node')).equals(nodeBuild)).toBe(true)
    // The scratch copies are gone.
    expect(ran.every((s) => !existsSync(s.cwd))).toBe(true)
    expect(describeOutcome(outcome, target, dirname(target.packageDir))).toBe(
      `brokerlab start: downloaded better-sqlite3's prebuilt binary for Electron 41.10.0 (ABI 145) into ${target.packageDir.split('/').at(-1)}/native/electron-145`,
    )
  })

  it('builds from the package’s sources when no prebuilt binary exists', () => {
    const target = packageCopy()
    const ran: BuildStep[] = []
    const outcome = ensureElectronSqlite(target, { run: (step) => (step.kind === 'source' && ran.push(step), runner(['source'])(step)), nodeGyp: '/npm/node-gyp.js' })
    expect(outcome.kind).toBe('source')
    // node-gyp's scratch copy had the sources to build from.
    expect(readFileSync(electronBindingPath(target.packageDir, '145'), 'utf8')).toBe('source build for electron')
    expect(describeOutcome(outcome, target, target.packageDir)).toMatch(/^brokerlab start: no prebuilt better-sqlite3 for Electron 41\.10\.0 \(ABI 145\), so built it from source into native\/electron-145$/)
  })

  it('runs nothing when the build for this ABI is already there, and says nothing', () => {
    const target = packageCopy()
    mkdirSync(dirname(electronBindingPath(target.packageDir, '145')), { recursive: true })
    writeFileSync(electronBindingPath(target.packageDir, '145'), 'made before')
    const ran: BuildStep[] = []
    const outcome = ensureElectronSqlite(target, { run: runner(['prebuilt'], ran) })
    expect(outcome).toEqual({ kind: 'present', path: electronBindingPath(target.packageDir, '145') })
    expect(ran).toEqual([])
    expect(describeOutcome(outcome, target, '/')).toBeNull()
  })

  it('counts a step that claims success but made no binding as failed', () => {
    const target = packageCopy()
    const outcome = ensureElectronSqlite(target, { run: () => null, nodeGyp: '/npm/node-gyp.js' })
    expect(outcome).toEqual({ kind: 'failed', reasons: [{ kind: 'prebuilt', reason: 'it made no better_sqlite3.node' }, { kind: 'source', reason: 'it made no better_sqlite3.node' }] })
  })

  it('offline, the real prebuild-install and node-gyp both fail, and one line says why of each', () => {
    const target = packageCopy()
    // A proxy on a closed loopback port: offline for both tools, on any machine.
    const env = { ...process.env, https_proxy: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', npm_config_proxy: 'http://127.0.0.1:9', npm_config_https_proxy: 'http://127.0.0.1:9' }
    const outcome = ensureElectronSqlite(target, { env })
    expect(outcome.kind).toBe('failed')
    if (outcome.kind !== 'failed') return
    expect(outcome.reasons.map((r) => r.kind)).toEqual(['prebuilt', 'source'])
    expect(outcome.reasons[0].reason).toMatch(/ECONNREFUSED 127\.0\.0\.1:9/)
    expect(outcome.reasons[1].reason).toBe('could not download https://electronjs.org/headers/v41.10.0/node-v41.10.0-headers.tar.gz (connect ECONNREFUSED 127.0.0.1:9)')
    expect(existsSync(join(target.packageDir, 'native'))).toBe(false)
    const line = describeOutcome(outcome, target, target.packageDir)!
    expect(line).not.toContain('\n')
    expect(line).toMatch(/^brokerlab start: no better-sqlite3 build for Electron 41\.10\.0 \(ABI 145\), which the embedded cluster needs inside the app: the prebuilt download failed \(.+\), and the build from source failed \(.+\)$/)
  }, 120_000)
})

describe('lastReason', () => {
  it('names the headers node-gyp could not fetch rather than its generic advice', () => {
    const gyp = ['gyp info it worked if it ends with ok', 'gyp http GET https://electronjs.org/headers/v41.10.0/node-v41.10.0-headers.tar.gz', 'gyp WARN install got an error, rolling back install', 'gyp ERR! configure error ', 'gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and', 'gyp ERR! stack is related to network connectivity.', 'gyp ERR! not ok '].join('\n')
    expect(lastReason(gyp)).toBe('could not download https://electronjs.org/headers/v41.10.0/node-v41.10.0-headers.tar.gz')
    const refused = gyp.replace('gyp ERR! stack Error: This is most', 'gyp ERR! stack Error: connect ECONNREFUSED 127.0.0.1:9\ngyp ERR! stack This is most')
    expect(lastReason(refused)).toBe('could not download https://electronjs.org/headers/v41.10.0/node-v41.10.0-headers.tar.gz (connect ECONNREFUSED 127.0.0.1:9)')
  })

  it('prefers a network error, without the tool’s prefix', () => {
    expect(lastReason('prebuild-install warn install getaddrinfo ENOTFOUND github.com\nprebuild-install warn install No prebuilt binaries found')).toBe('getaddrinfo ENOTFOUND github.com')
    expect(lastReason('prebuild-install warn install No prebuilt binaries found (target=41.10.0 runtime=electron arch=x64 libc= platform=linux)')).toBe('No prebuilt binaries found (target=41.10.0 runtime=electron arch=x64 libc= platform=linux)')
    expect(lastReason('all fine')).toBeUndefined()
    expect(lastReason('gyp ERR! stack at go (install.js:244:21)\ngyp ERR! not ok')).toBeUndefined()
  })
})
