// The one place that decides how a worker thread is started. Built (desktop, CLI): the
// worker is a sibling file of the bundle, e.g. out/main/brokerWorker.js. From source (tests,
// bench under tsx): the .ts entry runs through tsWorkerBootstrap.mjs. Either way it is the
// same worker code.
import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'

export type WorkerKind = 'broker' | 'controller' | 'clients' | 'clientMember' | 'experimentWorkload'

const SOURCE_ENTRIES: Record<WorkerKind, string> = {
  broker: './broker/worker.ts',
  controller: './controller/worker.ts',
  clients: './clients/worker.ts',
  clientMember: './clients/member.ts',
  experimentWorkload: '../experiments/workloadWorker.ts',
}

/** File names of the bundled entries, as electron.vite.config.ts names them. */
export const BUILT_ENTRIES: Record<WorkerKind, string> = {
  broker: 'brokerWorker.js',
  controller: 'controllerWorker.js',
  clients: 'clientsWorker.js',
  clientMember: 'clientMemberWorker.js',
  experimentWorkload: 'experimentWorkloadWorker.js',
}

const runningFromSource = fileURLToPath(import.meta.url).endsWith('.ts')

export function startWorker(kind: WorkerKind, data: object, name: string): Worker {
  if (runningFromSource) {
    const entry = new URL(SOURCE_ENTRIES[kind], import.meta.url).href
    return new Worker(new URL('./tsWorkerBootstrap.mjs', import.meta.url), { workerData: { ...data, __entry: entry }, name })
  }
  return new Worker(new URL(`./${BUILT_ENTRIES[kind]}`, import.meta.url), { workerData: data, name })
}
