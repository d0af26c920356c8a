// Every config Brokerlab supports, with Kafka 4.x (KRaft) names, types, defaults, validators
// and update modes, taken from ServerLogConfigs, LogConfig, ReplicationConfigs, KRaftConfigs,
// GroupCoordinatorConfig and DynamicBrokerConfig. Deliberate deviations are marked DEVIATION
// and listed in docs/configs.md.

import type {
  BrokerConfigKey,
  BrokerSynonym,
  ConfigScope,
  ConfigType,
  ConfigUnit,
  ConfigValue,
  DynamicUpdateMode,
  TopicConfigKey,
  Validator,
} from './types'

/** Java's Long.MAX_VALUE as the nearest double; formatted back as 9223372036854775807. */
export const LONG_MAX_VALUE = 2 ** 63
export const INT_MAX_VALUE = 2147483647

const MS_PER_MINUTE = 60_000
const MS_PER_HOUR = 3_600_000

/** Kafka's max.decompressed.message.bytes default and maximum: the largest array a JVM allocates. */
export const MAX_DECOMPRESSED_MESSAGE_BYTES = 2147483639

const MAX_DECOMPRESSED_DOC =
  'The maximum decompressed size, in bytes, of a single record the broker will accept; larger records are rejected with an <code>InvalidRecordException</code>. It is enforced where the broker decompresses records: produce validation of compressed batches, log compaction, and offset lookups by timestamp or max timestamp against the local log or remote storage. Unlike <code>max.message.bytes</code>, which bounds the compressed batch on the wire, this bounds the decompressed size of an individual record. Lowering it below the size of already-stored records makes compaction and timestamp offset lookups of affected partitions fail until it is raised again. The default imposes no limit beyond the largest record the broker could allocate anyway; set a smaller value to enforce a per-record cap.'

/** RemoteLogManagerConfig's and LogConfig's docs of (log.)remote.copy.lag.ms / .bytes, which differ only in names. */
function remoteCopyLagDoc(prefix: string, check: 'time' | 'size', unit: 'ms' | 'bytes'): string {
  const [other, local, eligible, since] =
    check === 'time'
      ? [`${prefix}remote.copy.lag.bytes`, `${prefix}local.retention.ms`, 'time-eligible', 'elapsed time since its latest record reaches this value']
      : [`${prefix}remote.copy.lag.ms`, `${prefix}local.retention.bytes`, 'size-eligible', 'bytes of newer local log data after that segment reaches this value']
  return `Controls one of the two upload eligibility checks (time and size) for copying segments to remote storage. A non-active segment is upload-eligible when either this ${check}-based check or <code>${other}</code> is satisfied. When set to 0, uploads are immediately eligible regardless of lag checks. When set to a positive value (${unit}), the segment is ${eligible} once ${since}. When set to -1, this value is derived from effective local retention ${check} (<code>${local}</code>). If that effective local retention ${check} is unlimited (-1), this ${check}-based check is not applied. A positive value should not exceed effective local retention ${check} unless local retention is unlimited (-1).`
}

/** BrokerCompressionType names, in Kafka's enum order. */
export const BROKER_COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const
export const CLEANUP_POLICIES = ['compact', 'delete'] as const
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const

const atLeast = (min: number): Validator => ({ kind: 'atLeast', min })
const oneOf = (...values: string[]): Validator => ({ kind: 'in', values })
const listOf = (...values: string[]): Validator => ({ kind: 'listIn', values })

/** The topic config a broker config is the default for, where its rules differ from the broker's. */
interface TopicSpec {
  name: string
  /** When Kafka's topic doc differs from the broker's. */
  documentation?: string
  /** LogConfig's own default, used only when no broker value exists (DEFAULT_LOG_CONFIG, docs). */
  defaultValue?: ConfigValue
  /** Replaces the broker's validator; null drops it. */
  validator?: Validator | null
  /** Any negative broker value means unlimited and shows as -1 (KafkaConfig.logRetentionTimeMillis). */
  negativeMeansUnlimited?: true
}

interface BrokerSpec {
  validator?: Validator
  unit?: ConfigUnit
  mode?: DynamicUpdateMode
  topic?: TopicSpec
  /** A secondary broker name for the same setting (log.retention.hours for log.retention.ms). */
  synonymOf?: BrokerSynonym
  doc: string
}

interface BrokerDefinition extends BrokerConfigKey {
  topic?: TopicSpec
  synonymOf?: BrokerSynonym
}

function define(name: string, type: ConfigType, defaultValue: ConfigValue | null, spec: BrokerSpec): BrokerDefinition {
  return {
    name,
    scope: 'broker',
    type,
    defaultValue,
    validator: spec.validator,
    unit: spec.unit,
    documentation: spec.doc,
    sensitive: type === 'PASSWORD',
    dynamicUpdateMode: spec.mode ?? 'read-only',
    topicConfig: spec.topic?.name,
    topic: spec.topic,
    synonymOf: spec.synonymOf,
  }
}

const DEFINITIONS: readonly BrokerDefinition[] = [
  // Node identity (KRaftConfigs, ServerConfigs)
  define('node.id', 'INT', -1, {
    doc: 'The node ID associated with the roles this process is playing. Required in KRaft mode.',
  }),
  define('broker.rack', 'STRING', null, {
    doc: 'Rack of the broker, used in rack aware replica assignment for fault tolerance. Examples: RACK1, us-east-1d.',
  }),

  // Topic creation and deletion
  define('num.partitions', 'INT', 1, {
    validator: atLeast(1),
    doc: 'The default number of log partitions per topic.',
  }),
  define('default.replication.factor', 'INT', 1, {
    doc: 'The replication factor for automatically created topics, and for topics created with -1 as the replication factor.',
  }),
  define('auto.create.topics.enable', 'BOOLEAN', true, {
    doc: 'Enable auto creation of topic on the server.',
  }),
  define('delete.topic.enable', 'BOOLEAN', true, {
    doc: 'Enables delete topic. Delete topic through the admin tool will have no effect if this config is turned off.',
  }),

  // Durability and leadership
  define('min.insync.replicas', 'INT', 1, {
    validator: atLeast(1),
    mode: 'cluster-wide',
    doc: 'When a producer sets acks to "all" (or "-1"), the minimum number of replicas that must acknowledge a write for it to succeed (else NotEnoughReplicas).',
    topic: { name: 'min.insync.replicas' },
  }),
  define('unclean.leader.election.enable', 'BOOLEAN', false, {
    mode: 'cluster-wide',
    doc: 'Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss.',
    topic: { name: 'unclean.leader.election.enable' },
  }),
  define('auto.leader.rebalance.enable', 'BOOLEAN', true, {
    doc: 'Enables auto leader balancing: the controller periodically moves leadership back to preferred replicas when leader imbalance exceeds leader.imbalance.per.broker.percentage.',
  }),
  define('leader.imbalance.check.interval.seconds', 'LONG', 300, {
    validator: atLeast(1),
    unit: 'seconds',
    doc: 'The frequency with which the partition rebalance check is triggered by the controller.',
  }),
  define('leader.imbalance.per.broker.percentage', 'INT', 10, {
    doc: 'The ratio of leader imbalance allowed per broker, in percent. The controller triggers a leader balance above it.',
  }),

  // Retention: log.retention.ms > log.retention.minutes > log.retention.hours (KafkaConfig.logRetentionTimeMillis)
  define('log.retention.ms', 'LONG', null, {
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The number of milliseconds to keep a log file before deleting it. If not set, the value in log.retention.minutes is used. If set to -1, no time limit is applied.',
    topic: {
      name: 'retention.ms',
      defaultValue: 7 * 24 * MS_PER_HOUR,
      validator: atLeast(-1),
      negativeMeansUnlimited: true,
      documentation: 'The maximum time a partition retains a log segment before deleting it, with the "delete" cleanup policy. If set to -1, no time limit is applied.',
    },
  }),
  define('log.retention.minutes', 'INT', null, {
    unit: 'minutes',
    synonymOf: { name: 'log.retention.ms', factor: MS_PER_MINUTE },
    doc: 'The number of minutes to keep a log file before deleting it, secondary to log.retention.ms. If not set, the value in log.retention.hours is used.',
  }),
  define('log.retention.hours', 'INT', 168, {
    unit: 'hours',
    synonymOf: { name: 'log.retention.ms', factor: MS_PER_HOUR },
    doc: 'The number of hours to keep a log file before deleting it, tertiary to log.retention.ms.',
  }),
  define('log.retention.bytes', 'LONG', -1, {
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'The maximum size of the log before deleting it.',
    topic: {
      name: 'retention.bytes',
      documentation: 'The maximum size a partition can grow to before old closed segments are deleted, with the "delete" cleanup policy. Per partition; -1 means no size limit.',
    },
  }),
  define('log.retention.check.interval.ms', 'LONG', 300_000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion.',
  }),
  define('log.cleanup.policy', 'LIST', ['delete'], {
    validator: listOf(...CLEANUP_POLICIES),
    mode: 'cluster-wide',
    doc: 'The default cleanup policy for segments beyond the retention window. A comma separated list of valid policies.',
    topic: {
      name: 'cleanup.policy',
      documentation: 'A list of "delete" and/or "compact": the retention policy to use on old log segments.',
    },
  }),

  // Log cleaner (CleanerConfig; the topic synonyms as LogConfig defines them)
  define('log.cleaner.enable', 'BOOLEAN', true, {
    doc: 'Enable the log cleaner process to run on the server. Should be enabled if using any topics with a cleanup.policy=compact including the internal offsets topic. If disabled those topics will not be compacted and continually grow in size.',
  }),
  define('log.cleaner.threads', 'INT', 1, {
    validator: atLeast(0),
    mode: 'cluster-wide',
    // DEVIATION: the cleaners of a broker are concurrent tasks on its worker thread, not threads.
    doc: 'The number of background threads to use for log cleaning. In Brokerlab, the number of logs a broker cleans at once, as tasks on its worker thread.',
  }),
  define('log.cleaner.io.max.bytes.per.second', 'DOUBLE', Number.MAX_VALUE, {
    mode: 'cluster-wide',
    doc: 'The log cleaner will be throttled so that the sum of its read and write i/o will be less than this value on average',
  }),
  define('log.cleaner.dedupe.buffer.size', 'LONG', 128 * 1024 * 1024, {
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'The total memory used for log deduplication across all cleaner threads',
  }),
  define('log.cleaner.io.buffer.size', 'INT', 512 * 1024, {
    validator: atLeast(0),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'The total memory used for log cleaner I/O buffers across all cleaner threads',
  }),
  define('log.cleaner.io.buffer.load.factor', 'DOUBLE', 0.9, {
    mode: 'cluster-wide',
    doc: 'Log cleaner dedupe buffer load factor. The percentage full the dedupe buffer can become. A higher value will allow more log to be cleaned at once but will lead to more hash collisions',
  }),
  define('log.cleaner.backoff.ms', 'LONG', 15_000, {
    validator: atLeast(0),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The amount of time to sleep when there are no logs to clean',
  }),
  define('log.cleaner.min.cleanable.ratio', 'DOUBLE', 0.5, {
    validator: { kind: 'between', min: 0, max: 1 },
    mode: 'cluster-wide',
    doc: 'The minimum ratio of dirty log to total log for a log to eligible for cleaning. If the log.cleaner.max.compaction.lag.ms or the log.cleaner.min.compaction.lag.ms configurations are also specified, then the log compactor considers the log eligible for compaction as soon as either: (i) the dirty ratio threshold has been met and the log has had dirty (uncompacted) records for at least the log.cleaner.min.compaction.lag.ms duration, or (ii) if the log has had dirty (uncompacted) records for at most the log.cleaner.max.compaction.lag.ms period.',
    topic: {
      name: 'min.cleanable.dirty.ratio',
      documentation: 'This configuration controls how frequently the log compactor will attempt to clean the log (assuming log compaction is enabled): a log is not compacted while the ratio of its dirty (uncompacted) bytes to its total bytes is at or below this ratio, unless max.compaction.lag.ms forces it.',
    },
  }),
  define('log.cleaner.delete.retention.ms', 'LONG', 24 * MS_PER_HOUR, {
    validator: atLeast(0),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The amount of time to retain tombstone message markers for log compacted topics. This setting also gives a bound on the time in which a consumer must complete a read if they begin from offset 0 to ensure that they get a valid snapshot of the final stage (otherwise tombstones messages may be collected before a consumer completes their scan).',
    topic: {
      name: 'delete.retention.ms',
      documentation: 'The amount of time to retain delete tombstone markers for log compacted topics, counted from the cleaning that first saw them (their batch\'s delete horizon).',
    },
  }),
  define('log.cleaner.min.compaction.lag.ms', 'LONG', 0, {
    validator: atLeast(0),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted.',
    topic: { name: 'min.compaction.lag.ms' },
  }),
  define('log.cleaner.max.compaction.lag.ms', 'LONG', LONG_MAX_VALUE, {
    validator: atLeast(1),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted.',
    topic: { name: 'max.compaction.lag.ms' },
  }),

  // Segments and indexes
  define('log.segment.bytes', 'INT', 1024 * 1024 * 1024, {
    // DEVIATION: Kafka 4.x requires at least 1048576; Brokerlab keeps Kafka 3.x's floor of 14
    // (LegacyRecord.RECORD_OVERHEAD_V0) so tiny segments make retention visible.
    validator: atLeast(14),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'The maximum size of a single log file.',
    topic: {
      name: 'segment.bytes',
      documentation: 'The segment file size for the log. Retention and cleaning is always done a file at a time, so a larger segment size means fewer files but less granular control over retention.',
    },
  }),
  define('log.roll.ms', 'LONG', null, {
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The maximum time before a new log segment is rolled out (in milliseconds). If not set, the value in log.roll.hours is used.',
    topic: {
      name: 'segment.ms',
      defaultValue: 7 * 24 * MS_PER_HOUR,
      validator: atLeast(1),
      documentation: "The period of time after which Kafka will force the log to roll even if the segment file isn't full, so that retention can delete or compact old data.",
    },
  }),
  define('log.roll.hours', 'INT', 168, {
    validator: atLeast(1),
    unit: 'hours',
    synonymOf: { name: 'log.roll.ms', factor: MS_PER_HOUR },
    doc: 'The maximum time before a new log segment is rolled out (in hours), secondary to log.roll.ms.',
  }),
  define('log.index.interval.bytes', 'INT', 4096, {
    validator: atLeast(0),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'The interval with which we add an entry to the offset index.',
    topic: {
      name: 'index.interval.bytes',
      documentation: 'How frequently Kafka adds an entry to its offset index: roughly every this many bytes.',
    },
  }),
  define('log.index.size.max.bytes', 'INT', 10 * 1024 * 1024, {
    validator: atLeast(4),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'The maximum size in bytes of the offset index.',
    topic: {
      name: 'segment.index.bytes',
      documentation: 'The size of the index that maps offsets to file positions. You generally should not need to change this.',
    },
  }),
  define('log.segment.delete.delay.ms', 'LONG', 60_000, {
    validator: atLeast(0),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The amount of time to wait before deleting a file from the filesystem.',
    topic: {
      name: 'file.delete.delay.ms',
      documentation: 'The time to wait before deleting a file from the filesystem.',
    },
  }),

  // Records
  define('message.max.bytes', 'INT', 1024 * 1024 + 12, {
    validator: atLeast(0),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'The largest record batch size allowed by Kafka (after compression if compression is enabled).',
    topic: { name: 'max.message.bytes' },
  }),
  define('compression.type', 'STRING', 'producer', {
    validator: oneOf(...BROKER_COMPRESSION_TYPES),
    mode: 'cluster-wide',
    doc: "Specify the final compression type for a given topic: 'gzip', 'snappy', 'lz4', 'zstd', 'uncompressed', or 'producer' to retain the producer's codec.",
    topic: { name: 'compression.type' },
  }),
  define('log.message.timestamp.type', 'STRING', 'CreateTime', {
    validator: oneOf(...TIMESTAMP_TYPES),
    mode: 'cluster-wide',
    doc: 'Define whether the timestamp in the message is message create time or log append time: CreateTime or LogAppendTime.',
    topic: { name: 'message.timestamp.type' },
  }),
  define('log.message.timestamp.before.max.ms', 'LONG', LONG_MAX_VALUE, {
    validator: atLeast(0),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: "How far a CreateTime message timestamp may be earlier than the broker's clock before the message is rejected.",
    topic: { name: 'message.timestamp.before.max.ms' },
  }),
  define('log.message.timestamp.after.max.ms', 'LONG', 3_600_000, {
    validator: atLeast(0),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: "How far a CreateTime message timestamp may be later than the broker's clock before the message is rejected.",
    topic: { name: 'message.timestamp.after.max.ms' },
  }),

  // Kafka 4.x log configs added for issue 14 (ServerLogConfigs, RemoteLogManagerConfig,
  // LogConfig), in one group. What Brokerlab does with each is in docs/configs.md; DEVIATION:
  // compression.lz4.level (lz4-napi has one level), flush.ms, preallocate and the tiered storage
  // configs (local.retention.*, log.remote.copy.lag.*) are stored and described only.
  define('compression.gzip.level', 'INT', -1, {
    validator: { kind: 'betweenOr', min: 1, max: 9, or: -1 },
    mode: 'cluster-wide',
    doc: "The compression level to use if compression.type is set to 'gzip'.",
    topic: { name: 'compression.gzip.level', documentation: 'The compression level to use if compression.type is set to <code>gzip</code>.' },
  }),
  define('compression.lz4.level', 'INT', 9, {
    validator: { kind: 'between', min: 1, max: 17 },
    mode: 'cluster-wide',
    doc: "The compression level to use if compression.type is set to 'lz4'.",
    topic: { name: 'compression.lz4.level', documentation: 'The compression level to use if compression.type is set to <code>lz4</code>.' },
  }),
  define('compression.zstd.level', 'INT', 3, {
    validator: { kind: 'between', min: -131072, max: 22 },
    mode: 'cluster-wide',
    doc: "The compression level to use if compression.type is set to 'zstd'.",
    topic: { name: 'compression.zstd.level', documentation: 'The compression level to use if compression.type is set to <code>zstd</code>.' },
  }),
  define('max.decompressed.message.bytes', 'INT', MAX_DECOMPRESSED_MESSAGE_BYTES, {
    validator: { kind: 'between', min: 1, max: MAX_DECOMPRESSED_MESSAGE_BYTES },
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: `${MAX_DECOMPRESSED_DOC} This can be set per topic with the topic level <code>max.decompressed.message.bytes</code> config.`,
    topic: { name: 'max.decompressed.message.bytes', documentation: MAX_DECOMPRESSED_DOC },
  }),
  define('log.roll.jitter.ms', 'LONG', null, {
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The maximum jitter to subtract from logRollTimeMillis (in milliseconds). If not set, the value in log.roll.jitter.hours is used',
    topic: {
      name: 'segment.jitter.ms',
      defaultValue: 0,
      validator: atLeast(0),
      documentation: 'The maximum random jitter subtracted from the scheduled segment roll time to avoid thundering herds of segment rolling',
    },
  }),
  define('log.roll.jitter.hours', 'INT', 0, {
    validator: atLeast(0),
    unit: 'hours',
    synonymOf: { name: 'log.roll.jitter.ms', factor: MS_PER_HOUR },
    doc: 'The maximum jitter to subtract from logRollTimeMillis (in hours), secondary to log.roll.jitter.ms property',
  }),
  define('log.flush.interval.messages', 'LONG', LONG_MAX_VALUE, {
    validator: atLeast(1),
    mode: 'cluster-wide',
    doc: 'The number of messages accumulated on a log partition before messages are flushed to disk.',
    topic: {
      name: 'flush.messages',
      documentation:
        "This setting allows specifying an interval at which we will force an fsync of data written to the log. For example if this was set to 1 we would fsync after every message; if it were 5 we would fsync after every five messages. In general we recommend you not set this and use replication for durability and allow the operating system's background flush capabilities as it is more efficient. This setting can be overridden on a per-topic basis (see <a href=\"https://kafka.apache.org/documentation/#topicconfigs\">the per-topic configuration section</a>).",
    },
  }),
  define('log.flush.interval.ms', 'LONG', null, {
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The maximum time in ms that a message in any topic is kept in memory before flushed to disk. If not set, the value in log.flush.scheduler.interval.ms is used',
    topic: {
      name: 'flush.ms',
      defaultValue: LONG_MAX_VALUE,
      validator: atLeast(0),
      documentation:
        "This setting allows specifying a time interval at which we will force an fsync of data written to the log. For example if this was set to 1000 we would fsync after 1000 ms had passed. Note that this setting depends on the broker-level configuration <code>log.flush.scheduler.interval.ms</code>, which controls how frequently the flush check occurs. In general we recommend you not set this and use replication for durability and allow the operating system's background flush capabilities as it is more efficient.",
    },
  }),
  define('log.flush.scheduler.interval.ms', 'LONG', LONG_MAX_VALUE, {
    unit: 'ms',
    synonymOf: { name: 'log.flush.interval.ms', factor: 1 },
    doc: 'The frequency in ms that the log flusher checks whether any log needs to be flushed to disk',
  }),
  define('log.preallocate', 'BOOLEAN', false, {
    mode: 'cluster-wide',
    doc: 'Should pre allocate file when create new segment? If you are using Kafka on Windows, you probably need to set it to true.',
    topic: { name: 'preallocate', documentation: 'True if we should preallocate the file on disk when creating a new log segment.' },
  }),
  define('log.local.retention.ms', 'LONG', -2, {
    validator: atLeast(-2),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: 'The number of milliseconds to keep the local log segments before it gets eligible for deletion. Default value is -2, it represents <code>log.retention.ms</code> value is to be used. The effective value should always be less than or equal to <code>log.retention.ms</code> value.',
    topic: {
      name: 'local.retention.ms',
      documentation:
        'The number of milliseconds to keep the local log segment before it gets deleted. Default value is -2, it represents <code>retention.ms</code> value is to be used. The effective value should always be less than or equal to <code>retention.ms</code> value.',
    },
  }),
  define('log.local.retention.bytes', 'LONG', -2, {
    validator: atLeast(-2),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'The maximum size of local log segments that can grow for a partition before it gets eligible for deletion. Default value is -2, it represents <code>log.retention.bytes</code> value to be used. The effective value should always be less than or equal to <code>log.retention.bytes</code> value.',
    topic: {
      name: 'local.retention.bytes',
      documentation:
        'The maximum size of local log segments that can grow for a partition before it deletes the old segments. Default value is -2, it represents <code>retention.bytes</code> value to be used. The effective value should always be less than or equal to <code>retention.bytes</code> value.',
    },
  }),
  define('log.remote.copy.lag.ms', 'LONG', 0, {
    validator: atLeast(-1),
    unit: 'ms',
    mode: 'cluster-wide',
    doc: remoteCopyLagDoc('log.', 'time', 'ms'),
    topic: { name: 'remote.copy.lag.ms', documentation: remoteCopyLagDoc('', 'time', 'ms') },
  }),
  define('log.remote.copy.lag.bytes', 'LONG', -1, {
    validator: atLeast(-1),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: remoteCopyLagDoc('log.', 'size', 'bytes'),
    topic: { name: 'remote.copy.lag.bytes', documentation: remoteCopyLagDoc('', 'size', 'bytes') },
  }),

  // Replication (ReplicationConfigs)
  define('replica.lag.time.max.ms', 'LONG', 30_000, {
    unit: 'ms',
    doc: "If a follower hasn't sent any fetch requests or hasn't consumed up to the leader's log end offset for at least this time, the leader removes it from the ISR.",
  }),
  define('replica.fetch.wait.max.ms', 'INT', 500, {
    unit: 'ms',
    doc: 'The maximum wait time for each fetcher request issued by follower replicas. Keep it below replica.lag.time.max.ms.',
  }),
  define('replica.fetch.min.bytes', 'INT', 1, {
    unit: 'bytes',
    doc: 'Minimum bytes expected for each fetch response. If not enough bytes, wait up to replica.fetch.wait.max.ms.',
  }),
  define('replica.fetch.max.bytes', 'INT', 1024 * 1024, {
    validator: atLeast(0),
    unit: 'bytes',
    doc: 'The number of bytes of messages to attempt to fetch for each partition. Not an absolute maximum: a larger first batch is still returned.',
  }),
  define('replica.fetch.response.max.bytes', 'INT', 10 * 1024 * 1024, {
    validator: atLeast(0),
    unit: 'bytes',
    doc: 'Maximum bytes expected for the entire fetch response. Not an absolute maximum: a larger first batch is still returned.',
  }),

  // Requests (ServerConfigs, SocketServerConfigs)
  define('fetch.max.bytes', 'INT', 55 * 1024 * 1024, {
    validator: atLeast(1024),
    unit: 'bytes',
    doc: 'The maximum number of bytes we will return for a fetch request. Must be at least 1024.',
  }),
  define('socket.request.max.bytes', 'INT', 100 * 1024 * 1024, {
    validator: atLeast(1),
    unit: 'bytes',
    doc: 'The maximum number of bytes in a socket request.',
  }),

  // KRaft broker lifecycle (KRaftConfigs)
  define('broker.session.timeout.ms', 'INT', 9000, {
    unit: 'ms',
    doc: 'The length of time in milliseconds that a broker lease lasts if no heartbeats are made.',
  }),
  define('broker.heartbeat.interval.ms', 'INT', 2000, {
    unit: 'ms',
    doc: 'The length of time in milliseconds between broker heartbeats.',
  }),

  // Group coordinator (GroupCoordinatorConfig)
  define('offsets.topic.num.partitions', 'INT', 50, {
    validator: atLeast(1),
    doc: 'The number of partitions for the offset commit topic (should not change after deployment).',
  }),
  define('offsets.topic.replication.factor', 'SHORT', 3, {
    validator: atLeast(1),
    doc: 'The replication factor for the offsets topic. Internal topic creation will fail until the cluster size meets this replication factor requirement.',
  }),
  define('offsets.topic.segment.bytes', 'INT', 100 * 1024 * 1024, {
    validator: atLeast(1),
    unit: 'bytes',
    doc: 'The offsets topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads.',
  }),
  define('offsets.retention.minutes', 'INT', 7 * 24 * 60, {
    validator: atLeast(1),
    unit: 'minutes',
    doc: 'How long committed offsets of an empty group (or of a topic the group no longer subscribes to) are kept before they expire.',
  }),
  define('offsets.retention.check.interval.ms', 'LONG', 600_000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'Frequency at which to check for stale offsets.',
  }),
  define('group.initial.rebalance.delay.ms', 'INT', 3000, {
    unit: 'ms',
    doc: 'The time the group coordinator waits for more consumers to join a new group before performing the first rebalance.',
  }),
  define('group.min.session.timeout.ms', 'INT', 6000, {
    unit: 'ms',
    doc: 'The minimum allowed session timeout for registered consumers.',
  }),
  define('group.max.session.timeout.ms', 'INT', 1_800_000, {
    unit: 'ms',
    doc: 'The maximum allowed session timeout for registered consumers.',
  }),
  define('group.max.size', 'INT', INT_MAX_VALUE, {
    validator: atLeast(1),
    doc: 'The maximum number of consumers that a single consumer group can accommodate.',
  }),
  // KIP-848's consumer group protocol (GroupCoordinatorConfig's group.consumer.*).
  define('group.consumer.session.timeout.ms', 'INT', 45_000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'The timeout to detect client failures when using the consumer group protocol.',
  }),
  define('group.consumer.heartbeat.interval.ms', 'INT', 5000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'The heartbeat interval given to the members of a consumer group.',
  }),
  define('group.consumer.assignment.interval.ms', 'INT', 1000, {
    validator: atLeast(0),
    unit: 'ms',
    doc: 'The interval between assignment calculations for consumer groups (KIP-1263): a group whose members changed waits this long after its last assignment before the next.',
  }),
  define('group.consumer.max.size', 'INT', INT_MAX_VALUE, {
    validator: atLeast(1),
    doc: 'The maximum number of consumers that a single consumer group can accommodate. This value will only impact groups under the CONSUMER group protocol. To configure the max group size when using the CLASSIC group protocol use group.max.size instead.',
  }),
  define('group.consumer.assignors', 'LIST', ['uniform', 'range'], {
    doc: 'The server side assignors as a list of either names for builtin assignors or full class names for customer assignors. The first one in the list is considered as the default assignor to be used in the case where the consumer does not specify an assignor. The supported builtin assignors are: uniform, range.',
  }),
  // KIP-932's share groups (GroupCoordinatorConfig's and ShareGroupConfig's group.share.*).
  define('group.share.session.timeout.ms', 'INT', 45_000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'The timeout to detect client failures when using the share group protocol.',
  }),
  define('group.share.heartbeat.interval.ms', 'INT', 5000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'The heartbeat interval given to the members of a share group.',
  }),
  define('group.share.assignment.interval.ms', 'INT', 1000, {
    validator: atLeast(0),
    unit: 'ms',
    doc: 'The interval between assignment updates for a share group.',
  }),
  define('group.share.max.size', 'INT', 200, {
    validator: atLeast(1),
    doc: 'The maximum number of members that a single share group can accommodate.',
  }),
  define('group.share.record.lock.duration.ms', 'INT', 30_000, {
    validator: atLeast(1000),
    unit: 'ms',
    doc: 'The record acquisition lock duration in milliseconds for share groups.',
  }),
  define('group.share.delivery.count.limit', 'INT', 5, {
    validator: atLeast(2),
    doc: 'The maximum number of delivery attempts for a record delivered to a share group.',
  }),
  define('group.share.partition.max.record.locks', 'INT', 2000, {
    validator: atLeast(100),
    doc: 'Share-group record lock limit per share-partition.',
  }),
  define('group.share.max.share.sessions', 'INT', 2000, {
    validator: atLeast(1),
    doc: 'The maximum number of share sessions per broker.',
  }),

  // Transaction coordinator (TransactionStateManagerConfig, TransactionLogConfig)
  define('transaction.max.timeout.ms', 'INT', 900_000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: "The maximum allowed timeout for transactions. If a client's requested transaction time exceed this, then the broker will return an error in InitProducerIdRequest. This prevents a client from too large of a timeout, which can stall consumers reading from topics included in the transaction.",
  }),
  define('transactional.id.expiration.ms', 'INT', 604_800_000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'The time in ms that the transaction coordinator will wait without receiving any transaction status updates for the current transaction before expiring its transactional id. Transactional IDs will not expire while a the transaction is still ongoing.',
  }),
  define('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'INT', 10_000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'The interval at which to rollback transactions that have timed out.',
  }),
  define('transaction.remove.expired.transaction.cleanup.interval.ms', 'INT', 3_600_000, {
    validator: atLeast(1),
    unit: 'ms',
    doc: 'The interval at which to remove transactions that have expired due to <code>transactional.id.expiration.ms</code> passing.',
  }),
  define('transaction.partition.verification.enable', 'BOOLEAN', true, {
    mode: 'cluster-wide',
    doc: 'Enable verification that checks that the partition has been added to the transaction before writing transactional records to the partition',
  }),
  define('transaction.state.log.num.partitions', 'INT', 50, {
    validator: atLeast(1),
    doc: 'The number of partitions for the transaction topic (should not change after deployment).',
  }),
  define('transaction.state.log.replication.factor', 'SHORT', 3, {
    validator: atLeast(1),
    doc: 'The replication factor for the transaction topic (set higher to ensure availability). Internal topic creation will fail until the cluster size meets this replication factor requirement.',
  }),
  define('transaction.state.log.min.isr', 'INT', 2, {
    validator: atLeast(1),
    doc: 'The minimum number of replicas that must acknowledge a write to transaction topic in order to be considered successful.',
  }),
  define('transaction.state.log.segment.bytes', 'INT', 100 * 1024 * 1024, {
    validator: atLeast(1),
    unit: 'bytes',
    doc: 'The transaction topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads',
  }),

  // Replication throttles (DynamicConfig.Broker, QuotaConfig): stored and described so that
  // kafka-reassign-partitions can set and clear them; DEVIATION: no fetch is throttled by them.
  define('leader.replication.throttled.rate', 'LONG', LONG_MAX_VALUE, {
    validator: atLeast(0),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'A long representing the upper bound (bytes/sec) on replication traffic for leaders enumerated in the property leader.replication.throttled.replicas (for each topic). Brokerlab stores it but does not throttle.',
  }),
  define('follower.replication.throttled.rate', 'LONG', LONG_MAX_VALUE, {
    validator: atLeast(0),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'A long representing the upper bound (bytes/sec) on replication traffic for followers enumerated in the property follower.replication.throttled.replicas (for each topic). Brokerlab stores it but does not throttle.',
  }),
  define('replica.alter.log.dirs.io.max.bytes.per.second', 'LONG', LONG_MAX_VALUE, {
    validator: atLeast(0),
    unit: 'bytes',
    mode: 'cluster-wide',
    doc: 'A long representing the upper bound (bytes/sec) on disk IO used for moving replica between log directories on the same broker. Brokerlab has one log directory per broker.',
  }),

  // Security (a per-broker, sensitive config; stored and described, no TLS listener uses it yet)
  define('ssl.keystore.password', 'PASSWORD', null, {
    mode: 'per-broker',
    doc: "The store password for the key store file. Only needed if 'ssl.keystore.location' is configured.",
  }),
]

function stripDefinition({ topic: _topic, synonymOf: _synonymOf, ...key }: BrokerDefinition): BrokerConfigKey {
  return key
}

/** Broker configs in a stable, grouped order. */
export const BROKER_CONFIGS: readonly BrokerConfigKey[] = DEFINITIONS.map(stripDefinition)

function topicKey(primary: BrokerDefinition, topic: TopicSpec): TopicConfigKey {
  const secondaries = DEFINITIONS.flatMap((d) => (d.synonymOf?.name === primary.name ? [{ name: d.name, factor: d.synonymOf.factor }] : []))
  const validator = topic.validator === undefined ? primary.validator : (topic.validator ?? undefined)
  return {
    name: topic.name,
    scope: 'topic',
    type: primary.type,
    defaultValue: topic.defaultValue ?? primary.defaultValue,
    validator,
    unit: primary.unit,
    documentation: topic.documentation ?? primary.documentation,
    sensitive: primary.sensitive,
    brokerSynonyms: [{ name: primary.name, factor: 1 }, ...secondaries],
    negativeMeansUnlimited: topic.negativeMeansUnlimited,
  }
}

/** A topic config with no broker synonym (Kafka's LogConfig defines it for topics only). */
function topicOnly(name: string, type: TopicConfigKey['type'], defaultValue: ConfigValue, documentation: string): TopicConfigKey {
  return { name, scope: 'topic', type, defaultValue, documentation, sensitive: false, brokerSynonyms: [] }
}

const THROTTLED_REPLICAS_DOC = (role: string) =>
  `A list of replicas for which log replication should be throttled on the ${role} side. The list should describe a set of replicas in the form [PartitionId]:[BrokerId],[PartitionId]:[BrokerId]:... or alternatively the wildcard '*' can be used to throttle all replicas for this topic. Brokerlab stores it but does not throttle.`

const DLQ_DOC =
  'Enable this topic to be used as a dead-letter queue for share groups. When set to <code>true</code>, share groups can write undeliverable records to this topic. When set to <code>false</code> (the default), attempts to use this topic as a DLQ will be rejected.'
const REMOTE_LOG_COPY_DISABLE_DOC =
  'Determines whether tiered data for a topic should become read only, and no more data uploading on a topic. Once this config is set to true, the local retention configuration (i.e. local.retention.ms/bytes) becomes irrelevant, and all data expiration follows the topic-wide retention configuration(i.e. retention.ms/bytes).'
const REMOTE_LOG_DELETE_ON_DISABLE_DOC =
  'Determines whether tiered data for a topic should be deleted after tiered storage is disabled on a topic. This configuration should be enabled when trying to set <code>remote.storage.enable</code> from true to false'
const REMOTE_STORAGE_ENABLE_DOC =
  'To enable tiered storage for a topic, set this configuration to true. To disable tiered storage for a topic that has it enabled, set this configuration to false. When disabling, you must also set <code>remote.log.delete.on.disable</code> to true.'

/** Topic configs (Kafka's LogConfig), each fed by its broker synonyms, then the topic-only ones. */
export const TOPIC_CONFIGS: readonly TopicConfigKey[] = [
  ...DEFINITIONS.flatMap((d) => (d.topic ? [topicKey(d, d.topic)] : [])),
  topicOnly('leader.replication.throttled.replicas', 'LIST', [], THROTTLED_REPLICAS_DOC('leader')),
  topicOnly('follower.replication.throttled.replicas', 'LIST', [], THROTTLED_REPLICAS_DOC('follower')),
  // Kafka 4.x topic-only configs added for issue 14. DEVIATION: stored and described; Brokerlab
  // has no tiered storage (remote.storage.enable=true is refused as Kafka refuses it when the
  // broker's tiered storage is off) and no share groups to use a topic as dead-letter queue.
  topicOnly('errors.deadletterqueue.group.enable', 'BOOLEAN', false, DLQ_DOC),
  topicOnly('remote.log.copy.disable', 'BOOLEAN', false, REMOTE_LOG_COPY_DISABLE_DOC),
  topicOnly('remote.log.delete.on.disable', 'BOOLEAN', false, REMOTE_LOG_DELETE_ON_DISABLE_DOC),
  topicOnly('remote.storage.enable', 'BOOLEAN', false, REMOTE_STORAGE_ENABLE_DOC),
]

const BROKER_BY_NAME = new Map(BROKER_CONFIGS.map((k) => [k.name, k]))
const TOPIC_BY_NAME = new Map(TOPIC_CONFIGS.map((k) => [k.name, k]))

export function brokerConfigKey(name: string): BrokerConfigKey | undefined {
  return BROKER_BY_NAME.get(name)
}

export function topicConfigKey(name: string): TopicConfigKey | undefined {
  return TOPIC_BY_NAME.get(name)
}

export function configKey(scope: ConfigScope, name: string): BrokerConfigKey | TopicConfigKey | undefined {
  return scope === 'broker' ? brokerConfigKey(name) : topicConfigKey(name)
}

/**
 * The broker names that describe the same setting, in Kafka's precedence order
 * (DynamicBrokerConfig.brokerConfigSynonyms): log.retention.hours -> [ms, minutes, hours].
 */
export function brokerSynonymNames(name: string): string[] {
  const primary = DEFINITIONS.find((d) => d.name === name)?.synonymOf?.name ?? name
  const group = DEFINITIONS.filter((d) => d.name === primary || d.synonymOf?.name === primary)
  return group.length > 0 ? group.map((d) => d.name) : [name]
}

/** Whether Kafka accepts `name` in an AlterConfigs on one broker (perBroker) or on the default broker resource. */
export function isDynamicAt(name: string, level: 'perBroker' | 'clusterDefaults'): boolean {
  const mode = brokerConfigKey(name)?.dynamicUpdateMode
  return mode === 'cluster-wide' || (mode === 'per-broker' && level === 'perBroker')
}
