// The records of __transaction_state in Kafka's own layout (TransactionLog): the key is an
// int16 version (0) then the transactional id; the value an int16 version then
// TransactionLogValue. As Kafka, value version 0 for clients of transaction version 0/1 and
// version 1 (flexible: previous and next producer id and the client's transaction version as
// tagged fields) for KIP-890 part 2's epoch bumps; both are read. A null value (tombstone) is an
// expired transactional id.
import { KafkaError } from '../../errors'
import { Reader, Writer } from '../../protocol/messages'
import { decodeTransactionLogKey, decodeTransactionLogValue, writeTransactionLogKey, writeTransactionLogValue } from '../../protocol/messages/transactionLogRecord'
import { byTopic, supportsEpochBump, tpKey, TransactionState, type TransactionVersion, type TxnTransitMetadata } from './transactionMetadata'

export const TRANSACTION_STATE_TOPIC = '__transaction_state'
export const TXN_KEY_VERSION = 0
const MAX_VALUE_VERSION = 1

function versioned(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer()
  w.int16(version)
  write(w)
  return w.finish()
}

export function transactionLogKey(transactionalId: string): Buffer {
  return versioned(TXN_KEY_VERSION, (w) => writeTransactionLogKey(w, TXN_KEY_VERSION, { transactionalId }))
}

/** The record of a transition; Dead writes the tombstone. */
export function transactionLogRecord(transactionalId: string, t: TxnTransitMetadata): { key: Buffer; value: Buffer | null } {
  const key = transactionLogKey(transactionalId)
  if (t.state === TransactionState.Dead) return { key, value: null }
  if (t.state === TransactionState.Empty && t.topicPartitions.size > 0) throw new Error(`Transaction ${transactionalId} is Empty but has partitions`)
  const version = supportsEpochBump(t.clientTransactionVersion) ? 1 : 0
  const value = versioned(version, (w) =>
    writeTransactionLogValue(w, version, {
      producerId: BigInt(t.producerId),
      // Version 0 has no place for them (tagged fields of version 1).
      previousProducerId: version >= 1 ? BigInt(t.lastProducerId) : -1n,
      nextProducerId: version >= 1 ? BigInt(t.nextProducerId) : -1n,
      producerEpoch: t.producerEpoch,
      transactionTimeoutMs: t.txnTimeoutMs,
      transactionStatus: t.state,
      // As Kafka: an Empty transaction writes null partitions.
      transactionPartitions: t.state === TransactionState.Empty ? null : byTopic(t.topicPartitions).map((p) => ({ topic: p.topic, partitionIds: p.partitions })),
      transactionLastUpdateTimestampMs: BigInt(t.txnLastUpdateTimestamp),
      transactionStartTimestampMs: BigInt(t.txnStartTimestamp),
      clientTransactionVersion: version >= 1 ? t.clientTransactionVersion : 0,
    }),
  )
  return { key, value }
}

export interface LoadedTransaction {
  transactionalId: string
  /** null: the transactional id was removed (tombstone). */
  value: Omit<TxnTransitMetadata, 'lastProducerEpoch'> | null
}

/** Reads a record of __transaction_state, whatever version of Kafka wrote it. */
export function decodeTransactionLogRecord(key: Buffer, value: Buffer | null): LoadedTransaction {
  const r = new Reader(key)
  const keyVersion = r.int16()
  if (keyVersion !== TXN_KEY_VERSION) throw new KafkaError('CORRUPT_MESSAGE', `Unknown __transaction_state key version ${keyVersion}`)
  const { transactionalId } = decodeTransactionLogKey(keyVersion, r)
  if (value === null) return { transactionalId, value: null }
  const v = new Reader(value)
  const valueVersion = v.int16()
  if (valueVersion > MAX_VALUE_VERSION) throw new KafkaError('CORRUPT_MESSAGE', `TransactionLogValue v${valueVersion} is newer than this broker reads (v0-v${MAX_VALUE_VERSION})`)
  const d = decodeTransactionLogValue(valueVersion, v)
  const topicPartitions = new Set<string>()
  for (const p of d.transactionPartitions ?? []) for (const id of p.partitionIds) topicPartitions.add(tpKey(p.topic, id))
  return {
    transactionalId,
    value: {
      producerId: Number(d.producerId),
      lastProducerId: Number(d.previousProducerId),
      nextProducerId: Number(d.nextProducerId),
      clientTransactionVersion: Math.min(2, Math.max(0, d.clientTransactionVersion)) as TransactionVersion,
      producerEpoch: d.producerEpoch,
      txnTimeoutMs: d.transactionTimeoutMs,
      state: d.transactionStatus as TransactionState,
      topicPartitions,
      txnStartTimestamp: Number(d.transactionStartTimestampMs),
      txnLastUpdateTimestamp: Number(d.transactionLastUpdateTimestampMs),
    },
  }
}
