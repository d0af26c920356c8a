// Kafka's BrokerLifecycleManager and metadata publishing, on the broker side: register with
// the controller, heartbeat every broker.heartbeat.interval.ms, follow the metadata log the
// controller pushes (applying each record to a local image and acting on the changes), and
// at a controlled shutdown ask the controller to move this broker's leaderships first.
import { randomUUID } from 'node:crypto'
import { MetadataImage } from '../metadata/image'
import type { MetadataLogEntry } from '../metadata/records'
import type { RpcClient } from '../rpc'
import type { ControllerApi, ControllerPush } from '../controller/api'
import type { BrokerEndpoint } from '../metadata/records'

export type BrokerState = 'starting' | 'fenced' | 'running' | 'shutting-down' | 'stopped'

export interface LifecycleOptions {
  brokerId: number
  heartbeatIntervalMs(): number
  /** Called with the whole image after a (re)sync, then with each batch of changes. */
  onImage(image: MetadataImage): void
  onRecords(image: MetadataImage, changes: ReturnType<MetadataImage['apply']>[]): void
}

/** How long to wait for an answer from the controller before treating the link as down. */
const CONTROLLER_REQUEST_TIMEOUT_MS = 5000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class BrokerLifecycle {
  readonly incarnationId = randomUUID()
  /** The listeners this broker registers with (set once they are bound). */
  endPoints: BrokerEndpoint[] = []
  brokerEpoch = -1
  state: BrokerState = 'starting'
  image = new MetadataImage()
  private controller: RpcClient<ControllerApi, ControllerPush> | null = null
  private syncing: Promise<void> | null = null
  private stopped = false
  private markCaughtUp!: () => void
  /**
   * Resolves once the controller first unfences this broker, which it does when the broker's
   * metadata has caught up. As a Kafka broker enables request processing only after catching
   * up, the Kafka listener holds requests until then: a client never hears "no such topic"
   * from a broker that has not read the topics back yet.
   */
  readonly caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve))

  constructor(private readonly options: LifecycleOptions) {}

  get controllerClient(): RpcClient<ControllerApi, ControllerPush> | null {
    return this.controller
  }

  /** Starts talking to the controller on `client`: register, sync metadata, heartbeat. */
  connect(client: RpcClient<ControllerApi, ControllerPush>): void {
    this.controller = client
    client.onEvent((push) => {
      if (push.type === 'records') this.receive(push.entries)
    })
    void this.run()
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.brokerEpoch < 0) {
      try {
        const { brokerEpoch } = await this.call('registerBroker', {
          brokerId: this.options.brokerId,
          incarnationId: this.incarnationId,
          endPoints: this.endPoints,
          rack: null,
        })
        this.brokerEpoch = brokerEpoch
        this.state = 'fenced'
      } catch {
        await sleep(this.options.heartbeatIntervalMs())
      }
    }
    await this.resync()
    while (!this.stopped) {
      await this.heartbeat(false)
      await sleep(this.options.heartbeatIntervalMs())
    }
  }

  private call<K extends keyof ControllerApi & string>(api: K, body: ControllerApi[K][0]): Promise<ControllerApi[K][1]> {
    if (!this.controller) return Promise.reject(new Error('No controller link'))
    return this.controller.call(api, body, [], CONTROLLER_REQUEST_TIMEOUT_MS)
  }

  /** One heartbeat; answers whether the controller lets this broker shut down. */
  private async heartbeat(wantShutDown: boolean): Promise<boolean> {
    try {
      const response = await this.call('brokerHeartbeat', {
        brokerId: this.options.brokerId,
        brokerEpoch: this.brokerEpoch,
        currentMetadataOffset: this.image.offset,
        wantFence: false,
        wantShutDown,
      })
      if (this.state !== 'shutting-down') this.state = response.isFenced ? 'fenced' : 'running'
      if (!response.isFenced) this.markCaughtUp()
      return response.shouldShutDown
    } catch {
      // A missed heartbeat: the controller fences us after broker.session.timeout.ms.
      return false
    }
  }

  /** Replaces the local image with the controller's whole image (at start, or after a gap). */
  private resync(): Promise<void> {
    this.syncing ??= (async () => {
      for (;;) {
        try {
          const snapshot = await this.call('snapshot', {})
          this.image = MetadataImage.fromData(snapshot.image)
          this.options.onImage(this.image)
          return
        } catch {
          if (this.stopped) return
          await sleep(this.options.heartbeatIntervalMs())
        }
      }
    })().finally(() => {
      this.syncing = null
    })
    return this.syncing
  }

  private receive(entries: MetadataLogEntry[]): void {
    if (this.syncing) return
    const fresh = entries.filter((e) => e.offset > this.image.offset)
    if (fresh.length === 0) return
    if (fresh[0].offset !== this.image.offset + 1) {
      // Records were lost on a cut link: start again from the controller's image.
      void this.resync()
      return
    }
    const changes = fresh.map((entry) => this.image.apply(entry))
    this.options.onRecords(this.image, changes)
  }

  /** Kafka's controlled shutdown: heartbeat wantShutDown until the controller says go. */
  async controlledShutdown(timeoutMs: number): Promise<void> {
    this.state = 'shutting-down'
    const deadline = Date.now() + timeoutMs
    while (this.brokerEpoch >= 0 && Date.now() < deadline) {
      if (await this.heartbeat(true)) break
      await sleep(Math.min(this.options.heartbeatIntervalMs(), 200))
    }
    this.stop()
  }

  stop(): void {
    this.stopped = true
    this.state = 'stopped'
  }
}
