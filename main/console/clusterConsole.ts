// Everything the console does with one connected cluster: every contract method that reads or
// changes a cluster, over that cluster's Kafka connection, and for the embedded cluster its
// lab's methods too. The ConsoleService keeps one of these per connection.
import { version } from '../../package.json'
import { ContractValidationError, METHODS, type ClusterEvent, type MethodName, type RequestOf, type ResponseOf } from '../../preload/contract'
import type { ConsoleConnection } from './connections/consoleConnection'
import { missingApis, refuseWithout } from './connections/capabilities'
import type { ClusterMetadata } from './connections/kafkaConnection'
import { isLabMethod, labMethods, type LabMethod, type LabMethods } from './connections/lab'
import { alterConfigs, brokerConfigs, topicConfigs, topicOverrides } from './views/configs'
import { GroupsView } from './views/groups'
import { electPreferredLeaders, purgeRecords } from './views/leadership'
import { replayRecords } from './views/browse/replay'
import { MessageScans } from './views/browse/scans'
import { browseMessages, browsePage, kafkaBrowseSource } from './views/messages'
import { produceRecord } from './views/produce'
import { clusterSnapshot, describeTopic } from './views/snapshot'
import { ObservedTimeline } from './views/timeline'
import { addPartitions, createTopic, deleteTopic } from './views/topics'
import { abortTransaction, transactionsOverview } from './views/transactions/transactionsView'
import { ManualTransactions } from './views/manualTransactions'
import { RegistryClient } from './registry/registryClient'
import { decodeSchemaRecords, schemaMethods } from './registry/schemaViews'

const CONFIG_OBSERVE_MS = 30_000

export type ClusterMethod = Exclude<MethodName, `connection:${string}` | `experiment:${string}`>
type Implementations = { [M in ClusterMethod]: (request: RequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M> }

export class ClusterConsole {
  readonly groups: GroupsView
  /** Message searches over whole topics, running on this side. */
  private readonly scans: MessageScans
  /** Transactions begun by hand on the Produce page. */
  private readonly manualTransactions: ManualTransactions
  /** For a cluster without a lab: the changes seen between snapshots, as its event timeline. */
  private readonly timeline: ObservedTimeline | null
  private readonly methods: Implementations
  private configsObservedAt = 0

  constructor(readonly connection: ConsoleConnection) {
    const { kafka, lab } = connection
    this.groups = new GroupsView(kafka)
    this.groups.startSampling()
    this.timeline = lab ? null : new ObservedTimeline()
    const groups = this.groups
    const browse = kafkaBrowseSource(kafka)
    // The browser's pages show transaction markers, under either isolation level.
    const pages = { read_uncommitted: kafkaBrowseSource(kafka, { markers: true }), read_committed: kafkaBrowseSource(kafka, { markers: true, readCommitted: true }) }
    this.scans = new MessageScans(browse)
    const scans = this.scans
    const manual = (this.manualTransactions = new ManualTransactions(kafka))
    const unsupported = (method: LabMethod) => () => {
      throw new ContractValidationError({
        kind: 'invalid-request',
        message: `${method} needs the embedded cluster's lab: "${connection.name}" is a Kafka cluster the console reaches over the Kafka protocol only`,
      })
    }
    const lab_ = lab ? labMethods(lab, kafka) : null
    // The connection's schema registry, over HTTP from here (main/console/registry).
    const registry = connection.schemaRegistryUrl ? new RegistryClient(connection.schemaRegistryUrl) : null
    this.methods = {
      'app:info': async () => ({
        version,
        connection: connection.name,
        lab: lab !== null,
        clusterId: lab?.clusterId ?? (await kafka.metadata([])).clusterId ?? '',
        bootstrapServers: kafka.bootstrapServers,
        unsupported: await missingApis(kafka),
      }),
      'cluster:snapshot': async () => {
        const metadata = await kafka.metadata()
        const snapshot = await clusterSnapshot(connection, metadata)
        if (this.timeline) this.observe(metadata)
        return snapshot
      },
      'topic:create': (r) => createTopic(kafka, r),
      'topic:describe': (r) => describeTopic(connection, r.name),
      'topic:delete': async (r) => (await deleteTopic(kafka, r.name), null),
      'topic:addPartitions': async (r) => (await addPartitions(kafka, r.name, r.count), null),
      'topic:reassign': async (r) => (await kafka.reassign(r.name, r.partitions), null),
      'config:alter': async (r) => (await alterConfigs(kafka, r.topic !== undefined ? { topic: r.topic } : { broker: r.broker! }, r.configs, r.validateOnly), null),
      'config:describeTopic': (r) => topicConfigs(kafka, r.name),
      'config:describeBroker': (r) => brokerConfigs(kafka, r.brokerId),
      'message:produce': (r) => produceRecord(kafka, r),
      'message:browse': (r) => browseMessages(browse, r.topic, r.from, r.limit, r.partition),
      'message:page': async (r) => {
        const page = await browsePage(pages[r.isolationLevel ?? 'read_uncommitted'], r)
        return { ...page, records: await decodeSchemaRecords(page.records, registry) }
      },
      'message:scanStart': (r) => scans.start(r),
      'message:scanStatus': async (r) => {
        const status = scans.status(r.scanId, r.since)
        return { ...status, matches: await decodeSchemaRecords(status.matches, registry) }
      },
      'message:scanStop': (r) => scans.stop(r.scanId),
      'message:replay': (r) => replayRecords(browse, (record) => produceRecord(kafka, record), r),
      'group:list': () => groups.groups(),
      'group:lagHistory': (r) => groups.lagHistoryOf(r.groupId),
      'group:resetOffsets': (r) => groups.resetOffsets(r.groupId, r.topic, r.target, { partitions: r.partitions, dryRun: r.dryRun }),
      'group:delete': async (r) => (await groups.deleteGroup(r.groupId), null),
      'group:deleteOffsets': async (r) => (await groups.deleteOffsets(r.groupId, r.topic), null),
      'cluster:electLeaders': (r) => electPreferredLeaders(kafka, r.topic),
      'topic:purge': (r) => purgeRecords(kafka, r.name, { partition: r.partition, offset: r.offset }),
      'transaction:list': () => transactionsOverview(kafka),
      'transaction:abort': (r) => abortTransaction(kafka, r),
      'producer:beginTransaction': (r) => manual.begin(r),
      'producer:sendInTransaction': (r) => manual.send(r),
      'producer:endTransaction': (r) => manual.end(r),
      'producer:transactions': () => manual.list(),
      'events:recent': (r) => (lab ? lab.recentEvents(r.limit) : this.timeline!.recent(r.limit)),
      ...schemaMethods(registry, kafka),
      ...(lab_ ?? (Object.fromEntries((Object.keys(METHODS) as MethodName[]).filter(isLabMethod).map((m) => [m, unsupported(m)])) as unknown as LabMethods)),
    }
  }

  /** Records what changed since the last snapshot, and every 30 s which topic configs did. */
  private observe(metadata: ClusterMetadata): void {
    const timeline = this.timeline!
    timeline.observe(metadata)
    if (Date.now() - this.configsObservedAt < CONFIG_OBSERVE_MS) return
    this.configsObservedAt = Date.now()
    void topicOverrides(this.connection.kafka, [...metadata.topics.keys()])
      .then((overrides) => timeline.observeTopicConfigs(overrides))
      .catch(() => undefined)
  }

  onEvent(listener: (event: ClusterEvent) => void): () => void {
    return this.connection.lab ? this.connection.lab.onEvent(listener) : this.timeline!.onEvent(listener)
  }

  async run(method: ClusterMethod, request: unknown): Promise<unknown> {
    // A method whose API this cluster does not serve is refused at once, in Kafka's words.
    await refuseWithout(this.connection.kafka, method)
    return (this.methods[method] as (r: unknown) => unknown)(request)
  }

  /** Whether the latest request sent to the cluster reached it. */
  health(): { state: 'connected' | 'disconnected'; error: string | null } {
    const { reachable, error } = this.connection.kafka.health
    return reachable ? { state: 'connected', error: null } : { state: 'disconnected', error }
  }

  async close(): Promise<void> {
    this.groups.stopSampling()
    this.scans.stopAll()
    await this.manualTransactions.close()
    await this.connection.kafka.close()
  }
}

