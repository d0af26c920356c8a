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
    // kcat -L or -Q exits without reading stdin: writing to it then is EPIPE, not a failure.
    child.stdin.on('error', () => undefined)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() })
    })
    child.stdin.end(input ?? '')
  })
}

/** Writes `values`, one record a line, with kcat -P (to `partition`, or as librdkafka's partitioner picks); throws with kcat's stderr if it fails. */
export async function kcatProduce(bootstrap: string, topic: string, values: string[], partition?: number): Promise<void> {
  const args = ['-b', bootstrap, '-P', '-t', topic, ...(partition === undefined ? [] : ['-p', String(partition)])]
  const result = await kcat(args, `${values.join('\n')}\n`, 120_000)
  if (result.status !== 0) throw new Error(`kcat -P to ${topic} exited with ${result.status}: ${result.stderr}`)
}
