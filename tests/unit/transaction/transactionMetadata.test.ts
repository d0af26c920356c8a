// Kafka's TransactionMetadata transitions and __transaction_state's record layout
// (TransactionLog): pure parts of the transaction coordinator, checked without a broker.
import { describe, expect, it } from 'vitest'
import { decodeTransactionLogRecord, transactionLogKey, transactionLogRecord } from '../../../main/cluster/broker/transaction/transactionLog'
import { isEpochExhausted, stateFromName, stateName, TransactionMetadata, TransactionState, tpKey } from '../../../main/cluster/broker/transaction/transactionMetadata'

function fresh(): TransactionMetadata {
  return new TransactionMetadata('tx', { producerId: 7, producerEpoch: -1, txnTimeoutMs: 60_000, state: TransactionState.Empty, topicPartitions: new Set(), txnStartTimestamp: -1, txnLastUpdateTimestamp: 1 })
}

function apply(m: TransactionMetadata, transit: ReturnType<TransactionMetadata['snapshot']> | 'PRODUCER_FENCED') {
  if (transit === 'PRODUCER_FENCED') throw new Error('fenced')
  m.completeTransitionTo(transit)
  return m
}

describe('TransactionMetadata', () => {
  it('walks a transaction from Empty through Ongoing, PrepareCommit and CompleteCommit', () => {
    const m = apply(fresh(), fresh().prepareIncrementProducerEpoch(30_000, undefined, 10))
    expect([m.producerEpoch, m.txnTimeoutMs, m.state]).toEqual([0, 30_000, TransactionState.Empty])
    apply(m, m.prepareAddPartitions([tpKey('out', 0)], 20))
    expect([m.state, m.txnStartTimestamp, [...m.topicPartitions]]).toEqual([TransactionState.Ongoing, 20, ['out:0']])
    // Adding to an ongoing transaction keeps its start.
    apply(m, m.prepareAddPartitions([tpKey('out', 1)], 25))
    expect([m.txnStartTimestamp, m.topicPartitions.size]).toEqual([20, 2])
    apply(m, m.prepareAbortOrCommit(TransactionState.PrepareCommit, 30))
    expect(m.state).toBe(TransactionState.PrepareCommit)
    const complete = m.prepareComplete(40)
    expect(m.pendingState).toBe(TransactionState.CompleteCommit)
    apply(m, complete)
    expect([m.state, m.topicPartitions.size, m.producerEpoch, m.pendingState]).toEqual([TransactionState.CompleteCommit, 0, 0, null])
  })

  it('transaction version 2: every end bumps the epoch, the last one hands over the next producer id at epoch 0', () => {
    const m = apply(fresh(), fresh().prepareIncrementProducerEpoch(30_000, undefined, 10))
    apply(m, m.prepareAddPartitions([tpKey('out', 0)], 20, 2))
    const tv2 = { clientTransactionVersion: 2 as const, nextProducerId: -1, noPartitionAdded: false }
    apply(m, m.prepareAbortOrCommit(TransactionState.PrepareCommit, 30, tv2))
    // The markers go out at the bumped epoch; the completion keeps it.
    expect([m.producerEpoch, m.lastProducerEpoch, m.clientTransactionVersion]).toEqual([1, 0, 2])
    apply(m, m.prepareComplete(40))
    expect([m.state, m.producerId, m.producerEpoch]).toEqual([TransactionState.CompleteCommit, 7, 1])

    // At epoch 32766 the bump reaches Short.MaxValue: the completion moves to the next producer id.
    m.producerEpoch = 32766
    apply(m, m.prepareAbortOrCommit(TransactionState.PrepareAbort, 50, { ...tv2, nextProducerId: 8, noPartitionAdded: true }))
    expect([m.producerId, m.producerEpoch, m.nextProducerId, m.txnStartTimestamp]).toEqual([7, 32767, 8, 50])
    apply(m, m.prepareComplete(60))
    expect([m.state, m.producerId, m.lastProducerId, m.producerEpoch, m.nextProducerId]).toEqual([TransactionState.CompleteAbort, 8, 7, 0, -1])
  })

  it('refuses a second transition while one is pending', () => {
    const m = fresh()
    m.prepareIncrementProducerEpoch(1000, undefined, 1)
    expect(() => m.prepareAddPartitions([tpKey('t', 0)], 2)).toThrow(/pending state/)
  })

  it('bumps the epoch for a fence, once even if the fence failed to be written', () => {
    const m = apply(fresh(), fresh().prepareIncrementProducerEpoch(1000, undefined, 1))
    apply(m, m.prepareAddPartitions([tpKey('t', 0)], 2))
    const fence = m.prepareFenceProducerEpoch()
    expect([fence.producerEpoch, fence.state]).toEqual([1, TransactionState.PrepareEpochFence])
    // The write failed: the bumped epoch stays, and the next fence does not bump again.
    m.pendingState = null
    m.producerEpoch = fence.producerEpoch
    m.hasFailedEpochFence = true
    expect(m.prepareFenceProducerEpoch().producerEpoch).toBe(1)
  })

  it('checks an expected epoch as KIP-360 does: current bumps, last is a retry, others are fenced', () => {
    const m = apply(fresh(), fresh().prepareIncrementProducerEpoch(1000, undefined, 1))
    apply(m, m.prepareIncrementProducerEpoch(1000, 0, 2))
    expect([m.producerEpoch, m.lastProducerEpoch]).toEqual([1, 0])
    const retry = m.prepareIncrementProducerEpoch(1000, 0, 3)
    expect(retry).not.toBe('PRODUCER_FENCED')
    m.pendingState = null
    expect(m.prepareIncrementProducerEpoch(1000, 5, 4)).toBe('PRODUCER_FENCED')
  })

  it('knows Kafka state names and the last usable epoch', () => {
    expect(stateName(TransactionState.PrepareEpochFence)).toBe('PrepareEpochFence')
    expect(stateFromName('CompleteAbort')).toBe(TransactionState.CompleteAbort)
    expect(stateFromName('Bogus')).toBeUndefined()
    expect(isEpochExhausted(32766)).toBe(true)
    expect(isEpochExhausted(32765)).toBe(false)
  })
})

describe('__transaction_state records', () => {
  it('writes the key and a value v0 in Kafka layout, and reads them back', () => {
    const key = transactionLogKey('tx')
    expect(key.toString('hex')).toBe('0000' + '0002' + Buffer.from('tx').toString('hex'))
    const record = transactionLogRecord('tx', {
      producerId: 7,
      lastProducerId: -1,
      nextProducerId: -1,
      clientTransactionVersion: 0,
      producerEpoch: 3,
      lastProducerEpoch: -1,
      txnTimeoutMs: 60_000,
      state: TransactionState.Ongoing,
      topicPartitions: new Set([tpKey('out', 0), tpKey('out', 2)]),
      txnStartTimestamp: 100,
      txnLastUpdateTimestamp: 200,
    })
    const v = record.value!
    expect(v.readInt16BE(0)).toBe(0) // value version 0, as Kafka writes for transaction version 0/1 clients
    expect(v.readBigInt64BE(2)).toBe(7n)
    expect(v.readInt16BE(10)).toBe(3)
    expect(v.readInt32BE(12)).toBe(60_000)
    expect(v.readInt8(16)).toBe(1)
    expect(v.readInt32BE(17)).toBe(1) // one topic
    const decoded = decodeTransactionLogRecord(record.key, record.value)
    expect(decoded.transactionalId).toBe('tx')
    expect(decoded.value).toMatchObject({ producerId: 7, producerEpoch: 3, state: TransactionState.Ongoing, txnStartTimestamp: 100, txnLastUpdateTimestamp: 200 })
    expect([...decoded.value!.topicPartitions]).toEqual(['out:0', 'out:2'])
  })

  it('writes null partitions for Empty and a tombstone for Dead', () => {
    const base = { producerId: 1, lastProducerId: -1, nextProducerId: -1, clientTransactionVersion: 0 as const, producerEpoch: 0, lastProducerEpoch: -1, txnTimeoutMs: 1000, topicPartitions: new Set<string>(), txnStartTimestamp: -1, txnLastUpdateTimestamp: 5 }
    const empty = transactionLogRecord('tx', { ...base, state: TransactionState.Empty }).value!
    expect(empty.readInt32BE(17)).toBe(-1)
    expect(transactionLogRecord('tx', { ...base, state: TransactionState.Dead }).value).toBeNull()
    expect(decodeTransactionLogRecord(transactionLogKey('tx'), null).value).toBeNull()
  })

  it('writes value v1 for a transaction version 2 client, with its producer ids and version as tagged fields', () => {
    const transit = {
      producerId: 9,
      lastProducerId: 7,
      nextProducerId: 11,
      clientTransactionVersion: 2 as const,
      producerEpoch: 32767,
      lastProducerEpoch: 32766,
      txnTimeoutMs: 60_000,
      state: TransactionState.PrepareCommit,
      topicPartitions: new Set([tpKey('out', 1)]),
      txnStartTimestamp: 100,
      txnLastUpdateTimestamp: 200,
    }
    const record = transactionLogRecord('tx', transit)
    expect(record.value!.readInt16BE(0)).toBe(1)
    expect(decodeTransactionLogRecord(record.key, record.value).value).toMatchObject({ producerId: 9, lastProducerId: 7, nextProducerId: 11, clientTransactionVersion: 2, producerEpoch: 32767 })
    // A transaction version 1 client's record stays v0, which has no place for them.
    const v0 = transactionLogRecord('tx', { ...transit, clientTransactionVersion: 1 })
    expect(v0.value!.readInt16BE(0)).toBe(0)
    expect(decodeTransactionLogRecord(v0.key, v0.value).value).toMatchObject({ producerId: 9, lastProducerId: -1, nextProducerId: -1, clientTransactionVersion: 0 })
  })
})
