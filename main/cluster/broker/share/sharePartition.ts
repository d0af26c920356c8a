// One share group's view of one partition, kept by the partition's leader (Kafka's
// SharePartition, KIP-932). Records between the share-partition start offset (SPSO) and end
// offset (SPEO) are in flight: AVAILABLE to be acquired, ACQUIRED by one member under a lock
// (group.share.record.lock.duration.ms), ACKNOWLEDGED, or ARCHIVED (rejected, a gap, or
// delivered delivery.count.limit times). The start offset moves past records that are done, so
// the map holds only the window between them, which group.share.partition.max.record.locks bounds.
//
// The state lives in the leader's memory: Kafka persists it through its share coordinator
// (__share_group_state); Brokerlab does not yet, so a new leader starts the window afresh at
// share.auto.offset.reset. docs/protocol.md records this.

export type RecordState = 'available' | 'acquired' | 'acknowledged' | 'archived'

/** Kafka's AcknowledgeType ids (ShareFetch and ShareAcknowledge). */
export const AcknowledgeType = { GAP: 0, ACCEPT: 1, RELEASE: 2, REJECT: 3, RENEW: 4 } as const

export interface SharePartitionConfig {
  recordLockDurationMs: number
  deliveryCountLimit: number
  maxInFlightRecords: number
}

interface InFlight {
  state: RecordState
  deliveryCount: number
  memberId: string | null
  lockDeadline: number
}

/** A batch as the log returned it: its offsets and whether it is a control batch (never delivered). */
export interface LogBatch {
  baseOffset: number
  lastOffset: number
  control: boolean
}

/** Offsets acquired together, with their delivery count (ShareFetch's AcquiredRecords). */
export interface AcquiredRange {
  firstOffset: number
  lastOffset: number
  deliveryCount: number
}

export class SharePartition {
  private readonly inFlight = new Map<number, InFlight>()
  private start: number
  private end: number

  constructor(
    initialOffset: number,
    private readonly config: () => SharePartitionConfig,
  ) {
    this.start = initialOffset
    this.end = initialOffset
  }

  get startOffset(): number {
    return this.start
  }

  get endOffset(): number {
    return this.end
  }

  /** Where the next read begins: the first AVAILABLE record in flight, else the end offset. */
  nextFetchOffset(now: number): number {
    this.expireLocks(now)
    for (let o = this.start; o < this.end; o++) if (this.inFlight.get(o)?.state === 'available') return o
    return this.end
  }

  /** Records below the log start offset are gone: the window starts there (Kafka moves the SPSO too). */
  advanceToLogStart(logStartOffset: number): void {
    if (logStartOffset <= this.start) return
    for (let o = this.start; o < Math.min(logStartOffset, this.end); o++) this.inFlight.delete(o)
    this.start = logStartOffset
    this.end = Math.max(this.end, logStartOffset)
  }

  /**
   * Acquires for `memberId`, from the batches a read returned: AVAILABLE records in flight again,
   * and new ones past the end offset, up to `maxRecords` and the in-flight limit. Batch-optimized
   * (ShareFetch's acquire mode 0) takes whole batches, so may go past `maxRecords` as Kafka
   * aligns to batches; record-limit (mode 1, KIP-1206) stops at it. Control batches are archived.
   */
  acquire(memberId: string, batches: LogBatch[], maxRecords: number, now: number, recordLimit = false): AcquiredRange[] {
    this.expireLocks(now)
    const { recordLockDurationMs, maxInFlightRecords } = this.config()
    const acquired: Array<{ offset: number; deliveryCount: number }> = []
    const take = (offset: number, record: InFlight) => {
      record.state = 'acquired'
      record.deliveryCount++
      record.memberId = memberId
      record.lockDeadline = now + recordLockDurationMs
      acquired.push({ offset, deliveryCount: record.deliveryCount })
    }
    for (const batch of batches) {
      if (acquired.length >= maxRecords) break
      for (let o = Math.max(batch.baseOffset, this.start); o <= batch.lastOffset; o++) {
        if (recordLimit && acquired.length >= maxRecords) break
        if (o < this.end) {
          const record = this.inFlight.get(o)
          if (record?.state === 'available' && !batch.control) take(o, record)
          continue
        }
        if (this.end - this.start >= maxInFlightRecords) break
        // Offsets the log no longer has (compacted away) between the end and this batch are gaps.
        for (; this.end < o; this.end++) this.inFlight.set(this.end, archivedRecord())
        const record: InFlight = { state: batch.control ? 'archived' : 'available', deliveryCount: 0, memberId: null, lockDeadline: 0 }
        this.inFlight.set(o, record)
        this.end = o + 1
        if (!batch.control) take(o, record)
      }
    }
    this.advanceStart()
    return ranges(acquired)
  }

  /**
   * Applies a member's acknowledgements to records it holds: all of a batch, or none and the
   * reason (Kafka's INVALID_RECORD_STATE messages): records not in flight, or not this member's.
   */
  acknowledge(memberId: string, firstOffset: number, lastOffset: number, types: number[], now: number): string | null {
    this.expireLocks(now)
    if (lastOffset < firstOffset || (types.length !== 1 && types.length !== lastOffset - firstOffset + 1)) return 'Invalid acknowledgement batch.'
    if (types.some((t) => t < AcknowledgeType.GAP || t > AcknowledgeType.RENEW)) return 'Invalid acknowledge type.'
    // Offsets outside the window are not in flight: refused before any loop, however wide the batch.
    if (firstOffset < this.start || lastOffset >= this.end) return 'Batch record not found. The request batch offsets are not found in the cache.'
    for (let o = firstOffset; o <= lastOffset; o++) {
      const record = this.inFlight.get(o)
      if (!record) return 'Batch record not found. The request batch offsets are not found in the cache.'
      if (record.state !== 'acquired') return 'The record state is invalid. The acknowledgement of delivery could not be completed.'
      if (record.memberId !== memberId) return 'Member is not the owner of batch record'
    }
    for (let o = firstOffset; o <= lastOffset; o++) {
      const record = this.inFlight.get(o)!
      const type = types.length === 1 ? types[0] : types[o - firstOffset]
      if (type === AcknowledgeType.ACCEPT) this.settle(record, 'acknowledged')
      else if (type === AcknowledgeType.RELEASE) this.release(record)
      else if (type === AcknowledgeType.RENEW) record.lockDeadline = now + this.config().recordLockDurationMs
      else this.settle(record, 'archived')
    }
    this.advanceStart()
    return null
  }

  /** A member that leaves (or closes its share session) gives back what it holds. */
  releaseMember(memberId: string): void {
    for (const record of this.inFlight.values()) if (record.state === 'acquired' && record.memberId === memberId) this.release(record)
    this.advanceStart()
  }

  /** KIP-1226's lag: records from the start offset to the high watermark not yet acknowledged or archived. */
  lag(highWatermark: number): number {
    let settled = 0
    for (const [offset, record] of this.inFlight) if (offset < highWatermark && (record.state === 'acknowledged' || record.state === 'archived')) settled++
    return Math.max(0, highWatermark - this.start - settled)
  }

  /** Records in flight by state, for describing the partition. */
  counts(): Record<RecordState, number> {
    const counts: Record<RecordState, number> = { available: 0, acquired: 0, acknowledged: 0, archived: 0 }
    for (const record of this.inFlight.values()) counts[record.state]++
    return counts
  }

  /** Locks that ran out: the records go back (or are archived at the delivery count limit). */
  private expireLocks(now: number): void {
    let released = false
    for (const record of this.inFlight.values()) {
      if (record.state === 'acquired' && now >= record.lockDeadline) {
        this.release(record)
        released = true
      }
    }
    if (released) this.advanceStart()
  }

  private release(record: InFlight): void {
    this.settle(record, record.deliveryCount >= this.config().deliveryCountLimit ? 'archived' : 'available')
  }

  private settle(record: InFlight, state: RecordState): void {
    record.state = state
    record.memberId = null
    record.lockDeadline = 0
  }

  private advanceStart(): void {
    for (; this.start < this.end; this.start++) {
      const state = this.inFlight.get(this.start)?.state ?? 'archived'
      if (state !== 'acknowledged' && state !== 'archived') break
      this.inFlight.delete(this.start)
    }
  }
}

function archivedRecord(): InFlight {
  return { state: 'archived', deliveryCount: 0, memberId: null, lockDeadline: 0 }
}

/** Acquired offsets, in order, as ranges of consecutive offsets with the same delivery count. */
function ranges(acquired: Array<{ offset: number; deliveryCount: number }>): AcquiredRange[] {
  const out: AcquiredRange[] = []
  for (const { offset, deliveryCount } of acquired.sort((a, b) => a.offset - b.offset)) {
    const last = out[out.length - 1]
    if (last && last.lastOffset === offset - 1 && last.deliveryCount === deliveryCount) last.lastOffset = offset
    else out.push({ firstOffset: offset, lastOffset: offset, deliveryCount })
  }
  return out
}
