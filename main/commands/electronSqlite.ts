// better-sqlite3 for Electron's ABI, made on the desktop app's first start. npm install builds
// better-sqlite3 for Node's ABI (the tests and the CLI keep using that build); the app's main
// process is Electron, whose ABI differs, so `brokerlab start` puts a second build beside
// the first (sqlite.ts loads it from there). better-sqlite3 publishes prebuilt binaries per
// Electron ABI, fetched with prebuild-install; where none exists, node-gyp builds one from
// the package's own sources against Electron's headers. Both work in a scratch copy of the
// package, so the Node build in build/Release is never touched.
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { electronBuildEnv } from '../bin/electronEnv.js'
import { electronBindingPath } from '../cluster/sqlite'

/** The Electron that will load the module, and the better-sqlite3 package that has to fit it. */
export interface ElectronTarget {
  /** node_modules/better-sqlite3 */
  packageDir: string
  /** Electron's version, e.g. 41.10.0: prebuilt binaries and headers are published per version. */
  electronVersion: string
  /** process.versions.modules inside that Electron: the directory the app looks in. */
  abi: string
  platform: NodeJS.Platform
  arch: string
}

/** One way of making the binding; it leaves build/Release/better_sqlite3.node under cwd. */
export interface BuildStep {
  kind: 'prebuilt' | 'source'
  command: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
}

export type Outcome =
  | { kind: 'present' | 'prebuilt' | 'source'; path: string }
  | { kind: 'failed'; reasons: { kind: BuildStep['kind']; reason: string }[] }

/** Runs one step; resolves to null when it succeeded, else why it failed, in one line. */
export type StepRunner = (step: BuildStep) => string | null

const ELECTRON_HEADERS = 'https://electronjs.org/headers'
const STEP_TIMEOUT_MS = 10 * 60_000

/** Where npm's own node-gyp is: the one npm uses for every native install. */
export function findNodeGyp(env: NodeJS.ProcessEnv = process.env, execPath: string = process.execPath): string | undefined {
  const candidates = [
    env.npm_config_node_gyp,
    join(dirname(execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ]
  return candidates.find((path): path is string => !!path && existsSync(path))
}

/** Pure: the steps to try in order, each in its own scratch directory under workDir. */
export function buildSteps(target: ElectronTarget, workDir: string, env: NodeJS.ProcessEnv, nodeGyp: string | undefined): BuildStep[] {
  const buildEnv = electronBuildEnv(env)
  // better-sqlite3's own dependency, which npm hoists beside it.
  const prebuildInstall = createRequire(import.meta.url).resolve('prebuild-install/bin.js')
  const steps: BuildStep[] = [
    {
      kind: 'prebuilt',
      command: process.execPath,
      args: [prebuildInstall, '--runtime', 'electron', '--target', target.electronVersion, '--arch', target.arch, '--platform', target.platform],
      cwd: join(workDir, 'prebuilt'),
      env: buildEnv,
    },
  ]
  if (nodeGyp) {
    steps.push({
      kind: 'source',
      command: process.execPath,
      args: [nodeGyp, 'rebuild', '--release', '--runtime=electron', `--target=${target.electronVersion}`, `--arch=${target.arch}`, `--dist-url=${ELECTRON_HEADERS}`],
      cwd: join(workDir, 'source'),
      env: buildEnv,
    })
  }
  return steps
}

/** A scratch copy of the package for a step: package.json is all prebuild-install reads; node-gyp needs the sources. */
function prepareScratch(step: BuildStep, packageDir: string): void {
  mkdirSync(step.cwd, { recursive: true })
  if (step.kind === 'prebuilt') copyFileSync(join(packageDir, 'package.json'), join(step.cwd, 'package.json'))
  else for (const entry of ['package.json', 'binding.gyp', 'src', 'deps']) cpSync(join(packageDir, entry), join(step.cwd, entry), { recursive: true })
}

/** Runs a step as a child process; its own last meaningful line is the reason when it fails. */
export const runStep: StepRunner = (step) => {
  const result = spawnSync(step.command, step.args, { cwd: step.cwd, env: step.env, encoding: 'utf8', timeout: STEP_TIMEOUT_MS })
  if (result.status === 0 && !result.error) return null
  return result.error?.message ?? lastReason(`${result.stdout ?? ''}\n${result.stderr ?? ''}`) ?? `exited with code ${result.status}`
}

const NETWORK_ERROR = /\b(?:getaddrinfo|connect|read|request to \S+ failed, reason:)\s*(?:E[A-Z]+)\b[^\n]*|\bE(?:NOTFOUND|CONNREFUSED|CONNRESET|TIMEDOUT|AI_AGAIN)\b[^\n]*/

/** The most telling line of a failed tool's output, without the tool's prefix. */
export function lastReason(output: string): string | undefined {
  const lines = output.split('\n').map((line) => line.trim())
  const network = NETWORK_ERROR.exec(output)?.[0].trim()
  // node-gyp names the headers URL it fetched; its error comes only in its stack, or as generic advice.
  const fetched = lines.findLast((line) => line.startsWith('gyp http GET '))?.slice('gyp http GET '.length)
  if (fetched && (network || /network connectivity/.test(output))) return `could not download ${fetched}${network ? ` (${network})` : ''}`
  if (network) return network
  const telling = lines.filter((line) => /^(prebuild-install|gyp)\s+(warn|err!)/i.test(line) && !/^gyp err! (stack|system|command|cwd|node -v|node-gyp -v|not ok)\b/i.test(line))
  return telling.at(-1)?.replace(/^(prebuild-install|gyp)\s+(warn|err!)\s+(install\s+)?/i, '').trim() || undefined
}

/**
 * Makes sure the Electron build is in place: already there, downloaded, or built from
 * source, in that order. Never throws for a failed download or build: the caller says why
 * and falls back to the headless console.
 */
export function ensureElectronSqlite(target: ElectronTarget, options: { env?: NodeJS.ProcessEnv; run?: StepRunner; nodeGyp?: string } = {}): Outcome {
  const destination = electronBindingPath(target.packageDir, target.abi)
  if (existsSync(destination)) return { kind: 'present', path: destination }
  const env = options.env ?? process.env
  const workDir = mkdtempSync(join(tmpdir(), 'brokerlab-electron-sqlite-'))
  const reasons: { kind: BuildStep['kind']; reason: string }[] = []
  try {
    for (const step of buildSteps(target, workDir, env, options.nodeGyp ?? findNodeGyp(env))) {
      prepareScratch(step, target.packageDir)
      const failure = (options.run ?? runStep)(step)
      const made = join(step.cwd, 'build', 'Release', 'better_sqlite3.node')
      if (failure === null && existsSync(made)) {
        mkdirSync(dirname(destination), { recursive: true })
        copyFileSync(made, destination)
        return { kind: step.kind, path: destination }
      }
      reasons.push({ kind: step.kind, reason: failure ?? 'it made no better_sqlite3.node' })
    }
    if (!reasons.some((r) => r.kind === 'source')) reasons.push({ kind: 'source', reason: "npm's node-gyp was not found" })
    return { kind: 'failed', reasons }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

/** The one line `brokerlab start` prints about it (nothing when the build was already there). */
export function describeOutcome(outcome: Outcome, target: ElectronTarget, root: string): string | null {
  const electron = `Electron ${target.electronVersion} (ABI ${target.abi})`
  switch (outcome.kind) {
    case 'present':
      return null
    case 'prebuilt':
      return `brokerlab start: downloaded better-sqlite3's prebuilt binary for ${electron} into ${relative(root, dirname(outcome.path))}`
    case 'source':
      return `brokerlab start: no prebuilt better-sqlite3 for ${electron}, so built it from source into ${relative(root, dirname(outcome.path))}`
    case 'failed': {
      const why = outcome.reasons.map((r) => `${r.kind === 'prebuilt' ? 'the prebuilt download failed' : 'the build from source failed'} (${r.reason})`).join(', and ')
      return `brokerlab start: no better-sqlite3 build for ${electron}, which the embedded cluster needs inside the app: ${why}`
    }
  }
}

/** The installed Electron's version and ABI, read off the binary itself (ELECTRON_RUN_AS_NODE makes it a plain Node). */
export function electronTarget(root: string, electronBinary: string): ElectronTarget | { reason: string } {
  const require = createRequire(join(root, 'package.json'))
  const packageDir = dirname(require.resolve('better-sqlite3/package.json'))
  const electronVersion = (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version
  const probe = spawnSync(electronBinary, ['-p', 'process.versions.modules + " " + process.arch'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  const [abi, arch] = (probe.stdout ?? '').trim().split(' ')
  if (probe.status !== 0 || !/^\d+$/.test(abi ?? '')) return { reason: `could not read Electron's ABI (${probe.error?.message ?? (probe.stderr.trim() || `exit code ${probe.status}`)})` }
  return { packageDir, electronVersion, abi, platform: process.platform, arch }
}
