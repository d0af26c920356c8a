import { describe, expect, it } from 'vitest'
import { AlterConfigOp } from '../../../main/cluster/controller/api'
import { ErrorCode } from '../../../main/cluster/errors'
import { Harness } from './harness'

describe('IncrementalAlterConfigs', () => {
  it('sets and deletes topic configs as ConfigRecords, with events', () => {
    const h = new Harness()
    h.startBrokers(1)
    h.createTopic('t', 1, 1, { 'retention.ms': '1000' })
    const { responses } = h.controller.incrementalAlterConfigs({
      resources: [
        {
          resourceType: 2,
          resourceName: 't',
          configs: [
            { name: 'retention.ms', configOperation: AlterConfigOp.DELETE, value: null },
            { name: 'cleanup.policy', configOperation: AlterConfigOp.APPEND, value: 'compact' },
          ],
        },
      ],
      validateOnly: false,
    })
    expect(responses).toEqual([{ resourceType: 2, resourceName: 't', errorCode: 0, errorMessage: null }])
    expect(h.controller.image.topicConfigs('t')).toEqual({ 'cleanup.policy': 'delete,compact' })
    expect(h.eventsOf('config-changed').slice(1).map((e) => [e.name, e.value])).toEqual([
      ['retention.ms', null],
      ['cleanup.policy', 'delete,compact'],
    ])
  })

  it('stores per-broker and cluster-wide broker configs', () => {
    const h = new Harness()
    h.startBrokers(1)
    const { responses } = h.controller.incrementalAlterConfigs({
      resources: [
        { resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '5000' }] },
        { resourceType: 4, resourceName: '', configs: [{ name: 'min.insync.replicas', configOperation: 0, value: '2' }] },
      ],
      validateOnly: false,
    })
    expect(responses.map((r) => r.errorCode)).toEqual([0, 0])
    expect(h.controller.image.configs.brokers['1']).toEqual({ 'log.retention.ms': '5000' })
    expect(h.controller.image.configs.clusterDefaults).toEqual({ 'min.insync.replicas': '2' })
  })

  it('answers invalid values, read-only configs and unknown topics per resource, committing nothing for them', () => {
    const h = new Harness()
    h.startBrokers(1)
    h.createTopic('t', 1, 1)
    const offset = h.controller.image.offset
    const { responses } = h.controller.incrementalAlterConfigs({
      resources: [
        { resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: 0, value: 'soon' }] },
        { resourceType: 4, resourceName: '', configs: [{ name: 'delete.topic.enable', configOperation: 0, value: 'false' }] },
        { resourceType: 2, resourceName: 'missing', configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }] },
        { resourceType: 4, resourceName: 'x', configs: [] },
      ],
      validateOnly: false,
    })
    expect(responses.map((r) => r.errorCode)).toEqual([
      ErrorCode.INVALID_CONFIG,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.INVALID_REQUEST,
    ])
    expect(responses[0].errorMessage).toBe('Invalid value soon for configuration retention.ms: Not a number of type LONG')
    expect(responses[1].errorMessage).toBe('Cannot update these configs dynamically: Set(delete.topic.enable)')
    expect(h.controller.image.offset).toBe(offset)
  })

  it('validates only', () => {
    const h = new Harness()
    h.startBrokers(1)
    h.createTopic('t', 1, 1)
    const { responses } = h.controller.incrementalAlterConfigs({
      resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: 0, value: '10' }] }],
      validateOnly: true,
    })
    expect(responses[0].errorCode).toBe(0)
    expect(h.controller.image.topicConfigs('t')).toEqual({})
  })
})

describe('bootstrap', () => {
  it('writes the cluster-wide min.insync.replicas first, from the static value, once (Kafka 4.4 with eligible leader replicas)', () => {
    const h = new Harness(undefined, { 'min.insync.replicas': '2' })
    expect(h.controller.image.configs.clusterDefaults).toEqual({ 'min.insync.replicas': '2' })
    expect(h.controller.readFrom(-1).entries.map((e) => [e.offset, e.record.type])).toEqual([[0, 'ConfigRecord'], [1, 'FeatureLevelRecord'], [2, 'FeatureLevelRecord'], [3, 'FeatureLevelRecord']])
    h.startBrokers(1)
    h.reopen()
    expect(h.controller.readFrom(-1).entries.filter((e) => e.record.type === 'ConfigRecord')).toHaveLength(1)
  })

  it('writes 1, Kafka default, when nothing is set', () => {
    expect(new Harness().controller.image.configs.clusterDefaults).toEqual({ 'min.insync.replicas': '1' })
  })
})
