// What the console needs of a cluster's APIs, and what it does with each: where a cluster
// lacks one (an older Kafka, a mock cluster), the console says so once, in Kafka's API names,
// instead of failing call after call.
import type { KafkaConnection } from './kafkaConnection'

/** Each API the console uses, the lowest version its client library speaks, and what it serves. */
const NEEDED: ReadonlyArray<{ api: string; minVersion: number; feature: string }> = [
  { api: 'Metadata', minVersion: 9, feature: 'brokers, topics, leaders and ISR' },
  { api: 'ListOffsets', minVersion: 5, feature: 'offsets, message counts and lag' },
  { api: 'Fetch', minVersion: 12, feature: 'the message browser' },
  { api: 'Produce', minVersion: 7, feature: 'producing records' },
  { api: 'DescribeLogDirs', minVersion: 2, feature: 'log sizes' },
  { api: 'DescribeConfigs', minVersion: 2, feature: 'configs' },
  { api: 'IncrementalAlterConfigs', minVersion: 0, feature: 'editing configs' },
  { api: 'CreateTopics', minVersion: 7, feature: 'creating topics' },
  { api: 'DeleteTopics', minVersion: 6, feature: 'deleting topics' },
  { api: 'CreatePartitions', minVersion: 1, feature: 'adding partitions' },
  { api: 'ListGroups', minVersion: 4, feature: 'consumer groups' },
  { api: 'DescribeGroups', minVersion: 5, feature: 'group members' },
  { api: 'OffsetFetch', minVersion: 8, feature: 'committed offsets and lag' },
  { api: 'OffsetCommit', minVersion: 8, feature: 'resetting offsets' },
  { api: 'DeleteGroups', minVersion: 2, feature: 'deleting groups' },
  { api: 'ListPartitionReassignments', minVersion: 0, feature: 'reassignments in progress' },
  { api: 'AlterPartitionReassignments', minVersion: 0, feature: 'reassigning partitions' },
]

export interface MissingApi {
  api: string
  feature: string
  /** "not served", or the versions it serves that the console cannot speak. */
  why: string
}

/** The APIs the console needs that this cluster does not serve in a version the console speaks. */
export async function missingApis(kafka: KafkaConnection): Promise<MissingApi[]> {
  const served = new Map((await kafka.apiVersions()).map((a) => [a.name, a]))
  return NEEDED.flatMap(({ api, minVersion, feature }) => {
    const range = served.get(api)
    if (!range) return [{ api, feature, why: 'not served' }]
    if (range.maxVersion < minVersion) return [{ api, feature, why: `served up to v${range.maxVersion}; the console needs v${minVersion}+` }]
    return []
  })
}
