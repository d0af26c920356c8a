// A partition's log (Kafka's UnifiedLog + LocalLog): an ordered run of segments with a log
// start offset, a log end offset and a high watermark; produce appends stamp offsets, reads
// return whole batches, retention removes whole segments, recovery cuts torn tails; the
// producer state recognises idempotent producers' retries and gaps and tracks transactions:
// the last stable offset (LSO) stops read_committed readers at the first open transaction,
// and each segment's .txnindex lists the aborted transactions whose marker it holds.
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { KafkaError } from '../../errors'
import { maxSegmentMs, randomSegmentJitter, type LogConfig } from '../../config/logConfig'
import type { CheckpointStore } from './checkpoints'
import { LeaderEpochCache } from './leaderEpochCache'
import { ProducerStateManager, type CompletedTxn } from './producerState'
import { LogSegment, batchInfoAt, type BatchInfo } from './segment'
import type { AbortedTxn } from './transactionIndex'
import { ControlRecordType, encodeEndTransactionMarkerBatch } from '../../protocol/controlRecord'
import { completeInterruptedSwaps, swapInCleanedSegments } from './swap'
import { assignOffsets, duplicateAppendInfo, validateRecords, validateReplicatedBatches, type LogAppendInfo } from './validator'

const MAX_RELATIVE_OFFSET = 0x7fffffff

/** Decodes the (offset, timestamp) of each record of one batch, for lookups by time. */
export type RecordTimestampReader = (batch: Buffer) => Array<{ offset: number; timestamp: number }>

export interface LogOptions {
  dir: string
  topic: string
  partition: number
  config: LogConfig
  checkpoints: CheckpointStore
  /** Needed only by offsetForTimestamp, which must look inside one batch. */
  readRecordTimestamps?: RecordTimestampReader
  now?: () => number
}

export interface FetchDataInfo {
  records: Buffer
  /** Offset of the first batch returned (it may start before the fetch offset). */
  firstBatchOffset: number
}

export interface TimestampAndOffset {
  timestamp: number
  offset: number
  leaderEpoch: number
}

export interface RetentionResult {
  deletedSegments: number
  deletedBytes: number
  reason: 'retention.ms' | 'retention.bytes' | 'log-start-offset' | null
}

export class UnifiedLog {
  private segments: LogSegment[] = []
  logStartOffset = 0
  logEndOffset = 0
  highWatermark = 0
  private recoveryPoint = 0
  /** Bytes of torn or corrupt tail that recovery cut when the log was opened. */
  truncatedOnRecovery = 0
  /**
   * Counts every change to the segments below the active one (deletion, truncation, cleaning,
   * close): a cleaning round that sees it move aborts (Kafka's abortAndPauseCleaning).
   */
  segmentChanges = 0
  /** Kafka's LogSegment.rollJitterMs (segment.jitter.ms), drawn once per active segment. */
  private readonly rollJitterMs = new WeakMap<LogSegment, number>()
  /** Offsets appended since the last fsync, for flush.messages (Kafka's unflushedMessages). */
  private unflushedMessages = 0
  readonly leaderEpochCache: LeaderEpochCache
  readonly producerStateManager: ProducerStateManager
  private readonly now: () => number

  private constructor(
    readonly dir: string,
    readonly topic: string,
    readonly partition: number,
    public config: LogConfig,
    private readonly checkpoints: CheckpointStore,
    private readonly readRecordTimestamps: RecordTimestampReader | undefined,
    now: (() => number) | undefined,
  ) {
    this.now = now ?? Date.now
    this.leaderEpochCache = new LeaderEpochCache(checkpoints.leaderEpochs(topic, partition), (entries) =>
      checkpoints.saveLeaderEpochs(topic, partition, entries),
    )
    this.producerStateManager = new ProducerStateManager(`${topic}-${partition}`, checkpoints.producerSnapshots(topic, partition))
  }

  /** Opens (creating if new) the log in `dir`, recovering whatever lies past the recovery point. */
  static open(options: LogOptions): UnifiedLog {
    const { dir, topic, partition, config, checkpoints } = options
    mkdirSync(dir, { recursive: true })
    const log = new UnifiedLog(dir, topic, partition, config, checkpoints, options.readRecordTimestamps, options.now)
    log.load()
    return log
  }

  private load(): void {
    const checkpoint = this.checkpoints.get(this.topic, this.partition)
    const baseOffsets: number[] = []
    const txnIndexes = new Set<number>()
    completeInterruptedSwaps(this.dir)
    for (const name of readdirSync(this.dir)) {
      if (/^\d{20}\.log$/.test(name)) baseOffsets.push(Number(name.slice(0, 20)))
      else if (/^\d{20}\.txnindex$/.test(name)) txnIndexes.add(Number(name.slice(0, 20)))
    }
    baseOffsets.sort((a, b) => a - b)
    const recoveryPoint = checkpoint?.recoveryPoint ?? 0
    const recovered: BatchInfo[] = []
    for (let i = 0; i < baseOffsets.length; i++) {
      const next = baseOffsets[i + 1]
      const trusted = next !== undefined ? next <= recoveryPoint : recoveryPoint > baseOffsets[i]
      const { segment, needsRecovery } = LogSegment.open(this.dir, baseOffsets[i], this.config.indexIntervalBytes, trusted, txnIndexes.has(baseOffsets[i]))
      this.segments.push(segment)
      if (!needsRecovery && (next !== undefined || segment.nextOffset === recoveryPoint)) continue
      const result = segment.recover()
      recovered.push(...result.batches)
      this.truncatedOnRecovery += result.truncatedBytes
      if (result.truncatedBytes > 0) {
        // A torn batch ends the log: later segments cannot continue it (Kafka does the same).
        for (const later of baseOffsets.slice(i + 1)) {
          LogSegment.open(this.dir, later, this.config.indexIntervalBytes, false).segment.delete()
        }
        break
      }
    }
    if (this.segments.length === 0) this.segments.push(LogSegment.create(this.dir, checkpoint?.logStartOffset ?? 0, this.config.indexIntervalBytes))
    this.logEndOffset = this.activeSegment.nextOffset
    this.logStartOffset = clamp(checkpoint?.logStartOffset ?? 0, this.segments[0].baseOffset, this.logEndOffset)
    this.highWatermark = clamp(checkpoint?.highWatermark ?? 0, this.logStartOffset, this.logEndOffset)
    this.leaderEpochCache.recover(recovered, this.logEndOffset)
    this.rebuildProducerState()
    this.producerStateManager.removeStraySnapshots(this.segments.map((s) => s.baseOffset))
    // The active segment's saved indexes go stale with the next append: rescan it after a crash.
    this.saveRecoveryPoint(this.activeSegment.baseOffset)
    this.checkpoints.saveLogStartOffset(this.topic, this.partition, this.logStartOffset)
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]
  }

  get size(): number {
    let total = 0
    for (const s of this.segments) total += s.size
    return total
  }

  get segmentCount(): number {
    return this.segments.length
  }

  /** The segments, oldest first; the last is the active one. Read-only: the cleaner plans on it. */
  get logSegments(): readonly LogSegment[] {
    return this.segments
  }

  /**
   * Puts a cleaning round's segments (flushed, still .cleaned) in place of the run of segments
   * they were cleaned from, on disk (swap.ts) and in memory (Kafka's replaceSegments). Returns
   * the deletion of the replaced segments' files, which goes on in the background.
   */
  replaceSegments(cleaned: readonly LogSegment[], replaced: readonly LogSegment[]): Promise<void> {
    const first = this.segments.indexOf(replaced[0])
    if (first < 0 || replaced.some((segment, i) => this.segments[first + i] !== segment) || first + replaced.length >= this.segments.length) {
      throw new Error(`Cannot replace segments of ${this.topic}-${this.partition}: they are no longer a run of its closed segments`)
    }
    const deleted = swapInCleanedSegments(this.dir, cleaned, replaced)
    this.segments.splice(first, replaced.length, ...cleaned)
    this.segmentChanges++
    return deleted
  }

  /** Base offsets and sizes of the segments, oldest first (for snapshots and tests). */
  segmentInfo(): Array<{ baseOffset: number; size: number; largestTimestamp: number }> {
    return this.segments.map((s) => ({ baseOffset: s.baseOffset, size: s.size, largestTimestamp: s.largestTimestamp }))
  }

  updateConfig(config: LogConfig): void {
    this.config = config
  }

  /**
   * A leader's append of a producer's batches: validated, checked against the producer state,
   * stamped, written. A retried batch the log already holds is answered from the producer
   * state with `duplicate: true` and its original offsets, and nothing is written.
   */
  appendAsLeader(bytes: Uint8Array, leaderEpoch: number): LogAppendInfo {
    const now = this.now()
    const validated = validateRecords(bytes, this.config, now, `${this.topic}-${this.partition}`)
    const duplicate = this.producerStateManager.analyzeLeaderAppend(validated.batches, this.logEndOffset)
    if (duplicate) return duplicateAppendInfo(duplicate, this.config)
    const info = assignOffsets(validated, this.logEndOffset, leaderEpoch, this.config, now)
    this.append(info)
    this.leaderEpochCache.assign(leaderEpoch, info.firstOffset)
    return info
  }

  /**
   * A leader's append of a transaction marker (Kafka's appendAsLeader with origin COORDINATOR):
   * one control batch, checked against the producer's epoch and coordinator epoch.
   */
  appendMarkerAsLeader(marker: { producerId: number; producerEpoch: number; committed: boolean; coordinatorEpoch: number; transactionVersion?: number }, leaderEpoch: number): LogAppendInfo {
    const now = this.now()
    this.producerStateManager.checkMarker(marker.producerId, marker.producerEpoch, marker.coordinatorEpoch, this.logEndOffset, marker.transactionVersion)
    const bytes = encodeEndTransactionMarkerBatch({
      type: marker.committed ? ControlRecordType.Commit : ControlRecordType.Abort,
      coordinatorEpoch: marker.coordinatorEpoch,
      producerId: BigInt(marker.producerId),
      producerEpoch: marker.producerEpoch,
      timestamp: BigInt(now),
    })
    const info = assignOffsets({ bytes, batches: [batchInfoAt(bytes, 0)], recordCount: 1 }, this.logEndOffset, leaderEpoch, this.config, now)
    this.append(info)
    this.leaderEpochCache.assign(leaderEpoch, info.firstOffset)
    return info
  }

  /** A follower's append of batches as its leader wrote them. */
  appendAsFollower(bytes: Uint8Array): LogAppendInfo {
    const info = validateReplicatedBatches(bytes, this.logEndOffset)
    this.append(info)
    for (const batch of info.batches) this.leaderEpochCache.assign(batch.partitionLeaderEpoch, batch.baseOffset)
    return info
  }

  private append(info: LogAppendInfo): void {
    this.maybeRoll(info)
    this.activeSegment.append(info.bytes, info.batches)
    this.logEndOffset = info.lastOffset + 1
    this.indexAbortedTxns(this.producerStateManager.update(info.batches, this.logEndOffset))
    this.unflushedMessages += info.lastOffset - info.firstOffset + 1
    if (this.unflushedMessages >= this.config.flushMessages) {
      this.activeSegment.flush()
      this.unflushedMessages = 0
    }
  }

  /** Kafka's updateTxnIndex: an aborted transaction goes into the index of its marker's segment. */
  private indexAbortedTxns(completed: readonly CompletedTxn[]): void {
    for (const txn of completed) {
      if (!txn.isAborted) continue
      const segment = this.segments[this.segmentFor(txn.lastOffset)]
      segment.txnIndex.append({ producerId: txn.producerId, firstOffset: txn.firstOffset, lastOffset: txn.lastOffset, lastStableOffset: txn.lastStableOffset })
    }
  }

  /**
   * Kafka's lastStableOffset: the first offset of the earliest transaction not yet complete (or
   * whose marker is not yet below the high watermark), else the high watermark.
   */
  get lastStableOffset(): number {
    const firstUnstable = this.producerStateManager.firstUnstableOffset()
    if (firstUnstable === null) return this.highWatermark
    return clamp(firstUnstable, this.logStartOffset, this.highWatermark)
  }

  /**
   * Kafka's collectAbortedTransactions: the aborted transactions overlapping [startOffset,
   * upperBoundOffset), from the index of the segment holding startOffset onwards, until an
   * index says no later one can overlap.
   */
  collectAbortedTransactions(startOffset: number, upperBoundOffset: number): AbortedTxn[] {
    const aborted: AbortedTxn[] = []
    for (let i = this.segmentFor(startOffset); i < this.segments.length; i++) {
      const result = this.segments[i].txnIndex.collectAbortedTxns(startOffset, upperBoundOffset)
      aborted.push(...result.abortedTransactions)
      if (result.isComplete) break
    }
    return aborted
  }

  private maybeRoll(info: LogAppendInfo): void {
    const active = this.activeSegment
    if (active.size === 0) return
    const full = active.size + info.validBytes > this.config.segmentBytes
    let jitter = this.rollJitterMs.get(active)
    if (jitter === undefined) this.rollJitterMs.set(active, (jitter = randomSegmentJitter(this.config)))
    const old = active.timeWaitedForRoll(this.now(), info.maxTimestamp) > maxSegmentMs(this.config) - jitter
    const overflow = info.lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET
    if (full || old || overflow) this.roll()
  }

  /** Closes the active segment (flushing it and its indexes) and starts one at the log end. */
  roll(): LogSegment {
    const active = this.activeSegment
    if (active.size === 0) return active
    active.flush()
    this.unflushedMessages = 0
    const segment = LogSegment.create(this.dir, this.logEndOffset, this.config.indexIntervalBytes, this.now())
    this.segments.push(segment)
    // Aligned with the new segment, so recovery can start from it and replay that segment only.
    this.producerStateManager.takeSnapshot()
    this.saveRecoveryPoint(segment.baseOffset)
    return segment
  }

  /**
   * Kafka's rebuildProducerState: the latest snapshot at or below the log end, then the batch
   * headers after it (only headers: producer id, epoch, sequence and offsets lie in them).
   */
  private rebuildProducerState(): void {
    const from = this.producerStateManager.truncateAndReload(this.segments[0].baseOffset, this.logEndOffset, this.now())
    // The replay writes again every index entry whose marker lies at or after `from`.
    for (const segment of this.segments) segment.txnIndex.truncateTo(from)
    for (let i = this.segmentFor(from); i < this.segments.length; i++) {
      const segment = this.segments[i]
      this.indexAbortedTxns(this.producerStateManager.update(segment.batchesFrom(segment.baseOffset < from ? segment.positionOf(from) : 0), this.logEndOffset))
    }
    this.producerStateManager.onHighWatermarkUpdated(this.highWatermark)
  }

  /** Forgets producers idle for producer.id.expiration.ms (a step of the retention pass). */
  removeExpiredProducers(now = this.now()): number {
    return this.producerStateManager.removeExpiredProducers(now)
  }

  private saveRecoveryPoint(offset: number): void {
    this.recoveryPoint = offset
    this.checkpoints.saveRecoveryPoint(this.topic, this.partition, offset)
  }

  private segmentFor(offset: number): number {
    let lo = 0
    let hi = this.segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.segments[mid].baseOffset <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  private outOfRange(offset: number): KafkaError {
    return new KafkaError(
      'OFFSET_OUT_OF_RANGE',
      `Offset ${offset} is out of range for partition ${this.topic}-${this.partition}: the log holds offsets ${this.logStartOffset} to ${this.logEndOffset - 1} (log start ${this.logStartOffset}, log end ${this.logEndOffset})`,
    )
  }

  /**
   * Whole batches from the one holding `offset`, at most `maxBytes` (but at least one batch),
   * never reaching `maxOffset` (the high watermark for consumers, the log end for followers).
   */
  read(offset: number, maxBytes: number, maxOffset = this.logEndOffset): FetchDataInfo {
    if (offset < this.logStartOffset || offset > this.logEndOffset) throw this.outOfRange(offset)
    const empty = { records: Buffer.alloc(0), firstBatchOffset: offset }
    if (offset >= maxOffset) return empty
    for (let i = this.segmentFor(offset); i < this.segments.length; i++) {
      const segment = this.segments[i]
      const next = this.segments[i + 1]
      const maxPosition = next && next.baseOffset <= maxOffset ? segment.size : segment.positionOf(maxOffset)
      const records = segment.read(offset, maxBytes, maxPosition)
      if (records) return { records, firstBatchOffset: Number(records.readBigInt64BE(0)) }
      if (!next || next.baseOffset >= maxOffset) break
    }
    return empty
  }

  /** ListOffsets by time: the first record with timestamp >= `timestamp`, or null. */
  offsetForTimestamp(timestamp: number): TimestampAndOffset | null {
    for (const segment of this.segments) {
      if (segment.largestTimestamp < timestamp || segment.size === 0) continue
      const hint = segment.timeIndex.lookup(timestamp)
      const from = segment.offsetIndex.lookup(hint.offset).position
      for (const batch of segment.batchesFrom(from)) {
        if (batch.maxTimestamp < timestamp || batch.lastOffset < this.logStartOffset) continue
        const record = this.firstRecordAtOrAfter(segment, batch, timestamp)
        if (record) return record
      }
    }
    return null
  }

  private firstRecordAtOrAfter(segment: LogSegment, batch: BatchInfo, timestamp: number): TimestampAndOffset | null {
    if (!this.readRecordTimestamps) throw new Error('offsetForTimestamp needs a record timestamp reader')
    const bytes = segment.read(batch.baseOffset, batch.size) ?? Buffer.alloc(0)
    for (const r of this.readRecordTimestamps(bytes.subarray(0, batch.size))) {
      if (r.timestamp >= timestamp && r.offset >= this.logStartOffset) {
        return { timestamp: r.timestamp, offset: r.offset, leaderEpoch: batch.partitionLeaderEpoch }
      }
    }
    return null
  }

  /** ListOffsets' MAX_TIMESTAMP (-3): the record with the largest timestamp. */
  maxTimestampAndOffset(): TimestampAndOffset | null {
    let best: LogSegment | null = null
    for (const s of this.segments) if (s.maxTimestampSoFar >= 0 && (!best || s.maxTimestampSoFar > best.maxTimestampSoFar)) best = s
    if (!best) return null
    const batch = best.translateOffset(best.offsetOfMaxTimestampSoFar)
    return { timestamp: best.maxTimestampSoFar, offset: best.offsetOfMaxTimestampSoFar, leaderEpoch: batch?.partitionLeaderEpoch ?? -1 }
  }

  updateHighWatermark(offset: number): number {
    this.highWatermark = clamp(offset, this.logStartOffset, this.logEndOffset)
    this.producerStateManager.onHighWatermarkUpdated(this.highWatermark)
    return this.highWatermark
  }

  /** DeleteRecords: moves the log start offset up to `offset` (at most the high watermark). */
  deleteRecordsBefore(offset: number): number {
    if (offset > this.highWatermark) {
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `Cannot delete records of ${this.topic}-${this.partition} before offset ${offset}: it is above the high watermark ${this.highWatermark}`,
      )
    }
    if (offset > this.logStartOffset) {
      this.setLogStartOffset(offset)
      this.deleteSegments((segment, next) => next !== undefined && next.baseOffset <= this.logStartOffset)
    }
    return this.logStartOffset
  }

  private setLogStartOffset(offset: number): void {
    this.logStartOffset = offset
    this.checkpoints.saveLogStartOffset(this.topic, this.partition, offset)
    this.leaderEpochCache.truncateFromStart(offset)
  }

  /** The periodic retention pass (log.retention.check.interval.ms), in Kafka's order. */
  deleteOldSegments(): RetentionResult {
    this.removeExpiredProducers()
    const byStart = this.deleteSegments((_, next) => next !== undefined && next.baseOffset <= this.logStartOffset)
    if (byStart.deletedSegments) return { ...byStart, reason: 'log-start-offset' }
    if (!this.config.cleanupPolicy.includes('delete')) return { deletedSegments: 0, deletedBytes: 0, reason: null }
    const { retentionMs, retentionBytes } = this.config
    if (retentionMs >= 0) {
      const now = this.now()
      const byTime = this.deleteSegments((segment) => now - segment.largestTimestamp > retentionMs)
      if (byTime.deletedSegments) return { ...byTime, reason: 'retention.ms' }
    }
    if (retentionBytes >= 0 && this.size >= retentionBytes) {
      let excess = this.size - retentionBytes
      const bySize = this.deleteSegments((segment) => {
        if (excess - segment.size < 0) return false
        excess -= segment.size
        return true
      })
      if (bySize.deletedSegments) return { ...bySize, reason: 'retention.bytes' }
    }
    return { deletedSegments: 0, deletedBytes: 0, reason: null }
  }

  /**
   * Deletes the oldest segments while `predicate` holds, never one holding offsets at or above
   * the high watermark and never an empty active segment; if every segment goes, a new active
   * segment is rolled first so the log keeps its end offset (Kafka's deleteSegments).
   */
  private deleteSegments(predicate: (segment: LogSegment, next: LogSegment | undefined) => boolean): Omit<RetentionResult, 'reason'> {
    let count = 0
    while (count < this.segments.length) {
      const segment = this.segments[count]
      const next = this.segments[count + 1]
      const upperBound = next ? next.baseOffset : this.logEndOffset
      const lastAndEmpty = !next && segment.size === 0
      if (lastAndEmpty || this.highWatermark < upperBound || !predicate(segment, next)) break
      count++
    }
    if (count === 0) return { deletedSegments: 0, deletedBytes: 0 }
    this.segmentChanges++
    if (count === this.segments.length) this.roll()
    const deleted = this.segments.splice(0, count)
    let deletedBytes = 0
    for (const segment of deleted) {
      deletedBytes += segment.size
      segment.delete()
    }
    if (this.segments[0].baseOffset > this.logStartOffset) this.setLogStartOffset(this.segments[0].baseOffset)
    // Producers stay until they expire (KIP-360); only the deleted segments' snapshots go.
    this.producerStateManager.deleteSnapshotsBefore(this.segments[0].baseOffset)
    return { deletedSegments: count, deletedBytes }
  }

  /** Cuts the log back to `offset` (a follower matching its leader after an election). */
  truncateTo(offset: number): void {
    if (offset >= this.logEndOffset) return
    this.segmentChanges++
    if (offset <= this.segments[0].baseOffset) {
      this.truncateFullyAndStartAt(offset)
      return
    }
    while (this.activeSegment.baseOffset >= offset) this.segments.pop()!.delete()
    this.activeSegment.truncateTo(offset)
    this.logEndOffset = this.activeSegment.nextOffset
    this.highWatermark = Math.min(this.highWatermark, this.logEndOffset)
    this.leaderEpochCache.truncateFromEnd(this.logEndOffset)
    if (this.recoveryPoint > this.activeSegment.baseOffset) this.saveRecoveryPoint(this.activeSegment.baseOffset)
    this.rebuildProducerState()
  }

  /** Drops everything and starts an empty log at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    this.segmentChanges++
    for (const segment of this.segments.splice(0)) segment.delete()
    this.segments.push(LogSegment.create(this.dir, offset, this.config.indexIntervalBytes, this.now()))
    this.logEndOffset = offset
    this.highWatermark = offset
    this.setLogStartOffset(offset)
    this.leaderEpochCache.truncateFromEnd(offset)
    this.producerStateManager.truncateFullyAndStartAt(offset)
    this.saveRecoveryPoint(offset)
  }

  /** Clean shutdown: flush the active segment and its indexes so the next open trusts them. */
  close(): void {
    this.segmentChanges++
    this.activeSegment.flush()
    // At the log end, so the next open loads it and replays nothing.
    this.producerStateManager.takeSnapshot()
    this.saveRecoveryPoint(this.logEndOffset)
    this.checkpoints.saveHighWatermarks([{ topic: this.topic, partition: this.partition, highWatermark: this.highWatermark }])
    for (const segment of this.segments) segment.close()
    this.segments = []
  }

  /** Removes the partition's files and checkpoints (topic deletion). */
  delete(): void {
    this.segmentChanges++
    for (const segment of this.segments.splice(0)) segment.delete()
    this.checkpoints.remove(this.topic, this.partition)
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max)
}
