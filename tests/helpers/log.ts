// Opens real partition logs over a real SQLite checkpoint file in a temporary directory.
import { join } from 'node:path'
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../main/cluster/config/logConfig'
import { CheckpointStore } from '../../main/cluster/broker/log/checkpoints'
import { UnifiedLog } from '../../main/cluster/broker/log/unifiedLog'
import { readRecordTimestamps } from '../../main/cluster/broker/log/recordTimestamps'
import { decodeRecordBatches } from '../../main/cluster/protocol/recordBatch'
import { tempDir } from './batches'

export function logFixture(overrides: Partial<LogConfig> = {}) {
  const tmp = tempDir()
  let checkpoints = new CheckpointStore(join(tmp.dir, 'checkpoints.db'))
  const config: LogConfig = { ...DEFAULT_LOG_CONFIG, ...overrides }
  const open = () => UnifiedLog.open({ dir: join(tmp.dir, 'topic-0'), topic: 'topic', partition: 0, config, checkpoints, readRecordTimestamps })
  return {
    dir: tmp.dir,
    config,
    open,
    get checkpoints() {
      return checkpoints
    },
    /** Closes and reopens the checkpoint store too, as a broker restart would. */
    reopenStore() {
      checkpoints.close()
      checkpoints = new CheckpointStore(join(tmp.dir, 'checkpoints.db'))
    },
    cleanup() {
      try {
        checkpoints.close()
      } catch {
        // already closed
      }
      tmp.remove()
    },
  }
}

/** Every record readable from `from` to the log end, decoded: (offset, key, value; a tombstone's value is null). */
export function readRecords(log: UnifiedLog, from = log.logStartOffset, maxOffset = log.logEndOffset): Array<{ offset: number; key: string | null; value: string | null }> {
  const out: Array<{ offset: number; key: string | null; value: string | null }> = []
  let offset = from
  while (offset < maxOffset) {
    const { records } = log.read(offset, 64 * 1024, maxOffset)
    if (records.length === 0) break
    for (const batch of decodeRecordBatches(records)) {
      for (const r of batch.records) {
        if (Number(r.offset) >= offset) out.push({ offset: Number(r.offset), key: r.key?.toString() ?? null, value: r.value?.toString() ?? null })
      }
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1
    }
  }
  return out
}

/** Every record readable from `from` to the log end, decoded: (offset, value). */
export function readAll(log: UnifiedLog, from = log.logStartOffset, maxOffset = log.logEndOffset): Array<{ offset: number; value: string }> {
  return readRecords(log, from, maxOffset).map((r) => ({ offset: r.offset, value: r.value ?? '' }))
}
