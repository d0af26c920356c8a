// Runs the real `brokerlab serve` (the built out/, as a user runs it) for browser tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { freePorts } from '../helpers/ports'

export interface Serve {
  /** The console URL, token included. */
  url: string
  token: string
  bootstrap: string
  child: ChildProcess
  /** POSTs a contract call to /api/<method> with the token, as a script would. */
  api(method: string, request: unknown, connection?: string): Promise<Response>
  /** The same, answering the result, or throwing the call's error with its status. */
  call<T>(method: string, request: unknown, connection?: string): Promise<T>
  /** Everything it printed so far, stdout and stderr. */
  output(): string
  /** Sends SIGINT and resolves with the exit code. */
  stop(): Promise<number | null>
}

/** `extraArgs` go after the rest, e.g. ['--config', 'broker.session.timeout.ms=1500']; `nodeArgs` to Node itself, e.g. ['--cpu-prof']. */
export async function startServe(brokers: number, extraArgs: string[] = [], nodeArgs: string[] = []): Promise<Serve> {
  const [port, basePort] = [await freePorts(1), await freePorts(brokers)]
  const args = [...nodeArgs, 'main/bin/brokerlab.js', 'serve', '--memory', '--brokers', String(brokers), '--port', String(port), '--base-port', String(basePort), ...extraArgs]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const [url, bootstrap] = await new Promise<[string, string]>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d
      const url = /^console: (\S+)$/m.exec(stdout)?.[1]
      const bootstrap = /^bootstrap: (\S+)$/m.exec(stdout)?.[1]
      if (url && bootstrap) resolve([url, bootstrap])
    })
    void exited.then((code) => reject(new Error(`brokerlab serve exited with ${code} before printing its URL:\n${stderr}`)))
  })
  const token = new URL(url).searchParams.get('token') ?? ''
  const api = (method: string, request: unknown, connection?: string) =>
    fetch(new URL(`/api/${method}${connection ? `?connection=${encodeURIComponent(connection)}` : ''}`, url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    })
  return {
    url,
    bootstrap,
    token,
    child,
    output: () => stdout + stderr,
    api,
    async call<T>(method: string, request: unknown, connection?: string): Promise<T> {
      const response = await api(method, request, connection)
      const answer = (await response.json()) as { result?: T; error?: { message: string } }
      if (response.status !== 200) throw new Error(`${method}: ${response.status} ${answer.error?.message ?? ''}`)
      return answer.result as T
    },
    stop() {
      if (child.exitCode === null) child.kill('SIGINT')
      return exited
    },
  }
}
