// The typed, resolved per-partition-log settings a UnifiedLog-like component reads.
// Field names follow Kafka's LogConfig (topic config names in camelCase).

import { describeTopicConfigs } from './resolve'
import type { ConfigLayers, DescribedConfig } from './types'

export interface LogConfig {
  segmentBytes: number
  segmentMs: number
  retentionMs: number
  retentionBytes: number
  maxMessageBytes: number
  messageTimestampType: 'CreateTime' | 'LogAppendTime'
  messageTimestampBeforeMaxMs: number
  messageTimestampAfterMaxMs: number
  indexIntervalBytes: number
  segmentIndexBytes: number
  fileDeleteDelayMs: number
  cleanupPolicy: string[]
  deleteRetentionMs: number
  minCompactionLagMs: number
  maxCompactionLagMs: number
  minCleanableRatio: number
  compressionType: string
  minInsyncReplicas: number
  uncleanLeaderElectionEnable: boolean
  // Kafka 4.x configs added for issue 14: what the log honours of them.
  compressionGzipLevel: number
  compressionLz4Level: number
  compressionZstdLevel: number
  maxDecompressedMessageBytes: number
  segmentJitterMs: number
  flushMessages: number
}

/** Kafka 3.x/4.x defaults (LogConfig / ServerLogConfigs). */
export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze({
  segmentBytes: 1073741824, // 1 GiB
  segmentMs: 604800000, // log.roll.hours=168
  retentionMs: 604800000, // log.retention.hours=168
  retentionBytes: -1,
  maxMessageBytes: 1048588, // 1 MiB + record batch overhead
  messageTimestampType: 'CreateTime',
  messageTimestampBeforeMaxMs: 9223372036854775807, // Long.MAX_VALUE
  messageTimestampAfterMaxMs: 3600000, // 1 hour (Kafka 4.0)
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10485760, // 10 MiB
  fileDeleteDelayMs: 60000,
  cleanupPolicy: Object.freeze(['delete']) as unknown as string[],
  deleteRetentionMs: 86400000, // 1 day
  minCompactionLagMs: 0,
  maxCompactionLagMs: 9223372036854775807, // Long.MAX_VALUE
  minCleanableRatio: 0.5,
  compressionType: 'producer',
  minInsyncReplicas: 1,
  uncleanLeaderElectionEnable: false,
  compressionGzipLevel: -1, // Deflater.DEFAULT_COMPRESSION
  compressionLz4Level: 9,
  compressionZstdLevel: 3,
  maxDecompressedMessageBytes: 2147483639, // the largest array a JVM allocates: no limit
  segmentJitterMs: 0,
  flushMessages: 9223372036854775807, // Long.MAX_VALUE: never
}) as LogConfig

/** Kafka's LogConfig.compact: the log is cleaned by the log cleaner. */
export function isCompacted(config: Pick<LogConfig, 'cleanupPolicy'>): boolean {
  return config.cleanupPolicy.includes('compact')
}

/**
 * Kafka's LogConfig.maxSegmentMs: a compacted log rolls by max.compaction.lag.ms too, so
 * records in the active segment cannot wait longer than that for the cleaner.
 */
export function maxSegmentMs(config: Pick<LogConfig, 'cleanupPolicy' | 'segmentMs' | 'maxCompactionLagMs'>): number {
  return isCompacted(config) && config.maxCompactionLagMs > 0 ? Math.min(config.maxCompactionLagMs, config.segmentMs) : config.segmentMs
}

/**
 * Kafka's LogConfig.randomSegmentJitter: drawn once per segment, subtracted from the time after
 * which it rolls, so partitions created together do not all roll at once.
 */
export function randomSegmentJitter(config: Pick<LogConfig, 'segmentJitterMs' | 'segmentMs'>, random: () => number = Math.random): number {
  if (config.segmentJitterMs === 0) return 0
  return Math.floor(random() * 2 ** 31) % Math.min(config.segmentJitterMs, config.segmentMs)
}

/**
 * The level a broker compresses with in `codec` (Kafka's LogConfig.compression): the topic's
 * compression.<codec>.level; undefined for codecs without levels (snappy, none).
 */
export function compressionLevelOf(config: Pick<LogConfig, 'compressionGzipLevel' | 'compressionLz4Level' | 'compressionZstdLevel'>, codec: string): number | undefined {
  if (codec === 'gzip') return config.compressionGzipLevel
  if (codec === 'lz4') return config.compressionLz4Level
  if (codec === 'zstd') return config.compressionZstdLevel
  return undefined
}

/** The topic config behind each LogConfig field. */
export const LOG_CONFIG_TOPIC_NAMES: Readonly<Record<keyof LogConfig, string>> = {
  segmentBytes: 'segment.bytes',
  segmentMs: 'segment.ms',
  retentionMs: 'retention.ms',
  retentionBytes: 'retention.bytes',
  maxMessageBytes: 'max.message.bytes',
  messageTimestampType: 'message.timestamp.type',
  messageTimestampBeforeMaxMs: 'message.timestamp.before.max.ms',
  messageTimestampAfterMaxMs: 'message.timestamp.after.max.ms',
  indexIntervalBytes: 'index.interval.bytes',
  segmentIndexBytes: 'segment.index.bytes',
  fileDeleteDelayMs: 'file.delete.delay.ms',
  cleanupPolicy: 'cleanup.policy',
  deleteRetentionMs: 'delete.retention.ms',
  minCompactionLagMs: 'min.compaction.lag.ms',
  maxCompactionLagMs: 'max.compaction.lag.ms',
  minCleanableRatio: 'min.cleanable.dirty.ratio',
  compressionType: 'compression.type',
  minInsyncReplicas: 'min.insync.replicas',
  uncleanLeaderElectionEnable: 'unclean.leader.election.enable',
  compressionGzipLevel: 'compression.gzip.level',
  compressionLz4Level: 'compression.lz4.level',
  compressionZstdLevel: 'compression.zstd.level',
  maxDecompressedMessageBytes: 'max.decompressed.message.bytes',
  segmentJitterMs: 'segment.jitter.ms',
  flushMessages: 'flush.messages',
}

/** A LogConfig from described topic configs; a config missing from the list keeps its Kafka default. */
export function logConfigFrom(described: readonly Pick<DescribedConfig, 'name' | 'typedValue'>[]): LogConfig {
  const byName = new Map(described.map((c) => [c.name, c.typedValue]))
  const fields = Object.entries(LOG_CONFIG_TOPIC_NAMES).map(([field, name]) => {
    const value = byName.get(name) ?? DEFAULT_LOG_CONFIG[field as keyof LogConfig]
    return [field, Array.isArray(value) ? [...value] : value]
  })
  return Object.fromEntries(fields) as LogConfig
}

/** The LogConfig of a topic's partitions on a broker with these layers. */
export function logConfigFor(topicOverrides: Record<string, string>, brokerLayers: ConfigLayers): LogConfig {
  return logConfigFrom(describeTopicConfigs(topicOverrides, brokerLayers))
}
