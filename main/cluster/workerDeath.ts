// A worker thread that ends without the host asking (an uncaught exception, an unhandled
// rejection, process.exit, running out of heap) must never go unnoticed: this watches one
// worker and reports such an exit with the error that caused it. Exits the host asked for
// (stop, crash, shutdown) are announced first with expectExit() and not reported.
import type { Worker } from 'node:worker_threads'
import type { WorkerDeath } from '../../preload/contract'

/** Why a worker died: the contract's WorkerDeath. */
export type { WorkerDeath }

export interface WatchedWorker {
  /** The coming exit is asked for: do not report it. */
  expectExit(): void
}

export function watchWorker(worker: Worker, onDeath: (death: WorkerDeath) => void): WatchedWorker {
  let expected = false
  let error: WorkerDeath['error'] = null
  // The 'error' event comes just before 'exit'; without a listener it would be thrown in the host.
  worker.on('error', (err: Error) => {
    error ??= { name: err?.name ?? 'Error', message: err?.message ?? String(err), stack: err?.stack ?? null }
  })
  worker.on('exit', (exitCode) => {
    if (!expected) onDeath({ error, exitCode, timestamp: Date.now() })
  })
  return {
    expectExit: () => {
      expected = true
    },
  }
}

/** One line for the timeline and the console: "MalformedMessageError: Truncated int32 ..." or "exited with code 0". */
export function describeDeath(death: WorkerDeath): string {
  return death.error ? `${death.error.name}: ${death.error.message}` : `its thread exited with code ${death.exitCode}`
}

/** The log line, with the stack when there is one. */
export function logDeath(what: string, death: WorkerDeath, log: (line: string) => void = console.error): void {
  log(`brokerlab: ${what} died: ${death.error?.stack ?? describeDeath(death)}`)
}
