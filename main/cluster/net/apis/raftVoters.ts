// AddRaftVoter (80) and RemoveRaftVoter (81), KIP-853's dynamic quorum. Brokerlab's controller
// is one static voter, as a Kafka quorum formatted with controller.quorum.voters, whose
// kraft.version is 0: Kafka 4.4 refuses both there with UNSUPPORTED_VERSION, after checking
// the cluster id the request names (docs/protocol.md).
import { ErrorCode } from '../../errors'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

type VoterChangeResponse = M.AddRaftVoterResponse & M.RemoveRaftVoterResponse

function refuse(context: BrokerContext, clusterId: string | null, change: 'adding' | 'removing'): VoterChangeResponse {
  if (clusterId !== null && clusterId !== context.clusterId) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, errorMessage: `The given id "${clusterId}" doesn't match the cluster id "${context.clusterId}"` }
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_VERSION, errorMessage: `Cluster doesn't support ${change} voter because the kraft.version feature is 0` }
}

export function handleAddRaftVoter(context: BrokerContext, request: M.AddRaftVoterRequest): M.AddRaftVoterResponse {
  return refuse(context, request.clusterId, 'adding')
}

export function handleRemoveRaftVoter(context: BrokerContext, request: M.RemoveRaftVoterRequest): M.RemoveRaftVoterResponse {
  return refuse(context, request.clusterId, 'removing')
}
