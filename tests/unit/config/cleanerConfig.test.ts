// The log cleaner's configs are refused as Kafka refuses them: LogConfig.validateValues on a
// topic's compaction lags, KafkaConfig's dedupe buffer requirement, and
// LogCleaner.validateReconfiguration on the thread count.
import { describe, expect, it } from 'vitest'
import { alterBrokerConfigs, alterTopicConfigs, cleanerConfigFrom, validateStaticBrokerConfigs, validateTopicConfigs } from '../../../main/cluster/config'
import { caught, layers } from './samples'

describe('log cleaner configs', () => {
  it('types the cleaner settings with Kafka\'s defaults', () => {
    expect(cleanerConfigFrom(layers())).toEqual({
      enableCleaner: true,
      numThreads: 1,
      dedupeBufferSize: 128 * 1024 * 1024,
      dedupeBufferLoadFactor: 0.9,
      ioBufferSize: 512 * 1024,
      maxIoBytesPerSecond: Number.MAX_VALUE,
      backoffMs: 15_000,
    })
  })

  it('refuses min.compaction.lag.ms above max.compaction.lag.ms, at creation and on alter', () => {
    const created = caught(() => validateTopicConfigs({ 'min.compaction.lag.ms': '5000', 'max.compaction.lag.ms': '1000' }))
    expect(created.errorName).toBe('INVALID_CONFIG')
    expect(created.message).toBe('conflict topic config setting min.compaction.lag.ms (5000) > max.compaction.lag.ms (1000)')
    const altered = caught(() => alterTopicConfigs({ 'max.compaction.lag.ms': '1000' }, [{ name: 'min.compaction.lag.ms', op: 'SET', value: '2000' }]))
    expect(altered.message).toBe('conflict topic config setting min.compaction.lag.ms (2000) > max.compaction.lag.ms (1000)')
    expect(alterTopicConfigs({}, [{ name: 'min.compaction.lag.ms', op: 'SET', value: '2000' }])).toEqual({ 'min.compaction.lag.ms': '2000' })
  })

  it('refuses values out of range as ConfigDef does', () => {
    expect(caught(() => validateTopicConfigs({ 'min.cleanable.dirty.ratio': '1.5' })).message).toBe(
      'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    )
    expect(caught(() => validateTopicConfigs({ 'max.compaction.lag.ms': '0' })).message).toBe(
      'Invalid value 0 for configuration max.compaction.lag.ms: Value must be at least 1',
    )
    expect(caught(() => validateTopicConfigs({ 'delete.retention.ms': '-1' })).message).toBe(
      'Invalid value -1 for configuration delete.retention.ms: Value must be at least 0',
    )
  })

  it('needs at least 1MB of dedupe buffer per cleaner thread', () => {
    const error = caught(() => validateStaticBrokerConfigs({ 'log.cleaner.dedupe.buffer.size': String(2 * 1024 * 1024), 'log.cleaner.threads': '2' }))
    expect(error.message).toBe('requirement failed: log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.')
    expect(() => validateStaticBrokerConfigs({ 'log.cleaner.dedupe.buffer.size': String(4 * 1024 * 1024), 'log.cleaner.threads': '2' })).not.toThrow()
  })

  it('lets log.cleaner.threads at most halve or double in one dynamic update', () => {
    const set = (value: string) => () => alterBrokerConfigs(layers(), 'clusterDefaults', [{ name: 'log.cleaner.threads', op: 'SET', value }])
    expect(caught(set('3')).message).toBe('Log cleaner threads cannot be increased to more than double the current value 1')
    expect(caught(set('3')).errorName).toBe('INVALID_REQUEST')
    expect(caught(set('0')).message).toBe('Log cleaner threads should be at least 1')
    expect(set('2')().clusterDefaults).toEqual({ 'log.cleaner.threads': '2' })
  })
})
