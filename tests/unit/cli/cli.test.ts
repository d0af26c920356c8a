import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseCommandLine, USAGE } from '../../../main/cli'
import { freePort, freePorts } from '../../helpers/ports'
import { clusterSettings } from '../../../main/commands/cluster'

describe('parseCommandLine', () => {
  it.each(['start', 'serve', 'cluster'] as const)('runs the %s command', (command) => {
    expect(parseCommandLine([command])).toEqual({ kind: 'run', command, options: {} })
  })

  it.each([['help'], ['--help'], ['-h'], ['cluster', '--help'], ['--help', 'bogus']])('asks for help with %j', (...argv) => {
    expect(parseCommandLine(argv)).toEqual({ kind: 'help' })
  })

  it.each([['--version'], ['-v'], ['start', '-v']])('asks for the version with %j', (...argv) => {
    expect(parseCommandLine(argv)).toEqual({ kind: 'version' })
  })

  it('takes each command\'s own options', () => {
    expect(parseCommandLine(['cluster', '--brokers', '5', '--base-port', '19092', '--memory', '--config', 'num.partitions=6', '--config', 'a=b'])).toEqual({
      kind: 'run',
      command: 'cluster',
      options: { brokers: '5', 'base-port': '19092', memory: true, config: ['num.partitions=6', 'a=b'] },
    })
    expect(parseCommandLine(['serve', '--restart-on-failure'])).toEqual({ kind: 'run', command: 'serve', options: { 'restart-on-failure': true } })
    expect(clusterSettings({ 'restart-on-failure': true })).toMatchObject({ restartOnFailure: true })
    expect(clusterSettings({})).toMatchObject({ restartOnFailure: false })
    expect(parseCommandLine(['cluster', '--schema-registry-port', '0'])).toEqual({ kind: 'run', command: 'cluster', options: { 'schema-registry-port': '0' } })
    expect(clusterSettings({ 'schema-registry-port': '18081' })).toMatchObject({ schemaRegistryPort: 18081 })
    expect(clusterSettings({})).toMatchObject({ schemaRegistryPort: null })
    expect(clusterSettings({ 'schema-registry-port': 'x' })).toBe('--schema-registry-port must be a port number (0 for any free port), not "x"')
    expect(parseCommandLine(['start', '--brokers', '3'])).toEqual({ kind: 'usage-error', message: 'start takes no option --brokers' })
  })

  it('names what is wrong with a bad command line', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'usage-error', message: 'no command given' })
    expect(parseCommandLine(['bogus'])).toEqual({ kind: 'usage-error', message: 'unknown command "bogus"' })
    expect(parseCommandLine(['start', 'now'])).toEqual({ kind: 'usage-error', message: 'unexpected argument "now"' })
    expect(parseCommandLine(['cluster', '--frob'])).toMatchObject({ kind: 'usage-error', message: expect.stringContaining("'--frob'") })
  })
})

// One smoke test of the real `brokerlab` command: the bin entry builds out/ if it is missing
// or stale (a few seconds), then runs the bundled CLI under plain Node.
describe('brokerlab command', () => {
  const brokerlab = (...args: string[]) =>
    spawnSync(process.execPath, ['main/bin/brokerlab.js', ...args], { encoding: 'utf8', timeout: 120_000 })

  it('prints usage, refuses unknown commands and says when a command is not available yet', () => {
    const help = brokerlab('--help')
    expect(help.stderr).toMatch(/^(brokerlab: building the app \(electron-vite build\)\.\.\.\n)?$/)
    expect(help.status).toBe(0)
    expect(help.stdout.trim()).toBe(USAGE)

    const unknown = brokerlab('bogus')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('brokerlab: unknown command "bogus"')
    expect(unknown.stderr).toContain(USAGE)

    const serve = brokerlab('serve', '--port', 'many')
    expect(serve.status).toBe(2)
    expect(serve.stderr.trim()).toBe('brokerlab serve: --port must be a port number, not "many"')

    const badPort = brokerlab('cluster', '--base-port', '70000')
    expect(badPort.status).toBe(2)
    expect(badPort.stderr.trim()).toBe('brokerlab cluster: --base-port must leave room for 3 port(s) between 1 and 65535, not "70000"')
  }, 180_000)
})

describe('brokerlab cluster', () => {
  const brokerlabBin = 'main/bin/brokerlab.js'

  it('prints the bootstrap list once every listener accepts, serves kcat, and stops cleanly on SIGINT', async () => {
    const { spawn } = await import('node:child_process')
    const { kcat, kcatAvailable } = await import('../../helpers/kcat')
    // Two brokers take the base port and the next: both must be free (another test may hold port + 1).
    const port = await freePorts(2)
    const child = spawn(process.execPath, [brokerlabBin, 'cluster', '--memory', '--brokers', '2', '--base-port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const bootstrap = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d
        const match = /^bootstrap: (.+)$/m.exec(stdout)
        if (match) resolve(match[1])
      })
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)))
    })
    expect(bootstrap).toBe(`127.0.0.1:${port},127.0.0.1:${port + 1}`)
    if (kcatAvailable) {
      const listed = await kcat(['-b', bootstrap, '-L', '-J'])
      expect(JSON.parse(listed.stdout).brokers.map((b: { id: number }) => b.id).sort()).toEqual([1, 2])
    }
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(stderr).toContain('shutting down')
  }, 120_000)

  it('names the port in use and the flag to change it', async () => {
    const { createServer } = await import('node:net')
    const port = await freePort()
    const blocker = createServer().listen(port, '127.0.0.1')
    await new Promise((r) => blocker.once('listening', r))
    try {
      const result = spawnSync(process.execPath, [brokerlabBin, 'cluster', '--memory', '--brokers', '1', '--base-port', String(port)], { encoding: 'utf8', timeout: 60_000 })
      expect(result.status).toBe(2)
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`)
      expect(result.stderr).toContain('--base-port')
    } finally {
      blocker.close()
    }
  }, 120_000)
})
