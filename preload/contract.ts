// The one contract between the console (renderer) and the app (main): every method, with the
// schema of its request and of its response, and the events main pushes. Every type is
// inferred from a schema (preload/schemas/), so none is written twice; main, the preload and
// the renderer all import their types from here, and this module imports nothing of theirs.
// Main validates every request with parseRequest where it enters.
import { z } from 'zod'
import {
  AppInfo,
  BrokerId,
  BrowseFrom,
  BrowsedRecord,
  ClusterSnapshot,
  DemoConsumersRequest,
  DemoProducerOptions,
  DescribedConfig,
  ElectionResult,
  FaultImpact,
  PurgeResult,
  GroupId,
  GroupSnapshot,
  LagPoint,
  LinkFault,
  ProducedRecord,
  ProducerStats,
  ResetPlanEntry,
  ResetTarget,
  RunStats,
  TopicDescription,
  TopicName,
  Acks,
} from './schemas/data'
import { ClusterEvent } from './schemas/events'
import { ConnectionName, ConnectionProfile, ConnectionSettings, ConnectionStatus, ConnectionTestResult } from './schemas/connections'
import { MAX_REPLICATION_FACTOR, MAX_TOPIC_PARTITIONS } from './schemas/rules'
import { BrowsePage, BrowsePageRequest, ReplayRequest, ReplayResult, ScanId, ScanRequest, ScanStatus, ScanStatusRequest } from './schemas/browse'
import { SCHEMA_METHODS } from './schemas/schemaRegistry'
import { BrokerLogCleanerState, CompactionExperimentRequest, CompactionExperimentResult, LogCleanerStateRequest, LogCleanerWakeRequest } from './schemas/logCleaner'
import { ExperimentRun, ExperimentRunId, ExperimentRunSummary, ReadyMadeExperiment, SpecCheck } from './schemas/experiments'
import {
  AbortTransactionRequest,
  AbortTransactionResult,
  BeginTransactionRequest,
  EndTransactionRequest,
  ManualTransaction,
  SendInTransactionRequest,
  TransactionsOverview,
} from './schemas/transactions'

export * from './schemas/rules'
export * from './schemas/data'
export * from './schemas/events'
export * from './schemas/connections'
export * from './schemas/browse'
export * from './schemas/logCleaner'
export * from './schemas/experiments'
export * from './schemas/transactions'
export * from './schemas/schemaRegistry'

const empty = z.object({}).strict()
const brokerRequest = z.object({ brokerId: BrokerId }).strict()
const runMember = z.object({ runId: z.string().min(1).max(64), member: z.number().int().nonnegative().max(63) }).strict()
const done = z.null()
const method = <Q extends z.ZodType, R extends z.ZodType>(request: Q, response: R) => ({ request, response })

/** Every method by its `domain:verb` name: the schema of its request and of its response. */
export const METHODS = {
  'app:info': method(empty, AppInfo),
  /** ApiVersions then Metadata at a cluster the console is not connected to, naming what failed. */
  'connection:test': method(ConnectionSettings, ConnectionTestResult),
  /** Saved connections, without their secrets (whether a password or key is stored, never its value). */
  'connection:list': method(empty, z.array(ConnectionProfile)),
  /** Adds or replaces a saved connection; its secrets are stored sealed. */
  'connection:save': method(z.object({ name: ConnectionName, settings: ConnectionSettings }).strict(), done),
  'connection:delete': method(z.object({ name: ConnectionName }).strict(), done),
  /** connection:test with a saved connection's settings and secrets. */
  'connection:testSaved': method(z.object({ name: ConnectionName }).strict(), ConnectionTestResult),
  /** The embedded cluster and every saved connection, with whether each is open and reachable. */
  'connection:status': method(empty, z.array(ConnectionStatus)),
  /** Brokers and a summary line per topic: cheap enough to poll with 1,000 topics. */
  'cluster:snapshot': method(empty, ClusterSnapshot),
  /** One topic's partitions, replica by replica. */
  'topic:describe': method(z.object({ name: TopicName }).strict(), TopicDescription),
  'topic:create': method(
    z
      .object({
        name: TopicName,
        partitions: z.number().int().min(1).max(MAX_TOPIC_PARTITIONS).optional(),
        replicationFactor: z.number().int().min(1).max(MAX_REPLICATION_FACTOR).optional(),
        configs: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    z.object({ name: z.string(), topicId: z.string() }),
  ),
  'topic:delete': method(z.object({ name: TopicName }).strict(), done),
  'topic:addPartitions': method(z.object({ name: TopicName, count: z.number().int().min(1).max(MAX_TOPIC_PARTITIONS) }).strict(), done),
  /** Partition reassignment (kafka-reassign-partitions --execute): new replicas per partition, null to cancel. */
  'topic:reassign': method(
    z
      .object({
        name: TopicName,
        partitions: z
          .array(z.object({ partition: z.number().int().nonnegative(), replicas: z.array(BrokerId).min(1).max(MAX_REPLICATION_FACTOR).nullable() }).strict())
          .min(1)
          .max(MAX_TOPIC_PARTITIONS),
      })
      .strict(),
    done,
  ),
  /** Preferred leader election (kafka-leader-election --election-type PREFERRED) of one topic, or of every partition. */
  'cluster:electLeaders': method(z.object({ topic: TopicName.optional() }).strict(), z.array(ElectionResult)),
  /** DeleteRecords: a topic's (or one partition's) records below `offset` go; without an offset, all of them (up to the high watermark). */
  'topic:purge': method(z.object({ name: TopicName, partition: z.number().int().nonnegative().optional(), offset: z.number().int().nonnegative().optional() }).strict(), z.array(PurgeResult)),
  /** configs: name -> new value, or null to delete the override (revert to the inherited value). */
  'config:alter': method(
    z
      .object({ topic: TopicName.optional(), broker: z.union([BrokerId, z.literal('')]).optional(), configs: z.record(z.string(), z.string().nullable()), validateOnly: z.boolean().optional() })
      .strict()
      .refine((r) => (r.topic === undefined) !== (r.broker === undefined), { message: 'name exactly one of topic or broker', path: ['topic'] }),
    done,
  ),
  'broker:stop': method(brokerRequest, done),
  'broker:crash': method(brokerRequest, done),
  'broker:restart': method(brokerRequest, done),
  'broker:pause': method(brokerRequest, done),
  'broker:resume': method(brokerRequest, done),
  /** Before a stop or crash: the partitions it would leave offline or below min.insync.replicas. */
  'broker:impact': method(brokerRequest, z.array(FaultImpact)),
  /** The embedded cluster's retention passes: each running broker's log.retention.check.interval.ms and its last pass. */
  'broker:retentionStatus': method(empty, z.array(z.object({ brokerId: z.number(), intervalMs: z.number(), lastCheckAt: z.number().nullable() }))),
  /** Runs a retention pass on every running broker now, instead of at the next interval: what each deleted. */
  'broker:checkRetention': method(empty, z.array(z.object({ brokerId: z.number(), deletedSegments: z.number(), deletedBytes: z.number() }))),
  'link:setFault': method(z.object({ a: BrokerId, b: z.union([BrokerId, z.literal('controller')]), fault: LinkFault }).strict(), done),
  'link:healAll': method(empty, done),
  'message:produce': method(
    z
      .object({
        topic: TopicName,
        /** Absent: Kafka's built-in partitioner (murmur2 of the key, or a sticky partition without one). */
        partition: z.number().int().nonnegative().optional(),
        key: z.string().nullable().optional(),
        value: z.string().nullable(),
        headers: z.record(z.string(), z.string()).optional(),
        acks: Acks.optional(),
        /** enable.idempotence: a producer id and sequence numbers; needs acks=all, as in Kafka. */
        idempotent: z.boolean().optional(),
      })
      .strict()
      // The Java producer's ConfigException for enable.idempotence=true with acks other than all.
      .refine((r) => !r.idempotent || (r.acks ?? -1) === -1, {
        message: 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
        path: ['acks'],
      }),
    ProducedRecord.nullable(),
  ),
  'group:list': method(empty, z.array(GroupSnapshot)),
  'group:lagHistory': method(z.object({ groupId: GroupId }).strict(), z.array(LagPoint)),
  /** Without a topic: every topic the group has offsets on (kafka-consumer-groups --all-topics). */
  'group:resetOffsets': method(
    z
      .object({ groupId: GroupId, topic: TopicName.optional(), target: ResetTarget, partitions: z.array(z.number().int().nonnegative()).optional(), dryRun: z.boolean().optional() })
      .strict()
      .refine((r) => r.topic !== undefined || r.partitions === undefined, { message: 'name the topic the partitions belong to', path: ['partitions'] }),
    z.array(ResetPlanEntry),
  ),
  'group:delete': method(z.object({ groupId: GroupId }).strict(), done),
  /** OffsetDelete: the group's committed offsets on one topic go (kafka-consumer-groups --delete-offsets). */
  'group:deleteOffsets': method(z.object({ groupId: GroupId, topic: TopicName }).strict(), done),
  'events:recent': method(z.object({ limit: z.number().int().min(1).max(5000).optional() }).strict(), z.array(ClusterEvent)),
  'config:describeTopic': method(z.object({ name: TopicName }).strict(), z.array(DescribedConfig)),
  'config:describeBroker': method(z.object({ brokerId: z.union([BrokerId, z.literal('')]) }).strict(), z.array(DescribedConfig)),
  'message:browse': method(
    z.object({ topic: TopicName, partition: z.number().int().nonnegative().optional(), from: BrowseFrom, limit: z.number().int().min(1).max(1000) }).strict(),
    z.array(BrowsedRecord),
  ),
  /** A page as a merged, timestamp-ordered cursor reads it, with the cursors of the older and newer pages. */
  'message:page': method(BrowsePageRequest, BrowsePage),
  /** Starts reading a bounded range on the server, through a CEL filter when given; poll its status. */
  'message:scanStart': method(ScanRequest, ScanStatus),
  'message:scanStatus': method(ScanStatusRequest, ScanStatus),
  'message:scanStop': method(z.object({ scanId: ScanId }).strict(), ScanStatus),
  /** Re-produces records, read again on the server, to a topic through the console's producer. */
  'message:replay': method(ReplayRequest, ReplayResult),
  /** Demo consumers: a run of N kafkajs members in one group, with processed / twice / never counters. */
  'demo:startConsumers': method(DemoConsumersRequest, RunStats),
  'demo:consumerRuns': method(empty, z.array(RunStats)),
  /** Kills the member's thread dead (no LeaveGroup, no commit), mid-batch when it has one within 3 s. */
  'demo:killMember': method(runMember, RunStats),
  'demo:restartMember': method(runMember, RunStats),
  /** The members leave the group; answers the final counters. */
  'demo:stopConsumers': method(z.object({ runId: z.string().min(1).max(64) }).strict(), RunStats),
  /** The load generator: a kafkajs producer at a steady rate. enable.idempotence requires acks=all, as in Kafka's producer. */
  'demo:startProducer': method(
    DemoProducerOptions.refine((r) => !r.idempotent || r.acks === -1, { message: 'an idempotent producer needs acks=all (-1)', path: ['acks'] }),
    ProducerStats,
  ),
  'demo:producers': method(empty, z.array(ProducerStats)),
  'demo:stopProducer': method(z.object({ producerId: z.string().min(1).max(64) }).strict(), ProducerStats),
  /** Lab only: each running broker's log cleaner (Kafka's cleaner metrics) and its compacted logs' dirty ratios, rounds and segments. */
  'logCleaner:state': method(LogCleanerStateRequest, z.array(BrokerLogCleanerState)),
  /** Lab only: the cleaners of every running broker (or one) end their log.cleaner.backoff.ms and look for a log to clean now. */
  'logCleaner:wake': method(LogCleanerWakeRequest, z.null()),
  /** Lab only: produces keyed updates and tombstones to one partition of a compacted topic, for its Compaction panel. */
  'logCleaner:experiment': method(CompactionExperimentRequest, CompactionExperimentResult),
  // ---- experiments (issue 19): each run brings its own fresh embedded clusters, so these
  // need no connection; the spec travels as JSON text and main names its bad fields.
  /** The ready-made experiments under resources/experiments, one per claim. */
  'experiment:readyMade': method(empty, z.array(ReadyMadeExperiment)),
  'experiment:validate': method(z.object({ spec: z.string().max(200_000) }).strict(), SpecCheck),
  /** Starts a run in the background (one at a time); poll experiment:get for its progress and result. */
  'experiment:start': method(z.object({ spec: z.string().max(200_000) }).strict(), ExperimentRunSummary),
  'experiment:list': method(empty, z.array(ExperimentRunSummary)),
  'experiment:get': method(z.object({ id: ExperimentRunId }).strict(), ExperimentRun),
  'experiment:delete': method(z.object({ id: ExperimentRunId }).strict(), done),
  /** The run as JSON (spec, results and every history) or as a Markdown report. */
  'experiment:export': method(z.object({ id: ExperimentRunId, format: z.enum(['json', 'markdown']) }).strict(), z.object({ fileName: z.string(), content: z.string() })),
  /** Every transactional id with its state (ListTransactions, DescribeTransactions), the partitions whose LSO stands behind the high watermark, and the hanging transactions among theirs. */
  'transaction:list': method(empty, TransactionsOverview),
  /** kafka-transactions --abort: an ABORT marker for a producer's open transaction in one partition (WriteTxnMarkers to its leader). */
  'transaction:abort': method(AbortTransactionRequest, AbortTransactionResult),
  /** A transaction by hand (Produce page): InitProducerId with the transactional id; records then go in one by one until it is committed or aborted. */
  'producer:beginTransaction': method(BeginTransactionRequest, ManualTransaction),
  'producer:sendInTransaction': method(SendInTransactionRequest, ManualTransaction),
  /** EndTxn: commit (true) or abort (false). */
  'producer:endTransaction': method(EndTransactionRequest, ManualTransaction),
  /** The transactions begun here: open ones first, then the latest ended ones with their outcome. */
  'producer:transactions': method(empty, z.array(ManualTransaction)),
  /** The connection's schema registry (issue 17): preload/schemas/schemaRegistry.ts. */
  ...SCHEMA_METHODS,
}

export type MethodName = keyof typeof METHODS
export type RequestOf<M extends MethodName> = z.infer<(typeof METHODS)[M]['request']>
export type ResponseOf<M extends MethodName> = z.infer<(typeof METHODS)[M]['response']>

/**
 * What main pushes to every console: the clusters' event streams. An event of a connection
 * other than the embedded cluster names it in `connection`; the console shows the events of
 * the connection it looks at.
 */
export type ContractEvent = ClusterEvent & { connection?: string }

/** An error as it crosses the contract: what went wrong, Kafka's error name when there is one. */
export interface ContractError {
  kind: 'unknown-method' | 'invalid-request' | 'kafka' | 'internal'
  message: string
  errorName?: string
  /** For validation errors: the path of the offending field, e.g. "partitions". */
  field?: string
}

/** How every call's outcome travels from main to a console (IPC, HTTP and WebSocket alike). */
export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ContractError }

/** A request main refused before running it: the error names the method and the field. */
export class ContractValidationError extends Error {
  constructor(readonly detail: ContractError) {
    super(detail.message)
    this.name = 'ContractValidationError'
  }
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(METHODS, name)
}

/** The request, checked against its method's schema: throws a ContractValidationError naming the method and the field. */
export function parseRequest(method: unknown, request: unknown): { method: MethodName; request: unknown } {
  if (!isMethodName(method)) throw new ContractValidationError({ kind: 'unknown-method', message: `Unknown method ${JSON.stringify(method)}` })
  const parsed = METHODS[method].request.safeParse(request ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.join('.') || undefined
    throw new ContractValidationError({ kind: 'invalid-request', message: `${method}: ${field ? `${field}: ` : ''}${issue.message}`, field })
  }
  return { method, request: parsed.data }
}

/** The API the preload exposes as window.brokerlab (and the WebSocket client mirrors). */
export interface BrokerlabApi {
  version: string
  /** `connection` names the cluster the call is for: "local" (the default) or a saved connection. */
  call<M extends MethodName>(method: M, request: RequestOf<M>, connection?: string): Promise<ResponseOf<M>>
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: ContractEvent) => void): () => void
}
