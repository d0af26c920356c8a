// Valid request frames to mutate: every API and version the broker serves, with data built
// from Kafka's message definitions (non-default values everywhere, and nulls where allowed),
// plus a few requests that reach deep paths on a real topic (produce, fetch, list offsets).
import { existsSync } from 'node:fs'
import { SERVED_APIS } from '../../../main/cluster/net/kafkaApis'
import { exampleData, type ExampleMode } from '../../../main/cluster/protocol/generator/examples'
import { APIS, DEFAULT_SCHEMA_DIR, loadApi } from '../../../main/cluster/protocol/generator/generate'
import { apiCodec, encodeRequest } from '../../../main/cluster/protocol/messages'
import { producerBatch } from '../batches'

export interface SeedRequest {
  apiKey: number
  version: number
  /** Whole frame, size prefix included. */
  frame: Buffer
  /** Where the request header's tagged-field section starts (flexible versions), else -1. */
  headerTagsAt: number
}

export const CLIENT_ID = 'fuzz'

function seed(apiKey: number, version: number, body: unknown, correlationId: number): SeedRequest {
  const frame = encodeRequest(apiKey as never, version, correlationId, CLIENT_ID, body as never)
  const flexible = apiCodec(apiKey).requestHeaderVersion(version) >= 2
  // Size prefix, API key, version, correlation id, then the client id (int16 length + bytes).
  return { apiKey, version, frame, headerTagsAt: flexible ? 4 + 2 + 2 + 4 + 2 + Buffer.byteLength(CLIENT_ID) : -1 }
}

/** Requests a well-behaved client sends to `topic`, which exists with partition 0. */
function realisticRequests(topic: string): SeedRequest[] {
  const noUuid = '00000000-0000-0000-0000-000000000000'
  return [
    seed(18, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }, 1),
    seed(3, 12, { topics: [{ topicId: noUuid, name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }, 2),
    seed(0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: producerBatch({ count: 3 }) }] }] }, 3),
    seed(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }], timeoutMs: 1000 }, 4),
    seed(
      1,
      12,
      {
        clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1n }, maxWaitMs: 100, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, topicId: noUuid, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: noUuid }] }],
        forgottenTopicsData: [], rackId: '',
      },
      5,
    ),
  ]
}

export const schemasAvailable = existsSync(DEFAULT_SCHEMA_DIR)

/**
 * Every served API and version, twice ('full' and 'nulls' example data), then the
 * realistic requests on `topic`. Needs Kafka's message definitions (../shared/kafka-messages).
 */
export function seedRequests(topic: string): SeedRequest[] {
  const seeds: SeedRequest[] = []
  const modes: ExampleMode[] = ['full', 'nulls']
  for (const name of APIS) {
    const api = loadApi(DEFAULT_SCHEMA_DIR, name)
    const served = SERVED_APIS.get(api.apiKey)
    if (!served) continue
    for (let version = served.minVersion; version <= served.maxVersion; version++) {
      for (const mode of modes) seeds.push(seed(api.apiKey, version, exampleData(api.request.root, version, mode), seeds.length + 100))
    }
  }
  return [...seeds, ...realisticRequests(topic)]
}
