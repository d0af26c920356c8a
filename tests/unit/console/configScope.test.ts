// The Configuration page's rules on configs as the cluster describes them (the real
// DescribeConfigs resolution): what cannot change at a level and why, what a removed override
// inherits, the cluster-wide default view, Kafka's message matched to a config, unit hints.
import { describe, expect, it } from 'vitest'
import { ConfigSource, describeBrokerConfigs, describeClusterDefaultConfigs, describeTopicConfigs, type ConfigLayers, type DescribedConfig } from '../../../main/cluster/config'
import {
  clusterDefaultView,
  configsNamedIn,
  inheritedValue,
  isSetAtLevel,
  PER_BROKER_REASON,
  READ_ONLY_REASON,
  readOnlyReason,
  typeError,
  type ConfigScope,
} from '../../../renderer/src/stores/configScope'
import { configUnitHint } from '../../../renderer/src/format/units'

const layers: ConfigLayers = {
  static: { 'log.retention.check.interval.ms': '200', 'log.segment.bytes': '2048' },
  clusterDefaults: { 'log.retention.bytes': '1073741824' },
  perBroker: { 'log.segment.bytes': '4096', 'min.insync.replicas': '2' },
}
const byName = (configs: DescribedConfig[]) => new Map(configs.map((c) => [c.name, c]))
const broker = byName(describeBrokerConfigs(layers))
const cluster = byName(clusterDefaultView(describeBrokerConfigs(layers), describeClusterDefaultConfigs(layers)))
const topic = byName(describeTopicConfigs({ 'retention.ms': '3600000' }, layers))
const CLUSTER: ConfigScope = { kind: 'cluster' }
const BROKER: ConfigScope = { kind: 'broker', id: 1 }
const TOPIC: ConfigScope = { kind: 'topic', name: 'orders' }

describe('config levels', () => {
  it('says why a config cannot change, in Kafka’s words', () => {
    expect(readOnlyReason(broker.get('log.retention.check.interval.ms')!, BROKER)).toBe(READ_ONLY_REASON)
    expect(readOnlyReason(cluster.get('ssl.keystore.password')!, CLUSTER)).toBe(PER_BROKER_REASON)
    expect(readOnlyReason(broker.get('ssl.keystore.password')!, BROKER)).toBeNull()
    expect(readOnlyReason(cluster.get('log.retention.bytes')!, CLUSTER)).toBeNull()
    expect(readOnlyReason(topic.get('segment.bytes')!, TOPIC)).toBeNull()
  })

  it('shows the cluster-wide default: what is set there, else what a broker has without its own layer', () => {
    expect(cluster.get('log.retention.bytes')).toMatchObject({ value: '1073741824', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG })
    expect(cluster.get('log.segment.bytes')).toMatchObject({ value: '2048', source: ConfigSource.STATIC_BROKER_CONFIG })
    expect(cluster.get('min.insync.replicas')).toMatchObject({ value: '1', source: ConfigSource.DEFAULT_CONFIG, isDefault: true })
    expect(cluster.get('min.insync.replicas')!.synonyms.map((s) => s.source)).toEqual([ConfigSource.DEFAULT_CONFIG])
    expect(cluster.size).toBe(broker.size)
  })

  it('knows what is set at each level and what a removal inherits', () => {
    expect(isSetAtLevel(cluster.get('log.retention.bytes')!, CLUSTER)).toBe(true)
    expect(isSetAtLevel(cluster.get('log.segment.bytes')!, CLUSTER)).toBe(false)
    expect(isSetAtLevel(broker.get('log.segment.bytes')!, BROKER)).toBe(true)
    expect(isSetAtLevel(broker.get('log.retention.bytes')!, BROKER)).toBe(false)
    expect(inheritedValue(broker.get('log.segment.bytes')!, BROKER)).toBe('2048 (static)')
    expect(inheritedValue(cluster.get('log.retention.bytes')!, CLUSTER)).toBe('-1 (default)')
    expect(isSetAtLevel(topic.get('retention.ms')!, TOPIC)).toBe(true)
    // Kafka lists retention.ms's broker synonyms from log.retention.ms on: none here.
    expect(inheritedValue(topic.get('retention.ms')!, TOPIC)).toBe("the broker's value (Kafka names no synonym for it)")
    expect(inheritedValue(topic.get('segment.bytes')!, TOPIC)).toBe('4096 from log.segment.bytes (dynamic broker)')
  })

  it('matches Kafka’s message to whole config names only', () => {
    const names = ['retention.ms', 'log.retention.ms', 'segment.bytes']
    expect(configsNamedIn('Invalid value -5 for configuration retention.ms: Value must be at least -1', names)).toEqual(['retention.ms'])
    expect(configsNamedIn('Invalid value x for configuration log.retention.ms: Not a number of type LONG', names)).toEqual(['log.retention.ms'])
    expect(configsNamedIn('Cannot update these configs dynamically: Set(log.retention.ms, segment.bytes)', names)).toEqual(['log.retention.ms', 'segment.bytes'])
    expect(configsNamedIn('The broker is not available', names)).toEqual([])
  })

  it('checks a value’s type before asking the cluster', () => {
    expect(typeError(topic.get('retention.ms')!, 'abc')).toBe('retention.ms takes a whole number (LONG)')
    expect(typeError(topic.get('retention.ms')!, '-5')).toBeNull()
    expect(typeError(topic.get('unclean.leader.election.enable')!, 'yes')).toBe('unclean.leader.election.enable takes true or false')
    expect(typeError(topic.get('cleanup.policy')!, 'anything')).toBeNull()
  })

  it('reads units from config names', () => {
    expect(configUnitHint('retention.ms', '604800000')).toBe('7 d')
    expect(configUnitHint('retention.ms', '5400000')).toBe('1.5 h')
    expect(configUnitHint('retention.ms', '-1')).toBe('no limit')
    expect(configUnitHint('retention.ms', '500')).toBeNull()
    expect(configUnitHint('segment.bytes', '1073741824')).toBe('1.0 GiB')
    expect(configUnitHint('log.retention.hours', '168')).toBe('7 d')
    expect(configUnitHint('log.retention.hours', '2')).toBeNull()
    expect(configUnitHint('min.insync.replicas', '2')).toBeNull()
    expect(configUnitHint('retention.ms', 'abc')).toBeNull()
  })
})
