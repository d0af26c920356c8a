// The workers' supervisor, as systemd is to Kafka's processes: it starts the controller and
// one worker per broker, wires their MessagePort links, stops, crashes, pauses and restarts a
// broker when the operator asks, and notices a worker that ends unasked (logged, published,
// and with restartOnFailure started again). See docs/reliability.md.
import { join } from 'node:path'
import { MessageChannel, type Worker } from 'node:worker_threads'
import { deserializeError, KafkaError } from './errors'
import type { ClusterEventLog } from './clusterEvents'
import { onMessages, RpcClient } from './rpc'
import { startWorker, type WorkerKind } from './workers'
import { describeDeath, logDeath, watchWorker, type WatchedWorker, type WorkerDeath } from './workerDeath'
import type { BrokerApi, BrokerEvent, BrokerInit, BrokerReady } from './broker/api'
import type { ControllerInit, ControllerPush, ControllerWorkerApi } from './controller/api'
import type { BrokerStatus } from '../../preload/contract'

/** Node id of the controller, apart from the brokers' ids as in a KRaft cluster with its own controller. */
export const CONTROLLER_ID = 3000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** A grace period that does not keep the process alive once everything else is done. */
const grace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref())
/** restartOnFailure waits this long, and gives up on a broker that dies again this soon after. */
const RESTART_DELAY_MS = 1000
const CRASH_LOOP_MS = 60_000

export interface SupervisorOptions {
  dataDir: string
  clusterId: string
  /** The brokers' static properties (server.properties). */
  staticConfigs: Record<string, string>
  listeners: { host?: string; basePort?: number }
  restartOnFailure: boolean
  log?: (line: string) => void
}

export type BrokerClient = RpcClient<BrokerApi, BrokerEvent>

export interface BrokerHandle {
  id: number
  status: BrokerStatus
  worker: Worker | null
  client: BrokerClient | null
  ready: BrokerReady | null
  pauseSignal: SharedArrayBuffer
  /** Its links to the controller and the other brokers are set up. */
  wired: boolean
  watched: WatchedWorker | null
  /** Its latest unasked death, kept after a restart. */
  lastDeath: WorkerDeath | null
  /** When restartOnFailure last restarted it. */
  restartedOnFailureAt: number
}

/** A broker as supervision sees it (the console's snapshot adds the metadata's view). */
export interface BrokerState {
  id: number
  status: BrokerStatus
  /** Its latest unasked death, kept after a restart; null if none. */
  lastDeath: WorkerDeath | null
  /** host:port of its Kafka listener (kept across restarts); null before it first started. */
  listener: string | null
}

/** Starts a worker and waits for its ready (or init-failed) message. */
export async function launch<A extends Record<string, [unknown, unknown]>, E, R>(kind: WorkerKind, init: object, name: string, onDeath: (death: WorkerDeath) => void) {
  const worker = startWorker(kind, init, name)
  const client = new RpcClient<A, E>(worker)
  const ready = await new Promise<R>((resolve, reject) => {
    onMessages(worker, (message) => {
      if (message.kind === 'ready') resolve(message.info as R)
      else if (message.kind === 'init-failed') reject(deserializeError(message.error))
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)))
  }).catch(async (err) => {
    await worker.terminate()
    throw err
  })
  worker.on('exit', (code) => client.close(new KafkaError('BROKER_NOT_AVAILABLE', `${name} is not running (its worker exited with code ${code})`)))
  return { worker, client, ready, watched: watchWorker(worker, onDeath) }
}

export class WorkerSupervisor {
  readonly brokers = new Map<number, BrokerHandle>()
  controller!: { worker: Worker; client: RpcClient<ControllerWorkerApi, ControllerPush>; watched: WatchedWorker; exited: Promise<unknown> }
  /** Told once a broker's links are wired (again), e.g. to apply its link faults. */
  onWired: (id: number) => Promise<void> = async () => undefined
  /** Set as the cluster begins to stop: a broker that dies then is not restarted. */
  stopping = false

  constructor(
    private readonly options: SupervisorOptions,
    private readonly events: ClusterEventLog,
  ) {}

  async startController(onPush: (push: ControllerPush) => void): Promise<void> {
    const init: ControllerInit = { controllerId: CONTROLLER_ID, dataDir: join(this.options.dataDir, 'controller'), staticConfigs: this.options.staticConfigs }
    const { worker, client, watched } = await launch<ControllerWorkerApi, ControllerPush, unknown>('controller', init, 'controller', (death) => this.workerDied('controller', death))
    this.controller = { worker, client, watched, exited: new Promise((resolve) => worker.once('exit', resolve)) }
    client.onEvent(onPush)
  }

  /** Brokers 1..count: threads boot in parallel, links are wired one broker at a time, so each pair gets one. */
  async startBrokers(count: number): Promise<void> {
    const ids = Array.from({ length: count }, (_, i) => i + 1)
    for (const id of ids) {
      this.brokers.set(id, {
        id,
        status: 'stopped',
        worker: null,
        client: null,
        ready: null,
        wired: false,
        pauseSignal: new SharedArrayBuffer(4),
        watched: null,
        lastDeath: null,
        restartedOnFailureAt: 0,
      })
    }
    const launched = await Promise.allSettled(ids.map((id) => this.launchBroker(id)))
    const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
    for (const id of ids) await this.wireBroker(id)
  }

  handle(id: number): BrokerHandle {
    const handle = this.brokers.get(id)
    if (!handle) throw new KafkaError('BROKER_NOT_AVAILABLE', `There is no broker ${id}`)
    return handle
  }

  /** The RPC client of a running broker. */
  broker(id: number): { id: number; client: BrokerClient; ready: BrokerReady } {
    const handle = this.handle(id)
    if (!handle.client || !handle.ready || handle.status === 'stopped' || handle.status === 'crashed' || handle.status === 'died') {
      throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is ${handle.status}`)
    }
    return { id, client: handle.client, ready: handle.ready }
  }

  /** Every broker as supervision sees it: status, listener and latest unasked death. */
  brokerStates(): BrokerState[] {
    return [...this.brokers.values()].map((h) => ({
      id: h.id,
      status: h.status,
      lastDeath: h.lastDeath,
      listener: h.ready ? `${h.ready.listener.host}:${h.ready.listener.port}` : null,
    }))
  }

  /** The RPC clients of the running brokers (not paused ones: they would not answer). */
  runningBrokers(): Array<{ id: number; client: BrokerClient }> {
    return [...this.brokers.values()].filter((h) => h.status === 'running' && h.client).map((h) => ({ id: h.id, client: h.client! }))
  }

  private async startBroker(id: number): Promise<void> {
    await this.launchBroker(id)
    await this.wireBroker(id)
  }

  private async launchBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    // A restarted broker keeps the port it had, so clients' bootstrap lists stay valid.
    const previousPort = handle.ready?.listener.port
    const init: BrokerInit = {
      brokerId: id,
      clusterId: this.options.clusterId,
      dataDir: join(this.options.dataDir, `broker-${id}`),
      configs: { static: { ...this.options.staticConfigs, 'node.id': String(id) }, clusterDefaults: {}, perBroker: {} },
      pauseSignal: handle.pauseSignal,
      listener: {
        host: this.options.listeners.host ?? '127.0.0.1',
        port: previousPort ?? (this.options.listeners.basePort ? this.options.listeners.basePort + id - 1 : 0),
      },
    }
    const { worker, client, ready, watched } = await launch<BrokerApi, BrokerEvent, BrokerReady>('broker', init, `broker-${id}`, (death) =>
      this.brokerDied(handle, worker, death).catch((err: Error) => this.log(`brokerlab: after broker ${id} died: ${err.stack ?? err.message}`)),
    )
    Object.assign(handle, { worker, client, ready, watched, status: 'running' as BrokerStatus })
    client.onEvent((event) => this.events.publish({ source: 'broker', brokerId: id, ...event }))
  }

  /** The broker's link to the controller, then one to every other wired broker. */
  private async wireBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    const client = handle.client!
    handle.wired = true
    const toController = new MessageChannel()
    await this.controller.client.call('connectBroker', { brokerId: id, port: toController.port1 }, [toController.port1])
    await client.call('connectController', { port: toController.port2 }, [toController.port2])
    for (const other of this.brokers.values()) {
      if (other.id === id || !other.client || !other.wired || (other.status !== 'running' && other.status !== 'paused')) continue
      const channel = new MessageChannel()
      await other.client.call('connectPeer', { brokerId: id, port: channel.port1 }, [channel.port1])
      await client.call('connectPeer', { brokerId: other.id, port: channel.port2 }, [channel.port2])
    }
    await this.onWired(id)
  }

  // ---- unasked worker deaths (docs/reliability.md) ------------------------------------

  log(line: string): void {
    ;(this.options.log ?? console.error)(line)
  }

  /**
   * A broker's thread ended without being asked: logged with its stack, published with its
   * error, shown as "died" (not "crashed", which the operator causes), and its links are
   * dropped as after a crash, so the controller fences it. Restarted with restartOnFailure.
   */
  private async brokerDied(handle: BrokerHandle, worker: Worker, death: WorkerDeath): Promise<void> {
    if (handle.worker !== worker) return
    const restarting = this.options.restartOnFailure && death.timestamp - handle.restartedOnFailureAt > CRASH_LOOP_MS
    handle.status = 'died'
    handle.lastDeath = death
    logDeath(`broker ${handle.id}`, death, (line) => this.log(line))
    this.events.publish({ source: 'cluster', type: 'broker-died', brokerId: handle.id, message: describeDeath(death), death, restarting, timestamp: death.timestamp })
    await this.detach(handle)
    if (!restarting) return
    await sleep(RESTART_DELAY_MS)
    // The operator may have restarted it meanwhile, or the cluster may be stopping.
    if (handle.status !== 'died' || this.stopping) return
    handle.restartedOnFailureAt = Date.now()
    await this.restartBroker(handle.id).catch((err: Error) => this.log(`brokerlab: broker ${handle.id} could not be restarted after it died: ${err.message}`))
  }

  /** The controller or the demo clients' worker ended unasked: logged and published. */
  workerDied(kind: 'controller' | 'clients', death: WorkerDeath): void {
    logDeath(kind === 'controller' ? 'the controller' : 'the demo clients worker', death, (line) => this.log(line))
    this.events.publish({ source: 'cluster', type: kind === 'controller' ? 'controller-died' : 'clients-died', message: describeDeath(death), death, timestamp: death.timestamp })
  }

  // ---- what the operator asks of a broker -------------------------------------------------

  /** Controlled shutdown: the controller moves the broker's leaderships first, then it stops. */
  async stopBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    if (handle.status === 'paused') this.resumeBroker(id)
    if (!handle.worker || handle.status !== 'running') throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is ${handle.status}`)
    await this.shutdownWorker(handle, true)
    handle.status = 'stopped'
    this.events.publish({ source: 'cluster', type: 'broker-stopped', brokerId: id, timestamp: Date.now() })
  }

  /** Kills the broker's thread at once: no controlled shutdown, nothing flushed. */
  async crashBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    if (!handle.worker || handle.status === 'stopped' || handle.status === 'crashed' || handle.status === 'died') throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is ${handle.status}`)
    handle.status = 'crashed'
    this.resumeSignal(handle)
    handle.watched?.expectExit()
    await handle.worker.terminate()
    await this.detach(handle)
    this.events.publish({ source: 'cluster', type: 'broker-crashed', brokerId: id, timestamp: Date.now() })
  }

  /** Starts a stopped or crashed broker again on its data directory. */
  async restartBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    if (handle.status === 'running' || handle.status === 'paused') throw new KafkaError('INVALID_REQUEST', `Broker ${id} is already ${handle.status}`)
    await this.startBroker(id)
    this.events.publish({ source: 'cluster', type: 'broker-started', brokerId: id, timestamp: Date.now() })
  }

  /** Freezes the broker's whole thread (no heartbeats, fetches or answers), as a long GC pause. */
  async pauseBroker(id: number): Promise<void> {
    const handle = this.handle(id)
    if (handle.status !== 'running') throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is ${handle.status}`)
    Atomics.store(new Int32Array(handle.pauseSignal), 0, 1)
    await handle.client!.call('pause', {})
    handle.status = 'paused'
    this.events.publish({ source: 'cluster', type: 'broker-paused', brokerId: id, timestamp: Date.now() })
  }

  resumeBroker(id: number): void {
    const handle = this.handle(id)
    if (handle.status !== 'paused') throw new KafkaError('INVALID_REQUEST', `Broker ${id} is not paused`)
    this.resumeSignal(handle)
    handle.status = 'running'
    this.events.publish({ source: 'cluster', type: 'broker-resumed', brokerId: id, timestamp: Date.now() })
  }

  private resumeSignal(handle: BrokerHandle): void {
    const flag = new Int32Array(handle.pauseSignal)
    Atomics.store(flag, 0, 0)
    Atomics.notify(flag, 0)
  }

  private async shutdownWorker(handle: BrokerHandle, controlled: boolean): Promise<void> {
    const worker = handle.worker!
    handle.watched?.expectExit()
    const exited = new Promise((resolve) => worker.once('exit', resolve))
    await handle.client!.call('shutdown', { controlled }).catch(() => undefined)
    await Promise.race([exited, grace(5000)])
    await worker.terminate()
    await this.detach(handle)
  }

  /** Forgets a broker's thread: its links to the others and to the controller go with it. */
  private async detach(handle: BrokerHandle): Promise<void> {
    handle.worker = null
    handle.client = null
    handle.wired = false
    await this.controller.client.call('disconnectBroker', { brokerId: handle.id }).catch(() => undefined)
    for (const other of this.brokers.values()) {
      // During stop() the others are being detached at the same time: skip a client already gone.
      if (other.id !== handle.id && other.status === 'running' && other.client) await other.client.call('disconnectPeer', { brokerId: handle.id }).catch(() => undefined)
    }
  }

  /** Clean shutdown of every broker (logs flushed and closed), then of the controller. */
  async stop(): Promise<void> {
    this.stopping = true
    await Promise.all(
      [...this.brokers.values()].map(async (h) => {
        if (h.status === 'paused') this.resumeSignal(h)
        if (h.worker) await this.shutdownWorker(h, false)
        h.status = 'stopped'
      }),
    )
    this.controller.watched.expectExit()
    await this.controller.client.call('shutdown', {}).catch(() => undefined)
    await Promise.race([this.controller.exited, grace(5000)])
    await this.controller.worker.terminate()
  }
}
