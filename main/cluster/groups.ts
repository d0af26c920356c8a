// The console's view of consumer groups, built on the host from what the coordinators report:
// each group with its members and assignments, and per partition the committed offset, the
// log end offset and the lag; lag history for charts; offset resets (with a dry run) and
// group deletion, both through the group's coordinator.
import { ErrorCode, errorName, KafkaError, kafkaErrorFor } from './errors'
import { OffsetSpec } from './broker/api'
import type { GroupView } from './broker/group'
import type { GroupPartitionLag, GroupSnapshot, ResetPlanEntry, ResetTarget } from '../../preload/contract'

export type { GroupPartitionLag, GroupSnapshot, ResetPlanEntry, ResetTarget }

/** What the group view needs of the cluster. */
export interface GroupSource {
  coordinatorGroups(): Promise<Array<{ coordinator: number; groups: GroupView[] }>>
  listOffset(topic: string, partition: number, spec: number): Promise<number>
  partitionCount(topic: string): number
}

export async function groupSnapshots(source: GroupSource): Promise<GroupSnapshot[]> {
  const out: GroupSnapshot[] = []
  for (const { coordinator, groups } of await source.coordinatorGroups()) {
    for (const g of groups) {
      const partitions = await Promise.all(
        g.offsets.map(async (o) => {
          const committedOffset = Number(o.offset)
          const logEndOffset = await source.listOffset(o.topic, o.partition, OffsetSpec.LATEST).catch(() => committedOffset)
          return { topic: o.topic, partition: o.partition, committedOffset, logEndOffset, lag: Math.max(0, logEndOffset - committedOffset) }
        }),
      )
      partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
      out.push({
        groupId: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        protocol: g.protocol,
        generation: g.generation,
        coordinator,
        members: g.members,
        partitions,
        totalLag: partitions.reduce((n, p) => n + p.lag, 0),
      })
    }
  }
  return out.sort((a, b) => a.groupId.localeCompare(b.groupId))
}

/** The offsets a reset would commit, clamped to each partition's earliest..latest as Kafka's tool does. */
export async function planReset(source: GroupSource, group: GroupSnapshot | undefined, topic: string, partitions: number[] | null, target: ResetTarget): Promise<ResetPlanEntry[]> {
  const indexes = partitions ?? Array.from({ length: source.partitionCount(topic) }, (_, i) => i)
  return Promise.all(
    indexes.map(async (partition) => {
      const current = group?.partitions.find((p) => p.topic === topic && p.partition === partition)?.committedOffset ?? null
      const earliest = await source.listOffset(topic, partition, OffsetSpec.EARLIEST)
      const latest = await source.listOffset(topic, partition, OffsetSpec.LATEST)
      let wanted: number
      switch (target.kind) {
        case 'earliest':
          wanted = earliest
          break
        case 'latest':
          wanted = latest
          break
        case 'offset':
          wanted = target.offset
          break
        case 'shift':
          wanted = (current ?? latest) + target.by
          break
        case 'timestamp': {
          const found = await source.listOffset(topic, partition, target.timestamp)
          wanted = found < 0 ? latest : found
          break
        }
      }
      return { topic, partition, currentOffset: current, newOffset: Math.min(Math.max(wanted, earliest), latest) }
    }),
  )
}

/** Kafka's rule for the reset tool: only a group without members may be moved. */
export function requireInactive(group: GroupSnapshot | undefined, groupId: string): void {
  if (group && group.state !== 'Empty' && group.state !== 'Dead') {
    throw new KafkaError(
      'NON_EMPTY_GROUP',
      `Offsets can only be reset when group "${groupId}" is inactive, but its state is ${group.state} with ${group.members.length} member(s): stop its consumers first`,
    )
  }
}

export function deleteGroupError(groupId: string, errorCode: number): KafkaError | null {
  if (errorCode === ErrorCode.NONE) return null
  const why = errorCode === ErrorCode.NON_EMPTY_GROUP ? 'it still has members' : errorCode === ErrorCode.GROUP_ID_NOT_FOUND ? 'there is no such group' : errorName(errorCode)
  return kafkaErrorFor(errorCode, `Group "${groupId}" cannot be deleted: ${why}`)
}
