// The Reassign replicas dialog's arithmetic and the matrix's reassignment states.
import { describe, expect, it } from 'vitest'
import type { BrokerSnapshot, PartitionSnapshot } from '../../../preload/contract'
import { isReassigning, parseReplicaList, proposeReplicas } from '../../../renderer/src/components/topics/reassignment'
import { replicaState } from '../../../renderer/src/components/topics/replicaState'

const partition = (p: number, replicas: number[], extra: Partial<PartitionSnapshot> = {}): PartitionSnapshot => ({
  topic: 't',
  partition: p,
  leader: replicas[0],
  leaderEpoch: 0,
  replicas,
  isr: replicas,
  offlineReplicas: [],
  addingReplicas: [],
  removingReplicas: [],
  logStartOffset: 0,
  highWatermark: 0,
  logEndOffset: 0,
  size: 0,
  replicaStates: [],
  ...extra,
})
const running = { status: 'running', fenced: false } as BrokerSnapshot

describe('parseReplicaList', () => {
  it('reads broker ids separated by commas, spaces allowed', () => {
    expect(parseReplicaList('3,2,1')).toEqual([3, 2, 1])
    expect(parseReplicaList(' 1 , 2 ')).toEqual([1, 2])
  })

  it('says in words what is not a list of broker ids', () => {
    expect(parseReplicaList('')).toBe('Give at least one broker id.')
    expect(parseReplicaList('1,x')).toContain('"x" is not a broker id')
    expect(parseReplicaList('1,,2')).toContain('"" is not a broker id')
    expect(parseReplicaList('1.5')).toContain('"1.5" is not a broker id')
    expect(parseReplicaList('-1')).toContain('"-1" is not a broker id')
  })
})

describe('proposeReplicas', () => {
  it('keeps the current replicas first and spreads the rest over the live brokers', () => {
    const proposal = proposeReplicas([partition(0, [3]), partition(1, [1]), partition(2, [2])], [1, 2, 3], 3)
    expect(proposal.get(0)).toEqual([3, 1, 2])
    expect(proposal.get(1)).toEqual([1, 2, 3])
    expect(proposal.get(2)).toEqual([2, 3, 1])
  })

  it('trims to a smaller factor, drops brokers that are not live, and never exceeds the live brokers', () => {
    expect(proposeReplicas([partition(0, [1, 2, 3])], [1, 2, 3], 2).get(0)).toEqual([1, 2])
    expect(proposeReplicas([partition(1, [2, 3])], [1, 3], 2).get(1)).toEqual([3, 1])
    expect(proposeReplicas([partition(0, [1])], [1, 2], 3).get(0)).toEqual([1, 2])
  })
})

describe('replica states during a reassignment', () => {
  it('marks new replicas outside the ISR as being added, and the dropped ones as being removed', () => {
    const growing = partition(0, [1, 2, 3], { isr: [1], addingReplicas: [2, 3] })
    expect(isReassigning(growing)).toBe(true)
    expect(replicaState(growing, 1, running)).toBe('leader')
    expect(replicaState(growing, 2, running)).toBe('adding')
    expect(replicaState({ ...growing, isr: [1, 2] }, 2, running)).toBe('in-sync')

    const moving = partition(0, [2, 1], { leader: 1, isr: [1], addingReplicas: [2], removingReplicas: [1] })
    expect(replicaState(moving, 1, running)).toBe('removing')
    expect(replicaState(moving, 2, running)).toBe('adding')
    expect(replicaState(moving, 3, running)).toBe('none')
    expect(replicaState(moving, 2, { status: 'crashed', fenced: true } as BrokerSnapshot)).toBe('offline')
    expect(isReassigning(partition(0, [1]))).toBe(false)
  })
})
