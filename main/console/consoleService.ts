// The application service behind the contract: each method validated with the contract's
// schema, then a thin call into a view (snapshot, groups, messages, configs) or into the
// connection (today the embedded cluster; its lab-only capabilities in connections/lab.ts).
// The IPC adapter (desktop) and the HTTP/WebSocket adapter (headless console) in main/host
// both serve this one service.
import { version } from '../../package.json'
import type { Cluster } from '../cluster/cluster'
import { KafkaError } from '../cluster/errors'
import { ContractValidationError, parseRequest, type CallOutcome, type ContractEvent, type MethodName, type RequestOf, type ResponseOf } from '../../preload/contract'
import { ConsoleProducer } from './consoleProducer'
import { testConnection } from './connections/connectionTest'
import type { ConnectionProfiles } from './connections/profiles'
import { labMethods } from './connections/lab'
import { brokerConfigs, topicConfigs } from './views/configs'
import { GroupsView } from './views/groups'
import { browseMessages, browsePage, clusterBrowseSource } from './views/messages'
import { MessageScans } from './views/browse/scans'
import { replayRecords } from './views/browse/replay'
import { clusterSnapshot, describeTopic } from './views/snapshot'

function noSuchConnection(method: MethodName, name: string): ContractValidationError {
  return new ContractValidationError({ kind: 'invalid-request', message: `${method}: name: no saved connection is named "${name}"`, field: 'name' })
}

type Implementations = { [M in MethodName]: (request: RequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M> }

export class ConsoleService {
  private readonly methods: Implementations
  private readonly producer: ConsoleProducer
  readonly groups: GroupsView
  private readonly scans: MessageScans

  constructor(
    readonly cluster: Cluster,
    private readonly options: { profiles?: ConnectionProfiles } = {},
  ) {
    const c = cluster
    this.producer = new ConsoleProducer(cluster)
    this.groups = new GroupsView(cluster)
    this.groups.startSampling()
    const groups = this.groups
    const browseSource = clusterBrowseSource(c)
    this.scans = new MessageScans(browseSource)
    this.methods = {
      'app:info': () => ({ version, clusterId: c.clusterId, bootstrapServers: c.bootstrapServers }),
      'cluster:snapshot': () => clusterSnapshot(c),
      'topic:create': (r) => c.createTopic(r),
      'connection:test': (r) => testConnection(r),
      'connection:list': () => this.profiles().list(),
      'connection:save': (r) => (this.profiles().save(r.name, r.settings), null),
      'connection:delete': (r) => {
        if (!this.profiles().delete(r.name)) throw noSuchConnection('connection:delete', r.name)
        return null
      },
      'connection:testSaved': (r) => {
        const settings = this.profiles().settings(r.name)
        if (!settings) throw noSuchConnection('connection:testSaved', r.name)
        return testConnection(settings)
      },
      'topic:describe': (r) => describeTopic(c, r.name),
      'topic:delete': async (r) => (await c.deleteTopic(r.name), null),
      'topic:addPartitions': async (r) => (await c.createPartitions(r.name, r.count), null),
      'topic:reassign': async (r) => (await c.reassignPartitions(r.name, r.partitions), null),
      'config:alter': async (r) => (await c.alterConfigs(r.topic !== undefined ? { topic: r.topic } : { broker: r.broker! }, r.configs, r.validateOnly), null),
      'message:produce': (r) => this.producer.send(r),
      'group:list': () => groups.groups(),
      'group:lagHistory': (r) => groups.lagHistoryOf(r.groupId),
      'group:resetOffsets': (r) => groups.resetOffsets(r.groupId, r.topic, r.target, { partitions: r.partitions, dryRun: r.dryRun }),
      'group:delete': async (r) => (await groups.deleteGroup(r.groupId), null),
      'events:recent': (r) => c.recentEvents(r.limit),
      'config:describeTopic': (r) => topicConfigs(c, r.name),
      'config:describeBroker': (r) => brokerConfigs(c, r.brokerId),
      'message:browse': (r) => browseMessages(browseSource, r.topic, r.from, r.limit, r.partition),
      'message:page': (r) => browsePage(browseSource, r),
      'message:scanStart': (r) => this.scans.start(r),
      'message:scanStatus': (r) => this.scans.status(r.scanId, r.since),
      'message:scanStop': (r) => this.scans.stop(r.scanId),
      'message:replay': (r) => replayRecords(browseSource, (record) => this.producer.send(record), r),
      ...labMethods(c),
    }
  }

  /** Validates and runs one call; a failure comes back as a ContractError, never a throw. */
  async call(method: unknown, request: unknown): Promise<CallOutcome> {
    try {
      const valid = parseRequest(method, request)
      const implementation = this.methods[valid.method] as (r: unknown) => unknown
      return { ok: true, result: await implementation(valid.request) }
    } catch (err) {
      if (err instanceof ContractValidationError) return { ok: false, error: err.detail }
      if (err instanceof KafkaError) return { ok: false, error: { kind: 'kafka', message: err.message, errorName: err.errorName } }
      return { ok: false, error: { kind: 'internal', message: err instanceof Error ? err.message : String(err) } }
    }
  }

  private profiles(): ConnectionProfiles {
    if (!this.options.profiles) throw new Error('saved connections are not kept by this host')
    return this.options.profiles
  }

  onEvent(listener: (event: ContractEvent) => void): () => void {
    return this.cluster.onEvent(listener)
  }

  /** Stops the lag sampling; the cluster itself is its owner's to stop. */
  close(): void {
    this.groups.stopSampling()
    this.scans.stopAll()
  }
}
