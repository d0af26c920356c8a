// A consumer's Fetch request body for one partition, as a client sends it (no session, no
// waiting): named by topic before v13, by topic id from v13 on, so tests give both.
import { NO_HIGH_WATERMARK, type FetchRequest } from '../../main/cluster/protocol/messages'

const NO_ID = '00000000-0000-0000-0000-000000000000'

export interface ConsumerFetch {
  topic: string
  topicId?: string
  partition?: number
  fetchOffset?: bigint
  isolationLevel?: number
}

export function consumerFetch({ topic, topicId = NO_ID, partition = 0, fetchOffset = 0n, isolationLevel = 0 }: ConsumerFetch): FetchRequest {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, topicId, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: NO_ID, highWatermark: NO_HIGH_WATERMARK }] }],
    forgottenTopicsData: [],
    rackId: '',
  }
}
