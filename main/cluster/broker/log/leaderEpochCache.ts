// Kafka's LeaderEpochFileCache: for each leader epoch, the first offset its leader wrote.
// Followers ask the leader for the end offset of their latest epoch (OffsetForLeaderEpoch)
// and truncate to it, so no replica keeps a divergent tail after a leader change.
import type { EpochEntry } from './checkpoints'

export const UNDEFINED_EPOCH = -1
export const UNDEFINED_EPOCH_OFFSET = -1

export class LeaderEpochCache {
  private entries: EpochEntry[]

  constructor(
    entries: readonly EpochEntry[],
    private readonly persist: (entries: readonly EpochEntry[]) => void,
  ) {
    this.entries = [...entries].sort((a, b) => a.epoch - b.epoch)
  }

  get all(): readonly EpochEntry[] {
    return this.entries
  }

  get latestEpoch(): number {
    return this.entries.length ? this.entries[this.entries.length - 1].epoch : UNDEFINED_EPOCH
  }

  /** Records that `epoch` began at `startOffset`; older or equal epochs change nothing. */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0 || epoch <= this.latestEpoch) return
    this.entries.push({ epoch, startOffset })
    this.persist(this.entries)
  }

  /**
   * Kafka's endOffsetFor (LeaderEpochFileCache): the latest epoch ends at the log end; an
   * earlier one ends where the next known epoch starts, answered with the largest known epoch
   * <= `requested` (or `requested` itself when it is older than every known epoch). An epoch
   * newer than the latest, or none known, gives -1, -1.
   */
  endOffsetFor(requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const undefinedEpoch = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET }
    if (requested === UNDEFINED_EPOCH) return undefinedEpoch
    if (this.entries.length && requested === this.latestEpoch) return { epoch: requested, endOffset: logEndOffset }
    const higher = this.entries.findIndex((e) => e.epoch > requested)
    if (higher < 0) return undefinedEpoch
    return { epoch: higher > 0 ? this.entries[higher - 1].epoch : requested, endOffset: this.entries[higher].startOffset }
  }

  /** After the log is truncated to `endOffset`, epochs that started at or after it are gone. */
  truncateFromEnd(endOffset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < endOffset)
    if (kept.length === this.entries.length) return
    this.entries = kept
    this.persist(this.entries)
  }

  /** After the log start moves to `startOffset`, the epoch covering it now starts there. */
  truncateFromStart(startOffset: number): void {
    let firstKept = 0
    while (firstKept + 1 < this.entries.length && this.entries[firstKept + 1].startOffset <= startOffset) firstKept++
    const kept = this.entries.slice(firstKept)
    if (kept.length && kept[0].startOffset < startOffset) kept[0] = { epoch: kept[0].epoch, startOffset }
    if (kept.length === this.entries.length && kept[0]?.startOffset === this.entries[0]?.startOffset) return
    this.entries = kept
    this.persist(this.entries)
  }

  /**
   * After recovery: epochs past the recovered log end are dropped, and epochs stamped in the
   * recovered batches are added, as Kafka's segment recovery does. One write at the end.
   */
  recover(batches: Iterable<{ partitionLeaderEpoch: number; baseOffset: number }>, logEndOffset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < logEndOffset)
    for (const b of batches) {
      const latest = kept.length ? kept[kept.length - 1].epoch : UNDEFINED_EPOCH
      if (b.partitionLeaderEpoch > latest) kept.push({ epoch: b.partitionLeaderEpoch, startOffset: b.baseOffset })
    }
    this.entries = kept
    this.persist(this.entries)
  }
}
