import { describe, expect, it } from 'vitest'
import { ContractValidationError, METHODS, parseRequest } from '../../../preload/contract'

function refusal(method: unknown, request: unknown) {
  try {
    parseRequest(method, request)
  } catch (err) {
    expect(err).toBeInstanceOf(ContractValidationError)
    return (err as ContractValidationError).detail
  }
  throw new Error('accepted')
}

describe('contract validation', () => {
  it('refuses unknown methods by name', () => {
    expect(refusal('topic:explode', {})).toEqual({ kind: 'unknown-method', message: 'Unknown method "topic:explode"' })
    expect(refusal(42, {})).toMatchObject({ kind: 'unknown-method' })
  })

  it('names the field of a wrong type, a missing field, an out-of-range value and an unknown field', () => {
    expect(refusal('topic:create', { name: 'a', partitions: '3' })).toMatchObject({ kind: 'invalid-request', field: 'partitions' })
    expect(refusal('topic:create', {})).toMatchObject({ field: 'name', message: expect.stringMatching(/^topic:create: name: /) })
    expect(refusal('topic:create', { name: 'a', replicationFactor: 0 })).toMatchObject({ field: 'replicationFactor' })
    expect(refusal('broker:crash', { brokerId: 1, extra: true })).toMatchObject({ kind: 'invalid-request' })
    expect(refusal('link:setFault', { a: 1, b: 2, fault: { mode: 'slow' } })).toMatchObject({ field: 'fault.delayMs' })
    expect(refusal('group:resetOffsets', { groupId: 'g', topic: 't', target: { kind: 'sideways' } })).toMatchObject({ field: 'target.kind' })
    expect(refusal('config:alter', { topic: 't', broker: 1, configs: {} })).toMatchObject({ field: 'topic' })
    expect(refusal('topic:reassign', { name: 't', partitions: [{ partition: 0, replicas: [0] }] })).toMatchObject({ field: 'partitions.0.replicas.0' })
    expect(refusal('topic:reassign', { name: 't', partitions: [] })).toMatchObject({ field: 'partitions' })
  })

  it('names the field of a bad transaction request (issue 16)', () => {
    const abort = { topic: 'orders', partition: 0, producerId: 4000, producerEpoch: 3, coordinatorEpoch: 0 }
    expect(refusal('transaction:abort', { ...abort, producerEpoch: 40_000 })).toMatchObject({ field: 'producerEpoch' })
    expect(refusal('transaction:abort', { ...abort, producerId: -1 })).toMatchObject({ field: 'producerId' })
    expect(refusal('transaction:abort', { ...abort, coordinatorEpoch: undefined })).toMatchObject({ field: 'coordinatorEpoch' })
    expect(refusal('message:page', { topic: 'orders', from: { kind: 'earliest' }, limit: 10, isolationLevel: 'committed' })).toMatchObject({ field: 'isolationLevel' })
    expect(refusal('producer:beginTransaction', { transactionalId: '' })).toMatchObject({ field: 'transactionalId' })
    expect(refusal('producer:beginTransaction', { transactionalId: 't', transactionTimeoutMs: 10 })).toMatchObject({ field: 'transactionTimeoutMs' })
    expect(refusal('producer:endTransaction', { transactionalId: 't' })).toMatchObject({ field: 'commit' })
    const demo = { groupId: 'g', topic: 'orders', members: 2, processingDelayMs: 50 }
    expect(refusal('demo:startConsumers', { ...demo, commitMode: 'transactional' })).toMatchObject({
      field: 'outputTopic',
      message: 'demo:startConsumers: outputTopic: the transactional (exactly once) mode consumes, transforms and produces: name an output topic',
    })
    expect(refusal('demo:startConsumers', { ...demo, commitMode: 'after-processing', outputTopic: 'orders' })).toMatchObject({ field: 'outputTopic' })
    expect(parseRequest('demo:startConsumers', { ...demo, commitMode: 'transactional', outputTopic: 'totals' }).method).toBe('demo:startConsumers')
  })

  it('accepts well-formed requests for every method', () => {
    const good: Record<string, unknown> = {
      'app:info': {},
      'connection:test': { bootstrap: 'kafka-1:9093,kafka-2:9093', securityProtocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' }, tls: { checkHostname: false } },
      'connection:list': {},
      'connection:status': {},
      'connection:save': { name: 'staging', settings: { bootstrap: 'kafka:9092' } },
      'connection:delete': { name: 'staging' },
      'connection:testSaved': { name: 'staging' },
      'cluster:snapshot': {},
      'topic:describe': { name: 'orders' },
      'topic:create': { name: 'orders', partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '1000' } },
      'topic:delete': { name: 'orders' },
      'topic:addPartitions': { name: 'orders', count: 6 },
      'topic:reassign': { name: 'orders', partitions: [{ partition: 0, replicas: [1, 2, 3] }, { partition: 1, replicas: null }] },
      'config:alter': { broker: '', configs: { 'log.retention.ms': null } },
      'broker:stop': { brokerId: 1 },
      'broker:crash': { brokerId: 1 },
      'broker:impact': { brokerId: 1 },
      'broker:retentionStatus': {},
      'broker:checkRetention': {},
      'broker:restart': { brokerId: 1 },
      'broker:pause': { brokerId: 1 },
      'broker:resume': { brokerId: 1 },
      'link:setFault': { a: 1, b: 'controller', fault: { mode: 'cut' } },
      'link:healAll': {},
      'message:produce': { topic: 'orders', partition: 0, key: null, value: 'hello', headers: { h: 'v' }, acks: -1 },
      'group:list': {},
      'group:lagHistory': { groupId: 'g' },
      'group:resetOffsets': { groupId: 'g', topic: 't', target: { kind: 'shift', by: -3 }, dryRun: true },
      'group:delete': { groupId: 'g' },
      'group:deleteOffsets': { groupId: 'g', topic: 'orders' },
      'cluster:electLeaders': {},
      'topic:purge': { name: 'orders', partition: 0, offset: 10 },
      'events:recent': { limit: 50 },
      'config:describeTopic': { name: 'orders' },
      'config:describeBroker': { brokerId: '' },
      'message:browse': { topic: 'orders', partition: 0, from: { kind: 'timestamp', timestamp: 1 }, limit: 100 },
      'message:page': { topic: 'orders', from: { kind: 'before', cursor: [{ partition: 0, offset: 10 }] }, limit: 50 },
      'message:scanStart': { topic: 'orders', from: { kind: 'earliest' }, maxRecords: 100_000, maxMatches: 1000, filter: 'value.contains("x")' },
      'message:scanStatus': { scanId: 's1', since: 3 },
      'message:scanStop': { scanId: 's1' },
      'message:replay': { topic: 'orders', records: [{ partition: 0, offset: 7 }], target: 'orders-copy', keepPartition: false },
      'demo:startConsumers': { groupId: 'g', topic: 'orders', members: 2, processingDelayMs: 50, commitMode: 'after-processing', sessionTimeoutMs: 6000 },
      'demo:consumerRuns': {},
      'demo:killMember': { runId: 'r', member: 1 },
      'demo:restartMember': { runId: 'r', member: 1 },
      'demo:stopConsumers': { runId: 'r' },
      'demo:startProducer': { topic: 'orders', ratePerSec: 100, messageBytes: 64, keyCardinality: null, acks: 0, idempotent: false },
      'demo:producers': {},
      'demo:stopProducer': { producerId: 'p' },
      'logCleaner:state': { topic: 't' },
      'logCleaner:wake': {},
      'logCleaner:experiment': { topic: 't', partition: 0, updates: 100, keys: 10, tombstones: 2 },
      'experiment:readyMade': {},
      'experiment:validate': { spec: '{}' },
      'experiment:start': { spec: '{}' },
      'experiment:list': {},
      'experiment:get': { id: 'run-1' },
      'experiment:delete': { id: 'run-1' },
      'experiment:export': { id: 'run-1', format: 'markdown' },
      'transaction:list': {},
      'transaction:abort': { topic: 'orders', partition: 0, producerId: 4000, producerEpoch: 3, coordinatorEpoch: -1 },
      'producer:beginTransaction': { transactionalId: 'by-hand', transactionTimeoutMs: 30_000 },
      'producer:sendInTransaction': { transactionalId: 'by-hand', topic: 'orders', value: 'v' },
      'producer:endTransaction': { transactionalId: 'by-hand', commit: false },
      'producer:transactions': {},
      'schema:subjects': {},
      'schema:version': { subject: 's-value', version: 1 },
      'schema:check': { subject: 's-value', schema: '"string"' },
      'schema:register': { subject: 's-value', schema: '"string"', schemaType: 'AVRO', level: 'FULL' },
      'schema:setLevel': { subject: 's-value', level: null },
      'schema:delete': { subject: 's-value', permanent: false },
      'schema:produce': { topic: 't', subject: 's-value', value: '"x"', validateOnly: true },
      'schema:evolutionDemo': { evolution: 'add-with-default', level: 'BACKWARD' },
    }
    expect(Object.keys(good).sort()).toEqual(Object.keys(METHODS).sort())
    for (const [method, request] of Object.entries(good)) expect(parseRequest(method, request).method).toBe(method)
  })
})
