// The same raw requests to Apache Kafka and to Brokerlab, answers compared field by field:
// ApiVersions, Metadata, DescribeCluster and CreateTopics with good and bad input; and the
// order in which a connection's pipelined requests are handled.
import { describe, expect, it } from 'vitest'
import { ConnectionSettings } from '../../preload/contract'
import { testConnection } from '../../main/console/connections/connectionTest'
import { ApiKey, type CreatableTopic, type MetadataResponse } from '../../main/cluster/protocol/messages'
import { apiName } from './apiNames'
import { answered, SIDES, useDifferential, type Side } from './differential'
import { fetchThenProduce } from '../helpers/socket'
import { brokerOf, leader, metadataOf, partitionsByShape, topic, waitForLeaders } from './requests'

const diff = useDifferential({ name: 'protocol' })

/** Metadata as compared: brokers sorted, partitions by index and by shape (see compare.ts). */
function comparableMetadata(m: MetadataResponse) {
  return { ...m, brokers: [...m.brokers].sort((a, b) => a.nodeId - b.nodeId), topics: m.topics.map((t) => ({ ...t, partitions: partitionsByShape(t.partitions) })) }
}

describe('ApiVersions', () => {
  it('serves every API that Kafka serves, with the same version ranges', async () => {
    const to = await diff.connect(await diff.start())
    const { version, answers } = await diff.requestBoth(to, ApiKey.ApiVersions, { clientSoftwareName: 'brokerlab-reference', clientSoftwareVersion: '1', clusterId: null, nodeId: -1 })
    const request = `ApiVersions v${version}`
    const served = (side: Side) => new Map(answers[side].ok ? answers[side].value.apiKeys.map((k) => [k.apiKey, k]) : [])
    const ranges = { kafka: served('kafka'), brokerlab: served('brokerlab') }
    const keys = [...new Set([...ranges.kafka.keys(), ...ranges.brokerlab.keys()])].sort((a, b) => a - b)
    for (const key of keys) {
      const [kafka, lab] = SIDES.map((side) => {
        const r = ranges[side].get(key)
        return r ? { minVersion: r.minVersion, maxVersion: r.maxVersion } : 'not served'
      })
      diff.check('ApiVersions', `${apiName(key)} (key ${key})`, request, kafka, lab)
    }
    const rest = (side: Side) => {
      const a = answered(answers[side])
      return 'apiKeys' in a ? { ...a, apiKeys: undefined } : a
    }
    diff.check('ApiVersions', 'error code, throttle and features', request, rest('kafka'), rest('brokerlab'))

    // v5 (KIP-1242): a client naming another cluster, or this cluster and another node, is told to
    // rebootstrap; one naming a cluster without a node, or with a software name Kafka's pattern
    // refuses, sent an invalid request.
    const clusterIds = {} as Record<Side, string | null>
    for (const side of SIDES) clusterIds[side] = (await to[side].request(ApiKey.Metadata, 12, metadataOf([]))).clusterId
    const refused: Array<[string, (side: Side) => { clusterId: string | null; nodeId: number; clientSoftwareName?: string }]> = [
      ['v5 naming another cluster', () => ({ clusterId: 'another-cluster-id', nodeId: 1 })],
      ['v5 naming this cluster and another node', (side) => ({ clusterId: clusterIds[side], nodeId: 99 })],
      ['v5 naming a cluster but no node', (side) => ({ clusterId: clusterIds[side], nodeId: -1 })],
      ['a client software name with a space', () => ({ clientSoftwareName: 'bad name', clusterId: null, nodeId: -1 })],
    ]
    for (const [check, target] of refused) {
      const answer = await diff.requestBoth(to, ApiKey.ApiVersions, (side) => ({ clientSoftwareName: 'brokerlab-reference', clientSoftwareVersion: '1', ...target(side) }))
      diff.check('ApiVersions', check, `ApiVersions v${answer.version} clusterId, nodeId`, answered(answer.answers.kafka), answered(answer.answers.brokerlab))
    }
  })
})

describe('Metadata and DescribeCluster', () => {
  it('describe the brokers, the cluster and topics alike', async () => {
    const to = await diff.connect(await diff.start())
    const names = ['meta-three-by-three', 'meta-one-by-one']
    await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [topic(names[0], 3, 3), topic(names[1], 1, 1)], timeoutMs: 30_000, validateOnly: false })
    await waitForLeaders(to, names)

    const cases: Array<[string, ReturnType<typeof metadataOf>]> = [
      ['brokers, cluster id and controller', metadataOf([])],
      ['a topic of 3 partitions, RF 3', metadataOf([names[0]])],
      ['a topic of 1 partition, RF 1', metadataOf([names[1]])],
      ['an unknown topic, no auto-creation', metadataOf(['meta-missing'])],
      ['an invalid topic name, auto-creation allowed', metadataOf(['meta bad name'], true)],
    ]
    for (const [check, body] of cases) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.Metadata, body)
      const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? comparableMetadata(answers[side].value) : answered(answers[side])))
      diff.check('Metadata', check, `Metadata v${version} topics=${JSON.stringify(body.topics?.map((t) => t.name))} allowAutoTopicCreation=${body.allowAutoTopicCreation}`, kafka, lab)
    }

    for (const includeClusterAuthorizedOperations of [false, true]) {
      const { version, answers } = await diff.requestBoth(to, ApiKey.DescribeCluster, { includeClusterAuthorizedOperations, endpointType: 1, includeFencedBrokers: false })
      const [kafka, lab] = SIDES.map((side) => {
        const a = answered(answers[side])
        return 'brokers' in a ? { ...a, brokers: [...a.brokers].sort((x, y) => x.brokerId - y.brokerId) } : a
      })
      diff.check('DescribeCluster', `brokers${includeClusterAuthorizedOperations ? ', with authorized operations' : ''}`, `DescribeCluster v${version} includeClusterAuthorizedOperations=${includeClusterAuthorizedOperations}`, kafka, lab)
    }
    const withFenced = await diff.requestBoth(to, ApiKey.DescribeCluster, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers: true })
    const [kafkaBrokers, labBrokers] = SIDES.map((side) => {
      const a = answered(withFenced.answers[side])
      return 'brokers' in a ? [...a.brokers].sort((x, y) => x.brokerId - y.brokerId) : a
    })
    diff.check('DescribeCluster', 'brokers, fenced ones included (none fenced)', `DescribeCluster v${withFenced.version} includeFencedBrokers=true`, kafkaBrokers, labBrokers)
  })
})

describe('CreateTopics', () => {
  const many = 'x'.repeat(250)
  const cases: Array<{ check: string; topics: CreatableTopic[]; validateOnly?: boolean; before?: CreatableTopic[] }> = [
    { check: 'a valid topic (3 partitions, RF 3, one config)', topics: [topic('ct-valid', 3, 3, { configs: [{ name: 'retention.ms', value: '3600000' }] })] },
    { check: 'broker defaults (-1 partitions, -1 RF)', topics: [topic('ct-defaults', -1, -1)] },
    { check: 'an empty name', topics: [topic('', 1, 1)] },
    { check: 'the name "."', topics: [topic('.', 1, 1)] },
    { check: 'the name ".."', topics: [topic('..', 1, 1)] },
    { check: 'a name of 250 characters', topics: [topic(many, 1, 1)] },
    { check: 'a name with a space and "!"', topics: [topic('bad name!', 1, 1)] },
    { check: 'a name that collides on "." and "_"', topics: [topic('ct.collide', 1, 1)], before: [topic('ct_collide', 1, 1)] },
    { check: 'RF 4 on 3 brokers', topics: [topic('ct-rf-four', 1, 4)] },
    { check: 'RF 0', topics: [topic('ct-rf-zero', 1, 0)] },
    { check: 'RF -2', topics: [topic('ct-rf-minus-two', 1, -2)] },
    { check: '0 partitions', topics: [topic('ct-zero-partitions', 0, 1)] },
    { check: '-2 partitions', topics: [topic('ct-minus-two-partitions', -2, 1)] },
    { check: 'an unknown config', topics: [topic('ct-unknown-config', 1, 1, { configs: [{ name: 'no.such.config', value: '1' }] })] },
    { check: 'a config value of the wrong type', topics: [topic('ct-bad-type', 1, 1, { configs: [{ name: 'retention.ms', value: 'soon' }] })] },
    { check: 'a config value outside its valid values', topics: [topic('ct-bad-policy', 1, 1, { configs: [{ name: 'cleanup.policy', value: 'sometimes' }] })] },
    { check: 'a null config value', topics: [topic('ct-null-config', 1, 1, { configs: [{ name: 'retention.ms', value: null }] })] },
    { check: 'min.insync.replicas above RF', topics: [topic('ct-min-isr', 1, 1, { configs: [{ name: 'min.insync.replicas', value: '3' }] })] },
    { check: 'a topic that exists', topics: [topic('ct-exists', 1, 1)], before: [topic('ct-exists', 1, 1)] },
    { check: 'the same topic twice in one request', topics: [topic('ct-twice', 1, 1), topic('ct-twice', 1, 1)] },
    { check: 'a replica assignment on an unknown broker', topics: [topic('ct-assign-unknown', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 99] }] })] },
    { check: 'an assignment with numPartitions also set', topics: [topic('ct-assign-and-count', 2, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1] }] })] },
    { check: 'an assignment with a duplicate broker', topics: [topic('ct-assign-dup', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] })] },
    { check: 'validateOnly, valid', topics: [topic('ct-validate-only', 2, 3)], validateOnly: true },
    { check: 'validateOnly, RF 4', topics: [topic('ct-validate-rf', 1, 4)], validateOnly: true },
    { check: 'validateOnly, a topic that exists', topics: [topic('ct-validate-exists', 1, 1)], validateOnly: true, before: [topic('ct-validate-exists', 1, 1)] },
  ]

  it('answers good and bad input with the same error codes, counts and configs', async () => {
    const to = await diff.connect(await diff.start())
    for (const { check, topics, validateOnly = false, before } of cases) {
      if (before) await diff.requestBoth(to, ApiKey.CreateTopics, { topics: before, timeoutMs: 30_000, validateOnly: false })
      const { version, answers } = await diff.requestBoth(to, ApiKey.CreateTopics, { topics, timeoutMs: 30_000, validateOnly })
      const [kafka, lab] = SIDES.map((side) => {
        const a = answered(answers[side])
        return 'topics' in a ? { ...a, topics: a.topics.map((t) => ({ ...t, configs: t.configs && [...t.configs].sort((x, y) => x.name.localeCompare(y.name)) })) } : a
      })
      diff.check('CreateTopics', check, `CreateTopics v${version} validateOnly=${validateOnly} ${JSON.stringify(topics.map((t) => ({ name: t.name.length > 40 ? `${t.name.slice(0, 8)}…(${t.name.length})` : t.name, partitions: t.numPartitions, rf: t.replicationFactor, ...(t.assignments.length ? { assignments: t.assignments } : {}), ...(t.configs.length ? { configs: t.configs } : {}) })))}`, kafka, lab)
    }
    // validateOnly must not create: both clusters must not know the validated topic afterwards.
    const { answers } = await diff.requestBoth(to, ApiKey.Metadata, metadataOf(['ct-validate-only']))
    const [kafka, lab] = SIDES.map((side) => (answers[side].ok ? answers[side].value.topics.map((t) => ({ name: t.name, errorCode: t.errorCode })) : answered(answers[side])))
    diff.check('CreateTopics', 'validateOnly created nothing', 'Metadata v12 of the validated topic', kafka, lab)
  })
})

describe("The console's Test connection", () => {
  it('finds both clusters through the client library: every broker at its address, the cluster id', async () => {
    const bootstraps = await diff.start()
    for (const side of SIDES) {
      const result = await testConnection(ConnectionSettings.parse({ bootstrap: bootstraps[side].split(',')[0] }))
      expect(result.ok, `${side}: ${JSON.stringify(result)}`).toBe(true)
      if (!result.ok) continue
      expect(result.brokers.map((b) => `${b.host}:${b.port}`).join(','), side).toBe(bootstraps[side])
      if (side === 'kafka') expect(result.clusterId).toBe(diff.reference.clusterId)
      expect(result.apis, side).toBeGreaterThan(20)
    }
  })
})

describe('Pipelined requests', () => {
  it('are handled one at a time: a long-polling Fetch is answered before the Produce written behind it is appended', async () => {
    const bootstraps = await diff.start()
    const to = await diff.connect(bootstraps)
    for (const side of SIDES) await to[side].request(ApiKey.CreateTopics, 7, { topics: [topic('pipelined', 1, 1)], timeoutMs: 30_000, validateOnly: false })
    await waitForLeaders(to, ['pipelined'])
    const leaders = await brokerOf(to, 'pipelined', 0, leader)
    const kafka = await fetchThenProduce(leaders.kafka, 'pipelined')
    const lab = await fetchThenProduce(leaders.brokerlab, 'pipelined')
    // The reference itself: Kafka's processor reads the Produce only once the Fetch is answered.
    expect(kafka).toMatchObject({ order: [1, 2], fetchedBytes: 0, fetchWaitedOut: true })
    diff.check('Pipelining', 'Fetch (maxWaitMs 800, minBytes 1) then Produce, in one write', 'Fetch v12 of an empty partition, then Produce v9 acks=1 to it, one connection', kafka, lab)
  })
})
