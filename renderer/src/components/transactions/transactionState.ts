// The tone of a transaction's state (Kafka's TransactionState names).
import type { Tone } from '../../format/events'

export function transactionStateTone(state: string): Tone | 'neutral' {
  if (state === 'Ongoing') return 'info'
  if (state.startsWith('Prepare')) return 'warn'
  if (state === 'CompleteCommit') return 'good'
  if (state === 'CompleteAbort') return 'bad'
  return 'neutral'
}
