// The admin APIs of issue 14, item 3, sent alike to Apache Kafka and to Brokerlab:
// DescribeLogDirs (35), DescribeTopicPartitions (75) and DescribeProducers (61), plus the
// Kafka tools built on them (kafka-log-dirs, kafka-topics --describe, kafka-transactions
// describe-producers). One test, so both clusters hold the same topics throughout: the
// reference Kafka lives for the whole file, a Brokerlab cluster for one test.
import { describe, it } from 'vitest'
import { ZERO_UUID,
  ApiKey,
  type AlterClientQuotasRequest,
  type AlterReplicaLogDirsResponse,
  type AlterClientQuotasResponse,
  type AlterUserScramCredentialsRequest,
  type AlterUserScramCredentialsResponse,
  type DescribeClientQuotasRequest,
  type DescribeClientQuotasResponse,
  type DescribeQuorumResponse,
  type ListConfigResourcesResponse,
  type DescribeUserScramCredentialsResponse,
  type DescribeLogDirsResponse, type DescribeTopicPartitionsRequest, type DescribeTopicPartitionsResponse } from '../../main/cluster/protocol/messages'
import { producerBatch } from '../helpers/batches'
import { eventually } from '../helpers/cluster'
import type { RawClient } from '../helpers/rawClient'
import { answered, SIDES, useDifferential, type Side } from './differential'
import { brokerOf, follower, leader, partitionsByShape, topic, waitForLeaders } from './requests'
import { parseLogDirsDescribe, parseTable, parseTopicsDescribe, sortedLines } from './toolOutput'

/** A tool's output as its non-empty lines. */
const lines = (stdout: string) => stdout.split('\n').filter((l) => l.trim())

const diff = useDifferential({ name: 'adminApis' })

/** One timestamp for every batch, so both clusters store the same bytes (and sizes). */
const TIMESTAMP = Date.now()

/** An idempotent producer per side: a producer id from that side, the same batches to both. */
async function idempotentProducers(to: Record<Side, RawClient>) {
  const ids = {} as Record<Side, bigint>
  for (const side of SIDES) {
    // Kafka answers COORDINATOR_LOAD_IN_PROGRESS until its first block of producer ids arrives.
    const r = await eventually(`a producer id from ${side}`, async () => {
      const answer = await to[side].request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
      return answer.errorCode === 0 && answer
    }, 30_000)
    ids[side] = r.producerId
  }
  const sequences = new Map<string, number>()
  /**
   * Sends `count` records to the partition's leader on each side with acks=all: every replica
   * then has them. A leader that has not yet heard it leads answers NOT_LEADER_OR_FOLLOWER
   * (6), and one whose metadata cache has not yet heard of the topic (Kafka's, right after
   * CreateTopics) UNKNOWN_TOPIC_OR_PARTITION (3): both are retriable, as in Kafka's producer,
   * and the batch is retried with its sequence, so it is written once.
   */
  return async (topicName: string, partition: number, count: number) => {
    const baseSequence = sequences.get(`${topicName}-${partition}`) ?? 0
    for (const side of SIDES) {
      const records = producerBatch({ count, tag: `${topicName}-${partition}`, timestamp: TIMESTAMP, producerId: Number(ids[side]), producerEpoch: 0, baseSequence })
      await eventually(`produce to ${topicName}-${partition} on ${side}`, async () => {
        const leaders = await diff.connect(await brokerOf(to, topicName, partition, leader))
        const r = await leaders[side].request(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ topicId: ZERO_UUID, name: topicName, partitionData: [{ index: partition, records }] }] })
        const code = r.responses[0].partitionResponses[0].errorCode
        if (code !== 0 && code !== 6 && code !== 3) throw new Error(`Produce to ${topicName}-${partition} on ${side}: error ${code}`)
        return code === 0
      }, 30_000)
    }
    sequences.set(`${topicName}-${partition}`, baseSequence + count)
  }
}

async function createBoth(to: Record<Side, RawClient>, topics: ReturnType<typeof topic>[]) {
  await diff.requestBoth(to, ApiKey.CreateTopics, { topics, timeoutMs: 30_000, validateOnly: false })
  await waitForLeaders(to, topics.map((t) => t.name))
}

/** Log dirs as compared: topics by name, partitions by index (Kafka groups them in hash order). */
function comparableLogDirs(r: DescribeLogDirsResponse) {
  return {
    ...r,
    results: r.results.map((d) => ({
      ...d,
      topics: [...d.topics].sort((a, b) => a.name.localeCompare(b.name)).map((t) => ({ ...t, partitions: [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex) })),
    })),
  }
}

const byJson = <T>(items: T[]) => [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
const byType = <T extends { entityType: string }>(entity: T[]) => [...entity].sort((a, b) => a.entityType.localeCompare(b.entityType))

/** Quota answers as compared: Kafka lists entities, their parts and values in hash order. */
function comparableQuotas(r: DescribeClientQuotasResponse | AlterClientQuotasResponse) {
  const entries = r.entries?.map((e) => ({ ...e, entity: byType(e.entity), ...('values' in e ? { values: [...e.values].sort((a, b) => a.key.localeCompare(b.key)) } : {}) }))
  return { ...r, entries: entries && byJson(entries) }
}

/** SCRAM answers as compared: users (and their mechanisms) in hash order on Kafka's side. */
function comparableScram(r: DescribeUserScramCredentialsResponse | AlterUserScramCredentialsResponse) {
  const results = r.results.map((u) => ('credentialInfos' in u ? { ...u, credentialInfos: [...u.credentialInfos].sort((a, b) => a.mechanism - b.mechanism) } : u))
  return { ...r, results: [...results].sort((a, b) => a.user.localeCompare(b.user)) }
}

function comparableLogDirMoves(r: AlterReplicaLogDirsResponse) {
  return { ...r, results: [...r.results].sort((a, b) => a.topicName.localeCompare(b.topicName)).map((t) => ({ ...t, partitions: [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex) })) }
}

/**
 * DescribeQuorum as compared: node ids, offsets and times differ by design, so the shape is
 * kept: who leads (a voter), how many voters and observers, which have been heard from.
 */
function comparableQuorum(r: DescribeQuorumResponse) {
  const stamp = (v: bigint) => (v > 0n ? '<timestamp>' : String(v))
  return {
    ...r,
    topics: r.topics.map((t) => ({
      ...t,
      partitions: t.partitions.map(({ leaderId, highWatermark, currentVoters, observers, ...p }) => {
        const replica = (v: DescribeQuorumResponse['topics'][number]['partitions'][number]['observers'][number]) => ({
          replica: v.replicaId === leaderId ? 'the leader' : 'another node',
          logEndOffset: v.logEndOffset === highWatermark ? 'the high watermark' : v.logEndOffset > 0n ? '<offset>' : String(v.logEndOffset),
          lastFetchTimestamp: stamp(v.lastFetchTimestamp),
          lastCaughtUpTimestamp: stamp(v.lastCaughtUpTimestamp),
        })
        return { ...p, leaderIsAVoter: currentVoters.some((v) => v.replicaId === leaderId), highWatermark: highWatermark > 0n ? '<offset>' : String(highWatermark), currentVoters: currentVoters.map(replica), observers: observers.length }
      }),
    })),
    nodes: r.nodes.map((n) => ({ listeners: n.listeners.map((l) => l.name) })),
  }
}

/** kafka-metadata-quorum describe --status: its keys, with numbers masked and lists counted. */
function parseQuorumStatus(stdout: string) {
  return lines(stdout).map((line) => {
    const [key, ...rest] = line.split(':')
    const value = rest.join(':').trim()
    if (value.startsWith('[')) return `${key}: ${(JSON.parse(value) as unknown[]).length} entries`
    return `${key}: ${/^-?\d+$/.test(value) ? '<number>' : key === 'ClusterId' ? '<cluster id>' : value}`
  })
}

/** Config resources as compared: this test's topics only (the reference holds the whole file's), sorted. */
function comparableConfigResources(r: ListConfigResourcesResponse) {
  const ours = r.configResources.filter((c) => c.resourceType !== 2 || c.resourceName.startsWith('ard-'))
  return { ...r, configResources: [...ours].sort((a, b) => a.resourceType - b.resourceType || a.resourceName.localeCompare(b.resourceName)) }
}

function comparableTopicPartitions(r: DescribeTopicPartitionsResponse) {
  return { ...r, topics: r.topics.map((t) => ({ ...t, partitions: partitionsByShape(t.partitions) })) }
}

describe('admin APIs', () => {
  it('DescribeLogDirs, DescribeTopicPartitions and DescribeProducers answer as Kafka does', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    const produce = await idempotentProducers(to)

    // DescribeLogDirs first, while the only topic is one that every broker holds (RF 3).
    await createBoth(to, [topic('ld-three', 3, 3)])
    await produce('ld-three', 0, 3)
    await produce('ld-three', 1, 1)
    await produce('ld-three', 1, 20)
    const logDirCases: Array<[string, { topic: string; partitions: number[] }[] | null]> = [
      ['every partition (topics = null)', null],
      ['the partitions of one topic', [{ topic: 'ld-three', partitions: [0, 1, 2] }]],
      ['one partition of it', [{ topic: 'ld-three', partitions: [1] }]],
      ['an unknown topic and a partition past the last', [{ topic: 'ld-missing', partitions: [0] }, { topic: 'ld-three', partitions: [7] }]],
    ]
    for (const [check, topics] of logDirCases) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.DescribeLogDirs, { topics })
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableLogDirs(answers[side].value) : answered(answers[side])))
      diff.check('DescribeLogDirs', check, `DescribeLogDirs v${version} topics=${JSON.stringify(topics)}`, kafka, lab)
    }
    await diff.compareTool(bootstraps, 'kafka-log-dirs', 'describe the log dirs of a topic on every broker', ['--describe', '--topic-list', 'ld-three'], parseLogDirsDescribe)

    await createBoth(to, [topic('dtp-three', 3, 3), topic('dtp-one', 1, 1), topic('dtp-two', 2, 2)])
    const page = (topics: string[], responsePartitionLimit = 2000, cursor: DescribeTopicPartitionsRequest['cursor'] = null): DescribeTopicPartitionsRequest => ({
      topics: topics.map((name) => ({ name })),
      responsePartitionLimit,
      cursor,
    })
    const dtpCases: Array<[string, DescribeTopicPartitionsRequest]> = [
      ['one topic of 3 partitions, RF 3', page(['dtp-three'])],
      ['topics out of order, one named twice', page(['dtp-two', 'dtp-one', 'dtp-two'])],
      ['an unknown topic and an invalid name', page(['dtp-missing', 'bad name!'])],
      ['every topic (an empty list)', page([])],
      ['a limit of 2 partitions: the first page', page(['dtp-one', 'dtp-three', 'dtp-two'], 2)],
      ['a limit of 2 partitions: from a cursor inside a topic', page(['dtp-one', 'dtp-three', 'dtp-two'], 2, { topicName: 'dtp-three', partitionIndex: 1 })],
      ['a limit of 2 partitions: from a cursor at a topic', page(['dtp-one', 'dtp-three', 'dtp-two'], 2, { topicName: 'dtp-two', partitionIndex: 0 })],
      ['a limit of 0 (taken as 1)', page(['dtp-three'], 0)],
      ['a cursor on a topic not asked for', page(['dtp-one'], 2000, { topicName: 'dtp-two', partitionIndex: 0 })],
      ['a cursor with a negative partition', page(['dtp-one'], 2000, { topicName: 'dtp-one', partitionIndex: -1 })],
    ]
    for (const [check, body] of dtpCases) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.DescribeTopicPartitions, body)
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableTopicPartitions(answers[side].value) : answered(answers[side])))
      diff.check('DescribeTopicPartitions', check, `DescribeTopicPartitions v${version} ${JSON.stringify(body)}`, kafka, lab)
    }
    await diff.compareTool(bootstraps, 'kafka-topics', 'describe through DescribeTopicPartitions (ELR columns)', ['--describe', '--topic', 'dtp-three'], parseTopicsDescribe)

    // A partition with an idempotent producer, one without, and one on broker 2 only.
    await createBoth(to, [topic('dp-two', 2, 3), topic('dp-placed', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [2] }] })])
    await produce('dp-two', 0, 3)
    await produce('dp-two', 0, 2)
    const producersOf = (partitionIndexes: number[], name = 'dp-two') => ({ topics: [{ name, partitionIndexes }] })
    const producerCases: Array<[string, () => Promise<Record<Side, string>>, ReturnType<typeof producersOf>]> = [
      ['the leader of a partition with one idempotent producer', () => brokerOf(to, 'dp-two', 0, leader), producersOf([0])],
      ['a follower of that partition', () => brokerOf(to, 'dp-two', 0, follower), producersOf([0])],
      ['a partition no producer wrote to', () => brokerOf(to, 'dp-two', 1, leader), producersOf([1])],
      ['a partition this broker has no replica of', () => brokerOf(to, 'dp-placed', 0, () => 1), producersOf([0], 'dp-placed')],
      [
        'an unknown topic, an invalid name, a partition past the last',
        async () => bootstraps,
        { topics: [{ name: 'dp-missing', partitionIndexes: [0] }, { name: 'bad name!', partitionIndexes: [0] }, { name: 'dp-two', partitionIndexes: [5, 0] }] },
      ],
    ]
    for (const [check, broker, body] of producerCases) {
      const { version, answers } = await diff.requestBoth(await diff.connect(await broker()), ApiKey.DescribeProducers, body)
      diff.check('DescribeProducers', check, `DescribeProducers v${version} ${JSON.stringify(body.topics)}`, answered(answers.kafka), answered(answers.brokerlab))
    }
    await diff.compareTool(bootstraps, 'kafka-transactions', 'describe the producers of a partition', ['describe-producers', '--topic', 'dp-two', '--partition', '0'], parseTable)
  })

  it('ACLs, SASL and delegation tokens answer as Kafka without an authorizer, on PLAINTEXT', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    const ask = async <K extends Parameters<typeof diff.requestBoth>[1]>(scenario: string, check: string, apiKey: K, body: Parameters<typeof diff.requestBoth<K>>[2], on = to) => {
      const { version, answers } = await diff.requestBoth(on, apiKey, body)
      diff.check(scenario, check, `${scenario} v${version} ${JSON.stringify(body, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`, answered(answers.kafka), answered(answers.brokerlab))
    }

    // ResourceType TOPIC 2, GROUP 3, ANY 1; PatternType ANY 1, LITERAL 3, PREFIXED 4; AclOperation ANY 1, READ 3; permission ANY 1, ALLOW 3.
    const anyFilter = { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }
    await ask('DescribeAcls', 'every ACL (an ANY filter)', ApiKey.DescribeAcls, anyFilter)
    await ask('DescribeAcls', 'the ACLs of one topic', ApiKey.DescribeAcls, { ...anyFilter, resourceTypeFilter: 2, resourceNameFilter: 'acl-topic', patternTypeFilter: 3 })
    const creation = (resourceType: number, resourceName: string, resourcePatternType: number) => ({ resourceType, resourceName, resourcePatternType, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 })
    await ask('CreateAcls', 'a literal topic ACL and a prefixed group ACL', ApiKey.CreateAcls, { creations: [creation(2, 'acl-topic', 3), creation(3, 'acl-', 4)] })
    await ask('CreateAcls', 'no creations', ApiKey.CreateAcls, { creations: [] })
    await ask('DeleteAcls', 'two filters', ApiKey.DeleteAcls, { filters: [anyFilter, { ...anyFilter, resourceTypeFilter: 2, resourceNameFilter: 'acl-topic', patternTypeFilter: 3 }] })
    await diff.compareTool(bootstraps, 'kafka-acls', 'list every ACL', ['--list'], lines)
    await diff.compareTool(bootstraps, 'kafka-acls', 'add an ACL', ['--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--topic', 'acl-topic'], lines)
    await diff.compareTool(bootstraps, 'kafka-acls', 'remove the ACLs of a topic', ['--remove', '--force', '--topic', 'acl-topic'], lines)

    // On a PLAINTEXT listener the client is authenticated from the start: SASL comes too late.
    await ask('SaslHandshake', 'PLAIN on a PLAINTEXT listener', ApiKey.SaslHandshake, { mechanism: 'PLAIN' })
    await ask('SaslHandshake', 'an unknown mechanism', ApiKey.SaslHandshake, { mechanism: 'NO-SUCH-MECHANISM' })
    await ask('SaslAuthenticate', 'PLAIN credentials on a PLAINTEXT listener', ApiKey.SaslAuthenticate, { authBytes: Buffer.from('\0alice\0not-a-secret') })
    await ask('SaslAuthenticate', 'the connection stays open: DescribeAcls after it', ApiKey.DescribeAcls, anyFilter)

    // Delegation tokens are refused over PLAINTEXT before token auth (no secret) is looked at.
    const hmac = Buffer.from('not-a-token')
    await ask('CreateDelegationToken', 'for the requester', ApiKey.CreateDelegationToken, { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [], maxLifetimeMs: -1n })
    await ask('CreateDelegationToken', 'for another owner, with a renewer', ApiKey.CreateDelegationToken, { ownerPrincipalType: 'User', ownerPrincipalName: 'bob', renewers: [{ principalType: 'User', principalName: 'carol' }], maxLifetimeMs: 3_600_000n })
    await ask('RenewDelegationToken', 'an unknown token', ApiKey.RenewDelegationToken, { hmac, renewPeriodMs: 60_000n })
    await ask('ExpireDelegationToken', 'an unknown token', ApiKey.ExpireDelegationToken, { hmac, expiryTimePeriodMs: -1n })
    await ask('DescribeDelegationToken', 'every owner', ApiKey.DescribeDelegationToken, { owners: null })
    await ask('DescribeDelegationToken', 'no owners', ApiKey.DescribeDelegationToken, { owners: [] })
    await diff.compareTool(bootstraps, 'kafka-delegation-tokens', 'describe every token', ['--describe'], lines)
    await diff.compareTool(bootstraps, 'kafka-delegation-tokens', 'create a token', ['--create', '--max-life-time-period', '-1'], lines)
  })

  it('client quotas and SCRAM credentials are stored, validated and described as Kafka does', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    const body = (b: unknown) => JSON.stringify(b, (_, v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) || v?.type === 'Buffer' ? '<bytes>' : v))

    type Part = [string, string | null]
    const alter = (entries: Array<[Part[], Array<[string, number | null]>]>, validateOnly = false): AlterClientQuotasRequest => ({
      entries: entries.map(([entity, ops]) => ({
        entity: entity.map(([entityType, entityName]) => ({ entityType, entityName })),
        ops: ops.map(([key, value]) => ({ key, value: value ?? 0, remove: value === null })),
      })),
      validateOnly,
    })
    const alterCases: Array<[string, AlterClientQuotasRequest]> = [
      [
        'users, client ids, their defaults and ips',
        alter([
          [[['user', 'alice']], [['producer_byte_rate', 1024], ['consumer_byte_rate', 2048]]],
          [[['client-id', null]], [['request_percentage', 50]]],
          [[['user', 'bob'], ['client-id', 'app']], [['producer_byte_rate', 4096], ['controller_mutation_rate', 2.5]]],
          [[['user', null]], [['consumer_byte_rate', 100000]]],
          [[['ip', '127.0.0.1']], [['connection_creation_rate', 10]]],
          [[['ip', null]], [['connection_creation_rate', 100]]],
        ]),
      ],
      ['validateOnly changes nothing', alter([[[['user', 'carol']], [['producer_byte_rate', 1]]]], true)],
      [
        'bad keys, values and entities',
        alter([
          [[['user', 'dave']], [['no_such_quota', 1]]],
          [[['user', 'erin']], [['producer_byte_rate', 1.5]]],
          [[['user', 'frank']], [['consumer_byte_rate', 0]]],
          [[['client-id', 'neg']], [['request_percentage', -1]]],
          [[['user', 'grace']], [['connection_creation_rate', 5]]],
          [[['ip', '10.0.0.1']], [['producer_byte_rate', 5]]],
          [[['ip', '10.0.0.2'], ['user', 'heidi']], [['connection_creation_rate', 5]]],
          [[['group', 'g']], [['producer_byte_rate', 5]]],
          [[['user', '']], [['producer_byte_rate', 5]]],
          [[], [['producer_byte_rate', 5]]],
          [[['ip', '10.0.0.3']], [['connection_creation_rate', 3_000_000_000]]],
        ]),
      ],
      ['a key twice, an entity twice', alter([[[['user', 'ivan']], [['producer_byte_rate', 5], ['producer_byte_rate', 6]]], [[['user', 'judy']], [['producer_byte_rate', 5]]], [[['user', 'judy']], [['consumer_byte_rate', 7]]]])],
      ['remove one quota, and one that is not set', alter([[[['user', 'alice']], [['consumer_byte_rate', null]]], [[['user', 'nobody']], [['consumer_byte_rate', null]]]])],
    ]
    for (const [check, request] of alterCases) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.AlterClientQuotas, request)
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableQuotas(answers[side].value) : answered(answers[side])))
      diff.check('AlterClientQuotas', check, `AlterClientQuotas v${version} ${body(request)}`, kafka, lab)
    }
    const describe = (components: Array<[string, number, string | null]>, strict = false): DescribeClientQuotasRequest => ({
      components: components.map(([entityType, matchType, match]) => ({ entityType, matchType, match })),
      strict,
    })
    // Match types: 0 exact, 1 default, 2 specified (any name).
    const describeCases: Array<[string, DescribeClientQuotasRequest]> = [
      ['every entity (no components)', describe([])],
      ['one user exactly', describe([['user', 0, 'alice']])],
      ['the default user', describe([['user', 1, null]])],
      ['any user, strictly (no client id)', describe([['user', 2, null]], true)],
      ['any user with any client id', describe([['user', 2, null], ['client-id', 2, null]])],
      ['any ip', describe([['ip', 2, null]])],
      ['the default client id, strictly', describe([['client-id', 1, null]], true)],
      ['an unknown entity type', describe([['group', 2, null]])],
      ['exact match without a name', describe([['user', 0, null]])],
      ['ip with user', describe([['ip', 2, null], ['user', 2, null]])],
      ['a type twice', describe([['user', 2, null], ['user', 0, 'alice']])],
      ['an unknown match type', describe([['user', 7, null]])],
    ]
    // The alterations are committed by the controller before they are answered, and reach the
    // answering broker's metadata a moment later (on both clusters). Metadata records apply in
    // order: once the last one (alice's consumer_byte_rate removed) shows, every earlier one does.
    await eventually("alice's consumer_byte_rate removed on both clusters", async () => {
      const { answers } = await diff.requestBoth(to, ApiKey.DescribeClientQuotas, describe([['user', 0, 'alice']]))
      return !SIDES.some((side) => JSON.stringify(answers[side]).includes('consumer_byte_rate'))
    }, 5_000)
    for (const [check, request] of describeCases) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.DescribeClientQuotas, request)
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableQuotas(answers[side].value) : answered(answers[side])))
      diff.check('DescribeClientQuotas', check, `DescribeClientQuotas v${version} ${body(request)}`, kafka, lab)
    }
    await diff.compareTool(bootstraps, 'kafka-configs', 'describe the quotas of a user', ['--describe', '--entity-type', 'users', '--entity-name', 'alice'], sortedLines)
    await diff.compareTool(bootstraps, 'kafka-configs', 'describe the default client id', ['--describe', '--entity-type', 'clients', '--entity-default'], sortedLines)
    await diff.compareTool(bootstraps, 'kafka-configs', 'add a user quota', ['--alter', '--entity-type', 'users', '--entity-name', 'kim', '--add-config', 'producer_byte_rate=1000,consumer_byte_rate=2000'], sortedLines)
    await diff.compareTool(bootstraps, 'kafka-configs', 'describe a user and client id', ['--describe', '--entity-type', 'users', '--entity-name', 'bob', '--entity-type', 'clients', '--entity-name', 'app'], sortedLines)
    await diff.compareTool(bootstraps, 'kafka-configs', 'an unknown quota', ['--alter', '--entity-type', 'clients', '--entity-name', 'x', '--add-config', 'no_such_quota=1'], sortedLines)

    const salt = Buffer.alloc(16, 7)
    const saltedPassword = (n: number) => Buffer.alloc(n, 9)
    const upsert = (name: string, mechanism: number, iterations: number) => ({ name, mechanism, iterations, salt, saltedPassword: saltedPassword(mechanism === 2 ? 64 : 32) })
    const scramCases: Array<[string, AlterUserScramCredentialsRequest]> = [
      ['SCRAM-SHA-256 for one user, SCRAM-SHA-512 for another', { deletions: [], upsertions: [upsert('alice', 1, 8192), upsert('bob', 2, 4096)] }],
      ['a second mechanism for a user', { deletions: [], upsertions: [upsert('alice', 2, 16384)] }],
      [
        'too few and too many iterations, an unknown mechanism, an empty name',
        { deletions: [], upsertions: [upsert('carol', 1, 4095), upsert('dave', 2, 16385), upsert('erin', 0, 8192), upsert('', 1, 8192)] },
      ],
      ['deleting what does not exist, and a user twice', { deletions: [{ name: 'nobody', mechanism: 1 }, { name: 'bob', mechanism: 2 }], upsertions: [upsert('bob', 1, 8192)] }],
      ['deleting one mechanism of a user', { deletions: [{ name: 'alice', mechanism: 1 }], upsertions: [] }],
    ]
    for (const [check, request] of scramCases) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.AlterUserScramCredentials, request)
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableScram(answers[side].value) : answered(answers[side])))
      diff.check('AlterUserScramCredentials', check, `AlterUserScramCredentials v${version} ${body(request)}`, kafka, lab)
    }
    const describeScram: Array<[string, { users: Array<{ name: string }> | null }]> = [
      ['every user (null)', { users: null }],
      ['every user (empty)', { users: [] }],
      ['a user, an unknown user, a user twice', { users: [{ name: 'alice' }, { name: 'nobody' }, { name: 'bob' }, { name: 'bob' }] }],
    ]
    for (const [check, request] of describeScram) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.DescribeUserScramCredentials, request)
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableScram(answers[side].value) : answered(answers[side])))
      diff.check('DescribeUserScramCredentials', check, `DescribeUserScramCredentials v${version} ${body(request)}`, kafka, lab)
    }
    await diff.compareTool(bootstraps, 'kafka-configs', 'add a SCRAM credential', ['--alter', '--entity-type', 'users', '--entity-name', 'frank', '--add-config', 'SCRAM-SHA-512=[iterations=8192,password=frank-secret]'], sortedLines)
    await diff.compareTool(bootstraps, 'kafka-configs', 'describe a user with SCRAM credentials and quotas', ['--describe', '--entity-type', 'users', '--entity-name', 'frank'], sortedLines)
    await diff.compareTool(bootstraps, 'kafka-configs', 'describe every user', ['--describe', '--entity-type', 'users'], sortedLines)
  })

  it('AlterReplicaLogDirs, DescribeQuorum, ListConfigResources and UnregisterBroker answer as Kafka does', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    await createBoth(to, [topic('ard-three', 2, 3), topic('ard-placed', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [2] }] })])
    const one = await diff.connect(await brokerOf(to, 'ard-three', 0, () => 1))
    // Each broker's one log dir, as it names it (the paths differ by design; the moves do not).
    const logDir = {} as Record<Side, string>
    for (const side of SIDES) logDir[side] = (await one[side].request(ApiKey.DescribeLogDirs, 4, { topics: [] })).results[0].logDir
    const moveCases: Array<[string, (side: Side) => string]> = [
      ['partitions into the broker’s own log dir: hosted, not hosted, unknown', (side) => logDir[side]],
      ['into a log dir the broker does not have', () => '/no/such/log/dir'],
    ]
    for (const [check, path] of moveCases) {
      const body = (side: Side) => ({ dirs: [{ path: path(side), topics: [{ name: 'ard-three', partitions: [0, 1] }, { name: 'ard-placed', partitions: [0] }, { name: 'ard-missing', partitions: [0] }] }] })
      const { version, answers } = await diff.requestBoth(one, ApiKey.AlterReplicaLogDirs, body)
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableLogDirMoves(answers[side].value) : answered(answers[side])))
      diff.check('AlterReplicaLogDirs', check, `AlterReplicaLogDirs v${version} ${JSON.stringify(body('kafka').dirs[0].topics)}`, kafka, lab)
    }

    const quorumCases: Array<[string, { topics: Array<{ topicName: string; partitions: Array<{ partitionIndex: number }> }> }]> = [
      ['the metadata log', { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] }],
      ['another topic and partition', { topics: [{ topicName: 'ard-three', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }] }],
    ]
    for (const [check, request] of quorumCases) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.DescribeQuorum, request)
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableQuorum(answers[side].value) : answered(answers[side])))
      diff.check('DescribeQuorum', check, `DescribeQuorum v${version} ${JSON.stringify(request.topics)}`, kafka, lab)
    }
    await diff.compareTool(bootstraps, 'kafka-metadata-quorum', 'describe the quorum’s status', ['describe', '--status'], parseQuorumStatus)

    // Types: 2 topic, 4 broker, 8 broker logger, 16 client metrics, 32 group; 1 is not one.
    const listCases: Array<[string, number[]]> = [
      ['every type (none named)', []],
      ['topics', [2]],
      ['brokers and broker loggers', [4, 8]],
      ['client metrics and groups', [16, 32]],
      ['a type that cannot be listed', [2, 1]],
    ]
    for (const [check, resourceTypes] of listCases) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.ListConfigResources, { resourceTypes })
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableConfigResources(answers[side].value) : answered(answers[side])))
      diff.check('ListClientMetricsResources', check, `ListConfigResources v${version} resourceTypes=${JSON.stringify(resourceTypes)}`, kafka, lab)
    }
    const [kafkaV0, labV0] = await Promise.all(SIDES.map((side) => to[side].request(ApiKey.ListConfigResources, 0, { resourceTypes: [] })))
    diff.check('ListClientMetricsResources', 'v0: the client metrics resources', 'ListClientMetricsResources v0', kafkaV0, labV0)
    await diff.compareTool(bootstraps, 'kafka-client-metrics', 'list the client metrics resources', ['--list'], lines)

    const { version, answers } = await diff.requestBoth(to, ApiKey.UnregisterBroker, { brokerId: 99 })
    diff.check('UnregisterBroker', 'a broker id that is not registered', `UnregisterBroker v${version} brokerId=99`, answered(answers.kafka), answered(answers.brokerlab))
    await diff.compareTool(bootstraps, 'kafka-cluster', 'unregister a broker id that is not registered', ['unregister', '--id', '99'], lines)
  })
})
