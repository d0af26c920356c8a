// A ConsumerGroupHeartbeat request (KIP-848) with every field at its "unchanged" default.
import type { ConsumerGroupHeartbeatRequest } from '../../main/cluster/protocol/messages'

export function heartbeatRequest(fields: Partial<ConsumerGroupHeartbeatRequest>): ConsumerGroupHeartbeatRequest {
  return {
    groupId: '',
    memberId: '',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: null,
    ...fields,
  }
}
