// A client's misuse of the transaction APIs, the same raw requests to Apache Kafka and to
// Brokerlab, their answers (error codes above all) compared. Requests go at fixed versions, the
// ones a transaction-version-1 client sends (InitProducerId v5, AddPartitionsToTxn v3,
// AddOffsetsToTxn v4, EndTxn v4, TxnOffsetCommit v4, Produce v11), so both sides see the same
// bytes and the same protocol whatever else each serves; the last scenarios are a transaction
// version 2 client's (Produce v12, EndTxn v5, TxnOffsetCommit v5: KIP-890 part 2).
//
// Which transactional state a request meets must not depend on timing: requests that need a
// completed transaction wait for DescribeTransactions to say CompleteCommit or CompleteAbort.
import { expect } from 'vitest'
import { ZERO_UUID, ApiKey, type ApiRequests, type ApiResponses } from '../../main/cluster/protocol/messages'
import { partitionFor } from '../../main/cluster/broker/group'
import { encodeConsumerProtocolAssignment, encodeConsumerProtocolSubscription } from '../../main/cluster/protocol/messages/consumerProtocol'
import { producerBatch } from '../helpers/batches'
import { eventually } from '../helpers/cluster'
import type { RawClient } from '../helpers/rawClient'
import { answered, SIDES, type Side, type useDifferential } from './differential'
import { brokerOf, leader, topic, waitForLeaders } from './requests'

type Differential = ReturnType<typeof useDifferential>

/**
 * The sides these scenarios run on: both, unless TXN_SIDES=kafka (while writing a scenario, to
 * prove it on the reference first; the checks then fail, as Brokerlab answered nothing).
 */
export const TXN_SIDES: Side[] = process.env.TXN_SIDES ? (process.env.TXN_SIDES.split(',') as Side[]) : SIDES

/** A prefix of every name, for running the scenarios again by hand on a long-lived cluster. */
export const RUN = process.env.TXN_NAME_PREFIX ?? ''
const TOPIC = `${RUN}txn-bad`
const GROUP = `${RUN}txn-bad-group`
const TXN_PARTITIONS = 50
/** Transactional ids on one __transaction_state partition, so one broker coordinates them all on each side. */
const IDS = Array.from({ length: 5000 }, (_, i) => `${RUN}txn-bad-${i}`).filter((id) => partitionFor(id, TXN_PARTITIONS) === partitionFor(`${RUN}txn-bad-0`, TXN_PARTITIONS))
const [A, TIMEOUT, UNKNOWN, B, C, D, E, F, G, H] = IDS

/** Kafka's names of the codes these scenarios meet, for the failure messages. */
export const TXN_ERRORS: Record<number, string> = {
  0: 'NONE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  14: 'COORDINATOR_LOAD_IN_PROGRESS',
  15: 'COORDINATOR_NOT_AVAILABLE',
  16: 'NOT_COORDINATOR',
  19: 'NOT_ENOUGH_REPLICAS',
  22: 'ILLEGAL_GENERATION',
  25: 'UNKNOWN_MEMBER_ID',
  47: 'INVALID_PRODUCER_EPOCH',
  48: 'INVALID_TXN_STATE',
  49: 'INVALID_PRODUCER_ID_MAPPING',
  50: 'INVALID_TRANSACTION_TIMEOUT',
  51: 'CONCURRENT_TRANSACTIONS',
  55: 'OPERATION_NOT_ATTEMPTED',
  90: 'PRODUCER_FENCED',
  105: 'TRANSACTIONAL_ID_NOT_FOUND',
  120: 'TRANSACTION_ABORTABLE',
  [-1]: 'UNKNOWN_SERVER_ERROR',
}

const VERSIONS = {
  [ApiKey.InitProducerId]: 5,
  [ApiKey.AddPartitionsToTxn]: 3,
  [ApiKey.AddOffsetsToTxn]: 4,
  [ApiKey.EndTxn]: 4,
  [ApiKey.TxnOffsetCommit]: 4,
  [ApiKey.Produce]: 11,
  [ApiKey.FindCoordinator]: 4,
  [ApiKey.JoinGroup]: 9,
  [ApiKey.SyncGroup]: 5,
  [ApiKey.DescribeTransactions]: 0,
} as const
type TxnApi = keyof typeof VERSIONS
/** The versions a transaction version 2 client sends instead. */
const TV2 = { [ApiKey.Produce]: 12, [ApiKey.EndTxn]: 5, [ApiKey.TxnOffsetCommit]: 5 } as const

interface Producer {
  producerId: bigint
  producerEpoch: number
}

export async function misuseScenarios(diff: Differential, to: Record<Side, RawClient>, _bootstraps: Record<Side, string>): Promise<void> {
  // Three replicas where there are three brokers (both test clusters), else one (a cluster by hand).
  const brokers = (await to.kafka.request(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })).brokers.length
  await diff.requestBoth(to, ApiKey.CreateTopics, {
    topics: [topic(TOPIC, 4, Math.min(3, brokers))],
    timeoutMs: 30_000,
    validateOnly: false,
  })
  await waitForLeaders(to, [TOPIC])

  /** Sends at the fixed version to both sides (one after the other), compares, and returns both answers. */
  const send = async <K extends TxnApi>(at: Record<Side, RawClient>, check: string, apiKey: K, body: ApiRequests[K] | ((side: Side) => ApiRequests[K]), expected?: number, version: number = VERSIONS[apiKey]) => {
    const answers: Record<Side, ApiResponses[K] | { error: string }> = { kafka: { error: 'not run' }, brokerlab: { error: 'not run' } }
    for (const side of TXN_SIDES) {
      answers[side] = answered(await at[side].request(apiKey, version, typeof body === 'function' ? body(side) : body).then((value) => ({ ok: true as const, value }), (err: Error) => ({ ok: false as const, error: err.message })))
    }
    // Kafka answers AddPartitionsToTxn's topics in its hash map's order: compared by name.
    for (const side of SIDES) {
      const a = answers[side] as { resultsByTopicV3AndBelow?: Array<{ name: string }> }
      a.resultsByTopicV3AndBelow?.sort((x, y) => x.name.localeCompare(y.name))
    }
    const codes = { kafka: errorCodesOf(answers.kafka), brokerlab: errorCodesOf(answers.brokerlab) }
    diff.check('transactional misuse', check, `${apiNames[apiKey]} v${version}; error codes: Kafka ${codes.kafka}, Brokerlab ${codes.brokerlab}`, answers.kafka, answers.brokerlab)
    // The reference must answer what Kafka's code says it answers, so a scenario that misses its state fails.
    if (expected !== undefined && !process.env.TXN_DEV) expect(codes.kafka, `${check}: Kafka answered ${codes.kafka}`).toContain(TXN_ERRORS[expected])
    return answers as Record<Side, ApiResponses[K]>
  }

  let coordinators = await connectCoordinators(diff, to, 1, A)
  const groupCoordinators = await connectCoordinators(diff, to, 0, GROUP)
  // Partition 0 is A's transaction, 1 takes the produce without AddPartitionsToTxn, 2 is B's and 3 is C's.
  const leaderOf = async (partition: number) => diff.connect(await brokerOf(to, TOPIC, partition, leader))
  const leaders = { bad0: await leaderOf(0), bad1: await leaderOf(1), bad2: await leaderOf(2), bad3: await leaderOf(3) }

  const init = (transactionalId: string, transactionTimeoutMs = 60_000, p: Producer = { producerId: -1n, producerEpoch: -1 }) => ({ transactionalId, transactionTimeoutMs, ...p })
  // The coordinator loads its partition of __transaction_state first (COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR).
  const producers = {} as Record<string, Record<Side, Producer>>
  const initialized = async (id: string) => {
    producers[id] = {} as Record<Side, Producer>
    for (const side of TXN_SIDES) {
      let last = -1
      producers[id][side] = await eventually(`InitProducerId ${id} on ${side}`, async () => {
        const r = await coordinators[side].request(ApiKey.InitProducerId, VERSIONS[ApiKey.InitProducerId], init(id))
        last = r.errorCode
        // Leadership of __transaction_state moved since FindCoordinator: ask again, as a client does.
        if (r.errorCode === 16) coordinators = await connectCoordinators(diff, to, 1, A)
        return r.errorCode === 0 && { producerId: r.producerId, producerEpoch: r.producerEpoch }
      }, 60_000).catch((err: Error) => {
        throw new Error(`${err.message}: its last answer was ${TXN_ERRORS[last] ?? last}`)
      })
    }
    return producers[id]
  }
  const current = (id: string, epochDelta = 0, idDelta = 0n) => (side: Side): Producer => ({ producerId: producers[id][side].producerId + idDelta, producerEpoch: producers[id][side].producerEpoch + epochDelta })
  const addPartitions = (id: string, p: (side: Side) => Producer, topics: Array<{ name: string; partitions: number[] }>) => (side: Side): ApiRequests[typeof ApiKey.AddPartitionsToTxn] => ({
    transactions: [],
    v3AndBelowTransactionalId: id,
    v3AndBelowProducerId: p(side).producerId,
    v3AndBelowProducerEpoch: p(side).producerEpoch,
    v3AndBelowTopics: topics,
  })
  const endTxn = (id: string, p: (side: Side) => Producer, committed: boolean) => (side: Side) => ({ transactionalId: id, ...p(side), committed })
  const produce = (id: string | null, p: (side: Side) => Producer, name: string, partition: number, acks = -1, baseSequence = 0) => (side: Side): ApiRequests[typeof ApiKey.Produce] => ({
    transactionalId: id,
    acks,
    timeoutMs: 10_000,
    topicData: [{ topicId: ZERO_UUID, name, partitionData: [{ index: partition, records: producerBatch({ count: 2, producerId: Number(p(side).producerId), producerEpoch: p(side).producerEpoch, baseSequence, transactional: true }) }] }],
  })

  /** Waits on each side for DescribeTransactions to show `state` (the markers written). */
  const completed = async (id: string, state: string) => {
    for (const side of TXN_SIDES) {
      await eventually(`${id} in ${state} on ${side}`, async () => {
        const r = await coordinators[side].request(ApiKey.DescribeTransactions, 0, { transactionalIds: [id] })
        return r.transactionStates[0]?.transactionState === state
      }, 30_000)
    }
  }
  // Timeouts: the ceiling is transaction.max.timeout.ms (900000 by default).
  await initialized(A)
  await send(coordinators, 'InitProducerId with transaction.timeout.ms above transaction.max.timeout.ms', ApiKey.InitProducerId, init(TIMEOUT, 900_001), 50)
  // Epochs: a second InitProducerId bumps the epoch; requests with the old one are fenced.
  const again = await send(coordinators, 'InitProducerId again bumps the epoch', ApiKey.InitProducerId, init(A), 0)
  for (const side of TXN_SIDES) if ('producerEpoch' in again[side]) producers[A][side] = { producerId: again[side].producerId, producerEpoch: again[side].producerEpoch }
  await send(coordinators, 'AddPartitionsToTxn with the old epoch', ApiKey.AddPartitionsToTxn, addPartitions(A, current(A, -1), [{ name: TOPIC, partitions: [0] }]))
  await send(coordinators, 'EndTxn with the old epoch', ApiKey.EndTxn, endTxn(A, current(A, -1), true))
  await send(coordinators, 'AddOffsetsToTxn with the old epoch', ApiKey.AddOffsetsToTxn, (side) => ({ transactionalId: A, ...current(A, -1)(side), groupId: GROUP }))
  await send(coordinators, 'AddPartitionsToTxn with a newer epoch than the coordinator gave', ApiKey.AddPartitionsToTxn, addPartitions(A, current(A, 5), [{ name: TOPIC, partitions: [0] }]))
  // Producer ids: another id than the transactional id's, and a transactional id never initialised.
  await send(coordinators, 'AddPartitionsToTxn with another producer id', ApiKey.AddPartitionsToTxn, addPartitions(A, current(A, 0, 1000n), [{ name: TOPIC, partitions: [0] }]), 49)
  await send(coordinators, 'AddPartitionsToTxn of an unknown transactional id', ApiKey.AddPartitionsToTxn, addPartitions(UNKNOWN, current(A), [{ name: TOPIC, partitions: [0] }]), 49)
  await send(coordinators, 'EndTxn of an unknown transactional id', ApiKey.EndTxn, endTxn(UNKNOWN, current(A), true), 49)
  await send(coordinators, 'AddOffsetsToTxn of an unknown transactional id', ApiKey.AddOffsetsToTxn, (side) => ({ transactionalId: UNKNOWN, ...current(A)(side), groupId: GROUP }), 49)
  // EndTxn without any partitions (the transaction is Empty).
  await send(coordinators, 'EndTxn commit without any partitions', ApiKey.EndTxn, endTxn(A, current(A), true), 48)
  await send(coordinators, 'EndTxn abort without any partitions', ApiKey.EndTxn, endTxn(A, current(A), false), 48)
  // Partitions: an unknown topic among known ones fails the whole request.
  await send(coordinators, 'AddPartitionsToTxn of an unknown topic and a known one', ApiKey.AddPartitionsToTxn, addPartitions(A, current(A), [{ name: `${RUN}txn-missing`, partitions: [0] }, { name: TOPIC, partitions: [0] }]), 3)
  await send(coordinators, 'AddPartitionsToTxn of a partition past the last', ApiKey.AddPartitionsToTxn, addPartitions(A, current(A), [{ name: TOPIC, partitions: [9] }]), 3)
  await send(coordinators, 'AddPartitionsToTxn of txn-bad-0 (the transaction begins)', ApiKey.AddPartitionsToTxn, addPartitions(A, current(A), [{ name: TOPIC, partitions: [0] }]), 0)
  // KIP-890 part 1: a transactional produce to a partition not in the transaction is refused.
  await send(leaders.bad1, 'transactional Produce to a partition not added to the transaction', ApiKey.Produce, produce(A, current(A), TOPIC, 1))
  await send(leaders.bad0, 'transactional Produce to the added partition', ApiKey.Produce, produce(A, current(A), TOPIC, 0), 0)
  await send(leaders.bad0, 'transactional Produce with the old epoch', ApiKey.Produce, produce(A, current(A, -1), TOPIC, 0, -1, 2))
  await send(leaders.bad1, 'transactional Produce of an unknown transactional id', ApiKey.Produce, produce(UNKNOWN, current(A), TOPIC, 1))
  // A concurrent InitProducerId fences the open transaction: it is aborted with a bumped epoch.
  await send(coordinators, 'InitProducerId while a transaction is ongoing', ApiKey.InitProducerId, init(A), 51)
  // Until the fence's abort markers are written, Kafka answers CONCURRENT_TRANSACTIONS: wait for them.
  await completed(A, 'CompleteAbort')
  await send(coordinators, 'AddPartitionsToTxn with the epoch the fence replaced', ApiKey.AddPartitionsToTxn, addPartitions(A, current(A), [{ name: TOPIC, partitions: [0] }]))
  await send(coordinators, 'EndTxn commit with the epoch the fence replaced', ApiKey.EndTxn, endTxn(A, current(A), true))

  // After the markers: a commit and an abort that completed, and requests that contradict them.
  await initialized(B)
  await send(coordinators, 'AddPartitionsToTxn of txn-bad-2', ApiKey.AddPartitionsToTxn, addPartitions(B, current(B), [{ name: TOPIC, partitions: [2] }]), 0)
  await send(leaders.bad2, 'transactional Produce to txn-bad-2', ApiKey.Produce, produce(B, current(B), TOPIC, 2), 0)
  await send(coordinators, 'EndTxn commit', ApiKey.EndTxn, endTxn(B, current(B), true), 0)
  await completed(B, 'CompleteCommit')
  await send(coordinators, 'EndTxn abort after the commit completed', ApiKey.EndTxn, endTxn(B, current(B), false), 48)
  await send(coordinators, 'EndTxn commit again after the commit completed (a retry)', ApiKey.EndTxn, endTxn(B, current(B), true), 0)
  await send(coordinators, 'DescribeTransactions after the commit', ApiKey.DescribeTransactions, { transactionalIds: [B, UNKNOWN] })

  await initialized(C)
  await send(coordinators, 'AddPartitionsToTxn of txn-bad-3', ApiKey.AddPartitionsToTxn, addPartitions(C, current(C), [{ name: TOPIC, partitions: [3] }]), 0)
  await send(leaders.bad3, 'transactional Produce to txn-bad-3', ApiKey.Produce, produce(C, current(C), TOPIC, 3), 0)
  await send(coordinators, 'EndTxn abort', ApiKey.EndTxn, endTxn(C, current(C), false), 0)
  await completed(C, 'CompleteAbort')
  await send(coordinators, 'EndTxn commit after the abort completed', ApiKey.EndTxn, endTxn(C, current(C), true), 48)
  await send(coordinators, 'EndTxn abort again after the abort completed (a retry)', ApiKey.EndTxn, endTxn(C, current(C), false), 0)

  // TxnOffsetCommit to a group of one member (generation 1), from a transaction that added the group.
  const member = await joinGroup(groupCoordinators)
  await initialized(D)
  await send(coordinators, 'AddOffsetsToTxn of a group', ApiKey.AddOffsetsToTxn, (side) => ({ transactionalId: D, ...current(D)(side), groupId: GROUP }), 0)
  const txnCommit = (id: string, generationId: number, memberId: (side: Side) => string, p: (side: Side) => Producer = current(id)) => (side: Side): ApiRequests[typeof ApiKey.TxnOffsetCommit] => ({
    transactionalId: id,
    groupId: GROUP,
    ...p(side),
    generationId,
    memberId: memberId(side),
    groupInstanceId: null,
    topics: [{ topicId: ZERO_UUID, name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
  })
  await send(groupCoordinators, 'TxnOffsetCommit with a stale generation', ApiKey.TxnOffsetCommit, txnCommit(D, 0, (side) => member[side]), 22)
  await send(groupCoordinators, 'TxnOffsetCommit with a future generation', ApiKey.TxnOffsetCommit, txnCommit(D, 2, (side) => member[side]), 22)
  await send(groupCoordinators, 'TxnOffsetCommit of an unknown member', ApiKey.TxnOffsetCommit, txnCommit(D, 1, () => 'unknown-member'), 25)
  await send(groupCoordinators, 'TxnOffsetCommit with the old epoch', ApiKey.TxnOffsetCommit, txnCommit(D, 1, (side) => member[side], current(D, -1)))
  await send(groupCoordinators, 'TxnOffsetCommit by the member of generation 1', ApiKey.TxnOffsetCommit, txnCommit(D, 1, (side) => member[side]), 0)
  await initialized(E)
  await send(groupCoordinators, 'TxnOffsetCommit from a transaction that did not add the group', ApiKey.TxnOffsetCommit, txnCommit(E, -1, () => ''))
  await send(coordinators, 'EndTxn commit of the offsets', ApiKey.EndTxn, endTxn(D, current(D), true), 0)

  // Transaction version 2: the leader adds a Produce v12's partition, EndTxn v5 bumps the epoch.
  await initialized(F)
  await send(leaders.bad1, 'TV2: Produce v12 adds its partition (no AddPartitionsToTxn)', ApiKey.Produce, produce(F, current(F), TOPIC, 1), 0, TV2[ApiKey.Produce])
  await send(coordinators, 'TV2: DescribeTransactions of the partition Produce v12 added', ApiKey.DescribeTransactions, { transactionalIds: [F] })
  await send(coordinators, 'TV2: EndTxn v5 commit bumps the epoch', ApiKey.EndTxn, endTxn(F, current(F), true), 0, TV2[ApiKey.EndTxn])
  await completed(F, 'CompleteCommit')
  await send(coordinators, 'TV2: EndTxn v5 commit again with the epoch before the bump (a retry)', ApiKey.EndTxn, endTxn(F, current(F), true), 0, TV2[ApiKey.EndTxn])
  await send(coordinators, 'TV2: EndTxn v5 abort with the epoch before the bump', ApiKey.EndTxn, endTxn(F, current(F), false), 48, TV2[ApiKey.EndTxn])
  await send(leaders.bad1, 'TV2: Produce v12 with the epoch the commit ended', ApiKey.Produce, produce(F, current(F), TOPIC, 1, -1, 2), undefined, TV2[ApiKey.Produce])
  await send(coordinators, 'TV2: EndTxn v5 commit with nothing sent', ApiKey.EndTxn, endTxn(F, current(F, 1), true), 48, TV2[ApiKey.EndTxn])
  await send(coordinators, 'TV2: EndTxn v5 abort with nothing sent bumps the epoch', ApiKey.EndTxn, endTxn(F, current(F, 1), false), 0, TV2[ApiKey.EndTxn])
  await completed(F, 'CompleteAbort')
  await send(coordinators, 'TV2: EndTxn v5 with an epoch two behind', ApiKey.EndTxn, endTxn(F, current(F), false), undefined, TV2[ApiKey.EndTxn])
  await send(coordinators, 'TV2: DescribeTransactions after two bumps', ApiKey.DescribeTransactions, { transactionalIds: [F] })

  // TxnOffsetCommit v5 adds the group's offsets partition (no AddOffsetsToTxn).
  await initialized(G)
  await send(groupCoordinators, 'TV2: TxnOffsetCommit v5 without AddOffsetsToTxn', ApiKey.TxnOffsetCommit, txnCommit(G, 1, (side) => member[side]), 0, TV2[ApiKey.TxnOffsetCommit])
  await send(coordinators, 'TV2: DescribeTransactions of the offsets partition TxnOffsetCommit v5 added', ApiKey.DescribeTransactions, { transactionalIds: [G] })
  await send(coordinators, 'TV2: EndTxn v5 commit of the offsets', ApiKey.EndTxn, endTxn(G, current(G), true), 0, TV2[ApiKey.EndTxn])

  // A zombie: a new InitProducerId fences its open TV2 transaction (two bumps: the fence, then the abort).
  await initialized(H)
  await send(leaders.bad3, 'TV2: Produce v12 of the zombie-to-be', ApiKey.Produce, produce(H, current(H), TOPIC, 3), 0, TV2[ApiKey.Produce])
  await send(coordinators, 'TV2: InitProducerId while a TV2 transaction is ongoing', ApiKey.InitProducerId, init(H), 51)
  await completed(H, 'CompleteAbort')
  await send(coordinators, 'TV2: DescribeTransactions of the fenced transaction', ApiKey.DescribeTransactions, { transactionalIds: [H] })
  await send(leaders.bad3, "TV2: the zombie's Produce v12", ApiKey.Produce, produce(H, current(H), TOPIC, 3, -1, 2), undefined, TV2[ApiKey.Produce])
  await send(coordinators, "TV2: the zombie's EndTxn v5", ApiKey.EndTxn, endTxn(H, current(H), true), undefined, TV2[ApiKey.EndTxn])
}

const apiNames: Record<number, string> = {
  [ApiKey.InitProducerId]: 'InitProducerId',
  [ApiKey.AddPartitionsToTxn]: 'AddPartitionsToTxn',
  [ApiKey.AddOffsetsToTxn]: 'AddOffsetsToTxn',
  [ApiKey.EndTxn]: 'EndTxn',
  [ApiKey.TxnOffsetCommit]: 'TxnOffsetCommit',
  [ApiKey.Produce]: 'Produce',
  [ApiKey.FindCoordinator]: 'FindCoordinator',
  [ApiKey.JoinGroup]: 'JoinGroup',
  [ApiKey.SyncGroup]: 'SyncGroup',
  [ApiKey.DescribeTransactions]: 'DescribeTransactions',
}

/** Every error code in an answer (top-level, per transaction, per partition), as Kafka's names. */
function errorCodesOf(answer: unknown): string {
  const codes: number[] = []
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [key, value] of Object.entries(v)) {
        if (/errorCode$/i.test(key) && typeof value === 'number') codes.push(value)
        else walk(value)
      }
    }
  }
  if (answer && typeof answer === 'object' && 'error' in answer && Object.keys(answer).length === 1) return `(no answer: ${(answer as { error: string }).error})`
  walk(answer)
  return [...new Set(codes)].map((c) => TXN_ERRORS[c] ?? String(c)).join('/') || '(none)'
}

/** Each side's coordinator of a key (0 a group, 1 a transactional id), once it answers, connected. */
async function connectCoordinators(diff: Differential, to: Record<Side, RawClient>, keyType: number, key: string): Promise<Record<Side, RawClient>> {
  const at = {} as Record<Side, string>
  for (const side of TXN_SIDES) {
    const c = await eventually(`the coordinator of ${key} on ${side}`, async () => {
      const r = await to[side].request(ApiKey.FindCoordinator, 4, { key: '', keyType, coordinatorKeys: [key] })
      return r.coordinators[0].errorCode === 0 && r.coordinators[0]
    }, 60_000)
    at[side] = `${c.host}:${c.port}`
  }
  return diff.connect(at)
}

/** Consumer protocol bytes as Kafka's consumers send them: a version, then the struct. */
const versioned = (version: number, body: Buffer) => Buffer.concat([Buffer.from([version >> 8, version & 0xff]), body])

/** One member joins GROUP and syncs (generation 1); its member id on each side. */
async function joinGroup(at: Record<Side, RawClient>): Promise<Record<Side, string>> {
  const subscription = versioned(0, encodeConsumerProtocolSubscription(0, { topics: [TOPIC], userData: null, ownedPartitions: [], generationId: -1, rackId: null }))
  const assignment = versioned(0, encodeConsumerProtocolAssignment(0, { assignedPartitions: [{ topic: TOPIC, partitions: [0, 1] }], userData: null }))
  const members = {} as Record<Side, string>
  for (const side of TXN_SIDES) {
    const join = (memberId: string) => at[side].request(ApiKey.JoinGroup, 9, { groupId: GROUP, sessionTimeoutMs: 45_000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription }], reason: null })
    const required = await eventually(`JoinGroup on ${side}`, async () => {
      const r = await join('')
      return r.errorCode === 79 && r
    }, 60_000)
    const joined = await join(required.memberId)
    if (joined.errorCode !== 0) throw new Error(`JoinGroup on ${side}: error ${joined.errorCode}`)
    const synced = await at[side].request(ApiKey.SyncGroup, 5, { groupId: GROUP, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: joined.memberId, assignment }] })
    if (synced.errorCode !== 0) throw new Error(`SyncGroup on ${side}: error ${synced.errorCode}`)
    members[side] = joined.memberId
  }
  return members
}
