import { describe, it, expect } from 'vitest'
import {
  ConfigError,
  LONG_MAX_VALUE,
  formatConfigValue,
  isValidConfigName,
  parseConfigValue,
  parseType,
  validateBrokerConfigUpdate,
  validateStaticBrokerConfigs,
  validateTopicConfigs,
  type ConfigKey,
} from '../../../main/cluster/config'
import { caught } from './samples'

describe('invalid values are refused with Kafka ConfigException wording', () => {
  const cases: [scope: 'broker' | 'topic', name: string, value: unknown, message: string][] = [
    ['topic', 'retention.ms', '-5', 'Invalid value -5 for configuration retention.ms: Value must be at least -1'],
    ['broker', 'num.partitions', 'abc', 'Invalid value abc for configuration num.partitions: Not a number of type INT'],
    ['broker', 'num.partitions', '0', 'Invalid value 0 for configuration num.partitions: Value must be at least 1'],
    ['broker', 'num.partitions', '2147483648', 'Invalid value 2147483648 for configuration num.partitions: Not a number of type INT'],
    ['broker', 'num.partitions', '1.5', 'Invalid value 1.5 for configuration num.partitions: Not a number of type INT'],
    ['topic', 'retention.bytes', '12x', 'Invalid value 12x for configuration retention.bytes: Not a number of type LONG'],
    ['topic', 'retention.bytes', '9223372036854775808', 'Invalid value 9223372036854775808 for configuration retention.bytes: Not a number of type LONG'],
    ['topic', 'retention.ms', 1.5, 'Invalid value 1.5 for configuration retention.ms: Not a number of type LONG'],
    ['broker', 'offsets.topic.replication.factor', '40000', 'Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT'],
    ['topic', 'unclean.leader.election.enable', 'yes', 'Invalid value yes for configuration unclean.leader.election.enable: Expected value to be either true or false'],
    ['topic', 'compression.type', 'brotli', 'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer'],
    ['topic', 'message.timestamp.type', 'createtime', 'Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime'],
    ['topic', 'cleanup.policy', 'delete,purge', 'Invalid value purge for configuration cleanup.policy: String must be one of: compact, delete'],
    ['topic', 'segment.bytes', '13', 'Invalid value 13 for configuration segment.bytes: Value must be at least 14'],
    ['topic', 'segment.ms', '0', 'Invalid value 0 for configuration segment.ms: Value must be at least 1'],
    ['topic', 'min.insync.replicas', null, 'Invalid value null for configuration min.insync.replicas: Value must be non-null'],
    // Kafka 4.4's messages, as its ConfigDef prints them (tests/reference's Java dump of LogConfig).
    ['topic', 'compression.gzip.level', '0', 'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1'],
    ['broker', 'compression.gzip.level', '10', 'Invalid value 10 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1'],
    ['topic', 'compression.lz4.level', '18', 'Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17'],
    ['topic', 'compression.zstd.level', '-131073', 'Invalid value -131073 for configuration compression.zstd.level: Value must be at least -131072'],
    ['topic', 'max.decompressed.message.bytes', '2147483640', 'Invalid value 2147483640 for configuration max.decompressed.message.bytes: Value must be no more than 2147483639'],
    ['topic', 'local.retention.ms', '-3', 'Invalid value -3 for configuration local.retention.ms: Value must be at least -2'],
    ['topic', 'remote.copy.lag.bytes', '-2', 'Invalid value -2 for configuration remote.copy.lag.bytes: Value must be at least -1'],
    ['topic', 'flush.messages', '0', 'Invalid value 0 for configuration flush.messages: Value must be at least 1'],
    ['topic', 'segment.jitter.ms', '-1', 'Invalid value -1 for configuration segment.jitter.ms: Value must be at least 0'],
  ]
  for (const [scope, name, value, message] of cases) {
    it(`${scope} ${name}=${String(value)}`, () => {
      const error = caught(() => parseConfigValue(scope, name, value))
      expect(error.message).toBe(message)
      expect(error.configName).toBe(name)
      expect(message).toContain(error.rule)
      expect(error.errorName).toBe('INVALID_CONFIG')
      expect(error.errorCode).toBe(40)
    })
  }

  it('accepts the gzip level range and its one extra value, -1 (Deflater.DEFAULT_COMPRESSION)', () => {
    for (const level of ['-1', '1', '9']) expect(parseConfigValue('topic', 'compression.gzip.level', level)).toBe(Number(level))
  })

  it('keeps the offending list member as the value', () => {
    const error = caught(() => parseConfigValue('topic', 'cleanup.policy', 'delete,purge'))
    expect(error.value).toBe('purge')
    expect(error.rule).toBe('String must be one of: compact, delete')
  })

  it('hides a sensitive value in the message', () => {
    const error = caught(() => parseConfigValue('broker', 'ssl.keystore.password', 42))
    expect(error.message).toBe('Invalid value [hidden] for configuration ssl.keystore.password: Expected value to be a string, but it was a number')
    expect(error.value).toBe('[hidden]')
  })
})

describe('parsing follows ConfigDef.parseType', () => {
  it('trims, ignores boolean case, splits lists on commas', () => {
    expect(parseConfigValue('topic', 'retention.ms', ' 1000 ')).toBe(1000)
    expect(parseConfigValue('topic', 'unclean.leader.election.enable', 'TRUE')).toBe(true)
    expect(parseConfigValue('topic', 'cleanup.policy', ' compact , delete ')).toEqual(['compact', 'delete'])
    expect(parseConfigValue('topic', 'cleanup.policy', '')).toEqual([])
    expect(parseConfigValue('topic', 'compression.type', ' zstd')).toBe('zstd')
  })

  it('accepts typed values', () => {
    expect(parseConfigValue('topic', 'retention.ms', 1000)).toBe(1000)
    expect(parseConfigValue('topic', 'unclean.leader.election.enable', false)).toBe(false)
    expect(parseConfigValue('topic', 'cleanup.policy', ['compact'])).toEqual(['compact'])
  })

  it('keeps Long.MAX_VALUE printable', () => {
    const max = parseConfigValue('topic', 'message.timestamp.before.max.ms', '9223372036854775807')
    expect(formatConfigValue('LONG', max)).toBe('9223372036854775807')
    expect(formatConfigValue('LONG', -1)).toBe('-1')
    expect(parseConfigValue('topic', 'message.timestamp.before.max.ms', LONG_MAX_VALUE)).toBe(LONG_MAX_VALUE)
  })

  it('parses and prints DOUBLE as Java does', () => {
    const ratio: ConfigKey = { name: 'ratio', scope: 'topic', type: 'DOUBLE', defaultValue: 0.5, documentation: '', sensitive: false }
    expect(parseType(ratio, '0.25')).toBe(0.25)
    expect(parseType(ratio, '1e3')).toBe(1000)
    expect(caught(() => parseType(ratio, 'half')).rule).toBe('Not a number of type DOUBLE')
    expect(formatConfigValue('DOUBLE', 1)).toBe('1.0')
    expect(formatConfigValue('DOUBLE', 0.5)).toBe('0.5')
  })
})

describe('config names and scopes', () => {
  it('knows which names exist in which scope', () => {
    expect(isValidConfigName('topic', 'retention.ms')).toBe(true)
    expect(isValidConfigName('broker', 'retention.ms')).toBe(false)
    expect(isValidConfigName('broker', 'log.retention.ms')).toBe(true)
    expect(isValidConfigName('topic', 'log.retention.ms')).toBe(false)
    expect(isValidConfigName('broker', 'min.insync.replicas')).toBe(true)
    expect(isValidConfigName('topic', 'min.insync.replicas')).toBe(true)
  })

  it('refuses unknown topic config names as Kafka does', () => {
    const error = caught(() => validateTopicConfigs({ 'retention.hours': '1' }))
    expect(error.message).toBe('Unknown topic config name: retention.hours')
    expect(error.errorCode).toBe(40)
  })

  it('names the right config when a broker name is used for a topic, and vice versa', () => {
    expect(caught(() => validateTopicConfigs({ 'log.retention.hours': '1' })).message).toBe(
      'Unknown topic config name: log.retention.hours (log.retention.hours is a broker config; the topic config is retention.ms)',
    )
    const error = caught(() => validateBrokerConfigUpdate({ 'retention.ms': '1000' }, { perBroker: true }))
    expect(error.message).toBe('Unknown broker config name: retention.ms (retention.ms is a topic config; its broker default is log.retention.ms)')
    expect(error.errorName).toBe('INVALID_REQUEST')
  })

  it('checks every name before any value, so a typo is reported even next to a bad value', () => {
    expect(caught(() => validateTopicConfigs({ 'retention.ms': '-9', nope: '1' })).message).toBe('Unknown topic config name: nope')
  })

  it('validates a whole set of topic configs into typed values', () => {
    expect(validateTopicConfigs({ 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' })).toEqual({
      'retention.ms': 1000,
      'cleanup.policy': ['compact', 'delete'],
    })
  })
})

describe('dynamic broker updates follow DynamicBrokerConfig', () => {
  it('refuses read-only configs, listing them as Kafka does, with INVALID_REQUEST', () => {
    const error = caught(() => validateBrokerConfigUpdate({ 'log.retention.hours': '1', 'num.partitions': '3', 'log.retention.ms': '1' }, { perBroker: true }))
    expect(error.message).toBe('Cannot update these configs dynamically: Set(log.retention.hours, num.partitions)')
    expect(error.errorName).toBe('INVALID_REQUEST')
    expect(error.errorCode).toBe(42)
  })

  it('refuses per-broker configs on the default broker resource', () => {
    const error = caught(() => validateBrokerConfigUpdate({ 'ssl.keystore.password': 'pw' }, { perBroker: false }))
    expect(error.message).toBe('Cannot update these configs at default cluster level, broker id must be specified: Set(ssl.keystore.password)')
    expect(validateBrokerConfigUpdate({ 'ssl.keystore.password': 'pw' }, { perBroker: true })).toEqual({ 'ssl.keystore.password': 'pw' })
  })

  it('validates values of cluster-wide configs', () => {
    expect(validateBrokerConfigUpdate({ 'log.retention.ms': '1000' }, { perBroker: false })).toEqual({ 'log.retention.ms': 1000 })
    const error = caught(() => validateBrokerConfigUpdate({ 'log.segment.bytes': 'big' }, { perBroker: false }))
    expect(error.message).toBe('Invalid value big for configuration log.segment.bytes: Not a number of type INT')
    expect(error.errorCode).toBe(42)
  })

  it('validates static broker properties, read-only ones included', () => {
    expect(validateStaticBrokerConfigs({ 'num.partitions': '3', 'log.retention.hours': '24' })).toEqual({ 'num.partitions': 3, 'log.retention.hours': 24 })
    expect(caught(() => validateStaticBrokerConfigs({ 'log.segment.bytes': '13' })).message).toBe(
      'Invalid value 13 for configuration log.segment.bytes: Value must be at least 14',
    )
  })
})
