import { describe, it, expect } from 'vitest'
import {
  DEFAULT_LOG_CONFIG,
  LOG_CONFIG_TOPIC_NAMES,
  TOPIC_CONFIGS,
  emptyConfigLayers,
  logConfigFor,
  logConfigFrom,
} from '../../../main/cluster/config'
import { layers } from './samples'

describe('LogConfig', () => {
  it('DEFAULT_LOG_CONFIG is what a topic gets from an unconfigured broker', () => {
    expect(logConfigFor({}, emptyConfigLayers())).toEqual(DEFAULT_LOG_CONFIG)
  })

  it('DEFAULT_LOG_CONFIG matches the topic config defaults', () => {
    for (const [field, name] of Object.entries(LOG_CONFIG_TOPIC_NAMES)) {
      const key = TOPIC_CONFIGS.find((k) => k.name === name)
      expect(key, name).toBeDefined()
      expect(DEFAULT_LOG_CONFIG[field as keyof typeof DEFAULT_LOG_CONFIG], name).toEqual(key!.defaultValue)
    }
  })

  it('takes topic overrides over broker values, converted to ms', () => {
    const config = logConfigFor(
      { 'segment.bytes': '1024', 'cleanup.policy': 'compact,delete', 'message.timestamp.type': 'LogAppendTime' },
      layers({ static: { 'log.retention.minutes': '5', 'log.segment.bytes': '2048', 'min.insync.replicas': '2' } }),
    )
    expect(config).toMatchObject({
      segmentBytes: 1024,
      retentionMs: 300000,
      cleanupPolicy: ['compact', 'delete'],
      messageTimestampType: 'LogAppendTime',
      minInsyncReplicas: 2,
      uncleanLeaderElectionEnable: false,
    })
  })

  it('keeps defaults for configs missing from a described list', () => {
    const config = logConfigFrom([{ name: 'retention.bytes', typedValue: 100 }])
    expect(config.retentionBytes).toBe(100)
    expect(config.segmentBytes).toBe(DEFAULT_LOG_CONFIG.segmentBytes)
    config.cleanupPolicy.push('compact')
    expect(DEFAULT_LOG_CONFIG.cleanupPolicy).toEqual(['delete'])
  })
})
