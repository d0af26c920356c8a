// ReplicaManager.writeTxnMarkers and onTxnMarker in one process, over a real log directory: a
// single-replica partition this broker leads, a transactional produce, then markers.
import { afterEach, describe, expect, it } from 'vitest'
import { LogManager } from '../../../main/cluster/broker/logManager'
import { ReplicaManager, type TxnMarkerEvent } from '../../../main/cluster/broker/replicaManager'
import { IsolationLevel } from '../../../main/cluster/broker/api'
import { ErrorCode } from '../../../main/cluster/errors'
import { producerBatch, tempDir } from '../../helpers/batches'

let cleanup: () => void = () => {}
afterEach(() => cleanup())

function broker(minIsr = 1) {
  const tmp = tempDir()
  const logManager = new LogManager(tmp.dir, { static: {}, clusterDefaults: {}, perBroker: {} }, () => {})
  const rm = new ReplicaManager({ brokerId: 1, now: Date.now, alterIsr: () => Promise.reject(new Error('no controller')) }, logManager)
  rm.leaderAndIsr({
    partitionStates: [{ topic: 't', topicId: 'id-t', partition: 0, leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1], isr: [1] }],
    topicConfigs: { t: { 'min.insync.replicas': String(minIsr) } },
  })
  cleanup = () => {
    logManager.shutdown()
    tmp.remove()
  }
  return rm
}

const marker = (producerId: number, committed: boolean, partitionIndexes = [0], producerEpoch = 0, transactionVersion = 0) => ({
  markers: [{ producerId: BigInt(producerId), producerEpoch, transactionResult: committed, coordinatorEpoch: 1, transactionVersion, topics: [{ name: 't', partitionIndexes }] }],
})

describe('ReplicaManager transaction markers', () => {
  it('appends markers as leader, answers per partition, and tells the listeners once each is written', async () => {
    const rm = broker()
    const heard: TxnMarkerEvent[] = []
    rm.onTxnMarker((e) => heard.push(e))
    const produced = await rm.produce({ acks: -1, timeoutMs: 1000, topics: [{ name: 't', partitions: [{ index: 0, records: producerBatch({ producerId: 5, producerEpoch: 0, baseSequence: 0, count: 2, transactional: true }) }] }] })
    expect(produced!.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE)
    expect(rm.getPartition('t', 0)!.lastStableOffset).toBe(0)
    expect(rm.activeProducerState('t', 0)).toMatchObject([{ producerId: 5, currentTxnStartOffset: 0, coordinatorEpoch: -1 }])

    const response = await rm.writeTxnMarkers(marker(5, true, [0, 7]))
    expect(response).toEqual({ markers: [{ producerId: 5n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }] }] })
    expect(heard).toEqual([{ topic: 't', partition: 0, producerId: 5, producerEpoch: 0, committed: true, offset: 2 }])
    expect(rm.getPartition('t', 0)!.lastStableOffset).toBe(3)
    expect(rm.activeProducerState('t', 0)).toMatchObject([{ producerId: 5, currentTxnStartOffset: -1, coordinatorEpoch: 1 }])

    // An older epoch is refused and nobody hears of it.
    expect((await rm.writeTxnMarkers(marker(5, false, [0], -1))).markers[0].topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(heard).toHaveLength(1)

    const fetched = await rm.fetch({ replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: IsolationLevel.READ_COMMITTED, topics: [{ name: 't', partitions: [{ index: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] })
    expect(fetched.topics[0].partitions[0]).toMatchObject({ highWatermark: 3, lastStableOffset: 3, abortedTransactions: [] })
  })

  it('takes a transaction version 2 marker only at an epoch past the transaction it ends (a retry of it excepted), as Kafka 4.4', async () => {
    const rm = broker()
    const code = async (epoch: number) => (await rm.writeTxnMarkers(marker(6, true, [0], epoch, 2))).markers[0].topics[0].partitions[0].errorCode
    const produce = (epoch: number, baseSequence: number) => rm.produce({ acks: -1, timeoutMs: 1000, topics: [{ name: 't', partitions: [{ index: 0, records: producerBatch({ producerId: 6, producerEpoch: epoch, baseSequence, count: 2, transactional: true }) }] }] })
    await produce(3, 0)
    // At the transaction's own epoch: a TV2 coordinator never sends that, so it is stale.
    expect(await code(3)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(await code(4)).toBe(ErrorCode.NONE)
    expect(rm.getPartition('t', 0)!.lastStableOffset).toBe(3)
    // The same marker again (its answer was lost): written again, harmless.
    expect(await code(4)).toBe(ErrorCode.NONE)
    // The next transaction runs at the bumped epoch; a late marker at that epoch would end it: refused.
    await produce(4, 0)
    expect(await code(4)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect(await code(5)).toBe(ErrorCode.NONE)
    expect(rm.activeProducerState('t', 0)).toMatchObject([{ producerId: 6, producerEpoch: 5, currentTxnStartOffset: -1 }])
  })

  it('refuses a marker below min.insync.replicas before writing it', async () => {
    const rm = broker(2)
    const response = await rm.writeTxnMarkers(marker(9, false))
    expect(response.markers[0].topics[0].partitions[0].errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS)
    expect(rm.getPartition('t', 0)!.log.logEndOffset).toBe(0)
  })
})
