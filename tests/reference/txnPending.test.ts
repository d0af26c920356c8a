// Transactions caught between EndTxn and their markers, on Apache Kafka and on Brokerlab: the
// only partition of two transactions is on one broker (replication factor 1), which is paused
// (SIGSTOP of its JVM; pauseBroker) after their records are in, so after EndTxn one stays in
// PrepareCommit and the other in PrepareAbort for as long as the test needs. What each
// coordinator answers a client's requests then is compared, and both complete once the
// broker is back.
import { describe, expect, it } from 'vitest'
import { ZERO_UUID, ApiKey, type ApiRequests, type ApiResponses } from '../../main/cluster/protocol/messages'
import { producerBatch } from '../helpers/batches'
import { eventually } from '../helpers/cluster'
import type { RawClient } from '../helpers/rawClient'
import { addPartitionsToTxn, initTransactions, transactionState, type TxnProducer } from '../helpers/transactions'
import { answered, useDifferential, type Side } from './differential'
import { metadataOf, topic, waitForLeaders } from './requests'
import { TXN_ERRORS, TXN_SIDES } from './txnMisuse'

// __transaction_state of one replica, so pausing a broker never holds up the coordinator's own writes.
const diff = useDifferential({ name: 'txnPending', configs: { 'transaction.state.log.replication.factor': '1', 'transaction.state.log.min.isr': '1' } })
const TOPIC = 'txn-pending'

describe('transactions waiting for their markers', () => {
  it('PrepareCommit and PrepareAbort answer AddPartitionsToTxn, EndTxn and InitProducerId as on Kafka', async () => {
    const bootstraps = await diff.start()
    const reference = diff.referenceCluster
    if (!reference && TXN_SIDES.includes('kafka')) throw new Error('this test pauses a reference broker: it needs the reference cluster it starts (not REFERENCE_BOOTSTRAP)')
    const lab = diff.brokerlabCluster
    const to = await diff.connect(bootstraps)
    await diff.requestBoth(to, ApiKey.CreateTopics, { topics: [topic(TOPIC, 3, 1), topic(`${TOPIC}-other`, 1, 1)], timeoutMs: 30_000, validateOnly: false })
    await waitForLeaders(to, [TOPIC, `${TOPIC}-other`])

    // Each side's leader of each partition, and the coordinator of candidate transactional ids.
    const leaders = {} as Record<Side, number[]>
    const addresses = {} as Record<Side, Map<number, string>>
    for (const side of TXN_SIDES) {
      const m = await to[side].request(ApiKey.Metadata, 12, metadataOf([TOPIC]))
      leaders[side] = [...m.topics[0].partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => p.leaderId)
      addresses[side] = new Map(m.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]))
    }
    const coordinatorOf = async (side: Side, id: string) =>
      eventually(`the coordinator of ${id} on ${side}`, async () => {
        const r = await to[side].request(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [id] })
        return r.coordinators[0].errorCode === 0 && r.coordinators[0].nodeId
      }, 60_000)
    // A partition led by neither broker 1 (Kafka's KRaft controller; the raw clients' broker) on either side,
    // and two ids coordinated elsewhere than that partition's leader on both sides.
    const partition = [0, 1, 2].find((p) => TXN_SIDES.every((side) => leaders[side][p] !== 1))
    if (partition === undefined) throw new Error(`no partition led by a broker other than 1 on both sides: ${JSON.stringify(leaders)}`)
    const paused = { kafka: leaders.kafka?.[partition] ?? -1, brokerlab: leaders.brokerlab?.[partition] ?? -1 }
    const ids: string[] = []
    const coordinatorNodes = {} as Record<Side, number>
    for (let i = 0; ids.length < 2 && i < 200; i++) {
      const id = `txn-pending-${i}`
      const nodes = { kafka: TXN_SIDES.includes('kafka') ? await coordinatorOf('kafka', id) : -2, brokerlab: TXN_SIDES.includes('brokerlab') ? await coordinatorOf('brokerlab', id) : -2 }
      // Both ids on one coordinator per side, so one connection per side reaches both.
      if (TXN_SIDES.every((side) => nodes[side] !== paused[side] && (ids.length === 0 || nodes[side] === coordinatorNodes[side]))) {
        ids.push(id)
        Object.assign(coordinatorNodes, nodes)
      }
    }
    const [committer, aborter] = ids
    const addressOf = (side: Side, node: number) => addresses[side]?.get(node) ?? bootstraps[side]
    const coordinators = await diff.connect({ kafka: addressOf('kafka', coordinatorNodes.kafka), brokerlab: addressOf('brokerlab', coordinatorNodes.brokerlab) })
    const dataLeaders = await diff.connect({ kafka: addressOf('kafka', paused.kafka), brokerlab: addressOf('brokerlab', paused.brokerlab) })

    // Both transactions write to the partition, then its broker stops answering.
    const producers = {} as Record<string, Record<Side, TxnProducer>>
    for (const id of ids) {
      producers[id] = {} as Record<Side, TxnProducer>
      for (const side of TXN_SIDES) {
        const p = (producers[id][side] = await initTransactions(coordinators[side], id))
        expect(await addPartitionsToTxn(coordinators[side], p, TOPIC, [partition]), `${side} AddPartitionsToTxn`).toEqual([0])
        const batch = producerBatch({ count: 3, producerId: Number(p.producerId), producerEpoch: p.producerEpoch, baseSequence: 0, transactional: true })
        const r = await dataLeaders[side].request(ApiKey.Produce, 11, { transactionalId: id, acks: -1, timeoutMs: 10_000, topicData: [{ topicId: ZERO_UUID, name: TOPIC, partitionData: [{ index: partition, records: batch }] }] })
        expect(r.responses[0].partitionResponses[0].errorCode, `${side} Produce`).toBe(0)
      }
    }
    const node = reference?.nodes.find((n) => n.id === paused.kafka)
    if (node) process.kill(node.process.pid!, 'SIGSTOP')
    await lab.pauseBroker(paused.brokerlab)
    try {
      const send = async <K extends keyof ApiRequests & keyof ApiResponses>(check: string, apiKey: K, version: number, body: (side: Side) => ApiRequests[K], expected?: number) => {
        const answers: Record<Side, unknown> = { kafka: { error: 'not run' }, brokerlab: { error: 'not run' } }
        for (const side of TXN_SIDES) {
          answers[side] = answered(await coordinators[side].request(apiKey, version, body(side)).then((value) => ({ ok: true as const, value }), (err: Error) => ({ ok: false as const, error: err.message })))
        }
        const codes = (a: unknown) => JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? v.toString() : v)).match(/"(?:e|partitionE)rrorCode":(-?\d+)/g)?.map((m) => TXN_ERRORS[Number(m.split(':')[1])] ?? m) ?? []
        diff.check('pending transactions', check, `v${version}; error codes: Kafka ${codes(answers.kafka).join('/')}, Brokerlab ${codes(answers.brokerlab).join('/')}`, answers.kafka, answers.brokerlab)
        if (TXN_SIDES.includes('kafka') && expected !== undefined) expect(codes(answers.kafka), `${check} on Kafka`).toContain(TXN_ERRORS[expected])
      }
      const p = (id: string) => (side: Side) => ({ producerId: producers[id][side].producerId, producerEpoch: producers[id][side].producerEpoch })
      const end = (id: string, committed: boolean) => (side: Side) => ({ transactionalId: id, ...p(id)(side), committed })
      const add = (id: string) => (side: Side) => ({ transactions: [], v3AndBelowTransactionalId: id, v3AndBelowProducerId: p(id)(side).producerId, v3AndBelowProducerEpoch: p(id)(side).producerEpoch, v3AndBelowTopics: [{ name: `${TOPIC}-other`, partitions: [0] }] })

      await send('EndTxn commit (its marker cannot be written)', ApiKey.EndTxn, 4, end(committer, true), 0)
      await send('EndTxn abort (its marker cannot be written)', ApiKey.EndTxn, 4, end(aborter, false), 0)
      for (const side of TXN_SIDES) {
        await eventually(`PrepareCommit on ${side}`, async () => (await transactionState(coordinators[side], committer)) === 'PrepareCommit', 10_000)
        await eventually(`PrepareAbort on ${side}`, async () => (await transactionState(coordinators[side], aborter)) === 'PrepareAbort', 10_000)
      }
      await send('AddPartitionsToTxn after EndTxn commit began (PrepareCommit)', ApiKey.AddPartitionsToTxn, 3, add(committer), 51)
      await send('AddOffsetsToTxn during PrepareCommit', ApiKey.AddOffsetsToTxn, 4, (side) => ({ transactionalId: committer, ...p(committer)(side), groupId: 'txn-pending-group' }), 51)
      // While its markers are sent, Kafka 4 holds the transaction in a pending transition: the opposite
      // EndTxn may meet CONCURRENT_TRANSACTIONS (KAFKA-18464) or INVALID_TXN_STATE; compared, not presumed.
      await send('EndTxn abort during PrepareCommit', ApiKey.EndTxn, 4, end(committer, false))
      await send('EndTxn commit again during PrepareCommit', ApiKey.EndTxn, 4, end(committer, true), 51)
      await send('InitProducerId during PrepareCommit', ApiKey.InitProducerId, 5, () => ({ transactionalId: committer, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }), 51)
      await send('EndTxn commit during PrepareAbort', ApiKey.EndTxn, 4, end(aborter, true))
      await send('EndTxn abort again during PrepareAbort', ApiKey.EndTxn, 4, end(aborter, false), 51)
      await send('AddPartitionsToTxn during PrepareAbort', ApiKey.AddPartitionsToTxn, 3, add(aborter), 51)
    } finally {
      if (node) process.kill(node.process.pid!, 'SIGCONT')
      lab.resumeBroker(paused.brokerlab)
    }
    // Back: the markers are written and both transactions complete.
    for (const side of TXN_SIDES) {
      await eventually(`CompleteCommit on ${side}`, async () => (await transactionState(coordinators[side], committer)) === 'CompleteCommit', 90_000)
      await eventually(`CompleteAbort on ${side}`, async () => (await transactionState(coordinators[side], aborter)) === 'CompleteAbort', 90_000)
    }
  }, 240_000)
})
