// Runs Debian's kcat (librdkafka), or a kafka-python script, against a cluster: real clients over real sockets.
import { spawn, spawnSync } from 'node:child_process'

export const kcatAvailable = spawnSync('kcat', ['-V'], { encoding: 'utf8' }).status === 0

export interface KcatResult {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs kcat with `args`, feeding `input` on stdin; fails the promise only if it cannot start. */
export function kcat(args: string[], input?: string | Buffer, timeoutMs = 60_000): Promise<KcatResult> {
  return run('kcat', args, input, timeoutMs)
}

/** Debian's python3-kafka (kafka-python) under Debian's own python3, not a python3 earlier on PATH (pyenv). */
const DEBIAN_PYTHON = '/usr/bin/python3'
export const kafkaPythonAvailable = spawnSync(DEBIAN_PYTHON, ['-c', 'import kafka'], { encoding: 'utf8' }).status === 0

/** Runs a kafka-python script (BOOTSTRAP in its environment); fails the promise only if python cannot start. */
export function kafkaPython(script: string, bootstrap: string, timeoutMs = 60_000): Promise<KcatResult> {
  return run(DEBIAN_PYTHON, ['-c', script], undefined, timeoutMs, { ...process.env, BOOTSTRAP: bootstrap })
}

function run(command: string, args: string[], input: string | Buffer | undefined, timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env })
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
