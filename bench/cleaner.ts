// Issue 18 benchmark: one cleaning round of a compacted log (1,000,000 records of 100 bytes
// over 10,000 keys, batches of 1,000, segments of 16 MiB: about 114 MB) against the machine's
// sequential bandwidth measured in the same run: the same segment files read in chunks of the
// cleaner's size and written to one new file. The round runs on this thread, as on a broker's,
// with Kafka's default cleaner settings; the longest pause it caused the event loop is
// reported too. Each path runs ROUNDS times, interleaved; the fastest round of each is shown.
import { closeSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { CheckpointStore } from '../main/cluster/broker/log/checkpoints'
import { Cleaner } from '../main/cluster/broker/log/cleaner/cleaner'
import { LogCleanerManager } from '../main/cluster/broker/log/cleaner/logCleanerManager'
import { OffsetMap } from '../main/cluster/broker/log/cleaner/offsetMap'
import { Throttler } from '../main/cluster/broker/log/cleaner/throttler'
import { UnifiedLog } from '../main/cluster/broker/log/unifiedLog'
import { cleanerConfigFrom, emptyConfigLayers } from '../main/cluster/config'
import { DEFAULT_LOG_CONFIG } from '../main/cluster/config/logConfig'
import { encodeRecordBatch } from '../main/cluster/protocol/recordBatch'
import { type BenchResult, rate, tempDir } from './report'

const RECORDS = 1_000_000
const BATCH = 1_000
const KEYS = 10_000
const VALUE_BYTES = 100
const SEGMENT_BYTES = 16 * 1024 * 1024
const ROUNDS = 3
const defaults = cleanerConfigFrom(emptyConfigLayers())
/** Kafka's read buffer of one cleaner: log.cleaner.io.buffer.size / threads / 2. */
const CHUNK = defaults.ioBufferSize / defaults.numThreads / 2

function makeBatches(): Buffer[] {
  const now = BigInt(Date.now())
  let n = 0
  return Array.from({ length: RECORDS / BATCH }, () =>
    encodeRecordBatch({
      records: Array.from({ length: BATCH }, () => {
        const i = n++
        return { key: `key-${(i * 7919) % KEYS}`, value: `${i}`.padEnd(VALUE_BYTES, 'x'), timestamp: now }
      }),
    }),
  )
}

function filledLog(dir: string, round: number, batches: Buffer[]): { log: UnifiedLog; checkpoints: CheckpointStore } {
  const checkpoints = new CheckpointStore(join(dir, `log-${round}.db`))
  const config = { ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['compact'], segmentBytes: SEGMENT_BYTES }
  const log = UnifiedLog.open({ dir: join(dir, `log-${round}`), topic: 'bench', partition: 0, config, checkpoints })
  for (const batch of batches) log.appendAsLeader(Buffer.from(batch), 0)
  log.updateHighWatermark(log.logEndOffset)
  log.roll()
  return { log, checkpoints }
}

/** Reads every closed segment file in chunks and writes it to one file: the bandwidth a round cannot beat. */
function rawReadWrite(logDir: string): { seconds: number; bytes: number } {
  const files = readdirSync(logDir).filter((f) => f.endsWith('.log')).sort()
  const out = openSync(join(logDir, 'raw-copy'), 'w')
  const chunk = Buffer.allocUnsafe(CHUNK)
  let bytes = 0
  const start = performance.now()
  for (const file of files) {
    const fd = openSync(join(logDir, file), 'r')
    for (let read; (read = readSync(fd, chunk, 0, CHUNK, null)) > 0; ) bytes += writeSync(out, chunk, 0, read)
    closeSync(fd)
  }
  const seconds = (performance.now() - start) / 1000
  closeSync(out)
  rmSync(join(logDir, 'raw-copy'))
  return { seconds, bytes }
}

export async function benchCleaner(): Promise<{ results: BenchResult[]; notes: string[] }> {
  const tmp = tempDir()
  const batches = makeBatches()
  let raw = Infinity
  let rawBytes = 0
  let clean = Infinity
  let cleanBytes = 0
  let maxPauseMs = 0
  let written = 0
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { log, checkpoints } = filledLog(tmp.dir, round, batches)
      const copy = rawReadWrite(log.dir)
      raw = Math.min(raw, copy.seconds)
      rawBytes = copy.bytes
      const map = OffsetMap.forMemory(defaults.dedupeBufferSize / defaults.numThreads, defaults.dedupeBufferLoadFactor)
      const cleaner = new Cleaner(0, map, new Throttler(defaults.maxIoBytesPerSecond), CHUNK)
      const cleanable = new LogCleanerManager(() => [log], checkpoints).logToClean(log)
      const delay = monitorEventLoopDelay({ resolution: 1 })
      delay.enable()
      const start = performance.now()
      const { stats } = await cleaner.clean(cleanable)
      const seconds = (performance.now() - start) / 1000
      delay.disable()
      maxPauseMs = Math.max(maxPauseMs, delay.max / 1e6)
      if (seconds < clean) {
        clean = seconds
        cleanBytes = stats.bytesRead
        written = stats.bytesWritten
      }
      log.delete()
      checkpoints.close()
    }
  } finally {
    tmp.remove()
  }
  return {
    results: [
      { name: 'raw sequential read + write of the segment files (limit)', ...rate(RECORDS, rawBytes, raw) },
      { name: 'one cleaning round (map, filter, write, swap)', ...rate(RECORDS, cleanBytes, clean), ratio: raw / clean },
    ],
    notes: [
      `log of ${(rawBytes / 1e6).toFixed(1)} MB; the round kept ${(written / 1e6).toFixed(1)} MB (${KEYS.toLocaleString('en-US')} keys) and read the dirty section twice (map, then filter), as Kafka's does; MB/s counts the bytes it filtered`,
      `longest event-loop pause during a round: ${maxPauseMs.toFixed(1)} ms (chunks of ${CHUNK / 1024} KiB)`,
    ],
  }
}
