// A child script that reports what it has made durable, one line at a time, SIGKILLed once it
// has reported enough: how the crash tests stop a writer mid-stream.
import { spawn } from 'node:child_process'

/** Runs `script dir` under tsx, parses each stdout line, and SIGKILLs it after `count` lines; resolves with every line it reported. */
export function runUntilKilled<T>(script: string, dir: string, count: number, parseLine: (fields: number[]) => T): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    const reported: T[] = []
    let pending = ''
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) reported.push(parseLine(line.split(' ').map(Number)))
      if (reported.length >= count && child.exitCode === null) child.kill('SIGKILL')
    })
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(reported) : reject(new Error(`${script} exited with ${code}: ${stderr}`))))
  })
}
