import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseCommandLine, USAGE } from '../../../main/cli'

describe('parseCommandLine', () => {
  it.each(['start', 'serve', 'cluster'] as const)('runs the %s command', (command) => {
    expect(parseCommandLine([command])).toEqual({ kind: 'run', command })
  })

  it.each([['help'], ['--help'], ['-h'], ['cluster', '--help'], ['--help', 'bogus']])('asks for help with %j', (...argv) => {
    expect(parseCommandLine(argv)).toEqual({ kind: 'help' })
  })

  it.each([['--version'], ['-v'], ['start', '-v']])('asks for the version with %j', (...argv) => {
    expect(parseCommandLine(argv)).toEqual({ kind: 'version' })
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

    const cluster = brokerlab('cluster')
    expect(cluster.status).toBe(2)
    expect(cluster.stderr.trim()).toBe(
      "brokerlab cluster: not yet available — the Kafka listener arrives with the 'Kafka wire protocol' issue; run `npm test` to exercise the embedded broker",
    )
  }, 180_000)
})
