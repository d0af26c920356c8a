// The console's side of the demo clients' worker, owned by the Cluster: starts the worker on
// first use, fills in the bootstrap servers, remembers the consumer runs and load producers
// it started (so a console that reloads lists them again), and stops them all with the cluster.
import type { Worker } from 'node:worker_threads'
import { KafkaError } from '../errors'
import type { RpcClient } from '../rpc'
import type { WatchedWorker } from '../workerDeath'
import type { ClientsApi, ProducerStats, RunStats } from './api'
import type { DemoConsumersRequest, DemoProducerRequest } from '../../../preload/contract'

type LaunchedClients = { worker: Worker; client: RpcClient<ClientsApi>; watched: WatchedWorker }

export type { DemoConsumersRequest, DemoProducerRequest }

/** Each member and producer is a kafkajs client in this process: a few at a time is plenty for a demo. */
export const MAX_DEMO_RUNS = 4
export const MAX_DEMO_PRODUCERS = 4
/** Kill waits this long for the member to be mid-batch (what the demo is about), then kills it anyway. */
const KILL_MID_BATCH_WAIT_MS = 3000

export class DemoClients {
  private worker: Promise<LaunchedClients> | null = null
  /** Run ids and producer ids in the order they started. */
  private readonly runs = new Set<string>()
  private readonly producers = new Set<string>()

  constructor(
    private readonly launch: () => Promise<LaunchedClients>,
    private readonly bootstrapServers: () => string,
  ) {}

  /** The worker's client, started on first use. */
  async client(): Promise<RpcClient<ClientsApi>> {
    this.worker ??= this.launch()
    return (await this.worker).client
  }

  private async call<K extends keyof ClientsApi>(api: K, body: ClientsApi[K][0]): Promise<ClientsApi[K][1]> {
    return (await this.client()).call(api, body)
  }

  async startConsumers(request: DemoConsumersRequest): Promise<RunStats> {
    if (this.runs.size >= MAX_DEMO_RUNS) throw new KafkaError('INVALID_REQUEST', `At most ${MAX_DEMO_RUNS} demo consumer runs at once: stop one first`)
    const { runId } = await this.call('startConsumers', { ...request, bootstrap: this.bootstrapServers() })
    this.runs.add(runId)
    return this.call('runStats', { runId })
  }

  /** Every run still going, oldest first, with its members and counters. */
  consumerRuns(): Promise<RunStats[]> {
    return Promise.all([...this.runs].map((runId) => this.call('runStats', { runId })))
  }

  async killMember(runId: string, member: number): Promise<RunStats> {
    this.requireRun(runId)
    await this.call('killMember', { runId, member, midBatchWaitMs: KILL_MID_BATCH_WAIT_MS })
    return this.call('runStats', { runId })
  }

  async restartMember(runId: string, member: number): Promise<RunStats> {
    this.requireRun(runId)
    await this.call('restartMember', { runId, member })
    return this.call('runStats', { runId })
  }

  /** Its members leave the group; the final counters come back and the run is forgotten. */
  async stopConsumers(runId: string): Promise<RunStats> {
    this.requireRun(runId)
    this.runs.delete(runId)
    return this.call('stopRun', { runId })
  }

  async startProducer(request: DemoProducerRequest): Promise<ProducerStats> {
    if (this.producers.size >= MAX_DEMO_PRODUCERS) throw new KafkaError('INVALID_REQUEST', `At most ${MAX_DEMO_PRODUCERS} load producers at once: stop one first`)
    const { producerId } = await this.call('startProducer', { ...request, bootstrap: this.bootstrapServers() })
    this.producers.add(producerId)
    return this.call('producerStats', { producerId })
  }

  producerStats(): Promise<ProducerStats[]> {
    return Promise.all([...this.producers].map((producerId) => this.call('producerStats', { producerId })))
  }

  async stopProducer(producerId: string): Promise<ProducerStats> {
    if (!this.producers.has(producerId)) throw new KafkaError('INVALID_REQUEST', `There is no load producer "${producerId}": it was stopped, or never started`)
    this.producers.delete(producerId)
    return this.call('stopProducer', { producerId })
  }

  private requireRun(runId: string): void {
    if (!this.runs.has(runId)) throw new KafkaError('INVALID_REQUEST', `There is no demo consumer run "${runId}": it was stopped, or never started`)
  }

  /** The worker ended unasked: its runs and producers went with it; the next use starts a new one. */
  died(): void {
    this.worker = null
    this.runs.clear()
    this.producers.clear()
  }

  /** Ends every run and producer and the worker itself (the cluster is stopping). */
  async stop(): Promise<void> {
    const started = this.worker
    this.died()
    if (!started) return
    const running = await started.catch(() => null)
    running?.watched.expectExit()
    await running?.client.call('shutdown', {}, [], 5000).catch(() => undefined)
    await running?.worker.terminate()
  }
}
