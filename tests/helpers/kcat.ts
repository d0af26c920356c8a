// Runs Debian's kcat (librdkafka) against a cluster: a real C client over real sockets.
import { spawn, spawnSync } from 'node:child_process'

export const kcatAvailable = spawnSync('kcat', ['-V'], { encoding: 'utf8' }).status === 0

export interface KcatResult {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs kcat with `args`, feeding `input` on stdin; fails the promise only if it cannot start. */
export function kcat(args: string[], input?: string | Buffer, timeoutMs = 60_000): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (d) => out.push(d))
    child.stderr.on('data', (d) => err.push(d))
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() })
    })
    child.stdin.end(input ?? '')
  })
}
