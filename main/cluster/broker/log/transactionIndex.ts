// Kafka's TransactionIndex: the aborted transactions whose ABORT marker lies in one segment,
// kept beside it as <baseOffset>.txnindex in Kafka's binary layout, one 34-byte entry each:
//   version int16 (0), producerId int64, firstOffset int64, lastOffset int64 (the marker),
//   lastStableOffset int64 (the LSO once the transaction was complete)
// A read_committed fetch collects the entries overlapping the offsets it returns, so the
// consumer can drop the aborted records. Entries are appended as markers are written (and
// written through to the file at once: aborts are rare), truncated with the log, and rebuilt
// from the log on recovery. The file exists only once the segment has an entry.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { BASE_OFFSET, BATCH_LENGTH, LAST_OFFSET_DELTA, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD } from '../../protocol/batchHeader'

export const ABORTED_TXN_ENTRY_SIZE = 34
const ABORTED_TXN_VERSION = 0

export interface AbortedTxn {
  producerId: number
  firstOffset: number
  lastOffset: number
  lastStableOffset: number
}

/** Kafka's TxnIndexSearchResult: the overlapping entries, and whether later segments may hold more. */
export interface TxnIndexSearchResult {
  abortedTransactions: AbortedTxn[]
  isComplete: boolean
}

export function encodeAbortedTxn(txn: AbortedTxn): Buffer {
  const buf = Buffer.alloc(ABORTED_TXN_ENTRY_SIZE)
  buf.writeInt16BE(ABORTED_TXN_VERSION, 0)
  buf.writeBigInt64BE(BigInt(txn.producerId), 2)
  buf.writeBigInt64BE(BigInt(txn.firstOffset), 10)
  buf.writeBigInt64BE(BigInt(txn.lastOffset), 18)
  buf.writeBigInt64BE(BigInt(txn.lastStableOffset), 26)
  return buf
}

/** The entries of a .txnindex file's bytes; a torn last entry or an unknown version ends them. */
export function decodeAbortedTxns(bytes: Buffer): AbortedTxn[] {
  const entries: AbortedTxn[] = []
  for (let pos = 0; pos + ABORTED_TXN_ENTRY_SIZE <= bytes.length; pos += ABORTED_TXN_ENTRY_SIZE) {
    if (bytes.readInt16BE(pos) !== ABORTED_TXN_VERSION) break
    entries.push({
      producerId: Number(bytes.readBigInt64BE(pos + 2)),
      firstOffset: Number(bytes.readBigInt64BE(pos + 10)),
      lastOffset: Number(bytes.readBigInt64BE(pos + 18)),
      lastStableOffset: Number(bytes.readBigInt64BE(pos + 26)),
    })
  }
  return entries
}

/**
 * Kafka's fetchUpperBoundOffset: the offset after the last whole batch of fetched `records`
 * (`fetchOffset` when there is none), the upper bound of the aborted transactions a fetch lists.
 */
export function fetchUpperBoundOffset(records: Uint8Array, fetchOffset: number): number {
  let end = fetchOffset
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength)
  for (let pos = 0; pos + RECORD_BATCH_OVERHEAD <= records.byteLength; pos += LOG_OVERHEAD + view.getInt32(pos + BATCH_LENGTH)) {
    end = Number(view.getBigInt64(pos + BASE_OFFSET)) + view.getInt32(pos + LAST_OFFSET_DELTA) + 1
  }
  return end
}

export class TransactionIndex {
  private entries: AbortedTxn[]

  constructor(
    private path: string,
    load = true,
  ) {
    this.entries = load && existsSync(path) ? decodeAbortedTxns(readFileSync(path)) : []
  }

  get allAbortedTxns(): readonly AbortedTxn[] {
    return this.entries
  }

  get lastOffset(): number {
    return this.entries.at(-1)?.lastOffset ?? -1
  }

  /** Entries go in marker order; one at or before the last is already there (a replay) and is skipped. */
  append(txn: AbortedTxn): void {
    if (txn.lastOffset <= this.lastOffset) return
    this.entries.push(txn)
    appendFileSync(this.path, encodeAbortedTxn(txn))
  }

  /** Drops the entries whose marker is at or after `offset` (Kafka's TransactionIndex.truncateTo). */
  truncateTo(offset: number): void {
    const kept = this.entries.filter((e) => e.lastOffset < offset)
    if (kept.length === this.entries.length) return
    this.entries = kept
    this.rewrite()
  }

  reset(): void {
    this.entries = []
    rmSync(this.path, { force: true })
  }

  private rewrite(): void {
    if (this.entries.length === 0) rmSync(this.path, { force: true })
    else writeFileSync(this.path, Buffer.concat(this.entries.map(encodeAbortedTxn)))
  }

  /**
   * Kafka's collectAbortedTxns: the entries overlapping [fetchOffset, upperBoundOffset). Complete
   * once an entry's LSO reaches the upper bound: no later marker can close a transaction that
   * began below it.
   */
  collectAbortedTxns(fetchOffset: number, upperBoundOffset: number): TxnIndexSearchResult {
    const abortedTransactions: AbortedTxn[] = []
    for (const txn of this.entries) {
      if (txn.lastOffset >= fetchOffset && txn.firstOffset < upperBoundOffset) abortedTransactions.push(txn)
      if (txn.lastStableOffset >= upperBoundOffset) return { abortedTransactions, isComplete: true }
    }
    return { abortedTransactions, isComplete: false }
  }

  renameTo(path: string): void {
    if (existsSync(this.path)) renameSync(this.path, path)
    this.path = path
  }

  delete(): void {
    rmSync(this.path, { force: true })
  }
}
