import { describe, it, expect } from 'vitest'
import {
  BROKER_CONFIGS,
  TOPIC_CONFIGS,
  ConfigSource,
  brokerConfigKey,
  describeBrokerConfig,
  describeBrokerConfigs,
  describeClusterDefaultConfigs,
  describeTopicConfig,
  describeTopicConfigs,
  emptyConfigLayers,
  type BrokerConfigKey,
  type ConfigLayers,
  type DescribedConfig,
} from '../../../main/cluster/config'
import { layers, sampleValue, type LayerName } from './samples'

const SOURCE_OF: Record<LayerName, ConfigSource> = {
  perBroker: ConfigSource.DYNAMIC_BROKER_CONFIG,
  clusterDefaults: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
  static: ConfigSource.STATIC_BROKER_CONFIG,
}

/** The layers Kafka lets a broker config live in, lowest precedence first. */
function layersFor(key: BrokerConfigKey): LayerName[] {
  if (key.dynamicUpdateMode === 'cluster-wide') return ['static', 'clusterDefaults', 'perBroker']
  if (key.dynamicUpdateMode === 'per-broker') return ['static', 'perBroker']
  return ['static']
}

function find(list: DescribedConfig[], name: string): DescribedConfig {
  const entry = list.find((c) => c.name === name)
  if (!entry) throw new Error(`${name} not described`)
  return entry
}

function shown(key: BrokerConfigKey, value: string): string | null {
  return key.sensitive ? null : value
}

describe('broker configs resolve from every layer', () => {
  for (const key of BROKER_CONFIGS) {
    it(`${key.name} (${key.dynamicUpdateMode})`, () => {
      const unset = describeBrokerConfig(key, emptyConfigLayers())
      expect(unset.source).toBe(ConfigSource.DEFAULT_CONFIG)
      expect(unset.isDefault).toBe(true)
      expect(unset.readOnly).toBe(key.dynamicUpdateMode === 'read-only')
      expect(unset.type).toBe(key.type)
      expect(unset.documentation.length).toBeGreaterThan(10)

      // One layer at a time.
      layersFor(key).forEach((layer, variant) => {
        const value = sampleValue(key, variant)
        const entry = describeBrokerConfig(key, layers({ [layer]: { [key.name]: value } }))
        expect(entry.source, layer).toBe(SOURCE_OF[layer])
        expect(entry.value, layer).toBe(shown(key, value))
        expect(entry.isDefault).toBe(false)
        expect(entry.synonyms[0]).toEqual({ name: key.name, value: shown(key, value), source: SOURCE_OF[layer] })
      })

      // All layers at once: the highest wins, the synonyms list every layer in order.
      const all = layersFor(key)
      const stacked: ConfigLayers = layers()
      all.forEach((layer, variant) => (stacked[layer] = { [key.name]: sampleValue(key, variant) }))
      const top = all[all.length - 1]
      const entry = describeBrokerConfig(key, stacked)
      expect(entry.source).toBe(SOURCE_OF[top])
      expect(entry.value).toBe(shown(key, sampleValue(key, all.length - 1)))
      const own = entry.synonyms.filter((s) => s.name === key.name).map((s) => s.source)
      const expected = [...all].reverse().map((l) => SOURCE_OF[l])
      expect(own).toEqual(key.defaultValue === null ? expected : [...expected, ConfigSource.DEFAULT_CONFIG])
    })
  }

  it('ignores dynamic values Kafka would not accept at that level', () => {
    const readOnly = layers({ perBroker: { 'num.partitions': '7' }, clusterDefaults: { 'log.retention.hours': '1' } })
    expect(find(describeBrokerConfigs(readOnly), 'num.partitions')).toMatchObject({ value: '1', source: ConfigSource.DEFAULT_CONFIG })
    expect(find(describeBrokerConfigs(readOnly), 'log.retention.hours')).toMatchObject({ value: '168', source: ConfigSource.DEFAULT_CONFIG })
    const perBrokerOnly = layers({ clusterDefaults: { 'ssl.keystore.password': 'x' } })
    expect(find(describeBrokerConfigs(perBrokerOnly), 'ssl.keystore.password').source).toBe(ConfigSource.DEFAULT_CONFIG)
  })
})

describe('topic configs resolve from the override or their broker synonyms', () => {
  for (const key of TOPIC_CONFIGS) {
    it(key.name, () => {
      const override = sampleValue(key, 0)
      const overridden = describeTopicConfig(key, { [key.name]: override }, emptyConfigLayers())
      expect(overridden).toMatchObject({ value: override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG, readOnly: false, isDefault: false })

      key.brokerSynonyms.forEach(({ name, factor }, index) => {
        const broker = brokerConfigKey(name)!
        layersFor(broker).forEach((layer, variant) => {
          const value = sampleValue(broker, variant + 1)
          const entry = describeTopicConfig(key, {}, layers({ [layer]: { [name]: value } }))
          const expected = factor === 1 ? value : String(Number(value) * factor)
          expect(entry.value, `${name} in ${layer}`).toBe(expected)
          // CreateTopics names the layer of any synonym; DescribeConfigs lists synonyms from the
          // primary name only, so a secondary one alone (log.retention.hours) shows none.
          expect(describeTopicConfig(key, {}, layers({ [layer]: { [name]: value } }), 'createTopics').source).toBe(SOURCE_OF[layer])
          if (index === 0) {
            expect(entry.source, `${name} in ${layer}`).toBe(SOURCE_OF[layer])
            expect(entry.synonyms[0]).toEqual({ name, value, source: SOURCE_OF[layer] })
          } else {
            expect(entry.source, `${name} in ${layer}`).toBe(ConfigSource.DEFAULT_CONFIG)
            expect(entry.synonyms).toEqual([])
          }
        })
      })
      // The override beats every broker layer (a topic-only config has none).
      if (key.brokerSynonyms.length === 0) return
      const primary = key.brokerSynonyms[0].name
      const everywhere = layers({ static: { [primary]: sampleValue(key, 1) }, perBroker: { [primary]: sampleValue(key, 2) } })
      expect(describeTopicConfig(key, { [key.name]: override }, everywhere).value).toBe(override)
    })
  }
})

describe('retention time: log.retention.ms > log.retention.minutes > log.retention.hours', () => {
  const retention = (brokerLayers: ConfigLayers, overrides: Record<string, string> = {}) =>
    find(describeTopicConfigs(overrides, brokerLayers), 'retention.ms')

  it('defaults to log.retention.hours=168, and lists no synonym for it (Kafka lists from log.retention.ms)', () => {
    expect(retention(emptyConfigLayers())).toEqual(
      expect.objectContaining({
        value: '604800000',
        typedValue: 604800000,
        source: ConfigSource.DEFAULT_CONFIG,
        isDefault: true,
        synonyms: [],
      }),
    )
    // ConfigHelper drops the synonyms before the first log.retention.ms, whatever their layer,
    // and the value is KafkaConfig's: log.retention.ms set anywhere beats log.retention.hours.
    const lower = retention(layers({ perBroker: { 'log.retention.hours': '2' }, static: { 'log.retention.ms': '1000' } }))
    expect(lower.value).toBe('1000')
    expect(lower.source).toBe(ConfigSource.STATIC_BROKER_CONFIG)
    expect(lower.synonyms).toEqual([
      { name: 'log.retention.ms', value: '1000', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ])
  })

  it('takes hours, then minutes, then ms from the broker properties', () => {
    expect(retention(layers({ static: { 'log.retention.hours': '1' } })).value).toBe('3600000')
    expect(retention(layers({ static: { 'log.retention.hours': '1', 'log.retention.minutes': '30' } })).value).toBe('1800000')
    const all = retention(layers({ static: { 'log.retention.hours': '1', 'log.retention.minutes': '30', 'log.retention.ms': '1000' } }))
    expect(all.value).toBe('1000')
    expect(all.synonyms.map((s) => s.name)).toEqual(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours', 'log.retention.hours'])
  })

  it('orders synonyms as Kafka does: topic, dynamic broker, dynamic default, static, default', () => {
    const brokerLayers = layers({
      static: { 'log.retention.ms': '1000', 'log.retention.minutes': '30', 'log.retention.hours': '1' },
      clusterDefaults: { 'log.retention.ms': '2000' },
      perBroker: { 'log.retention.ms': '3000' },
    })
    const entry = retention(brokerLayers, { 'retention.ms': '4000' })
    expect(entry.value).toBe('4000')
    expect(entry.synonyms).toEqual([
      { name: 'retention.ms', value: '4000', source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
      { name: 'log.retention.ms', value: '3000', source: ConfigSource.DYNAMIC_BROKER_CONFIG },
      { name: 'log.retention.ms', value: '2000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
      { name: 'log.retention.ms', value: '1000', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.minutes', value: '30', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '1', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ])
    expect(retention(brokerLayers).value).toBe('3000')
    expect(retention({ ...brokerLayers, perBroker: {} }).value).toBe('2000')
  })

  it('treats any negative broker retention as unlimited (-1)', () => {
    expect(retention(layers({ static: { 'log.retention.ms': '-1' } })).value).toBe('-1')
    expect(retention(layers({ static: { 'log.retention.ms': '-5' } })).value).toBe('-1')
    expect(retention(layers({ static: { 'log.retention.hours': '-1' } })).value).toBe('-1')
    // The broker config itself shows what was set, as KafkaConfig does.
    expect(find(describeBrokerConfigs(layers({ static: { 'log.retention.ms': '-5' } })), 'log.retention.ms').value).toBe('-5')
  })

  it('describes each broker name on its own: the secondary names skip higher synonyms', () => {
    const brokerLayers = layers({ clusterDefaults: { 'log.retention.ms': '2000' }, static: { 'log.retention.minutes': '30' } })
    const described = describeBrokerConfigs(brokerLayers)
    expect(find(described, 'log.retention.ms')).toMatchObject({ value: '2000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG })
    expect(find(described, 'log.retention.minutes')).toMatchObject({ value: '30', source: ConfigSource.STATIC_BROKER_CONFIG })
    expect(find(described, 'log.retention.minutes').synonyms.map((s) => s.name)).toEqual(['log.retention.minutes', 'log.retention.hours'])
    expect(find(described, 'log.retention.hours')).toMatchObject({
      value: '168',
      source: ConfigSource.DEFAULT_CONFIG,
      synonyms: [{ name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG }],
    })
    expect(find(describeBrokerConfigs(emptyConfigLayers()), 'log.retention.ms')).toMatchObject({
      value: null,
      source: ConfigSource.DEFAULT_CONFIG,
      synonyms: [],
    })
  })

  it('derives segment.ms from log.roll.ms over log.roll.hours', () => {
    const segmentMs = (l: ConfigLayers) => find(describeTopicConfigs({}, l), 'segment.ms').value
    expect(segmentMs(emptyConfigLayers())).toBe('604800000')
    expect(segmentMs(layers({ static: { 'log.roll.hours': '2' } }))).toBe('7200000')
    expect(segmentMs(layers({ static: { 'log.roll.hours': '2', 'log.roll.ms': '5000' } }))).toBe('5000')
  })
})

describe('topic defaults derive from broker configs', () => {
  it('uses the broker value when the topic has no override', () => {
    const brokerLayers = layers({ static: { 'log.segment.bytes': '4096', 'log.cleanup.policy': 'compact', 'message.max.bytes': '2000' } })
    const topic = describeTopicConfigs({}, brokerLayers)
    expect(find(topic, 'segment.bytes')).toMatchObject({ value: '4096', typedValue: 4096, source: ConfigSource.STATIC_BROKER_CONFIG })
    expect(find(topic, 'cleanup.policy')).toMatchObject({ value: 'compact', typedValue: ['compact'] })
    expect(find(topic, 'max.message.bytes')).toMatchObject({ value: '2000', source: ConfigSource.STATIC_BROKER_CONFIG })
    expect(find(topic, 'compression.type')).toMatchObject({ value: 'producer', source: ConfigSource.DEFAULT_CONFIG })
  })

  it('shows Kafka 4.x defaults for the main broker configs', () => {
    const values = Object.fromEntries(describeBrokerConfigs(emptyConfigLayers()).map((c) => [c.name, c.value]))
    expect(values).toMatchObject({
      'num.partitions': '1',
      'default.replication.factor': '1',
      'log.segment.bytes': '1073741824',
      'log.retention.bytes': '-1',
      'log.retention.check.interval.ms': '300000',
      'log.cleanup.policy': 'delete',
      'message.max.bytes': '1048588',
      'compression.type': 'producer',
      'log.message.timestamp.before.max.ms': '9223372036854775807',
      'log.message.timestamp.after.max.ms': '3600000',
      'replica.lag.time.max.ms': '30000',
      'broker.session.timeout.ms': '9000',
      'broker.heartbeat.interval.ms': '2000',
      'offsets.topic.num.partitions': '50',
      'offsets.topic.replication.factor': '3',
      'offsets.retention.minutes': '10080',
      'group.initial.rebalance.delay.ms': '3000',
      'group.min.session.timeout.ms': '6000',
      'group.max.session.timeout.ms': '1800000',
      'socket.request.max.bytes': '104857600',
      'unclean.leader.election.enable': 'false',
      'auto.create.topics.enable': 'true',
    })
  })
})

describe('sensitive configs', () => {
  it('never shows a password value, in the entry or its synonyms', () => {
    const brokerLayers = layers({ static: { 'ssl.keystore.password': 's3cret-static' }, perBroker: { 'ssl.keystore.password': 's3cret-dyn' } })
    const entry = find(describeBrokerConfigs(brokerLayers), 'ssl.keystore.password')
    expect(entry).toMatchObject({ value: null, typedValue: null, sensitive: true, source: ConfigSource.DYNAMIC_BROKER_CONFIG })
    expect(entry.synonyms).toEqual([
      { name: 'ssl.keystore.password', value: null, source: ConfigSource.DYNAMIC_BROKER_CONFIG },
      { name: 'ssl.keystore.password', value: null, source: ConfigSource.STATIC_BROKER_CONFIG },
    ])
    expect(JSON.stringify(describeBrokerConfigs(brokerLayers))).not.toContain('s3cret')
  })
})

describe('the default broker resource', () => {
  it('lists only cluster-wide defaults, with only their cluster-wide synonyms (Kafka filters the others out)', () => {
    const brokerLayers = layers({ clusterDefaults: { 'log.retention.ms': '1000' }, perBroker: { 'log.retention.ms': '5' }, static: { 'num.partitions': '3', 'log.retention.ms': '7' } })
    const described = describeClusterDefaultConfigs(brokerLayers)
    expect(described.map((c) => c.name)).toEqual(['log.retention.ms'])
    expect(described[0]).toMatchObject({ value: '1000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG })
    expect(described[0].synonyms).toEqual([{ name: 'log.retention.ms', value: '1000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }])
  })
})

describe('validValues', () => {
  it('lists the closed set a config accepts (booleans and one-of lists), and nothing for open ones', () => {
    const topic = describeTopicConfigs({}, layers({}))
    const of = (name: string) => topic.find((c) => c.name === name)?.validValues
    expect(of('unclean.leader.election.enable')).toEqual(['true', 'false'])
    expect(of('compression.type')).toEqual(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'])
    expect(of('message.timestamp.type')).toEqual(['CreateTime', 'LogAppendTime'])
    expect(of('retention.ms')).toBeUndefined()
    // cleanup.policy takes a list (delete, compact or both): typed, not picked.
    expect(of('cleanup.policy')).toBeUndefined()
  })
})
