// A controller on a real metadata.db in a temp dir, with a clock the test moves and the
// events and commits it pushed recorded.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import type { ControllerEvent } from '../../../main/cluster/controller/api'
import { QuorumController, type QuorumControllerOptions } from '../../../main/cluster/controller/quorumController'
import type { MetadataLogEntry } from '../../../main/cluster/metadata/records'

const dirs: string[] = []
const open: QuorumController[] = []

afterEach(() => {
  for (const c of open.splice(0)) c.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-controller-'))
  dirs.push(dir)
  return dir
}

/** Deterministic "random" for placement: always the first choice. */
export const firstChoice = () => 0

export class Harness {
  time = 1_000_000
  readonly events: ControllerEvent[] = []
  readonly entries: MetadataLogEntry[] = []
  controller!: QuorumController

  constructor(
    readonly dataDir = tempDir(),
    readonly staticConfigs: Record<string, string> = {},
    private readonly extra: Partial<QuorumControllerOptions> = {},
  ) {
    this.reopen()
  }

  /** Opens (again) on the same data dir, as a restart does. */
  reopen(): QuorumController {
    this.controller = QuorumController.open({
      dataDir: this.dataDir,
      controllerId: 3000,
      staticConfigs: this.staticConfigs,
      now: () => this.time,
      random: firstChoice,
      ...this.extra,
    })
    open.push(this.controller)
    this.controller.onEvent((e) => this.events.push(e))
    this.controller.onCommit((e) => this.entries.push(...e))
    return this.controller
  }

  close(): void {
    this.controller.close()
    open.splice(open.indexOf(this.controller), 1)
  }

  eventsOf<T extends ControllerEvent['type']>(type: T): (ControllerEvent & { type: T })[] {
    return this.events.filter((e): e is ControllerEvent & { type: T } => e.type === type)
  }

  register(brokerId: number, incarnationId = `incarnation-${brokerId}`): number {
    return this.controller.registerBroker({ brokerId, incarnationId, endPoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9091 + brokerId, securityProtocol: 0 }], rack: null })
      .brokerEpoch
  }

  heartbeat(brokerId: number, options: { wantShutDown?: boolean; wantFence?: boolean; offset?: number } = {}) {
    return this.controller.brokerHeartbeat({
      brokerId,
      brokerEpoch: this.controller.image.brokers.get(brokerId)!.epoch,
      currentMetadataOffset: options.offset ?? this.controller.image.offset,
      wantFence: options.wantFence ?? false,
      wantShutDown: options.wantShutDown ?? false,
    })
  }

  /** Registers brokers and heartbeats them caught up, so they are live. */
  startBrokers(...ids: number[]): void {
    for (const id of ids) this.register(id)
    for (const id of ids) this.heartbeat(id)
  }

  /** Time passes; the listed brokers keep heartbeating, the others stay silent; then the controller ticks. */
  advance(ms: number, alive: number[] = []): void {
    this.time += ms
    for (const id of alive) this.heartbeat(id)
    this.controller.tick(this.time)
  }

  createTopic(name: string, numPartitions: number, replicationFactor: number, configs: Record<string, string> = {}) {
    const [result] = this.controller.createTopics({ topics: [{ name, numPartitions, replicationFactor, configs }], validateOnly: false }).topics
    if (result.errorCode !== 0) throw new Error(`createTopics ${name}: ${result.errorMessage}`)
    return result
  }

  partition(topic: string, partition: number) {
    return this.controller.image.partition(topic, partition)!
  }
}
