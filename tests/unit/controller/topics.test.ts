import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../main/cluster/errors'
import { Harness } from './harness'

describe('CreateTopics', () => {
  it('places replicas on distinct brokers and spreads leaders evenly', () => {
    const h = new Harness(undefined, {}, { random: Math.random })
    h.startBrokers(1, 2, 3, 4)
    const created = h.createTopic('many', 40, 3)
    expect(created).toMatchObject({ numPartitions: 40, replicationFactor: 3, errorCode: 0, errorMessage: null })
    const leaders = new Map<number, number>()
    const replicaCount = new Map<number, number>()
    for (let p = 0; p < 40; p++) {
      const { replicas, isr, leader, leaderEpoch } = h.partition('many', p)
      expect(new Set(replicas).size).toBe(3)
      expect(isr).toEqual(replicas)
      expect(leader).toBe(replicas[0])
      expect(leaderEpoch).toBe(0)
      leaders.set(leader, (leaders.get(leader) ?? 0) + 1)
      for (const r of replicas) replicaCount.set(r, (replicaCount.get(r) ?? 0) + 1)
    }
    expect([...leaders.values()]).toEqual([10, 10, 10, 10])
    expect([...replicaCount.values()]).toEqual([30, 30, 30, 30])
  })

  it('writes TopicRecord, PartitionRecords and ConfigRecords in one batch and reports the topic', () => {
    const h = new Harness()
    h.startBrokers(1, 2)
    const before = h.entries.length
    const { topicId } = h.createTopic('orders', 2, 2, { 'retention.ms': '60000' })
    const batch = h.entries.slice(before)
    expect(batch.map((e) => e.record.type)).toEqual(['TopicRecord', 'PartitionRecord', 'PartitionRecord', 'ConfigRecord'])
    expect(new Set(batch.map((e) => e.timestamp)).size).toBe(1)
    expect(h.controller.image.topicsByName.get('orders')!.topicId).toBe(topicId)
    expect(h.controller.image.topicConfigs('orders')).toEqual({ 'retention.ms': '60000' })
    expect(h.eventsOf('topic-created')).toEqual([expect.objectContaining({ topic: 'orders', topicId, partitions: 2, replicationFactor: 2 })])
    expect(h.eventsOf('config-changed')).toEqual([expect.objectContaining({ resourceType: 2, resourceName: 'orders', name: 'retention.ms', value: '60000' })])
  })

  it("refuses a replication factor above the number of brokers with Kafka's message", () => {
    const h = new Harness()
    h.startBrokers(1, 2)
    const [result] = h.controller.createTopics({ topics: [{ name: 'big', numPartitions: 1, replicationFactor: 3, configs: {} }], validateOnly: false }).topics
    expect(result).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: 'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) are registered or some brokers have all their log directories cordoned.',
      numPartitions: -1,
      replicationFactor: -1,
    })
    expect(h.controller.image.topicsByName.has('big')).toBe(false)
  })

  it('uses num.partitions and default.replication.factor for -1, and fails as Kafka when the default is too high', () => {
    const h = new Harness(undefined, { 'num.partitions': '3', 'default.replication.factor': '2' })
    h.startBrokers(1, 2)
    expect(h.createTopic('auto', -1, -1)).toMatchObject({ numPartitions: 3, replicationFactor: 2 })

    const tooHigh = new Harness(undefined, { 'default.replication.factor': '3' })
    tooHigh.startBrokers(1)
    const [result] = tooHigh.controller.createTopics({ topics: [{ name: 'auto', numPartitions: -1, replicationFactor: -1, configs: {} }], validateOnly: false }).topics
    expect(result.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR)
  })

  it('creates __consumer_offsets from offsets.topic.* as a compacted topic', () => {
    const h = new Harness(undefined, { 'offsets.topic.num.partitions': '5', 'offsets.topic.replication.factor': '1' })
    h.startBrokers(1)
    expect(h.createTopic('__consumer_offsets', -1, -1)).toMatchObject({ numPartitions: 5, replicationFactor: 1 })
    expect(h.controller.image.topicConfigs('__consumer_offsets')).toEqual({ 'cleanup.policy': 'compact', 'compression.type': 'producer', 'segment.bytes': '104857600' })
  })

  it('answers each topic on its own: bad names, existing topics, collisions, invalid configs and partitions', () => {
    const h = new Harness()
    h.startBrokers(1)
    h.createTopic('a.b', 1, 1)
    const { topics } = h.controller.createTopics({
      topics: [
        { name: 'bad name', numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'a.b', numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'a_b', numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'cfg', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': '-5' } },
        { name: 'zero', numPartitions: 0, replicationFactor: 1, configs: {} },
        { name: 'ok', numPartitions: 1, replicationFactor: 1, configs: {} },
      ],
      validateOnly: false,
    })
    expect(topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['a.b', ErrorCode.TOPIC_ALREADY_EXISTS],
      ['a_b', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['cfg', ErrorCode.INVALID_CONFIG],
      ['zero', ErrorCode.INVALID_PARTITIONS],
      ['ok', 0],
    ])
    expect(topics[2].errorMessage).toBe("Topic 'a_b' collides with existing topic: a.b")
    expect(topics[3].errorMessage).toBe('Invalid value -5 for configuration retention.ms: Value must be at least -1')
    expect([...h.controller.image.topicsByName.keys()]).toEqual(['a.b', 'ok'])
  })

  it('validates only, committing nothing but answering a topic id as Kafka 4 does', () => {
    const h = new Harness()
    h.startBrokers(1)
    const offset = h.controller.image.offset
    const [result] = h.controller.createTopics({ topics: [{ name: 'dry', numPartitions: 2, replicationFactor: 1, configs: {} }], validateOnly: true }).topics
    expect(result).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 })
    expect(result.topicId).toMatch(/^[0-9a-f-]{36}$/)
    expect(h.controller.image.offset).toBe(offset)
    expect(h.controller.image.topicsByName.has('dry')).toBe(false)
  })

  it('answers a name given twice once, with INVALID_REQUEST after the others, and a null config with INVALID_CONFIG', () => {
    const h = new Harness()
    h.startBrokers(1)
    const { topics } = h.controller.createTopics({
      topics: [
        { name: 'twice', numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'nulled', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': null } },
        { name: 'twice', numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'once', numPartitions: 1, replicationFactor: 1, configs: {} },
      ],
      validateOnly: false,
    })
    expect(topics.map((t) => [t.name, t.errorCode, t.numPartitions])).toEqual([
      ['nulled', ErrorCode.INVALID_CONFIG, -1],
      ['once', 0, 1],
      ['twice', ErrorCode.INVALID_REQUEST, -1],
    ])
    expect(topics[0].errorMessage).toBe('Null value not supported for topic configs: retention.ms')
    expect([...h.controller.image.topicsByName.keys()]).toEqual(['once'])
  })

  it('accepts a manual assignment and checks it as Kafka does', () => {
    const h = new Harness()
    h.startBrokers(1, 2, 3)
    const create = (assignments: Array<{ partitionIndex: number; brokerIds: number[] }>) =>
      h.controller.createTopics({ topics: [{ name: 'manual', numPartitions: -1, replicationFactor: -1, assignments, configs: {} }], validateOnly: false }).topics[0]
    expect(create([{ partitionIndex: 0, brokerIds: [1, 1] }]).errorMessage).toBe('The manual partition assignment includes the broker 1 more than once.')
    expect(create([{ partitionIndex: 0, brokerIds: [1, 9] }]).errorMessage).toBe(
      'The manual partition assignment includes broker 9, but no such broker is registered.',
    )
    expect(create([{ partitionIndex: 0, brokerIds: [3, 2] }, { partitionIndex: 1, brokerIds: [1, 3] }])).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 2 })
    expect(h.partition('manual', 0)).toMatchObject({ replicas: [3, 2], leader: 3, isr: [3, 2] })
  })
})

describe('CreatePartitions', () => {
  it('adds partitions with the same replication factor and refuses anything but an increase', () => {
    const h = new Harness()
    h.startBrokers(1, 2, 3)
    h.createTopic('grow', 2, 2)
    const grow = (count: number) => h.controller.createPartitions({ topics: [{ name: 'grow', count }], validateOnly: false }).results[0]
    expect(grow(2)).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic already has 2 partition(s).' })
    expect(grow(1)).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'The topic grow currently has 2 partition(s); 1 would not be an increase.' })
    expect(grow(5)).toMatchObject({ errorCode: 0 })
    const topic = h.controller.image.topicsByName.get('grow')!
    expect(topic.partitions).toHaveLength(5)
    for (const p of topic.partitions) expect(new Set(p.replicas).size).toBe(2)
    expect(h.eventsOf('partitions-created')).toEqual([expect.objectContaining({ topic: 'grow', from: 2, to: 5 })])
    const missing = h.controller.createPartitions({ topics: [{ name: 'nope', count: 3 }], validateOnly: false }).results[0]
    expect(missing.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })
})

describe('DeleteTopics', () => {
  it('removes a topic and its configs', () => {
    const h = new Harness()
    h.startBrokers(1)
    const { topicId } = h.createTopic('gone', 1, 1, { 'retention.ms': '1000' })
    const [result] = h.controller.deleteTopics({ names: ['gone'] }).responses
    expect(result).toMatchObject({ name: 'gone', topicId, errorCode: 0 })
    expect(h.controller.image.topicsByName.has('gone')).toBe(false)
    expect(h.controller.image.topicConfigs('gone')).toEqual({})
    expect(h.eventsOf('topic-deleted')).toEqual([expect.objectContaining({ topic: 'gone', topicId })])
    expect(h.controller.deleteTopics({ names: ['gone'] }).responses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('refuses with TOPIC_DELETION_DISABLED when delete.topic.enable is false', () => {
    const h = new Harness(undefined, { 'delete.topic.enable': 'false' })
    h.startBrokers(1)
    h.createTopic('kept', 1, 1)
    const [result] = h.controller.deleteTopics({ names: ['kept'] }).responses
    expect(result).toMatchObject({ errorCode: ErrorCode.TOPIC_DELETION_DISABLED })
    expect(result.errorMessage).toMatch(/delete\.topic\.enable is false/)
    expect(h.controller.image.topicsByName.has('kept')).toBe(true)
  })
})
