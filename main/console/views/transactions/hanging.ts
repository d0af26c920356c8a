// The hanging-transaction detector: which open transactions in a partition will not end by
// themselves. A partition's leader knows each producer's open transaction (DescribeProducers'
// currentTxnStartOffset); the coordinators know the transactions they run (ListTransactions,
// DescribeTransactions). As kafka-transactions find-hanging reasons, a transaction is hanging
// when no coordinator has it open with that partition (its markers will never come), or when it
// has been open longer than transaction.max.timeout.ms; and, as the coordinator itself should
// abort it, when it is Ongoing past its own transaction.timeout.ms. Pure, so tests feed it cases.
import type { HangingReason, OpenPartitionTransaction } from '../../../../preload/contract'
import type { ActiveProducer, DescribedTransaction } from '../../connections/transactionRequests'

/** The states in which a coordinator still owes the partitions their markers. */
const OPEN_STATES = new Set(['Ongoing', 'PrepareCommit', 'PrepareAbort', 'PrepareEpochFence'])

/**
 * How long a transaction no coordinator knows may be open before it counts as hanging: a
 * transaction that just ended can still be open in a partition read a moment before its
 * coordinator was asked.
 */
export const UNKNOWN_GRACE_MS = 5000

export interface HangingInputs {
  topic: string
  partition: number
  /** The transactions every coordinator describes. */
  transactions: DescribedTransaction[]
  /** False when some coordinator did not answer: then no transaction is called unknown to all of them. */
  everyCoordinatorAnswered: boolean
  maxTimeoutMs: number
  now: number
}

/** The coordinator's transaction that holds this producer's open transaction in the partition, if any. */
export function owningTransaction(producer: ActiveProducer, topic: string, partition: number, transactions: DescribedTransaction[]): DescribedTransaction | undefined {
  return transactions.find(
    (t) => t.producerId === producer.producerId && OPEN_STATES.has(t.state) && t.partitions.some((p) => p.topic === topic && p.partition === partition),
  )
}

/** Whether a producer's open transaction in a partition hangs, and why. */
export function hangingReason(producer: ActiveProducer, inputs: HangingInputs): { reason: HangingReason; message: string } | null {
  const { topic, partition, now, maxTimeoutMs } = inputs
  const owner = owningTransaction(producer, topic, partition, inputs.transactions)
  const idleMs = now - producer.lastTimestamp
  if (owner) {
    const openMs = owner.startTimeMs >= 0 ? now - owner.startTimeMs : -1
    if (owner.state === 'Ongoing' && openMs > owner.timeoutMs) {
      return { reason: 'past-timeout', message: `"${owner.transactionalId}" has been Ongoing for ${seconds(openMs)}, past its transaction.timeout.ms of ${seconds(owner.timeoutMs)}` }
    }
    if (openMs > maxTimeoutMs) {
      return { reason: 'older-than-max-timeout', message: `"${owner.transactionalId}" has been ${owner.state} for ${seconds(openMs)}, longer than transaction.max.timeout.ms (${seconds(maxTimeoutMs)})` }
    }
    return null
  }
  if (inputs.everyCoordinatorAnswered && idleMs >= UNKNOWN_GRACE_MS) {
    return { reason: 'unknown-to-coordinator', message: `producer ${producer.producerId} has a transaction open here since offset ${producer.currentTxnStartOffset} that no coordinator knows: no marker will end it` }
  }
  if (idleMs > maxTimeoutMs) {
    return { reason: 'older-than-max-timeout', message: `producer ${producer.producerId} last wrote here ${seconds(idleMs)} ago, longer than transaction.max.timeout.ms (${seconds(maxTimeoutMs)})` }
  }
  return null
}

/** Each open transaction of a partition's producers, with its owner and whether it hangs. */
export function openTransactions(producers: ActiveProducer[], inputs: HangingInputs): OpenPartitionTransaction[] {
  return producers
    .filter((p) => p.currentTxnStartOffset >= 0)
    .sort((a, b) => a.currentTxnStartOffset - b.currentTxnStartOffset)
    .map((p) => ({
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      coordinatorEpoch: p.coordinatorEpoch,
      firstOffset: p.currentTxnStartOffset,
      lastTimestamp: p.lastTimestamp,
      transactionalId: owningTransaction(p, inputs.topic, inputs.partition, inputs.transactions)?.transactionalId ?? null,
      hanging: hangingReason(p, inputs),
    }))
}

const seconds = (ms: number) => (ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`)
