// Entry of the controller's worker thread: opens the QuorumController on its metadata log,
// serves the controller API to the host and, over one MessagePort each, to the brokers,
// pushes every committed record to all of them and every event to the host, and ticks the
// clock that fences brokers whose sessions expire.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { serializeError } from '../errors'
import { GatedPort } from '../faults'
import { Outbox, serveRpc, type Handlers, type Port } from '../rpc'
import type { ControllerApi, ControllerInit, ControllerPush, ControllerWorkerApi } from './api'
import { QuorumController } from './quorumController'

/** How often the controller looks for expired broker sessions. */
const TICK_MS = 50

const port = parentPort as unknown as Port & { close(): void }
const hostOutbox = new Outbox(port)

try {
  const init = workerData as ControllerInit
  const controller = QuorumController.open({ dataDir: init.dataDir, controllerId: init.controllerId, staticConfigs: init.staticConfigs })
  const brokers = new Map<number, { port: GatedPort; outbox: Outbox }>()

  const push = (outbox: Outbox, message: ControllerPush) => outbox.send({ kind: 'event', event: message })
  controller.onCommit((entries) => {
    push(hostOutbox, { type: 'records', entries })
    for (const link of brokers.values()) push(link.outbox, { type: 'records', entries })
  })
  controller.onEvent((event) => push(hostOutbox, { type: 'event', event }))

  const api: Handlers<ControllerApi> = {
    registerBroker: (body) => controller.registerBroker(body),
    brokerHeartbeat: (body) => controller.brokerHeartbeat(body),
    alterPartition: (body) => controller.alterPartition(body),
    allocateProducerIds: (body) => controller.allocateProducerIds(body),
    createTopics: (body) => controller.createTopics(body),
    deleteTopics: (body) => controller.deleteTopics(body),
    createPartitions: (body) => controller.createPartitions(body),
    incrementalAlterConfigs: (body) => controller.incrementalAlterConfigs(body),
    electLeaders: (body) => controller.electLeaders(body),
    alterPartitionReassignments: (body) => controller.alterPartitionReassignments(body),
    listPartitionReassignments: (body) => controller.listPartitionReassignments(body),
    describeQuorum: () => controller.describeQuorum(),
    unregisterBroker: (body) => controller.unregisterBroker(body),
    alterClientQuotas: (body) => controller.alterClientQuotas(body),
    alterUserScramCredentials: (body) => controller.alterUserScramCredentials(body),
    updateFeatures: (body) => controller.updateFeatures(body),
    snapshot: () => controller.snapshot(),
  }

  const disconnectBroker = (brokerId: number) => {
    brokers.get(brokerId)?.port.close()
    brokers.delete(brokerId)
  }

  const timer = setInterval(() => controller.tick(), TICK_MS)

  const hostApi: Handlers<ControllerWorkerApi> = {
    ...api,
    connectBroker: ({ brokerId, port: brokerPort }: { brokerId: number; port: MessagePort }) => {
      disconnectBroker(brokerId)
      const gated = new GatedPort(brokerPort)
      brokers.set(brokerId, { port: gated, outbox: serveRpc<ControllerApi>(gated, api) })
    },
    disconnectBroker: ({ brokerId }) => disconnectBroker(brokerId),
    setLinkFault: ({ brokerId, fault }) => {
      const link = brokers.get(brokerId)
      if (!link) throw new Error(`The controller has no link to broker ${brokerId}`)
      link.port.fault = fault
    },
    shutdown: () => {
      clearInterval(timer)
      controller.close()
      for (const id of [...brokers.keys()]) disconnectBroker(id)
      // Exit the thread once the outbox has posted the answer (it flushes on setImmediate too).
      setImmediate(() => setImmediate(() => process.exit(0)))
    },
  }
  serveRpc<ControllerWorkerApi>(port, hostApi, hostOutbox)
  hostOutbox.send({ kind: 'ready', info: { controllerId: init.controllerId } })
} catch (err) {
  hostOutbox.send({ kind: 'init-failed', error: serializeError(err) })
}
