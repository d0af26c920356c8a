// Kafka's CleanerConfig: the broker-wide settings of the log cleaner, typed from a broker's
// config layers, and the cross-field rules Kafka checks on them (KafkaConfig's require on the
// dedupe buffer, LogCleaner.validateReconfiguration on the thread count) and on a topic's
// compaction lags (LogConfig.validateValues).
import { ConfigError } from './errors'
import { describeBrokerConfig } from './resolve'
import { brokerConfigKey, topicConfigKey } from './definitions'
import { parseValue } from './validate'
import type { ConfigLayers } from './types'

export interface CleanerConfig {
  enableCleaner: boolean
  numThreads: number
  dedupeBufferSize: number
  dedupeBufferLoadFactor: number
  ioBufferSize: number
  maxIoBytesPerSecond: number
  backoffMs: number
}

const value = (layers: ConfigLayers, name: string) => describeBrokerConfig(brokerConfigKey(name)!, layers).typedValue

export function cleanerConfigFrom(layers: ConfigLayers): CleanerConfig {
  return {
    enableCleaner: value(layers, 'log.cleaner.enable') as boolean,
    numThreads: value(layers, 'log.cleaner.threads') as number,
    dedupeBufferSize: value(layers, 'log.cleaner.dedupe.buffer.size') as number,
    dedupeBufferLoadFactor: value(layers, 'log.cleaner.io.buffer.load.factor') as number,
    ioBufferSize: value(layers, 'log.cleaner.io.buffer.size') as number,
    maxIoBytesPerSecond: value(layers, 'log.cleaner.io.max.bytes.per.second') as number,
    backoffMs: value(layers, 'log.cleaner.backoff.ms') as number,
  }
}

const MIN_DEDUPE_BUFFER_PER_THREAD = 1024 * 1024

/** KafkaConfig's start-up requirement, also checked on every dynamic update (a new KafkaConfig is built). */
export function validateCleanerConfig(config: CleanerConfig): void {
  if (config.numThreads > 0 && Math.trunc(config.dedupeBufferSize / config.numThreads) <= MIN_DEDUPE_BUFFER_PER_THREAD) {
    const message = 'requirement failed: log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.'
    throw new ConfigError('log.cleaner.dedupe.buffer.size', config.dedupeBufferSize, message, { message })
  }
}

/** LogCleaner.validateReconfiguration: the thread count may at most halve or double at once. */
export function validateCleanerReconfiguration(current: CleanerConfig, next: CleanerConfig): void {
  validateCleanerConfig(next)
  const threads = next.numThreads
  const refuse = (message: string) => {
    throw new ConfigError('log.cleaner.threads', threads, message, { message, errorName: 'INVALID_REQUEST' })
  }
  if (threads < 1) refuse('Log cleaner threads should be at least 1')
  if (threads < current.numThreads / 2) refuse(`Log cleaner threads cannot be reduced to less than half the current value ${current.numThreads}`)
  if (threads > current.numThreads * 2) refuse(`Log cleaner threads cannot be increased to more than double the current value ${current.numThreads}`)
}

/** LogConfig.validateValues on a topic's overrides (absent ones take their defaults). */
export function validateCompactionLags(overrides: Record<string, unknown>): void {
  const lag = (name: string) => {
    const key = topicConfigKey(name)!
    return (overrides[name] === undefined ? key.defaultValue : parseValue(key, overrides[name])) as number
  }
  const min = lag('min.compaction.lag.ms')
  const max = lag('max.compaction.lag.ms')
  if (min > max) {
    const message = `conflict topic config setting min.compaction.lag.ms (${min}) > max.compaction.lag.ms (${max})`
    throw new ConfigError('min.compaction.lag.ms', min, message, { message })
  }
}
