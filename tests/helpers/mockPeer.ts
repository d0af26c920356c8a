// librdkafka's mock cluster (../shared/peers: C, in memory, Metadata v0-2, Fetch v0-11, no
// CreateTopics, DescribeConfigs or ListGroups), built with the peers' build.sh (gcc and
// Debian's librdkafka-dev) and started on loopback: a peer for benchmarks and a real
// older-protocol cluster for the console's tests.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const PEER_BUILD = join(import.meta.dirname, '..', '..', '..', 'shared', 'peers', 'build.sh')

/** Builds the mock peer at `binary`: its path, or why it cannot be built here. */
export function buildMockPeer(binary: string): { binary: string } | { unavailable: string } {
  if (!existsSync(PEER_BUILD)) return { unavailable: `the librdkafka mock peer needs ${PEER_BUILD} (the shared peers beside this repository)` }
  try {
    execFileSync('bash', [PEER_BUILD, binary], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 })
    return { binary }
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim()
    return { unavailable: `the librdkafka mock peer did not build (${PEER_BUILD} needs gcc and librdkafka-dev: apt-get install -y gcc librdkafka-dev)${stderr ? `: ${stderr}` : ''}` }
  }
}

export interface MockPeer {
  bootstrap: string
  child: ChildProcess
  stop(): Promise<void>
}

/** Starts the mock cluster with `brokers` brokers; resolves once it printed its bootstrap list. */
export function startMockPeer(binary: string, brokers = 3): Promise<MockPeer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [String(brokers)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const exited = new Promise<void>((done) => child.once('exit', () => done()))
    child.stderr!.on('data', (d) => (err += d))
    child.stdout!.on('data', (d) => {
      out += d
      const bootstrap = /^(\S+:\d+\S*)$/m.exec(out)?.[1]
      if (bootstrap) {
        resolve({
          bootstrap,
          child,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
            await exited
          },
        })
      }
    })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`${binary} exited with ${code}: ${err}`)))
  })
}
