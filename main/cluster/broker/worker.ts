// Entry of a broker's worker thread: builds the Broker from workerData, answers "ready" (or
// "init-failed"), serves the broker API and pushes events to the host.
import { parentPort, workerData } from 'node:worker_threads'
import { serializeError } from '../errors'
import { serveRpc, type Port } from '../rpc'
import type { BrokerApi, BrokerEvent, BrokerInit } from './api'
import { Broker } from './broker'

const port = parentPort as unknown as Port & { close(): void }

try {
  const broker = new Broker(workerData as BrokerInit, (event: BrokerEvent) => port.postMessage({ kind: 'event', event }))
  serveRpc<BrokerApi>(port, broker.handlers(() => setImmediate(() => port.close())))
  port.postMessage({ kind: 'ready', info: broker.ready })
} catch (err) {
  port.postMessage({ kind: 'init-failed', error: serializeError(err) })
}
