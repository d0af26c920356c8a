// The contract's data types (preload/contract.ts re-exports them all): each defined once as a
// zod schema, its TypeScript type inferred from it. Main and the renderer both take their
// types from here; this module imports nothing of theirs.
import { z } from 'zod'
import { ConfigSource, MAX_TOPIC_NAME_LENGTH } from './rules'

// Where a request enters, only the length is checked: a name Kafka refuses for its
// characters is the cluster's INVALID_TOPIC_EXCEPTION, as from any Kafka client.
export const TopicName = z.string().min(1).max(MAX_TOPIC_NAME_LENGTH)
export const BrokerId = z.number().int().positive()
export const GroupId = z.string().min(1)
export const Acks = z.union([z.literal(-1), z.literal(0), z.literal(1)])

// ---- requests' own types -----------------------------------------------------------------

export const LinkFault = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('ok') }).strict(),
  z.object({ mode: z.literal('cut') }).strict(),
  /** Each message sent waits delayMs: a one-way latency. */
  z.object({ mode: z.literal('slow'), delayMs: z.number().int().min(1).max(60_000) }).strict(),
])
export type LinkFault = z.infer<typeof LinkFault>

/** Where an offset reset goes (kafka-consumer-groups' --to-earliest, --to-latest, ...). */
export const ResetTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }).strict(),
  z.object({ kind: z.literal('latest') }).strict(),
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().nonnegative() }).strict(),
  z.object({ kind: z.literal('offset'), offset: z.number().int().nonnegative() }).strict(),
  z.object({ kind: z.literal('shift'), by: z.number().int() }).strict(),
])
export type ResetTarget = z.infer<typeof ResetTarget>

/** Where the message browser starts reading. */
export const BrowseFrom = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }).strict(),
  z.object({ kind: z.literal('latest') }).strict(),
  z.object({ kind: z.literal('offset'), offset: z.number().int().nonnegative() }).strict(),
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().nonnegative() }).strict(),
])
export type BrowseFrom = z.infer<typeof BrowseFrom>

/**
 * auto: kafkajs commits on its interval. after-processing: each batch is committed once it
 * is processed (at least once). before-processing: committed as it arrives (at most once).
 * transactional: consume-transform-produce in one transaction a batch, its offsets sent in
 * the transaction (sendOffsets), read_committed (exactly once); needs an output topic.
 */
export const CommitMode = z.enum(['auto', 'after-processing', 'before-processing', 'transactional'])
export type CommitMode = z.infer<typeof CommitMode>

/** A demo consumer run: N kafkajs members in one group (the clients worker adds the bootstrap servers). */
export const DemoConsumersRequest = z
  .object({
    groupId: z.string().min(1).max(249),
    topic: TopicName,
    members: z.number().int().min(1).max(8),
    processingDelayMs: z.number().int().min(0).max(10_000),
    commitMode: CommitMode,
    // The coordinator still holds it to group.min/max.session.timeout.ms, as Kafka does.
    sessionTimeoutMs: z.number().int().min(1000).max(300_000).optional(),
    /** Consume-transform-produce: each processed record is written here (keyed by its source partition and offset), and the run counts the duplicates it reads back. */
    outputTopic: TopicName.optional(),
  })
  .strict()
  .refine((r) => r.commitMode !== 'transactional' || r.outputTopic !== undefined, { message: 'the transactional (exactly once) mode consumes, transforms and produces: name an output topic', path: ['outputTopic'] })
  .refine((r) => r.outputTopic !== r.topic, { message: 'the output topic must differ from the topic consumed', path: ['outputTopic'] })
export type DemoConsumersRequest = z.infer<typeof DemoConsumersRequest>

/** The load generator: a kafkajs producer at a steady rate. */
export const DemoProducerOptions = z
  .object({
    topic: TopicName,
    ratePerSec: z.number().int().min(1).max(20_000),
    messageBytes: z.number().int().min(0).max(1_000_000),
    /** Keys drawn from this many distinct values; null sends no keys. */
    keyCardinality: z.number().int().min(1).max(1_000_000).nullable(),
    acks: Acks,
    idempotent: z.boolean(),
  })
  .strict()
export type DemoProducerRequest = z.infer<typeof DemoProducerOptions>

// ---- answers' types ----------------------------------------------------------------------

/** An API the console uses that a cluster does not serve in a version the console speaks. */
export const MissingApi = z.object({
  /** Kafka's name of the API, e.g. ListGroups. */
  api: z.string(),
  /** What the console uses it for. */
  feature: z.string(),
  /** "not served", or the versions the cluster serves that the console cannot speak. */
  why: z.string(),
  /** The contract methods that cannot work without it (pages that call them say so instead). */
  methods: z.array(z.string()),
})
export type MissingApi = z.infer<typeof MissingApi>

export const AppInfo = z.object({
  version: z.string(),
  /** The connection the call went to: "local" (the embedded cluster) or a saved connection's name. */
  connection: z.string(),
  /** Whether the cluster has the embedded cluster's lab (faults, replica internals, controller events, demo clients). */
  lab: z.boolean(),
  clusterId: z.string(),
  bootstrapServers: z.string(),
  /** APIs the console uses that this cluster does not serve (in a version the console speaks), and what they are for. */
  unsupported: z.array(MissingApi),
})
export type AppInfo = z.infer<typeof AppInfo>

export const ProducedRecord = z.object({
  partition: z.number(),
  offset: z.number(),
  timestamp: z.number(),
  /** With idempotence: the producer id and the record's sequence number in its partition. */
  producerId: z.number().optional(),
  sequence: z.number().optional(),
})
export type ProducedRecord = z.infer<typeof ProducedRecord>

/** Why a worker died, as plain data for events, the snapshot and the log. */
export const WorkerDeath = z.object({
  /** The uncaught error; null when the thread exited without one (e.g. process.exit). */
  error: z.object({ name: z.string(), message: z.string(), stack: z.string().nullable() }).nullable(),
  exitCode: z.number(),
  timestamp: z.number(),
})
export type WorkerDeath = z.infer<typeof WorkerDeath>

/** A broker's traffic since its thread started, named after Kafka's BrokerTopicMetrics (docs/metrics.md). */
export const BrokerTrafficTotals = z.object({
  /** When these counters started at 0 (the broker thread's start): a new value means a restart. */
  since: z.number(),
  /** MessagesInPerSec: records appended by produce requests to partitions this broker leads. */
  messagesIn: z.number(),
  /** BytesInPerSec: bytes of those produce requests' record batches. */
  bytesIn: z.number(),
  /** Brokerlab's addition: records returned to consumer fetches (not to followers). */
  messagesOut: z.number(),
  /** BytesOutPerSec: record bytes returned to consumer fetches. */
  bytesOut: z.number(),
  /** ReplicationBytesInPerSec: record bytes this broker appended as a follower. */
  replicationBytesIn: z.number(),
  /** ReplicationBytesOutPerSec: record bytes returned to followers' fetches. */
  replicationBytesOut: z.number(),
})
export type BrokerTrafficTotals = z.infer<typeof BrokerTrafficTotals>

/**
 * 'crashed' is a crash the operator caused; 'died' is a thread that ended unasked (a bug).
 * 'offline' is for clusters other than the embedded one: a replica's broker that Metadata does not list.
 */
export const BrokerStatus = z.enum(['running', 'stopped', 'crashed', 'paused', 'died', 'offline'])
export type BrokerStatus = z.infer<typeof BrokerStatus>

export const BrokerSnapshot = z.object({
  id: z.number(),
  status: BrokerStatus,
  /** Its latest unasked death (the error, exit code and time), kept after a restart; null if none. */
  lastDeath: WorkerDeath.nullable(),
  /** host:port of its Kafka listener (kept across restarts); null before it first started. */
  listener: z.string().nullable(),
  fenced: z.boolean(),
  registered: z.boolean(),
  leaderOf: z.number(),
  followerOf: z.number(),
  bytes: z.number(),
  /** Traffic counted since the broker's thread started; null when it did not answer (not running). */
  traffic: BrokerTrafficTotals.nullable(),
})
export type BrokerSnapshot = z.infer<typeof BrokerSnapshot>

export const ReplicaSnapshot = z.object({
  brokerId: z.number(),
  logEndOffset: z.number().nullable(),
  /** Offsets behind the leader's log end; null when the replica's broker is not reachable. */
  lag: z.number().nullable(),
  inSync: z.boolean(),
  offline: z.boolean(),
})
export type ReplicaSnapshot = z.infer<typeof ReplicaSnapshot>

export const PartitionSnapshot = z.object({
  topic: z.string(),
  partition: z.number(),
  leader: z.number(),
  leaderEpoch: z.number(),
  replicas: z.array(z.number()),
  isr: z.array(z.number()),
  offlineReplicas: z.array(z.number()),
  /** While a reassignment is in progress (KIP-455): the target's new replicas, still catching up, and the ones it drops. Empty otherwise. */
  addingReplicas: z.array(z.number()),
  removingReplicas: z.array(z.number()),
  logStartOffset: z.number().nullable(),
  highWatermark: z.number().nullable(),
  logEndOffset: z.number().nullable(),
  /** The leader's log size in bytes. */
  size: z.number().nullable(),
  replicaStates: z.array(ReplicaSnapshot),
})
export type PartitionSnapshot = z.infer<typeof PartitionSnapshot>

/** One line of the topic list. */
export const TopicSummary = z.object({
  name: z.string(),
  topicId: z.string(),
  /** Kafka's own topics (__consumer_offsets). */
  internal: z.boolean(),
  partitions: z.number(),
  replicationFactor: z.number(),
  /** Partitions whose ISR is smaller than their replica set. */
  underReplicated: z.number(),
  /** Partitions without a leader (-1). */
  offline: z.number(),
  /** Sum of high watermark - log start offset over the partitions whose leader answered; null when none did. */
  messages: z.number().nullable(),
  /** Sum of the partitions' high watermarks (those whose leader answered): its growth between snapshots is messages in per second. */
  endOffset: z.number().nullable(),
  /** Bytes of one copy: the leaders' logs; null when no leader answered. */
  size: z.number().nullable(),
})
export type TopicSummary = z.infer<typeof TopicSummary>

/** A topic with every partition, replica by replica. */
export const TopicDescription = z.object({ name: z.string(), topicId: z.string(), partitions: z.array(PartitionSnapshot) })
export type TopicDescription = z.infer<typeof TopicDescription>

/** Brokers and a summary line per topic: cheap enough to poll with 1,000 topics. */
export const ClusterSnapshot = z.object({
  controllerId: z.number(),
  /** The embedded cluster's metadata log offset; null for other clusters, whose metadata log a client cannot read. */
  metadataOffset: z.number().nullable(),
  brokers: z.array(BrokerSnapshot),
  topics: z.array(TopicSummary),
})
export type ClusterSnapshot = z.infer<typeof ClusterSnapshot>

export const GroupMemberView = z.object({
  memberId: z.string(),
  groupInstanceId: z.string().nullable(),
  clientId: z.string(),
  clientHost: z.string(),
  /** The consumer protocol's assignment; null for another protocol type, or before the first assignment. */
  assignment: z.array(z.object({ topic: z.string(), partitions: z.array(z.number()) })).nullable(),
})
export type GroupMemberView = z.infer<typeof GroupMemberView>

export const GroupPartitionLag = z.object({
  topic: z.string(),
  partition: z.number(),
  /**
   * committed: the group committed an offset; no-commit: a member is assigned the partition but
   * the group has no offset for it (the lag counts from the log start); topic-deleted: an offset
   * committed on a topic that no longer exists (no lag).
   */
  status: z.enum(['committed', 'no-commit', 'topic-deleted']),
  committedOffset: z.number().nullable(),
  /** The log start offset the lag counts from when there is no committed offset; null otherwise. */
  logStartOffset: z.number().nullable(),
  /** The partition's end as consumers see it (the high watermark); null when unknown or the topic is deleted. */
  logEndOffset: z.number().nullable(),
  /** The last stable offset: read_committed consumers read up to it. */
  lastStableOffset: z.number().nullable(),
  /**
   * Records, not offsets (docs/consumer-lag.md): the records a read_committed consumer would
   * still be handed from the group's position up to the LSO; transaction markers and aborted
   * transactions' records are not counted.
   */
  lag: z.number().nullable(),
  /** Kafka's tools' LAG: log end offset minus the position, every offset counted (markers too). */
  offsetLag: z.number().nullable(),
  /** False when the range was too long to read (over 10,000 offsets): `lag` is then its length in offsets up to the LSO, an upper bound. */
  lagCounted: z.boolean(),
})
export type GroupPartitionLag = z.infer<typeof GroupPartitionLag>

export const GroupSnapshot = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string().nullable(),
  protocol: z.string().nullable(),
  /** The group's generation; null where the cluster does not say (DescribeGroups carries none). */
  generation: z.number().nullable(),
  coordinator: z.number(),
  members: z.array(GroupMemberView),
  partitions: z.array(GroupPartitionLag),
  totalLag: z.number(),
})
export type GroupSnapshot = z.infer<typeof GroupSnapshot>

/** One partition's outcome of a preferred leader election (kafka-leader-election). */
export const ElectionResult = z.object({
  topic: z.string(),
  partition: z.number(),
  /** not-needed: its preferred replica leads it already (ELECTION_NOT_NEEDED). */
  outcome: z.enum(['elected', 'not-needed', 'failed']),
  errorName: z.string().nullable(),
  message: z.string().nullable(),
})
export type ElectionResult = z.infer<typeof ElectionResult>

/** A partition a broker's stop or crash would leave offline, or below its min.insync.replicas. */
export const FaultImpact = z.object({
  topic: z.string(),
  partition: z.number(),
  effect: z.enum(['offline', 'below-min-isr']),
  isr: z.array(z.number()),
  isrAfter: z.array(z.number()),
  minInsyncReplicas: z.number(),
})
export type FaultImpact = z.infer<typeof FaultImpact>

/** A partition after DeleteRecords: its new log start offset (the low watermark). */
export const PurgeResult = z.object({ partition: z.number(), logStartOffset: z.number() })
export type PurgeResult = z.infer<typeof PurgeResult>

export const LagPoint = z.object({ timestamp: z.number(), totalLag: z.number() })
export type LagPoint = z.infer<typeof LagPoint>

export const ResetPlanEntry = z.object({ topic: z.string(), partition: z.number(), currentOffset: z.number().nullable(), newOffset: z.number() })
export type ResetPlanEntry = z.infer<typeof ResetPlanEntry>

/** Bytes as the browser shows them: text when they are UTF-8, else base64. */
export const ShownBytes = z.object({ text: z.string(), encoding: z.enum(['utf8', 'base64']) })
export type ShownBytes = z.infer<typeof ShownBytes>

export const BrowsedRecord = z.object({
  partition: z.number(),
  offset: z.number(),
  timestamp: z.number(),
  key: ShownBytes.nullable(),
  value: ShownBytes.nullable(),
  headers: z.array(z.object({ key: z.string(), value: ShownBytes.nullable() })),
  /** A transaction marker (a control record), not data: its offset holds no record a consumer gets. */
  control: z.object({ type: z.enum(['COMMIT', 'ABORT']), producerId: z.number(), producerEpoch: z.number(), coordinatorEpoch: z.number() }).optional(),
  /** A record written in a transaction, and that transaction's outcome as far as the log tells ("open": no marker yet). */
  transaction: z.object({ producerId: z.number(), producerEpoch: z.number(), outcome: z.enum(['committed', 'aborted', 'open']) }).optional(),
})
export type BrowsedRecord = z.infer<typeof BrowsedRecord>

const ConfigSourceSchema = z.enum(ConfigSource)

/** Kafka's ConfigDef.Type. */
export const ConfigType = z.enum(['BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'])
export type ConfigType = z.infer<typeof ConfigType>

/** A parsed value: numbers for INT/SHORT/LONG/DOUBLE, string[] for LIST, string for the rest. */
export const ConfigValue = z.union([z.boolean(), z.number(), z.string(), z.array(z.string())])
export type ConfigValue = z.infer<typeof ConfigValue>

/** How Kafka lets a broker config change at runtime (the "Update Mode" column of Kafka's docs). */
export const DynamicUpdateMode = z.enum(['read-only', 'per-broker', 'cluster-wide'])
export type DynamicUpdateMode = z.infer<typeof DynamicUpdateMode>

export const ConfigSynonym = z.object({
  name: z.string(),
  /** null for sensitive configs. */
  value: z.string().nullable(),
  source: ConfigSourceSchema,
})
export type ConfigSynonym = z.infer<typeof ConfigSynonym>

/** One entry of a DescribeConfigs answer, plus the parsed value and the key's metadata. */
export const DescribedConfig = z.object({
  name: z.string(),
  /** As Kafka shows it (ConfigDef.convertToString); null when sensitive or unset without default. */
  value: z.string().nullable(),
  typedValue: ConfigValue.nullable(),
  source: ConfigSourceSchema,
  readOnly: z.boolean(),
  sensitive: z.boolean(),
  /** True when nothing overrides Kafka's default (IsDefault of DescribeConfigs v0). */
  isDefault: z.boolean(),
  type: ConfigType,
  documentation: z.string(),
  /** Highest precedence first, as Kafka orders them. */
  synonyms: z.array(ConfigSynonym),
  /**
   * Broker configs only: where Kafka lets it change at runtime (read-only: server.properties
   * and a restart; per-broker; cluster-wide: per broker or as the cluster default). Not on
   * the wire: the console uses it to say why a config cannot change.
   */
  dynamicUpdateMode: DynamicUpdateMode.optional(),
  /** The whole set of values it accepts, when that is a closed set (booleans, compression.type...). Not on the wire. */
  validValues: z.array(z.string()).optional(),
})
export type DescribedConfig = z.infer<typeof DescribedConfig>

export const MemberState = z.enum(['running', 'killed', 'stopped'])
export type MemberState = z.infer<typeof MemberState>

export const RunStats = z.object({
  runId: z.string(),
  groupId: z.string(),
  topic: z.string(),
  commitMode: CommitMode,
  processingDelayMs: z.number(),
  startedAt: z.number(),
  /** clientId is the member's client.id, by which the group's own member list names it. */
  members: z.array(z.object({ index: z.number(), clientId: z.string(), state: MemberState, processed: z.number() })),
  /** Distinct records processed. */
  processed: z.number(),
  /** Records processed more than once (each counted once). */
  processedTwice: z.number(),
  /** Records below the group's committed offsets that no member ever processed. */
  neverProcessed: z.number(),
  /** Consume-transform-produce runs: where each processed record is written. */
  outputTopic: z.string().nullable(),
  /** That topic as a read_committed consumer is handed it: the records it holds, and how many source records it holds more than once. */
  output: z.object({ topic: z.string(), records: z.number(), duplicates: z.number() }).nullable(),
})
export type RunStats = z.infer<typeof RunStats>

export const ProducerStats = z.object({
  producerId: z.string(),
  /** What it was started with, less the bootstrap servers. */
  options: DemoProducerOptions,
  startedAt: z.number(),
  sent: z.number(),
  acked: z.number(),
  failed: z.number(),
  /** Why the latest failed send failed; null while none has. */
  lastError: z.string().nullable(),
  /** Acknowledged records per second, one point a second. */
  throughput: z.array(z.object({ timestamp: z.number(), perSec: z.number() })),
  /** Send-to-ack latency of the sends acknowledged in each second, one point a second. */
  latency: z.array(z.object({ timestamp: z.number(), p50: z.number(), p99: z.number() })),
  /** Over the last 1000 acknowledged sends. */
  latencyMs: z.object({ p50: z.number(), p99: z.number() }),
})
export type ProducerStats = z.infer<typeof ProducerStats>

