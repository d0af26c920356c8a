// One segment of a partition log: a .log file of whole RecordBatch v2 batches named by its
// base offset, with its sparse offset and time indexes and its aborted-transaction index
// (Kafka's LogSegment).
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  BATCH_LENGTH,
  BASE_OFFSET,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  MAX_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  BASE_SEQUENCE,
  ATTRIBUTES,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT,
  CURRENT_MAGIC,
  CONTROL_FLAG_MASK,
  isBatchCrcValid,
} from '../../protocol/batchHeader'
import { OffsetIndex, TimeIndex } from './indexes'
import { txnMarkerAt, type TxnMarker } from './txnMarker'
import { TransactionIndex } from './transactionIndex'
import { FileHandle, fileHandles } from './fileHandles'

export type SegmentFileKind = '.log' | '.index' | '.timeindex' | '.txnindex'
export const SEGMENT_FILE_KINDS: readonly SegmentFileKind[] = ['.log', '.index', '.timeindex', '.txnindex']

/**
 * Suffixes of a segment the cleaner is replacing others with, as Kafka names them: written as
 * .cleaned, renamed to .swap once the round commits, then to the plain name; the segments
 * it replaced are renamed .deleted, then deleted off the broker's thread (swap.ts).
 */
export type SegmentFileSuffix = '' | '.cleaned' | '.swap' | '.deleted'

/** Kafka's file names: the base offset zero-padded to 20 digits. */
export function segmentFileName(baseOffset: number, kind: SegmentFileKind, suffix: SegmentFileSuffix = ''): string {
  return String(baseOffset).padStart(20, '0') + kind + suffix
}

/** What the log knows of a batch without decoding its records. */
export interface BatchInfo {
  position: number
  size: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
  partitionLeaderEpoch: number
  attributes: number
  /** -1 when the batch is not from an idempotent or transactional producer. */
  producerId: number
  producerEpoch: number
  baseSequence: number
  /** A control batch's COMMIT or ABORT marker (read from its record), else null. */
  marker?: TxnMarker | null
}

export function batchInfoAt(buf: Uint8Array, pos: number, position = pos): BatchInfo {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const baseOffset = Number(v.getBigInt64(pos + BASE_OFFSET))
  const attributes = v.getInt16(pos + ATTRIBUTES)
  return {
    position,
    size: LOG_OVERHEAD + v.getInt32(pos + BATCH_LENGTH),
    baseOffset,
    lastOffset: baseOffset + v.getInt32(pos + LAST_OFFSET_DELTA),
    maxTimestamp: Number(v.getBigInt64(pos + MAX_TIMESTAMP)),
    partitionLeaderEpoch: v.getInt32(pos + PARTITION_LEADER_EPOCH),
    attributes,
    // Two halves, no BigInt: ids come from a counter and stay far below 2^53.
    producerId: v.getInt32(pos + PRODUCER_ID) * 2 ** 32 + v.getUint32(pos + PRODUCER_ID + 4),
    producerEpoch: v.getInt16(pos + PRODUCER_EPOCH),
    baseSequence: v.getInt32(pos + BASE_SEQUENCE),
    marker: txnMarkerAt(buf, pos, attributes),
  }
}

export interface RecoveryResult {
  /** Bytes cut from the tail: a torn or corrupt batch and everything after it. */
  truncatedBytes: number
  /** The batches that survived, in order (the log rebuilds its leader-epoch cache from them). */
  batches: BatchInfo[]
}

export class LogSegment {
  private readonly header = Buffer.alloc(RECORD_BATCH_OVERHEAD)
  private bytesSinceLastIndexEntry = 0
  /** Timestamp of the first batch, which segment.ms counts from (Kafka's rollingBasedTimestamp). */
  private rollingBasedTimestamp: number | null = null
  private recordsCounted = { position: 0, count: 0 }
  maxTimestampSoFar = -1
  offsetOfMaxTimestampSoFar = -1
  /** Offset after the last batch in this segment. */
  nextOffset: number
  /** The aborted transactions whose ABORT marker lies in this segment (.txnindex). */
  readonly txnIndex: TransactionIndex

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private file: FileHandle,
    public size: number,
    public offsetIndex: OffsetIndex,
    public timeIndex: TimeIndex,
    private readonly indexIntervalBytes: number,
    readonly created: number,
    private suffix: SegmentFileSuffix = '',
    loadTxnIndex = true,
  ) {
    this.nextOffset = baseOffset
    this.txnIndex = new TransactionIndex(this.path('.txnindex'), loadTxnIndex)
  }

  /** The file's descriptor, opened on demand (fileHandles.ts). */
  private get fd(): number {
    return fileHandles.fd(this.file)
  }

  private path(kind: SegmentFileKind, suffix = this.suffix): string {
    return join(this.dir, segmentFileName(this.baseOffset, kind, suffix))
  }

  get logPath(): string {
    return this.path('.log')
  }

  private get indexPath(): string {
    return this.path('.index')
  }

  private get timeIndexPath(): string {
    return this.path('.timeindex')
  }

  /** A new empty segment; with a suffix, the cleaner's replacement segment (Kafka's createNewCleanedSegment). */
  static create(dir: string, baseOffset: number, indexIntervalBytes: number, now = Date.now(), suffix: SegmentFileSuffix = ''): LogSegment {
    const path = join(dir, segmentFileName(baseOffset, '.log', suffix))
    closeSync(openSync(path, 'w+'))
    const segment = new LogSegment(dir, baseOffset, new FileHandle(path), 0, new OffsetIndex(baseOffset), new TimeIndex(baseOffset), indexIntervalBytes, now, suffix, false)
    segment.txnIndex.reset()
    return segment
  }

  /**
   * Renames the segment's files from one suffix to another (Kafka's changeFileSuffixes). The
   * .log file goes first into a suffix and last out of one, so a plain .log never has a
   * suffixed index left behind (swap.ts relies on it).
   */
  changeFileSuffix(to: SegmentFileSuffix): void {
    this.close()
    const order: SegmentFileKind[] = to === '' ? ['.index', '.timeindex', '.txnindex', '.log'] : ['.log', '.index', '.timeindex', '.txnindex']
    for (const kind of order) {
      if (kind === '.txnindex') this.txnIndex.renameTo(this.path(kind, to))
      else if (existsSync(this.path(kind))) renameSync(this.path(kind), this.path(kind, to))
    }
    this.suffix = to
    this.file = new FileHandle(this.logPath)
  }

  /**
   * Opens an existing segment. With `trusted` (below the recovery point) its saved indexes are
   * loaded when sane; otherwise, or when they are not, call recover() to rebuild them.
   * `hasTxnIndex` false (the caller listed the directory) spares looking for a .txnindex.
   */
  static open(dir: string, baseOffset: number, indexIntervalBytes: number, trusted: boolean, hasTxnIndex = true): { segment: LogSegment; needsRecovery: boolean } {
    const path = join(dir, segmentFileName(baseOffset, '.log'))
    const stat = statSync(path)
    const segment = new LogSegment(dir, baseOffset, new FileHandle(path), stat.size, new OffsetIndex(baseOffset), new TimeIndex(baseOffset), indexIntervalBytes, stat.mtimeMs, '', hasTxnIndex)
    if (!trusted) return { segment, needsRecovery: true }
    // The offset index first: finding the last batch then scans from its last entry only.
    const offsetIndex = OffsetIndex.load(segment.indexPath, baseOffset, stat.size)
    if (!offsetIndex) return { segment, needsRecovery: true }
    segment.offsetIndex = offsetIndex
    const last = segment.lastBatch()
    const timeIndex = last ? TimeIndex.load(segment.timeIndexPath, baseOffset, last.lastOffset + 1) : null
    if (!last || !timeIndex) return { segment, needsRecovery: true }
    segment.timeIndex = timeIndex
    segment.nextOffset = last.lastOffset + 1
    segment.restoreTimestampsFromIndex(last)
    return { segment, needsRecovery: false }
  }

  private restoreTimestampsFromIndex(last: BatchInfo): void {
    const first = this.batchAt(0)
    this.rollingBasedTimestamp = first?.maxTimestamp ?? null
    const lastEntry = this.timeIndex.lastEntry
    // The time index holds the largest timestamp up to its last entry; later batches are scanned.
    this.maxTimestampSoFar = lastEntry?.timestamp ?? -1
    this.offsetOfMaxTimestampSoFar = lastEntry?.offset ?? -1
    const from = lastEntry ? this.offsetIndex.lookup(lastEntry.offset).position : 0
    for (const batch of this.batchesFrom(from)) this.trackTimestamp(batch)
    if (last.maxTimestamp > this.maxTimestampSoFar) this.trackTimestamp(last)
  }

  private trackTimestamp(batch: BatchInfo): void {
    if (batch.maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = batch.maxTimestamp
      this.offsetOfMaxTimestampSoFar = batch.lastOffset
    }
  }

  /** The header of the batch at `position`, or null past the end or at a torn header. */
  batchAt(position: number): BatchInfo | null {
    if (position + RECORD_BATCH_OVERHEAD > this.size) return null
    readSync(this.fd, this.header, 0, RECORD_BATCH_OVERHEAD, position)
    const info = batchInfoAt(this.header, 0, position)
    if (info.size < RECORD_BATCH_OVERHEAD || position + info.size > this.size) return null
    if (info.attributes & CONTROL_FLAG_MASK) {
      // A control batch is one small record: read it whole for its marker.
      const whole = Buffer.allocUnsafe(info.size)
      readSync(this.fd, whole, 0, info.size, position)
      info.marker = txnMarkerAt(whole, 0, info.attributes)
    }
    return info
  }

  /** The header bytes of the batch at `position` (valid until this segment's next read), or null. */
  headerAt(position: number): Buffer | null {
    return this.batchAt(position) ? this.header : null
  }

  *batchesFrom(position: number): Generator<BatchInfo> {
    for (let batch = this.batchAt(position); batch; batch = this.batchAt(batch.position + batch.size)) yield batch
  }

  lastBatch(): BatchInfo | null {
    let last: BatchInfo | null = null
    const lastIndexed = this.offsetIndex.entryCount > 0 ? this.offsetIndex.lookup(Number.MAX_SAFE_INTEGER).position : 0
    for (const batch of this.batchesFrom(lastIndexed)) last = batch
    return last
  }

  get largestTimestamp(): number {
    return this.maxTimestampSoFar >= 0 ? this.maxTimestampSoFar : this.created
  }

  /** Appends already-validated batches lying in `bytes` (offsets assigned, CRC valid). */
  append(bytes: Uint8Array, batches: BatchInfo[]): void {
    if (batches.length === 0) return
    const position = this.size
    writeSync(this.fd, bytes, 0, bytes.length, position)
    this.size += bytes.length
    for (const batch of batches) {
      if (this.rollingBasedTimestamp === null) this.rollingBasedTimestamp = batch.maxTimestamp
      this.trackTimestamp(batch)
      this.indexBatch(batch, position + batch.position)
    }
    this.nextOffset = batches[batches.length - 1].lastOffset + 1
  }

  private indexBatch(batch: BatchInfo, position: number): void {
    if (this.bytesSinceLastIndexEntry > this.indexIntervalBytes) {
      this.offsetIndex.append(batch.lastOffset, position)
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar)
      this.bytesSinceLastIndexEntry = 0
    }
    this.bytesSinceLastIndexEntry += batch.size
  }

  /** Kafka's LogSegment.shouldRoll time test: record time since the first batch, or age. */
  timeWaitedForRoll(now: number, messageTimestamp: number): number {
    if (this.rollingBasedTimestamp !== null && this.rollingBasedTimestamp >= 0) return messageTimestamp - this.rollingBasedTimestamp
    return now - this.created
  }

  /**
   * Whole batches from `position`, at most `maxBytes` but at least one (the cleaner reads this
   * way), read into `into` when it is large enough: the cleaner reuses one buffer per round.
   */
  readAt(position: number, maxBytes: number, into?: Buffer): Buffer {
    const first = this.batchAt(position)
    return first ? this.readBatchesFrom(first, maxBytes, this.size, into) : Buffer.alloc(0)
  }

  /** The first batch whose last offset is >= `offset`, starting the scan at an index hint. */
  translateOffset(offset: number): BatchInfo | null {
    const start = this.offsetIndex.lookup(offset).position
    for (const batch of this.batchesFrom(start)) if (batch.lastOffset >= offset) return batch
    return null
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` and never past `maxPosition`;
   * the first batch is returned whole even when larger than maxBytes (KIP-74).
   */
  read(offset: number, maxBytes: number, maxPosition = this.size): Buffer | null {
    const first = this.translateOffset(offset)
    if (!first || first.position >= maxPosition) return null
    return this.readBatchesFrom(first, maxBytes, maxPosition)
  }

  private readBatchesFrom(first: BatchInfo, maxBytes: number, maxPosition: number, into?: Buffer): Buffer {
    const window = Math.max(first.size, Math.min(maxBytes, maxPosition - first.position))
    // A buffer of its own (never the shared pool), so a fetch response can transfer it.
    const bytes = into && into.length >= window ? into.subarray(0, window) : Buffer.allocUnsafeSlow(window)
    const read = readSync(this.fd, bytes, 0, window, first.position)
    let end = 0
    while (end + RECORD_BATCH_OVERHEAD <= read) {
      const size = LOG_OVERHEAD + bytes.readInt32BE(end + BATCH_LENGTH)
      if (end + size > read) break
      end += size
    }
    return end === bytes.length ? bytes : bytes.subarray(0, end)
  }

  /** Position of the first batch at or after `offset`, or the segment's size. */
  positionOf(offset: number): number {
    return this.translateOffset(offset)?.position ?? this.size
  }

  /**
   * Validates every batch from the start (size, magic, CRC, offsets that only grow), rebuilds
   * the indexes, and cuts the file at the first batch that fails: a torn tail after a crash.
   */
  recover(): RecoveryResult {
    this.offsetIndex = new OffsetIndex(this.baseOffset)
    this.timeIndex = new TimeIndex(this.baseOffset)
    this.bytesSinceLastIndexEntry = 0
    this.maxTimestampSoFar = -1
    this.offsetOfMaxTimestampSoFar = -1
    this.rollingBasedTimestamp = null
    this.nextOffset = this.baseOffset
    const batches: BatchInfo[] = []
    let position = 0
    for (;;) {
      const batch = this.batchAt(position)
      if (!batch || batch.baseOffset < this.nextOffset || batch.lastOffset < batch.baseOffset) break
      const bytes = Buffer.allocUnsafe(batch.size)
      readSync(this.fd, bytes, 0, batch.size, position)
      if (bytes[MAGIC] !== CURRENT_MAGIC || !isBatchCrcValid(bytes, 0)) break
      if (this.rollingBasedTimestamp === null) this.rollingBasedTimestamp = batch.maxTimestamp
      this.trackTimestamp(batch)
      this.indexBatch(batch, position)
      this.nextOffset = batch.lastOffset + 1
      batches.push(batch)
      position += batch.size
    }
    const truncatedBytes = this.size - position
    if (truncatedBytes > 0) this.truncateFile(position)
    return { truncatedBytes, batches }
  }

  /** Drops the batch holding `offset` and everything after it. Returns the bytes removed. */
  truncateTo(offset: number): number {
    const batch = this.translateOffset(offset)
    if (!batch) return 0
    const removed = this.size - batch.position
    this.truncateFile(batch.position)
    this.offsetIndex.truncateTo(offset)
    this.timeIndex.truncateTo(offset)
    this.txnIndex.truncateTo(offset)
    this.nextOffset = batch.baseOffset
    this.maxTimestampSoFar = -1
    this.offsetOfMaxTimestampSoFar = -1
    this.rollingBasedTimestamp = this.size > 0 ? (this.batchAt(0)?.maxTimestamp ?? null) : null
    for (const b of this.batchesFrom(0)) this.trackTimestamp(b)
    this.bytesSinceLastIndexEntry = 0
    return removed
  }

  private truncateFile(size: number): void {
    ftruncateSync(this.fd, size)
    this.size = size
    this.recordsCounted = { position: 0, count: 0 }
  }

  /** Flushes the data and writes the indexes: done when the segment closes for appends. */
  flush(): void {
    fsyncSync(this.fd)
    this.offsetIndex.save(this.indexPath)
    this.timeIndex.save(this.timeIndexPath)
  }

  close(): void {
    fileHandles.close(this.file)
  }

  /** Removes the segment's files. Kafka delays this by file.delete.delay.ms for readers that
   *  may still hold the file; here reads are synchronous on the broker's thread, so none can. */
  delete(): void {
    this.close()
    for (const kind of SEGMENT_FILE_KINDS) rmSync(this.path(kind), { force: true })
  }

  /**
   * Removes the files of a segment no longer in its log (renamed .deleted) on libuv's thread
   * pool, as Kafka's asyncDelete does: unlinking a large file takes milliseconds of the kernel
   * freeing its pages, which would otherwise stall the broker's thread.
   */
  async deleteInBackground(): Promise<void> {
    this.close()
    await Promise.all(SEGMENT_FILE_KINDS.map((kind) => rm(this.path(kind), { force: true })))
  }

  /**
   * Records in the segment, from the batch headers (for the console). Appends only add to the
   * end, so each call reads only the headers after the previous one's; a truncation starts over.
   */
  recordCount(): number {
    if (this.size < this.recordsCounted.position) this.recordsCounted = { position: 0, count: 0 }
    const field = Buffer.alloc(4)
    let { position, count } = this.recordsCounted
    for (const batch of this.batchesFrom(position)) {
      readSync(this.fd, field, 0, 4, batch.position + RECORDS_COUNT)
      count += field.readInt32BE(0)
      position = batch.position + batch.size
    }
    this.recordsCounted = { position, count }
    return count
  }

  /** Bytes its indexes take in Kafka's file formats (the cleaner's grouping bounds them by segment.index.bytes). */
  get offsetIndexBytes(): number {
    return this.offsetIndex.entryCount * 8
  }

  get timeIndexBytes(): number {
    return this.timeIndex.entryCount * 12
  }

  static exists(dir: string, baseOffset: number): boolean {
    return existsSync(join(dir, segmentFileName(baseOffset, '.log')))
  }
}
