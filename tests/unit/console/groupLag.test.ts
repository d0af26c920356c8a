// Group lag as the console shows it (issue 20, bugs 7 and 9): every assigned partition, those
// without a commit counted from the log start; offsets on a deleted topic without a lag.
import { describe, expect, it } from 'vitest'
import { OffsetSpec } from '../../../main/cluster/broker/api'
import type { GroupView } from '../../../main/cluster/broker/group'
import { groupSnapshots, type GroupSource } from '../../../main/console/views/groups'

const LOGS: Record<string, { start: number; end: number }> = { 'backlog-0': { start: 0, end: 340 }, 'backlog-1': { start: 20, end: 340 }, 'backlog-2': { start: 0, end: 340 } }

function source(group: GroupView): GroupSource {
  return {
    coordinatorGroups: async () => [{ coordinator: 1, groups: [group] }],
    listOffset: async (topic, partition, spec) => {
      const log = LOGS[`${topic}-${partition}`]
      if (!log) throw new Error('UNKNOWN_TOPIC_OR_PARTITION')
      return spec === OffsetSpec.EARLIEST ? log.start : log.end
    },
    partitionCount: () => 3,
    topicExists: (topic) => topic === 'backlog',
  }
}

const offset = (topic: string, partition: number, at: number) => ({ topic, partition, offset: BigInt(at), leaderEpoch: -1, metadata: '', commitTimestamp: 0 })

describe('groupSnapshots', () => {
  it('lists every assigned partition; one with no commit lags from the log start; a deleted topic has no lag', async () => {
    const [g] = await groupSnapshots(
      source({
        groupId: 'slow-readers',
        state: 'Stable',
        protocolType: 'consumer',
        protocol: 'range',
        generation: 1,
        members: [{ memberId: 'm', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', assignment: [{ topic: 'backlog', partitions: [0, 1, 2] }] }],
        offsets: [offset('backlog', 0, 321), offset('retired', 0, 3)],
      } as GroupView),
    )
    expect(g.partitions.map((p) => [p.topic, p.partition, p.status, p.committedOffset, p.lag])).toEqual([
      ['backlog', 0, 'committed', 321, 19],
      ['backlog', 1, 'no-commit', null, 320],
      ['backlog', 2, 'no-commit', null, 340],
      ['retired', 0, 'topic-deleted', 3, null],
    ])
    expect(g.partitions[1].logStartOffset).toBe(20)
    expect(g.totalLag).toBe(19 + 320 + 340)
  })
})
