import { describe, expect, it } from 'vitest'
import { ElectionType } from '../../../main/cluster/controller/api'
import { ErrorCode } from '../../../main/cluster/errors'
import { LeaderRecoveryState } from '../../../main/cluster/metadata/records'
import { Harness } from './harness'

/** A partition replicated on 1 and 2 whose ISR has shrunk to [1], led by 1. */
function laggingFollower(staticConfigs: Record<string, string> = {}, topicConfigs: Record<string, string> = {}) {
  const h = new Harness(undefined, staticConfigs)
  h.startBrokers(1, 2)
  const [result] = h.controller.createTopics({
    topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: topicConfigs }],
    validateOnly: false,
  }).topics
  expect(result.errorCode).toBe(0)
  const p = h.partition('t', 0)
  const epoch = h.controller.image.brokers.get(1)!.epoch
  const { topicId } = h.controller.image.topicsByName.get('t')!
  h.controller.alterPartition({ brokerId: 1, brokerEpoch: epoch, topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr: [1] }] }] })
  expect(h.partition('t', 0).isr).toEqual([1])
  return h
}

describe('unclean leader election', () => {
  it('leaves a partition offline when unclean.leader.election.enable is false', () => {
    const h = laggingFollower()
    h.advance(10_000, [2])
    expect(h.partition('t', 0)).toMatchObject({ leader: -1, isr: [1] })
    expect(h.eventsOf('unclean-election')).toEqual([])
    expect(h.eventsOf('partition-offline')).toEqual([expect.objectContaining({ topic: 't', partition: 0, lastLeader: 1 })])
  })

  it('elects the live replica outside the ISR when the topic allows it, and reports it', () => {
    const h = laggingFollower({}, { 'unclean.leader.election.enable': 'true' })
    h.advance(10_000, [2])
    expect(h.partition('t', 0)).toMatchObject({ leader: 2, isr: [2], leaderRecoveryState: LeaderRecoveryState.RECOVERING, leaderEpoch: 1 })
    const [unclean] = h.eventsOf('unclean-election')
    expect(unclean).toMatchObject({ topic: 't', partition: 0, leader: 2, previousIsr: [1] })
    expect(unclean.cause).toMatch(/may be lost/)
    expect(h.eventsOf('leader-elected').at(-1)).toMatchObject({ leader: 2, previousLeader: 1, reason: 'unclean' })
    expect(h.eventsOf('partition-offline')).toEqual([])
  })

  it('elects uncleanly once the cluster default is turned on for an offline partition', () => {
    const h = laggingFollower()
    h.advance(10_000, [2])
    expect(h.partition('t', 0).leader).toBe(-1)
    const { responses } = h.controller.incrementalAlterConfigs({
      resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'unclean.leader.election.enable', configOperation: 0, value: 'true' }] }],
      validateOnly: false,
    })
    expect(responses[0].errorCode).toBe(0)
    expect(h.partition('t', 0)).toMatchObject({ leader: 2, isr: [2], leaderRecoveryState: LeaderRecoveryState.RECOVERING })
    expect(h.eventsOf('unclean-election')).toHaveLength(1)
  })

  it('elects uncleanly on an unclean ElectLeaders request, whatever the config', () => {
    const h = laggingFollower()
    h.advance(10_000, [2])
    const response = h.controller.electLeaders({ electionType: ElectionType.UNCLEAN, topicPartitions: [{ topic: 't', partitions: [0] }] })
    expect(response.replicaElectionResults[0].partitionResult).toEqual([{ partitionId: 0, errorCode: 0, errorMessage: null }])
    expect(h.partition('t', 0)).toMatchObject({ leader: 2, leaderRecoveryState: LeaderRecoveryState.RECOVERING })
    const again = h.controller.electLeaders({ electionType: ElectionType.UNCLEAN, topicPartitions: [{ topic: 't', partitions: [0] }] })
    expect(again.replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED)
  })
})

describe('preferred leader election', () => {
  function movedLeader() {
    const h = new Harness()
    h.startBrokers(1, 2, 3)
    h.createTopic('t', 3, 3)
    // Broker 1 is fenced and comes back: partition 0 (preferred 1) is led by another broker now.
    h.advance(10_000, [2, 3])
    h.heartbeat(1)
    const p0 = h.partition('t', 0)
    expect(p0.replicas[0]).toBe(1)
    expect(p0.leader).not.toBe(1)
    return h
  }

  /** The leader of partition 0 takes broker 1 back into the ISR; returns the partition as it was. */
  function rejoinIsr(h: Harness) {
    const p0 = h.partition('t', 0)
    const { topicId } = h.controller.image.topicsByName.get('t')!
    h.controller.alterPartition({
      brokerId: p0.leader,
      brokerEpoch: h.controller.image.brokers.get(p0.leader)!.epoch,
      topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p0.leaderEpoch, partitionEpoch: p0.partitionEpoch, newIsr: [...p0.isr, 1] }] }],
    })
    return p0
  }

  it('is refused while the preferred replica is out of the ISR, done once it is back in', () => {
    const h = movedLeader()
    const elect = () => h.controller.electLeaders({ electionType: ElectionType.PREFERRED, topicPartitions: [{ topic: 't', partitions: [0, 1] }] })
    const refused = elect().replicaElectionResults[0].partitionResult
    expect(refused.map((r) => r.errorCode)).toEqual([ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, ErrorCode.ELECTION_NOT_NEEDED])

    const p0 = rejoinIsr(h)
    expect(elect().replicaElectionResults[0].partitionResult[0]).toMatchObject({ partitionId: 0, errorCode: 0 })
    expect(h.partition('t', 0)).toMatchObject({ leader: 1, leaderEpoch: p0.leaderEpoch + 1 })
    expect(h.eventsOf('leader-elected').at(-1)).toMatchObject({ leader: 1, reason: 'preferred' })
  })

  it('answers an unknown topic and a partition past the last in Kafka\'s words', () => {
    const h = movedLeader()
    const { replicaElectionResults } = h.controller.electLeaders({ electionType: ElectionType.PREFERRED, topicPartitions: [{ topic: 'missing', partitions: [0] }, { topic: 't', partitions: [7] }] })
    expect(replicaElectionResults.map((t) => t.partitionResult[0])).toEqual([
      { partitionId: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such topic as missing' },
      { partitionId: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such partition as t-7' },
    ])
  })

  it('leaves out partitions that need no election when asked for all', () => {
    const h = movedLeader()
    const { replicaElectionResults } = h.controller.electLeaders({ electionType: ElectionType.PREFERRED, topicPartitions: null })
    expect(replicaElectionResults).toEqual([{ topic: 't', partitionResult: [expect.objectContaining({ partitionId: 0, errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE })] }])
  })

  it('happens by itself every leader.imbalance.check.interval.seconds when auto.leader.rebalance.enable', () => {
    const h = movedLeader()
    rejoinIsr(h)
    h.advance(1000, [1, 2, 3])
    expect(h.partition('t', 0).leader).not.toBe(1)
    for (let i = 0; i < 300; i++) h.advance(1000, [1, 2, 3])
    expect(h.partition('t', 0).leader).toBe(1)
  })
})
