// The application service behind the contract: each call validated with the contract's
// schema, then run against the connection it names (the embedded cluster "local" by default,
// or a saved connection, opened on first use and kept open), or, for connection:* methods,
// against the saved connections themselves. The IPC adapter (desktop) and the HTTP/WebSocket
// adapter (headless console) in main/host both serve this one service.
import type { Cluster } from '../cluster/cluster'
import { KafkaError } from '../cluster/errors'
import {
  ConnectionName,
  ContractValidationError,
  parseRequest,
  type CallOutcome,
  type ConnectionStatus,
  type ContractEvent,
  type MethodName,
  type RequestOf,
  type ResponseOf,
} from '../../preload/contract'
import { ClusterConsole, type ClusterMethod } from './clusterConsole'
import { testConnection } from './connections/connectionTest'
import { LOCAL } from './connections/consoleConnection'
import { KafkaConnection } from './connections/kafkaConnection'
import { labConnection } from './connections/lab'
import type { ConnectionProfiles } from './connections/profiles'
import { experimentMethods, type ExperimentMethod, type ExperimentMethods } from './experimentMethods'
import type { ExperimentService } from '../experiments/service'

type ConnectionMethod = Extract<MethodName, `connection:${string}`>
type ConnectionMethods = { [M in ConnectionMethod]: (request: RequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M> }

function noSuchConnection(method: string, name: string, field = 'name'): ContractValidationError {
  return new ContractValidationError({ kind: 'invalid-request', message: `${method}: ${field}: no saved connection is named "${name}"`, field })
}

const CLOSE_WAIT_MS = 5000

const isConnectionMethod = (method: MethodName): method is ConnectionMethod => method.startsWith('connection:')
const isExperimentMethod = (method: MethodName): method is ExperimentMethod => method.startsWith('experiment:')

export class ConsoleService {
  private readonly local: ClusterConsole
  /** Saved connections opened so far, by name: each stays connected until deleted or replaced. */
  private readonly external = new Map<string, ClusterConsole>()
  private readonly methods: ConnectionMethods
  private readonly experiments: ExperimentMethods
  private readonly listeners = new Set<(event: ContractEvent) => void>()
  private readonly unsubscribes: Array<() => void> = []

  constructor(
    readonly cluster: Cluster,
    private readonly options: { profiles?: ConnectionProfiles; experiments?: ExperimentService; /** The embedded schema registry's URL, for "local". */ schemaRegistryUrl?: string } = {},
  ) {
    this.experiments = experimentMethods(options.experiments)
    this.local = this.attach(new ClusterConsole({ ...labConnection(cluster), schemaRegistryUrl: options.schemaRegistryUrl ?? null }))
    this.methods = {
      'connection:test': (r) => testConnection(r),
      'connection:list': () => this.profiles().list(),
      'connection:save': async (r) => {
        this.profiles().save(r.name, r.settings)
        await this.disconnect(r.name)
        return null
      },
      'connection:delete': async (r) => {
        if (!this.profiles().delete(r.name)) throw noSuchConnection('connection:delete', r.name)
        await this.disconnect(r.name)
        return null
      },
      'connection:testSaved': (r) => {
        const settings = this.profiles().settings(r.name)
        if (!settings) throw noSuchConnection('connection:testSaved', r.name)
        return testConnection(settings)
      },
      'connection:status': () => this.statuses(),
    }
  }

  /** The embedded cluster's console (its groups view samples lag for the lab). */
  get groups() {
    return this.local.groups
  }

  /**
   * Validates and runs one call on the connection named (the embedded cluster by default); a
   * failure comes back as a ContractError, never a throw.
   */
  async call(method: unknown, request: unknown, connection: unknown = LOCAL): Promise<CallOutcome> {
    try {
      const valid = parseRequest(method, request)
      if (isConnectionMethod(valid.method)) {
        return { ok: true, result: await (this.methods[valid.method] as (r: unknown) => unknown)(valid.request) }
      }
      if (isExperimentMethod(valid.method)) return { ok: true, result: await (this.experiments[valid.method] as (r: unknown) => unknown)(valid.request) }
      const target = this.consoleFor(valid.method, connection)
      return { ok: true, result: await target.run(valid.method as ClusterMethod, valid.request) }
    } catch (err) {
      if (err instanceof ContractValidationError) return { ok: false, error: err.detail }
      if (err instanceof KafkaError) return { ok: false, error: { kind: 'kafka', message: err.message, errorName: err.errorName } }
      return { ok: false, error: { kind: 'internal', message: err instanceof Error ? err.message : String(err) } }
    }
  }

  /** The console of the connection a call names: "local", or a saved connection (opened on first use). */
  private consoleFor(method: MethodName, connection: unknown): ClusterConsole {
    const parsed = ConnectionName.safeParse(connection)
    if (!parsed.success) throw new ContractValidationError({ kind: 'invalid-request', message: `${method}: connection: give a connection name ("local" or a saved connection)`, field: 'connection' })
    const name = parsed.data
    if (name === LOCAL) return this.local
    const open = this.external.get(name)
    if (open) return open
    const settings = this.options.profiles?.settings(name)
    if (!settings) throw noSuchConnection(method, name, 'connection')
    const opened = this.attach(new ClusterConsole({ name, kafka: new KafkaConnection(settings), lab: null, schemaRegistryUrl: settings.schemaRegistryUrl ?? null }))
    this.external.set(name, opened)
    return opened
  }

  /** Forwards a cluster console's events to every console, tagged with its connection. */
  private attach(console: ClusterConsole): ClusterConsole {
    const connection = console.connection.name
    this.unsubscribes.push(
      console.onEvent((event) => {
        const tagged: ContractEvent = connection === LOCAL ? event : { ...event, connection }
        for (const listener of this.listeners) listener(tagged)
      }),
    )
    return console
  }

  private async disconnect(name: string): Promise<void> {
    const open = this.external.get(name)
    this.external.delete(name)
    await open?.close()
  }

  /** Every connection the console knows, the embedded one first, with whether it is open and how its last call went. */
  private statuses(): ConnectionStatus[] {
    const saved = this.options.profiles?.list() ?? []
    return [
      { name: LOCAL, lab: true, bootstrap: this.local.connection.kafka.bootstrapServers, schemaRegistryUrl: this.options.schemaRegistryUrl ?? null, ...this.local.health() },
      ...saved.map((p) => ({ name: p.name, lab: false, bootstrap: p.bootstrap, schemaRegistryUrl: p.schemaRegistryUrl ?? null, ...(this.external.get(p.name)?.health() ?? { state: 'idle' as const, error: null }) })),
    ]
  }

  private profiles(): ConnectionProfiles {
    if (!this.options.profiles) throw new Error('saved connections are not kept by this host')
    return this.options.profiles
  }

  onEvent(listener: (event: ContractEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Closes every connection (waiting at most 5 s: a cluster that no longer answers must not
   * hold up a shutdown) and stops the lag sampling; the cluster itself is its owner's to stop.
   */
  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribes) unsubscribe()
    const closed = Promise.all([this.local.close(), ...[...this.external.keys()].map((name) => this.disconnect(name))])
    let timer: NodeJS.Timeout | undefined
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))])
    clearTimeout(timer)
  }
}
