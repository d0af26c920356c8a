// One Kafka cluster, reached over the Kafka protocol through the console's client library
// (@platformatic/kafka, docs/kafka-client.md): the embedded cluster and any external one alike.
// The library's Admin does what it does whole (topics, configs, groups, records); for the
// rest this module sends the library's own request codecs over its connection pool, to the
// broker Kafka routes the request to (a partition's leader, any broker), at the highest
// version both the library and the broker speak. Its Metadata is read here rather than
// through the library's cache, which leaves out internal topics such as __consumer_offsets.
// A cluster that serves only versions older than the library speaks (librdkafka's mock
// cluster) gets ApiVersions, Metadata and Fetch in Brokerlab's own codec (ownCodec.ts).
import * as library from '@platformatic/kafka'
import { Admin, Producer, compatibilityPartitioner, type Broker, type Connection } from '@platformatic/kafka'
import { KafkaError } from '../../cluster/errors'
import { ApiKey, NO_HIGH_WATERMARK, ZERO_UUID, type FetchResponse as OwnFetchResponse, type MetadataResponse as OwnMetadataResponse } from '../../cluster/protocol/messages'
import { decodeRecordBatches } from '../../cluster/protocol/recordBatch'
import type { ConnectionSettings } from '../../../preload/contract'
import { apiCodec, type ApiRequests, type ApiResponses } from '../../cluster/protocol/messages'
import { bootstrapList, clientOptions } from './connectionTest'
import { kafkaCall, kafkaErrorOf } from './kafkaErrors'
import { CORRECTED_CODECS } from './correctedCodecs'
import { ownVersions, sendOwn } from './ownCodec'

export interface PartitionMetadata {
  partition: number
  errorCode: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface TopicMetadata {
  name: string
  topicId: string
  internal: boolean
  errorCode: number
  partitions: PartitionMetadata[]
}

/** A Metadata answer: the live brokers, the controller, and every topic with its partitions. */
export interface ClusterMetadata {
  clusterId: string | null
  controllerId: number
  brokers: Map<number, Broker & { rack: string | null }>
  topics: Map<string, TopicMetadata>
}

/** A fetched batch, decoded by the library, in the field names of Kafka's RecordBatch (offsets and timestamps as numbers). */
export interface FetchedBatch {
  baseOffset: number
  lastOffsetDelta: number
  isControl: boolean
  /** Written in a transaction: its records count once the transaction's COMMIT marker follows. */
  isTransactional: boolean
  /** -1 unless an idempotent or transactional producer wrote it. */
  producerId: number
  producerEpoch: number
  baseSequence: number
  records: Array<{ offset: number; timestamp: number; key: Buffer | null; value: Buffer | null; headers: Array<{ key: string; value: Buffer | null }> }>
}

export interface FetchedPartition {
  errorCode: number
  highWatermark: number
  /** The last stable offset: below it every transaction is decided (-1 where the broker does not say). */
  lastStableOffset: number
  logStartOffset: number
  /** read_committed only: the aborted transactions within the fetched range, as a consumer skips them. */
  abortedTransactions: AbortedTransaction[]
  batches: FetchedBatch[]
}

export interface AbortedTransaction {
  producerId: number
  firstOffset: number
}

/** Kafka's IsolationLevel: READ_UNCOMMITTED 0, READ_COMMITTED 1 (ListOffsets LATEST answers the LSO under the second). */
export type IsolationLevel = 0 | 1

// The answers' shapes, the same in every version the console uses.
type MetadataResponse = library.metadataV12.MetadataResponse
type ListOffsetsRequestPartition = library.listOffsetsV9.ListOffsetsRequestPartition
type ListOffsetsRequestTopic = library.listOffsetsV9.ListOffsetsRequestTopic
type ListOffsetsResponse = library.listOffsetsV9.ListOffsetsResponse
type ListOffsetResponsePartition = library.listOffsetsV9.ListOffsetResponsePartition
type FetchResponse = library.fetchV17.FetchResponse
type DescribeLogDirsResponse = library.describeLogDirsV4.DescribeLogDirsResponse
type ListPartitionReassignmentsResponse = library.listPartitionReassignmentsV0.ListPartitionReassignmentsResponse
type AlterPartitionReassignmentsResponse = library.alterPartitionReassignmentsV0.AlterPartitionReassignmentsResponse
export type LogDirs = library.describeLogDirsV4.DescribeLogDirsResponseResult

interface OffsetAsk {
  topic: string
  partition: number
  timestamp: number
  isolation: IsolationLevel
  resolve(offset: number): void
  reject(err: unknown): void
}

interface ApiRange {
  name: string
  minVersion: number
  maxVersion: number
}

type RawApi = { async: (connection: Connection, ...args: never[]) => Promise<unknown> }

/** Which connections a request goes over: the refresh's own, or the background lane's (connectionTo). */
export type Lane = 'foreground' | 'background'

/** The oldest version of each API the console reads in its own codec (Metadata v1 names the controller; Fetch v4 reads RecordBatch v2 with isolation). */
const OWN_MIN = { [ApiKey.Metadata]: 1, [ApiKey.Fetch]: 4 } as const
const CONTROL_BIT = 0x20
const TRANSACTIONAL_BIT = 0x10

/** The library's answer even when some partitions carried an error: those are the caller's to read. */
async function answered<T>(call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (err) {
    const response = (err as { response?: unknown }).response
    if (response && typeof response === 'object') return response as T
    throw err
  }
}

export class KafkaConnection {
  readonly admin: Admin
  private apis: Promise<ApiRange[]> | null = null
  private lastMetadata: ClusterMetadata | null = null
  private readonly producers = new Map<boolean, Producer>()
  private readonly offsetQueue: OffsetAsk[] = []
  /** The second pool of the background lane (connectionTo), opened on first use. */
  private background: Admin | null = null
  /** The latest DescribeLogDirs answer of every broker, and the request in flight (recentLogDirs). */
  private logDirsAnswer: Map<number, LogDirs[]> | null = null
  private logDirsAsked: Promise<Map<number, LogDirs[]>> | null = null
  /** Set once a ListOffsets answer left asked partitions out: from then on each is asked alone (offsetsFrom). */
  private offsetsOneByOne = false

  /**
   * The embedded cluster knows which of its brokers run: `lab.bootstrap` names them for
   * requests any broker may answer, and `lab.running` refuses at once a request to one that
   * does not run. A paused broker accepts a TCP connection and then never answers, so
   * without this every view would wait out the timeout on it.
   */
  constructor(
    readonly settings: ConnectionSettings,
    private readonly lab?: { bootstrap(): string[]; running(nodeId: number): boolean },
  ) {
    this.admin = new Admin({ ...clientOptions(settings), retries: 1, retryDelay: 200 })
  }

  get bootstrapServers(): string {
    return this.settings.bootstrap
  }

  /** ApiVersions of the cluster (asked once per connection). */
  async apiVersions(): Promise<ApiRange[]> {
    this.apis ??= kafkaCall(() => this.admin.listApis())
      .catch((err) => (err instanceof KafkaError && err.errorName === 'UNSUPPORTED_VERSION' ? this.olderApiVersions() : Promise.reject(err)))
      .catch((err) => {
        this.apis = null
        throw err
      })
    return this.apis
  }

  /** ApiVersions v0, which every broker answers, for one that refuses the library's v3. */
  private async olderApiVersions(): Promise<ApiRange[]> {
    const answer = await sendOwn(await this.connectionTo('any'), ApiKey.ApiVersions, 0, { clientSoftwareName: '', clientSoftwareVersion: '', clusterId: null, nodeId: -1 })
    if (answer.errorCode !== 0) throw kafkaErrorOf(answer.errorCode, 'ApiVersions v0')
    const names = library.protocolAPIsById as Record<number, string>
    return answer.apiKeys.map((a) => ({ name: names[a.apiKey] ?? `api key ${a.apiKey}`, minVersion: a.minVersion, maxVersion: a.maxVersion }))
  }

  /**
   * The version to send an API in with Brokerlab's own codec: the cluster's newest, when the
   * cluster serves none the library speaks (it tops out below `libraryMin`) and it is at least
   * `ownMin`; null when the library's codec fits (or the cluster serves no usable version,
   * which the library's path then names).
   */
  private async olderVersion(name: string, apiKey: keyof typeof OWN_MIN, libraryMin: number): Promise<number | null> {
    const range = await this.apiRange(name)
    if (!range || range.maxVersion >= libraryMin) return null
    const version = Math.min(range.maxVersion, ownVersions(apiKey).max)
    return version >= OWN_MIN[apiKey] ? version : null
  }

  /** One request in Brokerlab's own codec (ownCodec.ts) at `version`, its answer counted in `health` as the library's are. */
  private sendOwnTo<K extends keyof ApiRequests & keyof ApiResponses>(nodeId: number | 'any', apiKey: K, version: number, request: ApiRequests[K]): Promise<ApiResponses[K]> {
    return this.reaching(kafkaCall(async () => sendOwn(await this.connectionTo(nodeId), apiKey, version, request)))
  }

  /** The broker's range of an API, or null when it does not serve it. */
  async apiRange(name: string): Promise<ApiRange | null> {
    return (await this.apiVersions()).find((api) => api.name === name) ?? null
  }

  /** The library's codec (or the console's correction of it, correctedCodecs.ts) for an API at the highest version both sides speak. */
  private async codec(name: string, usable: readonly number[]): Promise<{ version: number; api: RawApi }> {
    const range = await this.apiRange(name)
    const exports = library as unknown as Record<string, { api?: RawApi } | undefined>
    const own = CORRECTED_CODECS as unknown as Record<string, { api: RawApi } | undefined>
    const prefix = name[0].toLowerCase() + name.slice(1)
    for (const version of [...usable].sort((a, b) => b - a)) {
      if (!range || version < range.minVersion || version > range.maxVersion) continue
      const api = (own[`${prefix}V${version}`] ?? exports[`${prefix}V${version}`])?.api
      if (api) return { version, api }
    }
    throw new KafkaError(
      'UNSUPPORTED_VERSION',
      range ? `${name} v${range.minVersion}-${range.maxVersion} on this cluster; the console speaks v${usable.join(', v')}` : `This cluster does not serve ${name}`,
    )
  }

  /**
   * A connection to a broker (or any): in the background lane, one of a second pool. Kafka
   * answers one connection's requests in order, so a refresh never queues behind the slow
   * requests that run beside it (the log dirs of sizes, the timeline's config watch).
   */
  private async connectionTo(nodeId: number | 'any', lane: Lane = 'foreground'): Promise<Connection> {
    const pool = lane === 'background' ? this.backgroundPool().connections : this.admin.connections
    if (nodeId === 'any') {
      const live = this.lab?.bootstrap() ?? []
      return pool.getFirstAvailable((live.length ? live : bootstrapList(this.settings)).map(toBroker))
    }
    if (this.lab && !this.lab.running(nodeId)) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${nodeId} is not running`)
    const broker = (this.lastMetadata ?? (await this.metadata([]))).brokers.get(nodeId)
    if (!broker) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${nodeId} is not in the cluster's metadata`)
    return pool.get(broker)
  }

  private backgroundPool(): Admin {
    this.background ??= new Admin({ ...clientOptions(this.settings), clientId: `${this.settings.clientId}-background`, retries: 1, retryDelay: 200 })
    return this.background
  }

  /** Sends one request with the library's codec to a broker (or any), answering even with per-partition errors. */
  async send<T>(
    nodeId: number | 'any',
    name: string,
    usable: readonly number[],
    args: (version: number) => unknown[],
    lane: Lane = 'foreground',
  ): Promise<{ version: number; response: T }> {
    return this.reaching(
      kafkaCall(async () => {
        const { version, api } = await this.codec(name, usable)
        const connection = await this.connectionTo(nodeId, lane)
        const response = (await answered(api.async(connection, ...(args(version) as never[])))) as T
        return { version, response }
      }),
    )
  }

  /**
   * Whether the cluster answered the latest request sent to it: a refused connection or a
   * timeout marks it unreachable (with the client's words), any answer reachable again, an
   * error code included. The header's picker shows it.
   */
  health: { reachable: boolean; error: string | null } = { reachable: true, error: null }

  private async reaching<T>(call: Promise<T>): Promise<T> {
    try {
      const result = await call
      this.health = { reachable: true, error: null }
      return result
    } catch (err) {
      if (!(err instanceof KafkaError)) this.health = { reachable: false, error: err instanceof Error ? err.message : String(err) }
      throw err
    }
  }

  /**
   * Sends a request the library has no codec for (ElectLeaders) with Brokerlab's own
   * (ownCodec.ts), at the highest version both our codec and the broker speak.
   */
  async sendWithOwnCodec<K extends keyof ApiRequests & keyof ApiResponses>(nodeId: number | 'any', apiKey: K, body: ApiRequests[K]): Promise<ApiResponses[K]> {
    const codec = apiCodec(apiKey)
    const range = await this.apiRange(codec.name)
    const version = range ? Math.min(range.maxVersion, codec.validVersions.max) : -1
    if (!range || version < Math.max(range.minVersion, codec.validVersions.min)) {
      throw new KafkaError('UNSUPPORTED_VERSION', range ? `${codec.name} v${range.minVersion}-${range.maxVersion} on this cluster; the console speaks v${codec.validVersions.min}-${codec.validVersions.max}` : `This cluster does not serve ${codec.name}`)
    }
    return this.sendOwnTo(nodeId, apiKey, version, body)
  }

  /** Metadata of every topic (internal ones included), or of `topics`. */
  async metadata(topics: string[] | null = null): Promise<ClusterMetadata> {
    const response = await this.metadataAnswer(topics)
    const metadata: ClusterMetadata = {
      clusterId: response.clusterId ?? null,
      controllerId: response.controllerId,
      brokers: new Map(response.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port, rack: b.rack ?? null }])),
      topics: new Map(),
    }
    for (const t of response.topics) {
      if (!t.name) continue
      const name = t.name
      const partitions = t.partitions
        .map((p): PartitionMetadata => ({
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas,
        }))
        .sort((a, b) => a.partition - b.partition)
      metadata.topics.set(name, { name, topicId: t.topicId, internal: t.isInternal, errorCode: t.errorCode, partitions })
    }
    this.lastMetadata = topics === null || !this.lastMetadata ? metadata : { ...metadata, topics: new Map([...this.lastMetadata.topics, ...metadata.topics]) }
    return metadata
  }

  private async metadataAnswer(topics: string[] | null): Promise<MetadataResponse | OwnMetadataResponse> {
    const older = await this.olderVersion('Metadata', ApiKey.Metadata, 9)
    if (older === null) return (await this.send<MetadataResponse>('any', 'Metadata', [9, 10, 11, 12], () => [topics, false, false])).response
    // Before v4 a Metadata request that names a topic creates it where the broker auto-creates
    // topics: ask for every topic then, and keep the ones named.
    const named = older >= 4 ? topics : null
    const response = await this.sendOwnTo('any', ApiKey.Metadata, older, {
      topics: named && named.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: older < 4,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    })
    return topics && !named ? { ...response, topics: response.topics.filter((t) => t.name !== null && topics.includes(t.name)) } : response
  }

  /** One topic's metadata: UNKNOWN_TOPIC_OR_PARTITION when the cluster has no such topic. */
  async topic(name: string): Promise<TopicMetadata> {
    return this.topicOf(await this.metadata([name]), name)
  }

  topicOf(metadata: ClusterMetadata, name: string): TopicMetadata {
    const topic = metadata.topics.get(name)
    if (!topic || topic.errorCode === 3) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${name}" does not exist`)
    return topic
  }

  /**
   * ListOffsets of every partition of `topics`, one request per leader: the offset for
   * `timestamp` (-1 latest, -2 earliest, or a time), by topic, then by partition index; a
   * partition without a leader, whose leader did not answer or that answered an error, has none.
   * Keyed by topic and index, not by a "topic-partition" string: a refresh of 12,000 partitions
   * makes no string per partition.
   */
  async listOffsets(topics: Iterable<TopicMetadata>, timestamp: number, isolation: IsolationLevel = 0): Promise<Map<string, number[]>> {
    const spec = BigInt(timestamp)
    const byLeader = new Map<number, Map<string, ListOffsetsRequestPartition[]>>()
    for (const t of topics) {
      for (const p of t.partitions) {
        if (p.leader < 0) continue
        let asked = byLeader.get(p.leader)
        if (!asked) byLeader.set(p.leader, (asked = new Map()))
        let list = asked.get(t.name)
        if (!list) asked.set(t.name, (list = []))
        list.push({ partitionIndex: p.partition, currentLeaderEpoch: p.leaderEpoch, timestamp: spec })
      }
    }
    const out = new Map<string, number[]>()
    await Promise.all(
      [...byLeader].map(async ([leader, asked]) => {
        const answers = await this.offsetsFrom(leader, [...asked].map(([name, partitions]) => ({ name, partitions })), isolation).catch(() => null)
        for (const [topic, partitions] of answers ?? []) {
          let offsets = out.get(topic)
          if (!offsets) out.set(topic, (offsets = []))
          for (const [partition, p] of partitions) if (p.errorCode === 0) offsets[partition] = Number(p.offset)
        }
      }),
    )
    return out
  }

  /**
   * One ListOffsets request to a leader, its answers by topic and partition. Partitions the
   * answer leaves out are asked again one by one, and so is every later request to the same
   * cluster: librdkafka's mock cluster (2.0) misreads a v4+ request of several partitions,
   * answering the first right and the rest with garbage.
   */
  private async offsetsFrom(leader: number, request: ListOffsetsRequestTopic[], isolation: IsolationLevel): Promise<Map<string, Map<number, ListOffsetResponsePartition>>> {
    const answers = new Map<string, Map<number, ListOffsetResponsePartition>>()
    const add = (topic: string, p: ListOffsetResponsePartition) => {
      let partitions = answers.get(topic)
      if (!partitions) answers.set(topic, (partitions = new Map()))
      partitions.set(p.partitionIndex, p)
    }
    const oneByOne = async (asked: ListOffsetsRequestTopic[]) => {
      const singles = asked.flatMap((t) => t.partitions.map((p) => ({ name: t.name, partitions: [p] })))
      for (const again of await Promise.all(singles.map((one) => this.offsetsFrom(leader, [one], isolation)))) {
        for (const [topic, partitions] of again) for (const p of partitions.values()) add(topic, p)
      }
      return answers
    }
    const single = request.length === 1 && request[0].partitions.length === 1
    if (this.offsetsOneByOne && !single) return oneByOne(request)
    const { response } = await this.send<ListOffsetsResponse>(leader, 'ListOffsets', [5, 6, 7, 8, 9], () => [-1, isolation, request])
    for (const t of response.topics) for (const p of t.partitions) add(t.name, p)
    const unanswered = request.map((t) => ({ name: t.name, partitions: t.partitions.filter((p) => !answers.get(t.name)?.has(p.partitionIndex)) }))
    if (single || unanswered.every((t) => t.partitions.length === 0)) return answers
    this.offsetsOneByOne = true
    return oneByOne(unanswered)
  }

  /**
   * One partition's offset for a timestamp (or -1 latest, -2 earliest), from its leader.
   * Calls made in the same turn of the event loop travel together: one ListOffsets request
   * per leader and timestamp, as a page of groups or of partitions asks for many at once.
   */
  listOffset(topic: string, partition: number, timestamp: number, isolation: IsolationLevel = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.offsetQueue.push({ topic, partition, timestamp, isolation, resolve, reject })
      if (this.offsetQueue.length === 1) setImmediate(() => void this.flushOffsets())
    })
  }

  private async flushOffsets(): Promise<void> {
    const asked = this.offsetQueue.splice(0)
    let meta: ClusterMetadata
    try {
      meta = await this.metadata([...new Set(asked.map((a) => a.topic))])
    } catch (err) {
      for (const a of asked) a.reject(err)
      return
    }
    const requests = new Map<string, { leader: number; timestamp: number; isolation: IsolationLevel; asked: OffsetAsk[] }>()
    for (const a of asked) {
      const p = meta.topics.get(a.topic)?.partitions[a.partition]
      if (!p) a.reject(new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${a.topic}" has no partition ${a.partition}`))
      else if (p.leader < 0) a.reject(new KafkaError('LEADER_NOT_AVAILABLE', `Partition ${a.topic}-${a.partition} has no leader`))
      else {
        const id = `${p.leader}\0${a.timestamp}\0${a.isolation}`
        const request = requests.get(id) ?? { leader: p.leader, timestamp: a.timestamp, isolation: a.isolation, asked: [] }
        request.asked.push(a)
        requests.set(id, request)
      }
    }
    await Promise.all(
      [...requests.values()].map(async ({ leader, timestamp, isolation, asked: group }) => {
        const byTopic = new Map<string, Set<number>>()
        for (const a of group) byTopic.set(a.topic, (byTopic.get(a.topic) ?? new Set()).add(a.partition))
        const request = [...byTopic].map(([name, partitions]) => ({
          name,
          partitions: [...partitions].map((partition) => ({ partitionIndex: partition, currentLeaderEpoch: meta.topics.get(name)!.partitions[partition].leaderEpoch, timestamp: BigInt(timestamp) })),
        }))
        try {
          const answers = await this.offsetsFrom(leader, request, isolation)
          for (const a of group) {
            const answer = answers.get(a.topic)?.get(a.partition)
            if (!answer) a.reject(new KafkaError('UNKNOWN_SERVER_ERROR', `ListOffsets answered nothing for ${a.topic}-${a.partition}`))
            else if (answer.errorCode !== 0) a.reject(kafkaErrorOf(answer.errorCode, `ListOffsets of ${a.topic}-${a.partition}`))
            else a.resolve(Number(answer.offset))
          }
        } catch (err) {
          for (const a of group) a.reject(err)
        }
      }),
    )
  }

  /** Up to maxBytes of one partition from `offset`, read from its leader (read_uncommitted unless `isolation` says read_committed). */
  async fetch(topic: string, partition: number, offset: number, maxBytes = 1 << 20, isolation: IsolationLevel = 0): Promise<FetchedPartition> {
    const t = await this.topic(topic)
    const p = t.partitions[partition]
    if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${topic}" has no partition ${partition}`)
    if (p.leader < 0) throw new KafkaError('LEADER_NOT_AVAILABLE', `Partition ${topic}-${partition} has no leader`)
    const older = await this.olderVersion('Fetch', ApiKey.Fetch, 12)
    if (older !== null) return this.olderFetch(older, p, topic, offset, maxBytes, isolation)
    const wanted = { partition, currentLeaderEpoch: p.leaderEpoch, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, partitionMaxBytes: maxBytes }
    const { response } = await this.send<FetchResponse>(p.leader, 'Fetch', [12, 13, 14, 15, 16, 17], (version) => [
      0,
      1,
      maxBytes,
      isolation,
      0,
      -1,
      // Fetch v13 names topics by id, v12 by name (in the same field of the library's codec).
      [{ topicId: version >= 13 ? t.topicId : topic, partitions: [wanted] }],
      [],
      '',
    ])
    const answer = response.responses[0]?.partitions[0]
    if (!answer) throw new KafkaError('UNKNOWN_SERVER_ERROR', `Fetch answered nothing for ${topic}-${partition}`)
    return {
      errorCode: answer.errorCode || response.errorCode,
      highWatermark: Number(answer.highWatermark),
      lastStableOffset: Number(answer.lastStableOffset),
      logStartOffset: Number(answer.logStartOffset),
      abortedTransactions: (answer.abortedTransactions ?? []).map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })),
      batches: (answer.records ?? []).map((b) => ({
        baseOffset: Number(b.firstOffset),
        lastOffsetDelta: b.lastOffsetDelta,
        isControl: (b.attributes & CONTROL_BIT) !== 0,
        isTransactional: (b.attributes & TRANSACTIONAL_BIT) !== 0,
        producerId: Number(b.producerId),
        producerEpoch: b.producerEpoch,
        baseSequence: b.firstSequence,
        records: b.records.map((r) => ({
          offset: Number(b.firstOffset) + r.offsetDelta,
          timestamp: Number(b.firstTimestamp + r.timestampDelta),
          key: r.key,
          value: r.value,
          headers: r.headers.map(([k, v]) => ({ key: k?.toString('utf8') ?? '', value: v })),
        })),
      })),
    }
  }

  /** Fetch v4-v11 in Brokerlab's codec, its record batches decoded by Brokerlab's RecordBatch codec. */
  private async olderFetch(version: number, p: PartitionMetadata, topic: string, offset: number, maxBytes: number, isolation: IsolationLevel): Promise<FetchedPartition> {
    const response: OwnFetchResponse = await this.sendOwnTo(p.leader, ApiKey.Fetch, version, {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes,
      isolationLevel: isolation,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, topicId: ZERO_UUID, partitions: [{ partition: p.partition, currentLeaderEpoch: version >= 9 ? p.leaderEpoch : -1, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: maxBytes, replicaDirectoryId: ZERO_UUID, highWatermark: NO_HIGH_WATERMARK }] }],
      forgottenTopicsData: [],
      rackId: '',
    })
    const answer = response.responses[0]?.partitions[0]
    if (!answer) throw new KafkaError('UNKNOWN_SERVER_ERROR', `Fetch answered nothing for ${topic}-${p.partition}`)
    return {
      errorCode: answer.errorCode || response.errorCode,
      highWatermark: Number(answer.highWatermark),
      lastStableOffset: Number(answer.lastStableOffset),
      logStartOffset: Number(answer.logStartOffset),
      abortedTransactions: (answer.abortedTransactions ?? []).map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })),
      batches: [...decodeRecordBatches(answer.records ?? Buffer.alloc(0))].map((b) => ({
        baseOffset: Number(b.baseOffset),
        lastOffsetDelta: b.lastOffsetDelta,
        isControl: b.isControl,
        isTransactional: b.isTransactional,
        producerId: Number(b.producerId),
        producerEpoch: b.producerEpoch,
        baseSequence: b.baseSequence,
        records: b.records.map((r) => ({ offset: Number(r.offset), timestamp: Number(r.timestamp), key: r.key, value: r.value, headers: r.headers })),
      })),
    }
  }

  /** Each live broker's log dirs (DescribeLogDirs of every partition); a broker that does not answer is left out. */
  async logDirs(metadata: ClusterMetadata, lane: Lane = 'foreground'): Promise<Map<number, LogDirs[]>> {
    const out = new Map<number, LogDirs[]>()
    await Promise.all(
      [...metadata.brokers.keys()].map(async (nodeId) => {
        const answer = await this.send<DescribeLogDirsResponse>(nodeId, 'DescribeLogDirs', [2, 3, 4], () => [null], lane).catch(() => null)
        if (answer && answer.response.errorCode === 0) out.set(nodeId, answer.response.results)
      }),
    )
    return out
  }

  /**
   * The log dirs as last answered, asking again in the background, one request at a time; only
   * the first call waits. DescribeLogDirs of every replica is the costliest request of a full
   * refresh (a quarter of a second on Apache Kafka with 36,000 replicas, docs/benchmarks.md),
   * and sizes move slowly: a refresh then waits for Metadata and ListOffsets only, and shows
   * sizes one refresh old.
   */
  async recentLogDirs(metadata: ClusterMetadata): Promise<Map<number, LogDirs[]>> {
    const asked = (this.logDirsAsked ??= this.logDirs(metadata, 'background')
      .then((answer) => (this.logDirsAnswer = answer))
      .finally(() => (this.logDirsAsked = null)))
    return this.logDirsAnswer ?? asked
  }

  /** Reassignments in progress of one topic's partitions (ListPartitionReassignments), by partition; empty where the cluster does not say. */
  async reassignments(topic: TopicMetadata): Promise<Map<number, { addingReplicas: number[]; removingReplicas: number[] }>> {
    const request = [{ name: topic.name, partitionIndexes: topic.partitions.map((p) => p.partition) }]
    const answer = await this.send<ListPartitionReassignmentsResponse>('any', 'ListPartitionReassignments', [0], () => [this.settings.timeoutMs, request]).catch(() => null)
    const out = new Map<number, { addingReplicas: number[]; removingReplicas: number[] }>()
    for (const t of answer?.response.topics ?? []) for (const p of t.partitions) out.set(p.partitionIndex, p)
    return out
  }

  /** Starts (replicas) or cancels (null) partition reassignments, as kafka-reassign-partitions --execute and --cancel do. */
  async reassign(topic: string, partitions: Array<{ partition: number; replicas: number[] | null }>): Promise<void> {
    const request = [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas as number[] })) }]
    const { response } = await this.send<AlterPartitionReassignmentsResponse>('any', 'AlterPartitionReassignments', [0], () => [this.settings.timeoutMs, false, request])
    if (response.errorCode !== 0) throw kafkaErrorOf(response.errorCode, 'AlterPartitionReassignments', response.errorMessage)
    for (const t of response.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw kafkaErrorOf(p.errorCode, `Reassigning ${topic}-${p.partitionIndex}`, p.errorMessage)
      }
    }
  }

  /** The library's producer: idempotent (acks=all, a producer id and sequences) or not. */
  producer(idempotent: boolean): Producer {
    let producer = this.producers.get(idempotent)
    if (!producer || producer.closed) {
      producer = new Producer({
        ...clientOptions(this.settings),
        retries: 5,
        retryDelay: 250,
        idempotent,
        autocreateTopics: true,
        // murmur2 & 0x7fffffff, as Kafka's Java producer maps a key to its partition.
        partitioner: (message, key) => (key ? compatibilityPartitioner(message, key) : roundRobin()),
      })
      this.producers.set(idempotent, producer)
    }
    return producer
  }

  /** Drops a producer, so the next send starts with a new one (for an idempotent one, a new producer id). */
  async resetProducer(idempotent: boolean): Promise<void> {
    const producer = this.producers.get(idempotent)
    this.producers.delete(idempotent)
    await producer?.close().catch(() => undefined)
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.admin.close(), this.background?.close(), ...[...this.producers.values()].map((p) => p.close())])
    this.producers.clear()
  }
}

let nextPartition = 0
/** Keyless records: one partition after another (the library's own choice without a key). */
function roundRobin(): number {
  nextPartition = (nextPartition + 1) % 0x7fffffff
  return nextPartition
}

function toBroker(entry: string): Broker {
  const at = entry.lastIndexOf(':')
  return { host: entry.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(entry.slice(at + 1)) }
}
