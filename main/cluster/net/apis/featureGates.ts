// APIs that follow a finalized feature's level. At group.version 0 Kafka 4.4 still advertises
// ConsumerGroupHeartbeat and ConsumerGroupDescribe but answers them as with the consumer
// group protocol disabled: UNSUPPORTED_VERSION, for the heartbeat and for every group described.
import { ErrorCode } from '../../errors'
import { GROUP_VERSION, SHARE_VERSION } from '../../metadata/features'
import { heartbeatError, undescribedGroup } from '../../broker/group/consumerGroupManager'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

type Gated<Req, Res> = (context: BrokerContext, request: Req, version: number, client: { clientId: string; clientHost: string }) => Res

function consumerProtocolDisabled(request: M.ConsumerGroupHeartbeatRequest | M.ConsumerGroupDescribeRequest): M.ConsumerGroupHeartbeatResponse | M.ConsumerGroupDescribeResponse {
  const errorCode = ErrorCode.UNSUPPORTED_VERSION
  if ('groupIds' in request) return { throttleTimeMs: 0, groups: request.groupIds.map((groupId) => undescribedGroup(groupId, errorCode, null)) }
  return heartbeatError(errorCode, null)
}

/** KIP-848's APIs, served only while group.version is 1 or more (Kafka's isConsumerGroupProtocolEnabled). */
export function requiresGroupVersion<Req extends M.ConsumerGroupHeartbeatRequest | M.ConsumerGroupDescribeRequest, Res>(handle: Gated<Req, Res>): Gated<Req, Res> {
  return (context, request, version, client) => (context.image().finalizedLevel(GROUP_VERSION) >= 1 ? handle(context, request, version, client) : (consumerProtocolDisabled(request) as Res))
}

/**
 * KIP-932's APIs, served only while share.version is 1 or more (Kafka's
 * isShareGroupProtocolEnabled): otherwise UNSUPPORTED_VERSION, the whole request refused.
 */
export function requiresShareVersion<Req, Res>(handle: Gated<Req, Res>, refused: (request: Req) => Awaited<Res>): Gated<Req, Res | Awaited<Res>> {
  return (context, request, version, client) => (context.image().finalizedLevel(SHARE_VERSION) >= 1 ? handle(context, request, version, client) : refused(request))
}
