// Drives the log cleaner's pieces by hand over a real log, with a clock the test moves.
import { Cleaner } from '../../main/cluster/broker/log/cleaner/cleaner'
import { LogCleanerManager } from '../../main/cluster/broker/log/cleaner/logCleanerManager'
import { OffsetMap } from '../../main/cluster/broker/log/cleaner/offsetMap'
import { Throttler } from '../../main/cluster/broker/log/cleaner/throttler'
import type { CheckpointStore } from '../../main/cluster/broker/log/checkpoints'
import type { UnifiedLog } from '../../main/cluster/broker/log/unifiedLog'

export interface ManualCleaner {
  manager: LogCleanerManager
  cleaner: Cleaner
  /** One round if some log is dirty enough: its end offset, or null. */
  round(): Promise<number | null>
}

export function manualCleaner(logs: () => UnifiedLog[], checkpoints: CheckpointStore, now: () => number, options: { mapBytes?: number; ioBufferSize?: number } = {}): ManualCleaner {
  const manager = new LogCleanerManager(logs, checkpoints, now)
  const cleaner = new Cleaner(0, OffsetMap.forMemory(options.mapBytes ?? 1 << 20, 0.9), new Throttler(Number.MAX_VALUE, now), options.ioBufferSize ?? 4096, () => false, now)
  return {
    manager,
    cleaner,
    async round() {
      const cleanable = manager.grabFilthiestCompactedLog()
      if (!cleanable) return null
      try {
        const { endOffset } = await cleaner.clean(cleanable)
        manager.doneCleaning(cleanable.log, endOffset)
        return endOffset
      } catch (error) {
        manager.abortedCleaning(cleanable.log)
        throw error
      }
    },
  }
}

/** What a round over [0, uncleanable) must leave: the last record of each key below it, everything from it on. */
export function expectedAfterCleaning<R extends { offset: number; key: string | null }>(records: R[], uncleanable: number, keep: (record: R) => boolean = () => true): R[] {
  const last = new Map<string | null, number>()
  for (const r of records) if (r.offset < uncleanable) last.set(r.key, r.offset)
  return records.filter((r) => r.offset >= uncleanable || (last.get(r.key) === r.offset && keep(r)))
}
