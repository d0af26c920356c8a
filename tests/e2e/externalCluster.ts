// A second, separate `brokerlab cluster` process, reached only through its Kafka listeners:
// the console's tests use it as an external cluster. It keeps its data directory across
// stop() and start(), so a test can stop it while the console is connected and bring it back.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePorts } from '../helpers/ports'

export interface ExternalCluster {
  bootstrap: string
  start(): Promise<void>
  stop(): Promise<void>
  remove(): Promise<void>
}

export async function externalCluster(brokers = 1): Promise<ExternalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-external-'))
  const basePort = await freePorts(brokers)
  let child: ChildProcess | null = null
  const bootstrap = Array.from({ length: brokers }, (_, i) => `127.0.0.1:${basePort + i}`).join(',')
  const cluster: ExternalCluster = {
    bootstrap,
    async start() {
      const args = ['main/bin/brokerlab.js', 'cluster', '--data-dir', dir, '--brokers', String(brokers), '--base-port', String(basePort)]
      const started = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child = started
      let output = ''
      started.stderr!.on('data', (d) => (output += d))
      await new Promise<void>((resolve, reject) => {
        started.stdout!.on('data', (d) => {
          output += d
          if (/^bootstrap: /m.test(output)) resolve()
        })
        started.once('exit', (code) => reject(new Error(`brokerlab cluster exited with ${code}:\n${output}`)))
      })
    },
    async stop() {
      const running = child
      child = null
      if (!running || running.exitCode !== null) return
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGINT')
      await exited
    },
    async remove() {
      await cluster.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  await cluster.start()
  return cluster
}
