import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseCommandLine, USAGE } from '../../../main/cli'

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

    const serve = brokerlab('serve')
    expect(serve.status).toBe(2)
    expect(serve.stderr).toMatch(/^brokerlab serve: not yet available/)

    const badPort = brokerlab('cluster', '--base-port', '70000')
    expect(badPort.status).toBe(2)
    expect(badPort.stderr.trim()).toBe('brokerlab cluster: --base-port must leave room for 3 port(s) between 1 and 65535, not "70000"')
  }, 180_000)
})
