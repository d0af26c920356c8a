// Kafka's Cleaner: one cleaning round of one log. It maps the latest offset of every key in
// the dirty section, then rewrites the log from its start to the end of that map, segment
// group by segment group, into .cleaned segments, and swaps them in at once. Offsets never
// change: removed records leave gaps. The round works in chunks of the I/O buffer and yields
// to the event loop between them, so the broker's thread keeps serving its listener and
// replication while it cleans; a change to the log's segments meanwhile (retention,
// truncation, deletion, close) aborts the round and leaves the log as it was. Transactions:
// aborted records go and markers stay as long as Kafka keeps them (transactionMetadata.ts).
import type { UnifiedLog } from '../unifiedLog'
import { LogSegment, batchInfoAt, type BatchInfo } from '../segment'
import { deleteCleanedSegments } from '../swap'
import { CONTROL_FLAG_MASK, RECORD_BATCH_OVERHEAD, RECORDS_COUNT, TRANSACTIONAL_FLAG_MASK, batchSizeAt, type BatchHeader } from '../../../protocol/batchHeader'
import { forEachRecordKey } from '../../../protocol/recordKeys'
import { filterBatch, losesAllRecords, type FilterContext } from './batchFilter'
import { CleanerStats } from './cleanerStats'
import type { OffsetMap } from './offsetMap'
import { groupSegmentsBySize } from './segmentGroups'
import { CleanedTransactionMetadata } from './transactionMetadata'
import type { Throttler } from './throttler'

export interface LogToClean {
  log: UnifiedLog
  firstDirtyOffset: number
  /** Exclusive end of what may be cleaned: the active segment, the high watermark, min.compaction.lag.ms. */
  firstUncleanableOffset: number
}

export class LogCleaningAbortedError extends Error {
  constructor(log: UnifiedLog) {
    super(`Cleaning of ${log.topic}-${log.partition} was aborted: its segments changed`)
    this.name = 'LogCleaningAbortedError'
  }
}

/** Batches from this size on are read alone, and skipped by their header when they lose every record. */
const SKIP_BY_HEADER_BYTES = 16 * 1024

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

export class Cleaner {
  /** The read buffer of the round (Kafka's readBuffer): every chunk is read into it. */
  private readonly readBuffer: Buffer

  constructor(
    readonly id: number,
    private readonly offsetMap: OffsetMap,
    private readonly throttler: Throttler,
    /** Bytes read per chunk (Kafka's read buffer: log.cleaner.io.buffer.size / threads / 2). */
    private readonly ioBufferSize: number,
    /** The cleaner is shutting down: the round stops at its next chunk. */
    private readonly stopping: () => boolean = () => false,
    private readonly now: () => number = Date.now,
  ) {
    this.readBuffer = Buffer.allocUnsafeSlow(ioBufferSize)
  }

  /** Cleans the log up to the end of the offset map; returns that offset (the next first dirty offset). */
  async clean(cleanable: LogToClean): Promise<{ endOffset: number; stats: CleanerStats }> {
    const { log } = cleanable
    const changes = log.segmentChanges
    const checkDone = () => {
      if (log.segmentChanges !== changes || this.stopping()) throw new LogCleaningAbortedError(log)
    }
    try {
      return await this.doClean(cleanable, checkDone)
    } catch (error) {
      // Files deleted under the round (retention, truncation, topic deletion) fail its reads: an abort too.
      if (log.segmentChanges !== changes && !(error instanceof LogCleaningAbortedError)) throw new LogCleaningAbortedError(log)
      throw error
    }
  }

  private async doClean(cleanable: LogToClean, checkDone: () => void): Promise<{ endOffset: number; stats: CleanerStats }> {
    const { log } = cleanable
    const stats = new CleanerStats(this.now)
    const now = this.now()
    await this.buildOffsetMap(log, cleanable.firstDirtyOffset, cleanable.firstUncleanableOffset, stats, checkDone)
    stats.indexDone()
    const endOffset = this.offsetMap.latestOffset + 1
    if (endOffset <= cleanable.firstDirtyOffset) {
      stats.allDone()
      return { endOffset: cleanable.firstDirtyOffset, stats }
    }
    const segments = log.logSegments
    const nextOffsetAfter = (segment: LogSegment) => segments[segments.indexOf(segment) + 1]?.baseOffset ?? log.logEndOffset
    const toClean = segments.filter((s) => s.baseOffset < endOffset && s !== log.activeSegment)
    const groups = groupSegmentsBySize(toClean, { maxSize: log.config.segmentBytes, maxIndexSize: log.config.segmentIndexBytes }, nextOffsetAfter)
    const txns = new CleanedTransactionMetadata()
    const context: FilterContext = { map: this.offsetMap, now, deleteRetentionMs: log.config.deleteRetentionMs, dirtyStart: cleanable.firstDirtyOffset, txns }
    const lastOffsetsOfProducers = new Set([...log.producerStateManager.activeProducers.values()].map((p) => p.batchMetadata.at(-1)?.lastOffset))
    // A producer whose last entry is a marker (no data batch in its epoch): that marker keeps its epoch for fencing.
    const markerEpochsOfProducers = new Map([...log.producerStateManager.activeProducers.values()].filter((p) => p.batchMetadata.length === 0).map((p) => [BigInt(p.producerId), p.producerEpoch]))
    const cleaned: LogSegment[] = []
    let replacedDeleted: Promise<void>
    try {
      for (const group of groups) {
        // Where the group's last batch ends, so the cleaned segment ends there too.
        const groupEnd = group[group.length - 1].nextOffset
        // Kept even when emptied: a cleaned segment ends where its group did (swap.ts), and an
        // active producer's last sequence stays known (Kafka's RETAIN_EMPTY).
        const retainEmpty = (batch: BatchHeader) => {
          const lastOffset = Number(batch.baseOffset) + batch.lastOffsetDelta
          if (lastOffset + 1 >= groupEnd) return true
          if (batch.producerId < 0n) return false
          if (batch.attributes & CONTROL_FLAG_MASK) return markerEpochsOfProducers.get(batch.producerId) === batch.producerEpoch
          return lastOffsetsOfProducers.has(lastOffset)
        }
        const segment = LogSegment.create(log.dir, group[0].baseOffset, log.config.indexIntervalBytes, now, '.cleaned')
        cleaned.push(segment)
        txns.cleanedIndex = segment.txnIndex
        for (const source of group) {
          txns.addAbortedTransactions(log.collectAbortedTransactions(source.baseOffset, nextOffsetAfter(source)))
          await this.cleanInto(source, segment, context, retainEmpty, stats, checkDone)
        }
        segment.flush()
      }
      checkDone()
      replacedDeleted = log.replaceSegments(cleaned, toClean)
    } catch (error) {
      deleteCleanedSegments(cleaned)
      throw error
    }
    // The round is committed; it ends when the files it replaced are gone, as before.
    await replacedDeleted
    stats.bufferUtilization = this.offsetMap.utilization
    stats.allDone()
    return { endOffset, stats }
  }

  /** Kafka's buildOffsetMap: keys of the dirty section, segment by segment, until the map is full. */
  private async buildOffsetMap(log: UnifiedLog, start: number, end: number, stats: CleanerStats, checkDone: () => void): Promise<void> {
    const map = this.offsetMap
    map.clear()
    // Records of aborted transactions never enter the map: they go, and must not hide older values.
    const txns = new CleanedTransactionMetadata()
    txns.addAbortedTransactions(log.collectAbortedTransactions(start, end))
    // One batch's records: counted (the map takes a batch only when all its keys fit), or put.
    let putting = false
    let keyed = 0
    let records = 0
    let keyless = 0
    let baseOffset = 0
    const visit = (offsetDelta: number, bytes: Buffer, keyStart: number, keyLength: number) => {
      const offset = baseOffset + offsetDelta
      if (!putting) records++
      if (offset < start) return
      if (keyLength >= 0) {
        if (putting) map.put(bytes, keyStart, keyLength, offset)
        else keyed++
      } else if (putting) keyless++
    }
    for (const segment of log.logSegments.filter((s) => s.baseOffset < end && s !== log.activeSegment)) {
      let position = segment.baseOffset < start ? segment.positionOf(start) : 0
      while (position < segment.size) {
        const chunk = segment.readAt(position, this.ioBufferSize, this.readBuffer)
        if (chunk.length === 0) break
        for (let pos = 0; pos < chunk.length; ) {
          const info = batchInfoAt(chunk, pos)
          if (info.baseOffset >= end) return
          records = 0
          keyed = 0
          keyless = 0
          baseOffset = info.baseOffset
          const control = (info.attributes & CONTROL_FLAG_MASK) !== 0
          if (control) txns.onControlBatchRead(info)
          const aborted = !control && txns.onBatchRead({ ...info, isTransactional: (info.attributes & TRANSACTIONAL_FLAG_MASK) !== 0 })
          if (aborted) records = chunk.readInt32BE(pos + RECORDS_COUNT)
          else if (!control) {
            // Counted first only when the batch might not fit: its record count bounds its keys.
            const count = chunk.readInt32BE(pos + RECORDS_COUNT)
            putting = map.size + count <= map.maxEntries
            if (!putting) {
              forEachRecordKey(chunk, pos, visit)
              if (map.size > 0 && map.size + keyed > map.maxEntries) return
              putting = true
            } else {
              records = count
            }
            forEachRecordKey(chunk, pos, visit)
            putting = false
          }
          if (info.lastOffset >= start) map.updateLatestOffset(info.lastOffset)
          stats.indexMessagesRead(records, info.size)
          // Records without a key are dropped by the filter; counted here, where they are read.
          stats.invalidMessagesRead += keyless
          pos += info.size
        }
        position += chunk.length
        await this.throttler.maybeThrottle(chunk.length)
        checkDone()
        await yieldToEventLoop()
      }
    }
  }

  /** Kafka's cleanInto: one source segment through the filter into the cleaned segment. */
  private async cleanInto(
    source: LogSegment,
    dest: LogSegment,
    context: FilterContext,
    retainEmpty: (batch: BatchHeader) => boolean,
    stats: CleanerStats,
    checkDone: () => void,
  ): Promise<void> {
    for (let position = 0; position < source.size; ) {
      const header = source.headerAt(position)
      if (header === null) break
      const size = batchSizeAt(header, 0)
      // A large batch that loses all its records is known from its header: its records are not
      // read (the map already read them), only its header is written when it must stay.
      if (size >= SKIP_BY_HEADER_BYTES && header.readInt32BE(RECORDS_COUNT) > 0 && losesAllRecords(header, 0, context)) {
        const result = filterBatch(header, 0, size, context, retainEmpty)
        stats.readMessages(result.recordsRead, size)
        const written = result.bytes ? appendBatches(dest, [result.bytes]) : 0
        if (result.bytes) stats.recopyMessages(0, written)
        position += size
        await this.throttler.maybeThrottle(RECORD_BATCH_OVERHEAD + written)
        checkDone()
        await yieldToEventLoop()
        continue
      }
      // A large batch is read alone, so the next one may still be skipped by its header.
      const chunk = source.readAt(position, size >= SKIP_BY_HEADER_BYTES ? size : this.ioBufferSize, this.readBuffer)
      if (chunk.length === 0) break
      const kept: Uint8Array[] = []
      for (let pos = 0; pos < chunk.length; ) {
        const size = batchInfoAt(chunk, pos).size
        const result = filterBatch(chunk, pos, size, context, retainEmpty)
        stats.readMessages(result.recordsRead, size)
        stats.invalidMessagesRead += result.invalidRecords
        if (result.bytes) {
          kept.push(result.bytes)
          stats.recopyMessages(result.recordsRetained, result.bytes.length)
        }
        pos += size
      }
      const written = appendBatches(dest, kept)
      position += chunk.length
      await this.throttler.maybeThrottle(chunk.length + written)
      checkDone()
      await yieldToEventLoop()
    }
  }
}

function appendBatches(dest: LogSegment, batches: Uint8Array[]): number {
  if (batches.length === 0) return 0
  const bytes = Buffer.concat(batches)
  const infos: BatchInfo[] = []
  for (let pos = 0; pos < bytes.length; pos += infos[infos.length - 1].size) infos.push(batchInfoAt(bytes, pos))
  dest.append(bytes, infos)
  return bytes.length
}
