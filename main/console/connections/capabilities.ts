// What the console needs of a cluster's APIs, and what it does with each: where a cluster
// lacks one (an older Kafka, a mock cluster), the console says so once, in Kafka's API names,
// instead of failing call after call.
import { KafkaError } from '../../cluster/errors'
import type { MissingApi } from '../../../preload/contract'
import type { ClusterMethod } from '../clusterConsole'
import type { KafkaConnection } from './kafkaConnection'

const PRODUCE: readonly ClusterMethod[] = ['message:produce', 'message:replay']

/**
 * Each API the console uses, the lowest version it speaks (the client library's, or for
 * ApiVersions, Metadata and Fetch, the older ones of Brokerlab's own codec), what it serves,
 * and the contract methods that cannot work without it.
 */
const NEEDED: ReadonlyArray<{ api: string; minVersion: number; feature: string; methods: readonly ClusterMethod[] }> = [
  { api: 'Metadata', minVersion: 1, feature: 'brokers, topics, leaders and ISR', methods: [] },
  { api: 'ListOffsets', minVersion: 5, feature: 'offsets, message counts and lag', methods: [] },
  { api: 'Fetch', minVersion: 4, feature: 'the message browser', methods: ['message:browse', 'message:page', 'message:scanStart', 'message:replay'] },
  { api: 'Produce', minVersion: 7, feature: 'producing records', methods: PRODUCE },
  // The client library asks ApiVersions v3 before it produces or administers; the console's own reads fall back to v0.
  { api: 'ApiVersions', minVersion: 3, feature: 'producing records with the client library', methods: PRODUCE },
  { api: 'DescribeLogDirs', minVersion: 2, feature: 'log sizes', methods: [] },
  { api: 'DescribeConfigs', minVersion: 2, feature: 'configs', methods: ['config:describeTopic', 'config:describeBroker'] },
  { api: 'IncrementalAlterConfigs', minVersion: 0, feature: 'editing configs', methods: ['config:alter'] },
  { api: 'CreateTopics', minVersion: 7, feature: 'creating topics', methods: ['topic:create'] },
  { api: 'DeleteTopics', minVersion: 6, feature: 'deleting topics', methods: ['topic:delete'] },
  { api: 'CreatePartitions', minVersion: 1, feature: 'adding partitions', methods: ['topic:addPartitions'] },
  { api: 'ListGroups', minVersion: 4, feature: 'consumer groups', methods: ['group:list', 'group:lagHistory'] },
  { api: 'DescribeGroups', minVersion: 5, feature: 'group members', methods: ['group:list'] },
  { api: 'OffsetFetch', minVersion: 8, feature: 'committed offsets and lag', methods: ['group:list', 'group:resetOffsets'] },
  { api: 'OffsetCommit', minVersion: 8, feature: 'resetting offsets', methods: ['group:resetOffsets'] },
  { api: 'DeleteGroups', minVersion: 2, feature: 'deleting groups', methods: ['group:delete'] },
  { api: 'ListPartitionReassignments', minVersion: 0, feature: 'reassignments in progress', methods: [] },
  { api: 'AlterPartitionReassignments', minVersion: 0, feature: 'reassigning partitions', methods: ['topic:reassign'] },
  { api: 'ListTransactions', minVersion: 0, feature: 'transactions', methods: ['transaction:list'] },
  { api: 'DescribeTransactions', minVersion: 0, feature: 'transactions', methods: ['transaction:list'] },
  { api: 'DescribeProducers', minVersion: 0, feature: 'open transactions per partition', methods: ['transaction:list'] },
  { api: 'WriteTxnMarkers', minVersion: 0, feature: 'aborting a transaction', methods: ['transaction:abort'] },
  { api: 'EndTxn', minVersion: 3, feature: 'transactions by hand', methods: ['producer:beginTransaction', 'producer:endTransaction'] },
  { api: 'AddPartitionsToTxn', minVersion: 3, feature: 'transactions by hand', methods: ['producer:sendInTransaction'] },
]

/** The APIs the console needs that this cluster does not serve in a version the console speaks. */
export async function missingApis(kafka: KafkaConnection): Promise<MissingApi[]> {
  const served = new Map((await kafka.apiVersions()).map((a) => [a.name, a]))
  return NEEDED.flatMap(({ api, minVersion, feature, methods }) => {
    const range = served.get(api)
    if (!range) return [{ api, feature, why: 'not served', methods: [...methods] }]
    if (range.maxVersion < minVersion) return [{ api, feature, why: `served up to v${range.maxVersion}; the console needs v${minVersion}+`, methods: [...methods] }]
    return []
  })
}

/**
 * Refuses at once a method that needs an API the cluster lacks, saying so in Kafka's words
 * ("This cluster does not serve ListGroups (consumer groups)"), rather than letting the call
 * fail on some request deep inside with the client library's message.
 */
export async function refuseWithout(kafka: KafkaConnection, method: ClusterMethod): Promise<void> {
  if (!NEEDED.some((n) => n.methods.includes(method))) return
  const lacking = (await missingApis(kafka)).filter((m) => m.methods.includes(method))
  if (!lacking.length) return
  throw new KafkaError('UNSUPPORTED_VERSION', `This cluster does not serve ${lacking.map(describe).join(', nor ')}`)
}

const describe = (m: MissingApi) => (m.why === 'not served' ? `${m.api} (${m.feature})` : `${m.api} in a version the console speaks (${m.feature}: ${m.why})`)
