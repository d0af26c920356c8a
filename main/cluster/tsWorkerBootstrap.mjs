// Runs a worker's TypeScript entry straight from source (tests, `npm run bench`): Node 20
// cannot load .ts itself, and a worker does not inherit the parent's loader, so register
// tsx in the thread and import the entry named in workerData.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.__entry)
