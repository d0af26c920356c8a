// Entry of a broker's worker thread: builds the Broker from workerData, answers "ready" (or
// "init-failed"), serves the broker API and pushes events to the host.
import { parentPort, workerData } from 'node:worker_threads'
import { serializeError } from '../errors'
import { Outbox, serveRpc, type Port } from '../rpc'
import type { BrokerApi, BrokerEvent, BrokerInit } from './api'
import { Broker } from './broker'

const port = parentPort as unknown as Port & { close(): void }

const outbox = new Outbox(port)
try {
  const broker = new Broker(workerData as BrokerInit, (event: BrokerEvent) => outbox.send({ kind: 'event', event }))
  // Exit the thread once the outbox has posted the answer (it flushes on setImmediate too):
  // process.exit in a worker ends the thread, whatever timers its components still hold.
  serveRpc<BrokerApi>(port, broker.handlers(() => setImmediate(() => setImmediate(() => process.exit(0)))), outbox)
  outbox.send({ kind: 'ready', info: await broker.start() })
} catch (err) {
  outbox.send({ kind: 'init-failed', error: serializeError(err) })
}
