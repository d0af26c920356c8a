import { describe, expect, it } from 'vitest'
import type { AlterPartitionRequest } from '../../../main/cluster/controller/api'
import { ErrorCode } from '../../../main/cluster/errors'
import { LeaderRecoveryState } from '../../../main/cluster/metadata/records'
import { Harness } from './harness'

function setup() {
  const h = new Harness()
  h.startBrokers(1, 2, 3)
  h.controller.createTopics({
    topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2, 3] }], configs: {} }],
    validateOnly: false,
  })
  const { topicId } = h.controller.image.topicsByName.get('t')!
  const epochOf = (id: number) => h.controller.image.brokers.get(id)!.epoch
  /** An AlterPartition from `brokerId` for partition 0, current epochs unless overridden. */
  const alter = (brokerId: number, newIsr: number[], overrides: Partial<AlterPartitionRequest['topics'][0]['partitions'][0]> = {}) => {
    const p = h.partition('t', 0)
    const request: AlterPartitionRequest = {
      brokerId,
      brokerEpoch: epochOf(brokerId),
      topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr, ...overrides }] }],
    }
    return h.controller.alterPartition(request).topics[0].partitions[0]
  }
  return { h, topicId, alter, epochOf }
}

describe('AlterPartition', () => {
  it('commits an ISR shrink and expansion from the leader, bumping the partition epoch only', () => {
    const { h, alter } = setup()
    const shrunk = alter(1, [1, 2])
    expect(shrunk).toEqual({ partitionIndex: 0, leaderId: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 1, leaderRecoveryState: 0, errorCode: 0, errorMessage: null })
    expect(h.eventsOf('isr-shrunk')).toEqual([expect.objectContaining({ topic: 't', partition: 0, isr: [1, 2], previousIsr: [1, 2, 3] })])
    expect(alter(1, [1, 2, 3])).toMatchObject({ isr: [1, 2, 3], partitionEpoch: 2, errorCode: 0 })
    expect(h.eventsOf('isr-expanded')).toEqual([expect.objectContaining({ isr: [1, 2, 3], previousIsr: [1, 2] })])
    expect(h.entries.at(-1)!.record).toEqual({ type: 'PartitionChangeRecord', topicId: expect.any(String), partitionId: 0, isr: [1, 2, 3] })
  })

  it('refuses stale and future epochs, and requests from a follower', () => {
    const { alter } = setup()
    alter(1, [1, 2]) // partition epoch 1
    expect(alter(1, [1], { partitionEpoch: 0 }).errorCode).toBe(ErrorCode.INVALID_UPDATE_VERSION)
    expect(alter(1, [1], { leaderEpoch: -1 }).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect(alter(1, [1], { leaderEpoch: 5 }).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    expect(alter(2, [2])).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Broker 2 is not the leader of t-0 (the leader is 1)' })
  })

  it('refuses an ISR that is not a set of replicas or leaves out the leader', () => {
    const { alter } = setup()
    expect(alter(1, [1, 4]).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(alter(1, [1, 1]).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(alter(1, [2, 3]).errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('refuses to add a fenced replica with INELIGIBLE_REPLICA', () => {
    const { h, alter } = setup()
    alter(1, [1, 2])
    h.heartbeat(3, { wantFence: true })
    expect(alter(1, [1, 2, 3])).toMatchObject({ errorCode: ErrorCode.INELIGIBLE_REPLICA })
    expect(h.partition('t', 0).isr).toEqual([1, 2])
  })

  it('refuses a stale broker epoch for the whole request and reports unknown topics per partition', () => {
    const { h, epochOf } = setup()
    expect(() => h.controller.alterPartition({ brokerId: 1, brokerEpoch: epochOf(1) + 100, topics: [] })).toThrow(
      expect.objectContaining({ errorName: 'STALE_BROKER_EPOCH' }),
    )
    const { topics } = h.controller.alterPartition({
      brokerId: 1,
      brokerEpoch: epochOf(1),
      topics: [{ topicId: 'no-such-id', partitions: [{ partitionIndex: 0, leaderEpoch: 0, partitionEpoch: 0, newIsr: [1] }] }],
    })
    expect(topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
  })

  it('lets a leader elected uncleanly mark itself recovered, and only then grow the ISR', () => {
    const { h, alter } = setup()
    alter(1, [1])
    h.controller.incrementalAlterConfigs({
      resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'unclean.leader.election.enable', configOperation: 0, value: 'true' }] }],
      validateOnly: false,
    })
    h.advance(10_000, [2, 3])
    expect(h.partition('t', 0)).toMatchObject({ leader: 2, isr: [2], leaderRecoveryState: LeaderRecoveryState.RECOVERING })
    expect(alter(2, [2, 3], { leaderRecoveryState: LeaderRecoveryState.RECOVERING }).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(alter(2, [2], { leaderRecoveryState: LeaderRecoveryState.RECOVERED })).toMatchObject({ errorCode: 0, leaderRecoveryState: LeaderRecoveryState.RECOVERED })
    expect(alter(2, [2, 3])).toMatchObject({ errorCode: 0, isr: [2, 3] })
  })
})
