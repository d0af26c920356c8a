// Kafka's endTransaction for a transaction version 2 client (EndTxn v5, KIP-890 part 2), the
// decision before the write: which epoch a request may name in each state, what a retry is
// answered, and the PrepareCommit / PrepareAbort it writes, one epoch past the transaction's.
// The TV1 decision stays in transactionCoordinator.ts; both share its write-and-answer step.
import { ErrorCode } from '../../errors'
import type { EndTxnResult } from './transactionCoordinator'
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, stateName, TransactionState, type TransactionMetadata, type TxnTransitMetadata } from './transactionMetadata'

/**
 * Kafka's endTransaction for transaction version 2: every EndTxn bumps the epoch, so a retry
 * names the epoch before the bump (or the last epoch of the producer id a rotation retired),
 * and an abort is allowed with no transaction ongoing (it still fences the epoch).
 */
export async function prepareEndTransactionV2(
  m: TransactionMetadata,
  request: { producerId: number; producerEpoch: number; committed: boolean; isFromClient: boolean },
  generateProducerId: () => Promise<number>,
  now: number,
): Promise<EndTxnResult | { transit: TxnTransitMetadata; isEpochFence: boolean }> {
  const { producerId, producerEpoch, committed, isFromClient } = request
  const error = (errorCode: number): EndTxnResult => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH })
  const isEpochFence = m.pendingState === TransactionState.PrepareEpochFence
  const retryOnOverflow = !isEpochFence && m.lastProducerId === producerId && producerEpoch === 32766 && m.producerEpoch === 0
  const retryOnEpochBump = !isEpochFence && m.producerEpoch === producerEpoch + 1
  const isRetry = retryOnEpochBump || retryOnOverflow
  let isValidEpoch: boolean
  if (isEpochFence) isValidEpoch = (!isFromClient || producerEpoch === m.producerEpoch) && producerEpoch >= m.producerEpoch
  else if (m.state === TransactionState.PrepareCommit || m.state === TransactionState.PrepareAbort) isValidEpoch = retryOnEpochBump
  else if (m.state === TransactionState.CompleteCommit || m.state === TransactionState.CompleteAbort) isValidEpoch = isRetry || producerEpoch === m.producerEpoch
  else isValidEpoch = producerEpoch === m.producerEpoch
  if (m.producerId !== producerId && !retryOnOverflow) return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
  if (!isValidEpoch) return error(ErrorCode.PRODUCER_FENCED)
  if (m.pendingTransitionInProgress && m.pendingState !== TransactionState.PrepareEpochFence) return error(ErrorCode.CONCURRENT_TRANSACTIONS)
  const current = (): EndTxnResult => ({ errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch })
  const complete = async (next: TransactionState.PrepareCommit | TransactionState.PrepareAbort, noPartitionAdded: boolean) => {
    // The bump may use up the epochs (a fence's too): the completion then hands over a new producer id.
    const nextProducerId = m.isProducerEpochExhausted ? await generateProducerId() : NO_PRODUCER_ID
    if (m.pendingTransitionInProgress && m.pendingState !== TransactionState.PrepareEpochFence) return error(ErrorCode.CONCURRENT_TRANSACTIONS)
    // A fence's abort bumps once, from the current epoch to the fence's (Kafka 4.4), not past it.
    if (next === TransactionState.PrepareAbort && isEpochFence) m.pendingState = null
    return { transit: m.prepareAbortOrCommit(next, now, { clientTransactionVersion: 2, nextProducerId, noPartitionAdded }), isEpochFence }
  }
  switch (m.state) {
    case TransactionState.Ongoing:
      return complete(committed ? TransactionState.PrepareCommit : TransactionState.PrepareAbort, false)
    case TransactionState.CompleteCommit:
      if (committed) return isRetry ? current() : error(ErrorCode.INVALID_TXN_STATE)
      return isRetry ? error(ErrorCode.INVALID_TXN_STATE) : complete(TransactionState.PrepareAbort, true)
    case TransactionState.CompleteAbort:
      if (committed) return error(ErrorCode.INVALID_TXN_STATE)
      return isRetry ? current() : complete(TransactionState.PrepareAbort, true)
    case TransactionState.PrepareCommit:
      return error(committed ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE)
    case TransactionState.PrepareAbort:
      return error(!committed ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE)
    case TransactionState.Empty:
      return committed ? error(ErrorCode.INVALID_TXN_STATE) : complete(TransactionState.PrepareAbort, true)
    default:
      throw new Error(`Found transactional id ${m.transactionalId} in state ${stateName(m.state)}, which it should never be in`)
  }
}
