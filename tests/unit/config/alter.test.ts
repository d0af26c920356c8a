import { describe, it, expect } from 'vitest'
import {
  ConfigSource,
  alterBrokerConfigs,
  alterTopicConfigs,
  describeBrokerConfigs,
  emptyConfigLayers,
} from '../../../main/cluster/config'
import { caught } from './samples'

describe('IncrementalAlterConfigs on topic overrides', () => {
  it('SETs and DELETEs without touching the input', () => {
    const before = { 'retention.ms': '1000' }
    const after = alterTopicConfigs(before, [
      { name: 'segment.bytes', op: 'SET', value: '1024' },
      { name: 'retention.ms', op: 'DELETE' },
    ])
    expect(after).toEqual({ 'segment.bytes': '1024' })
    expect(before).toEqual({ 'retention.ms': '1000' })
  })

  it('APPENDs to and SUBTRACTs from a list, starting from the default', () => {
    const appended = alterTopicConfigs({}, [{ name: 'cleanup.policy', op: 'APPEND', value: 'compact,delete' }])
    expect(appended).toEqual({ 'cleanup.policy': 'delete,compact' })
    expect(alterTopicConfigs(appended, [{ name: 'cleanup.policy', op: 'SUBTRACT', value: 'delete' }])).toEqual({ 'cleanup.policy': 'compact' })
  })

  it('refuses APPEND on a non-list config and invalid values', () => {
    expect(() => alterTopicConfigs({}, [{ name: 'retention.ms', op: 'APPEND', value: '1' }])).toThrow(
      'Config value append is not allowed for config key: retention.ms',
    )
    expect(() => alterTopicConfigs({}, [{ name: 'retention.ms', op: 'SET', value: '-2' }])).toThrow(
      'Invalid value -2 for configuration retention.ms: Value must be at least -1',
    )
    expect(() => alterTopicConfigs({}, [{ name: 'cleanup.policy', op: 'APPEND', value: 'purge' }])).toThrow(
      'Invalid value purge for configuration cleanup.policy: String must be one of: compact, delete',
    )
    expect(() => alterTopicConfigs({}, [{ name: 'nope', op: 'DELETE' }])).toThrow('Unknown topic config name: nope')
  })

  it('refuses remote.storage.enable=true as a Kafka broker without tiered storage does, and stores the other tiered storage configs', () => {
    const error = caught(() => alterTopicConfigs({}, [{ name: 'remote.storage.enable', op: 'SET', value: 'true' }]))
    expect(error.message).toBe('Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.')
    expect(error.errorName).toBe('INVALID_CONFIG')
    const stored = { 'remote.storage.enable': 'false', 'remote.log.delete.on.disable': 'true', 'local.retention.ms': '5', 'remote.copy.lag.bytes': '-1' }
    const ops = Object.entries(stored).map(([name, value]) => ({ name, op: 'SET' as const, value }))
    expect(alterTopicConfigs({}, ops)).toEqual(stored)
  })
})

describe('IncrementalAlterConfigs on broker layers', () => {
  it('writes the chosen layer, and describe reports it', () => {
    const base = emptyConfigLayers()
    const shared = alterBrokerConfigs(base, 'clusterDefaults', [{ name: 'log.retention.ms', op: 'SET', value: '60000' }])
    const mine = alterBrokerConfigs(shared, 'perBroker', [{ name: 'log.retention.ms', op: 'SET', value: '1000' }])
    expect(base).toEqual(emptyConfigLayers())
    expect(mine).toEqual({ static: {}, clusterDefaults: { 'log.retention.ms': '60000' }, perBroker: { 'log.retention.ms': '1000' } })
    const entry = describeBrokerConfigs(mine).find((c) => c.name === 'log.retention.ms')
    expect(entry).toMatchObject({ value: '1000', source: ConfigSource.DYNAMIC_BROKER_CONFIG })
  })

  it('answers every refusal with INVALID_REQUEST', () => {
    const readOnly = caught(() => alterBrokerConfigs(emptyConfigLayers(), 'perBroker', [{ name: 'node.id', op: 'SET', value: '3' }]))
    expect(readOnly.message).toBe('Cannot update these configs dynamically: Set(node.id)')
    expect(readOnly.errorCode).toBe(42)
    const notList = caught(() => alterBrokerConfigs(emptyConfigLayers(), 'perBroker', [{ name: 'log.retention.ms', op: 'SUBTRACT', value: '1' }]))
    expect(notList.message).toBe('Config value subtract is not allowed for config key: log.retention.ms')
    expect(notList.errorCode).toBe(42)
  })
})
