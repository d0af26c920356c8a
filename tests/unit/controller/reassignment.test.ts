import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../main/cluster/errors'
import { Harness } from './harness'

/** Brokers 1-4 live, topic t with partition 0 on `replicas` (the first leads). */
function setup(replicas: number[]) {
  const h = new Harness()
  h.startBrokers(1, 2, 3, 4)
  h.controller.createTopics({
    topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: replicas }], configs: {} }],
    validateOnly: false,
  })
  const { topicId } = h.controller.image.topicsByName.get('t')!
  const reassign = (target: number[] | null, topic = 't', partitionIndex = 0) =>
    h.controller.alterPartitionReassignments({ topics: [{ name: topic, partitions: [{ partitionIndex, replicas: target }] }] }).responses[0].partitions[0]
  /** The leader's AlterPartition, as when a follower caught up. */
  const alterIsr = (newIsr: number[]) => {
    const p = h.partition('t', 0)
    const brokerId = p.leader
    return h.controller.alterPartition({
      brokerId,
      brokerEpoch: h.controller.image.brokers.get(brokerId)!.epoch,
      topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr }] }],
    }).topics[0].partitions[0]
  }
  const list = () => h.controller.listPartitionReassignments({ topics: null }).topics
  return { h, reassign, alterIsr, list }
}

describe('partition reassignment (KIP-455)', () => {
  it('RF 1 -> 3: adds the new replicas, completes once they are all in the ISR', () => {
    const { h, reassign, alterIsr, list } = setup([1])
    expect(reassign([1, 2, 3])).toEqual({ partitionIndex: 0, errorCode: 0, errorMessage: null })
    expect(h.partition('t', 0)).toMatchObject({ replicas: [1, 2, 3], addingReplicas: [2, 3], isr: [1], leader: 1 })
    expect(h.entries.at(-1)!.record).toEqual({ type: 'PartitionChangeRecord', topicId: expect.any(String), partitionId: 0, replicas: [1, 2, 3], addingReplicas: [2, 3] })
    expect(list()).toEqual([{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [2, 3], removingReplicas: [] }] }])
    expect(alterIsr([1, 2])).toMatchObject({ errorCode: 0, isr: [1, 2] })
    expect(h.partition('t', 0).addingReplicas).toEqual([2, 3])
    expect(alterIsr([1, 2, 3])).toMatchObject({ errorCode: 0, isr: [1, 2, 3] })
    const done = h.partition('t', 0)
    expect(done).toMatchObject({ replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 })
    expect(done.addingReplicas).toBeUndefined()
    expect(list()).toEqual([])
  })

  it('moves every replica off a broker: the new first replica leads once the old leader is removed', () => {
    const { h, reassign, alterIsr } = setup([1, 2])
    reassign([3, 2])
    expect(h.partition('t', 0)).toMatchObject({ replicas: [3, 2, 1], addingReplicas: [3], removingReplicas: [1], leader: 1 })
    const answer = alterIsr([1, 2, 3])
    expect(answer.errorCode).toBe(ErrorCode.NEW_LEADER_ELECTED)
    const p = h.partition('t', 0)
    expect(p).toMatchObject({ replicas: [3, 2], isr: [2, 3], leader: 3, leaderEpoch: 1 })
    expect(p.removingReplicas).toBeUndefined()
    expect(h.eventsOf('leader-elected').at(-1)).toMatchObject({ leader: 3, previousLeader: 1, reason: 'reassignment' })
  })

  it('completes at once when the target replicas are already in sync (RF 3 -> 1)', () => {
    const { h, reassign } = setup([1, 2, 3])
    reassign([2])
    expect(h.partition('t', 0)).toMatchObject({ replicas: [2], isr: [2], leader: 2 })
  })

  it('removing replicas starts a new leader epoch under the same leader, as Kafka does to fence them', () => {
    const { h, reassign, alterIsr } = setup([1, 2])
    expect(h.partition('t', 0).leaderEpoch).toBe(0)
    reassign([1, 3])
    expect(h.partition('t', 0)).toMatchObject({ replicas: [1, 3, 2], leader: 1, leaderEpoch: 0 })
    // The leader's AlterPartition completes it: answered NEW_LEADER_ELECTED, as Kafka answers a record naming the leader.
    expect(alterIsr([1, 2, 3]).errorCode).toBe(ErrorCode.NEW_LEADER_ELECTED)
    expect(h.partition('t', 0)).toMatchObject({ replicas: [1, 3], isr: [1, 3], leader: 1, leaderEpoch: 1 })
    expect(h.eventsOf('leader-elected')).toEqual([])
  })

  it('cancels: reverts to the replicas from before, without those being added', () => {
    const { h, reassign, alterIsr, list } = setup([1])
    reassign([2, 3])
    alterIsr([1, 2])
    expect(h.partition('t', 0)).toMatchObject({ replicas: [2, 3, 1], isr: [1, 2], addingReplicas: [2, 3], removingReplicas: [1] })
    expect(reassign(null)).toMatchObject({ errorCode: 0 })
    const p = h.partition('t', 0)
    expect(p).toMatchObject({ replicas: [1], isr: [1], leader: 1, leaderEpoch: 1 })
    expect(p.addingReplicas).toBeUndefined()
    expect(list()).toEqual([])
    expect(reassign(null)).toMatchObject({ errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS })
  })

  it('answers bad input with Kafka error codes, per partition', () => {
    const { reassign, h } = setup([1])
    expect(reassign([1, 1]).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect(reassign([]).errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    expect(reassign([1, 9])).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes broker 9, but no such broker is registered.' })
    expect(reassign([1, 2], 'nope').errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(reassign([1, 2], 't', 5).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(h.partition('t', 0).replicas).toEqual([1])
  })

  it('survives a controller restart: the log replays the reassignment in progress', () => {
    const { h, reassign, alterIsr } = setup([1])
    reassign([1, 2])
    h.close()
    h.reopen()
    expect(h.partition('t', 0)).toMatchObject({ replicas: [1, 2], addingReplicas: [2] })
    h.startBrokers(1, 2, 3, 4)
    alterIsr([1, 2])
    expect(h.partition('t', 0)).toMatchObject({ replicas: [1, 2], isr: [1, 2] })
    expect(h.partition('t', 0).addingReplicas).toBeUndefined()
  })
})
