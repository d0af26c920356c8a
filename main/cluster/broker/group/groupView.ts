// What the console shows of a group: plain data, with the consumer protocol's assignments
// decoded into topic partitions so the operator sees who consumes what.
import { decodeConsumerProtocolAssignment } from '../../protocol/messages/consumerProtocol'
import { Reader } from '../../protocol/messages'
import { type ClassicGroup, CONSUMER_PROTOCOL_TYPE, type ClassicGroupState } from './classicGroup'
import type { GroupMemberView } from '../../../../preload/contract'
import type { TopicPartitionOffset } from './offsets'

export type { GroupMemberView }

export interface GroupView {
  groupId: string
  state: ClassicGroupState
  protocolType: string | null
  protocol: string | null
  generation: number
  members: GroupMemberView[]
  offsets: { topic: string; partition: number; offset: bigint; leaderEpoch: number; metadata: string; commitTimestamp: number }[]
}

/** A ConsumerProtocolAssignment: int16 version then the struct; newer versions read as v3, as Kafka's ConsumerProtocol does. */
export function readAssignment(bytes: Buffer): { topic: string; partitions: number[] }[] | null {
  if (bytes.length === 0) return null
  try {
    const r = new Reader(bytes)
    return decodeConsumerProtocolAssignment(Math.min(r.int16(), 3), r).assignedPartitions.map((t) => ({ topic: t.topic, partitions: t.partitions }))
  } catch {
    return null
  }
}

export function groupView(group: ClassicGroup, offsets: TopicPartitionOffset[]): GroupView {
  const consumer = group.protocolType === CONSUMER_PROTOCOL_TYPE
  return {
    groupId: group.groupId,
    state: group.state,
    protocolType: group.protocolType,
    protocol: group.protocolName,
    generation: group.generationId,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: consumer ? readAssignment(m.assignment) : null,
    })),
    offsets: offsets.map(({ topic, partition, offset: o }) => ({ topic, partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: o.commitTimestamp })),
  }
}
