// Issue 18 benchmark: one cleaning round of a compacted log (1,000,000 records of 100 bytes
// over 10,000 keys, batches of 1,000, segments of 16 MiB: about 118 MB) against raw sequential
// read plus write measured in the same run on the same bytes. The reference does what a round
// must do with them, without the cleaning: it reads a byte-identical copy of the segment files in
// the cleaner's chunks, writes as many bytes into as many files as the round writes (segments
// and their indexes, sizes taken from a warm-up round), fsyncs each, renames them to .swap,
// fsyncs the directory, renames the files it read to .deleted, renames the .swap files to their
// plain names, fsyncs the directory again and deletes the .deleted files: the round's own commit
// (swap.ts), whose deletions the round awaits too, though on the thread pool. Both sides start with their
// files just written and fsynced (page cache warm), and alternate which goes first. The round
// runs on this thread, as on a broker's, with Kafka's default cleaner settings; the longest
// pause it caused the event loop is reported too. The fastest of ROUNDS of each is shown.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { CheckpointStore } from '../main/cluster/broker/log/checkpoints'
import { Cleaner } from '../main/cluster/broker/log/cleaner/cleaner'
import type { CleanerStats } from '../main/cluster/broker/log/cleaner/cleanerStats'
import { LogCleanerManager } from '../main/cluster/broker/log/cleaner/logCleanerManager'
import { OffsetMap } from '../main/cluster/broker/log/cleaner/offsetMap'
import { Throttler } from '../main/cluster/broker/log/cleaner/throttler'
import { UnifiedLog } from '../main/cluster/broker/log/unifiedLog'
import { cleanerConfigFrom, emptyConfigLayers } from '../main/cluster/config'
import { DEFAULT_LOG_CONFIG } from '../main/cluster/config/logConfig'
import { encodeRecordBatch } from '../main/cluster/protocol/recordBatch'
import { type BenchResult, rate, tempDir } from './report'

export const RECORDS = 1_000_000
const BATCH = 1_000
const KEYS = 10_000
const VALUE_BYTES = 100
export const SEGMENT_BYTES = 16 * 1024 * 1024
const ROUNDS = 3
const defaults = cleanerConfigFrom(emptyConfigLayers())
/** Kafka's read buffer of one cleaner: log.cleaner.io.buffer.size / threads / 2. */
const CHUNK = defaults.ioBufferSize / defaults.numThreads / 2

/** The workload: RECORDS / BATCH record batches (bench/kafkaCleaner.ts produces the same to Kafka). */
export function makeBatches(): Buffer[] {
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

/** The files a round leaves in place of the segments it cleaned: names and sizes. */
export interface OutputFile {
  name: string
  size: number
}

const isClosedSegmentFile = (log: UnifiedLog) => (name: string) =>
  /^\d{20}\.(log|index|timeindex)$/.test(name) && !name.startsWith(String(log.activeSegment.baseOffset).padStart(20, '0'))

/** A byte-identical, fsynced copy of the closed segments' .log files: the reference's input. */
function copySegmentFiles(log: UnifiedLog, dir: string): string[] {
  return copyFiles(log.dir, readdirSync(log.dir).filter(isClosedSegmentFile(log)).filter((f) => f.endsWith('.log')).sort(), dir)
}

/** Byte-identical, fsynced copies of `files` of `from` in a new directory `dir`; returns their paths. */
export function copyFiles(from: string, files: string[], dir: string): string[] {
  mkdirSync(dir)
  for (const file of files) {
    writeFileSync(join(dir, file), readFileSync(join(from, file)))
    const fd = openSync(join(dir, file), 'r')
    fsyncSync(fd)
    closeSync(fd)
  }
  return files.map((f) => join(dir, f))
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r')
  fsyncSync(fd)
  closeSync(fd)
}

/**
 * The raw reference: reads `inputs` in chunks and writes `outputs` (as many bytes, spread over
 * the reading as the round spreads them), then commits as a round does. Returns its seconds.
 */
export function rawReadWrite(dir: string, inputs: string[], outputs: OutputFile[]): number {
  const total = inputs.reduce((sum, f) => sum + statSync(f).size, 0)
  const toWrite = outputs.reduce((sum, f) => sum + f.size, 0)
  const chunk = Buffer.allocUnsafeSlow(CHUNK)
  let read = 0
  let written = 0
  let current = 0
  let fd = -1
  let inFile = 0
  const start = performance.now()
  const write = (bytes: number) => {
    while (bytes > 0 && current < outputs.length) {
      if (fd < 0) fd = openSync(join(dir, `${outputs[current].name}.cleaned`), 'w')
      const n = Math.min(bytes, outputs[current].size - inFile, chunk.length)
      writeSync(fd, chunk, 0, n)
      inFile += n
      written += n
      bytes -= n
      if (inFile === outputs[current].size) {
        fsyncSync(fd)
        closeSync(fd)
        fd = -1
        inFile = 0
        current++
      }
    }
  }
  for (const input of inputs) {
    const fdIn = openSync(input, 'r')
    for (let n; (n = readSync(fdIn, chunk, 0, CHUNK, null)) > 0; ) {
      read += n
      write(Math.floor((toWrite * read) / total) - written)
    }
    closeSync(fdIn)
  }
  write(toWrite - written)
  for (const { name } of outputs) renameSync(join(dir, `${name}.cleaned`), join(dir, `${name}.swap`))
  fsyncDirectory(dir)
  for (const input of inputs) renameSync(input, `${input}.deleted`)
  for (const { name } of outputs) renameSync(join(dir, `${name}.swap`), join(dir, name))
  fsyncDirectory(dir)
  for (const input of inputs) rmSync(`${input}.deleted`)
  return (performance.now() - start) / 1000
}

/** One cleaning round of `log`, on this thread; returns its seconds, stats and event-loop pause. */
async function cleaningRound(log: UnifiedLog, checkpoints: CheckpointStore) {
  const map = OffsetMap.forMemory(defaults.dedupeBufferSize / defaults.numThreads, defaults.dedupeBufferLoadFactor)
  const cleaner = new Cleaner(0, map, new Throttler(defaults.maxIoBytesPerSecond), CHUNK)
  const cleanable = new LogCleanerManager(() => [log], checkpoints).logToClean(log)
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const start = performance.now()
  const { stats } = await cleaner.clean(cleanable)
  const seconds = (performance.now() - start) / 1000
  // A block at the very end of the round (its commit) is recorded only when the monitor's timer fires after it.
  await new Promise((resolve) => setTimeout(resolve, 5))
  delay.disable()
  return { seconds, stats, pauseMs: delay.max / 1e6 }
}

export async function benchCleaner(): Promise<{ results: BenchResult[]; notes: string[] }> {
  const tmp = tempDir()
  const batches = makeBatches()
  let raw = Infinity
  let clean = Infinity
  let logBytes = 0
  let segmentCount = 0
  let maxPauseMs = 0
  let stats: CleanerStats | null = null
  const rawRounds: number[] = []
  const cleanRounds: number[] = []
  try {
    // The warm-up round (not counted) tells what a round writes: the reference writes the same.
    const warmUp = filledLog(tmp.dir, -1, batches)
    await cleaningRound(warmUp.log, warmUp.checkpoints)
    const outputs = readdirSync(warmUp.log.dir)
      .filter(isClosedSegmentFile(warmUp.log))
      .sort()
      .map((name) => ({ name, size: statSync(join(warmUp.log.dir, name)).size }))
    warmUp.log.delete()
    warmUp.checkpoints.close()
    for (let round = 0; round < ROUNDS; round++) {
      const { log, checkpoints } = filledLog(tmp.dir, round, batches)
      const rawDir = join(tmp.dir, `raw-${round}`)
      const inputs = copySegmentFiles(log, rawDir)
      segmentCount = inputs.length
      logBytes = inputs.reduce((sum, f) => sum + statSync(f).size, 0)
      const runRaw = () => {
        const seconds = rawReadWrite(rawDir, inputs, outputs)
        rawRounds.push(seconds)
        raw = Math.min(raw, seconds)
      }
      if (round % 2 === 0) runRaw()
      const result = await cleaningRound(log, checkpoints)
      cleanRounds.push(result.seconds)
      if (round % 2 === 1) runRaw()
      maxPauseMs = Math.max(maxPauseMs, result.pauseMs)
      if (result.seconds < clean) {
        clean = result.seconds
        stats = result.stats
      }
      log.delete()
      checkpoints.close()
      rmSync(rawDir, { recursive: true, force: true })
    }
  } finally {
    tmp.remove()
  }
  const written = stats!.bytesWritten
  const ms = (xs: number[]) => xs.map((x) => (x * 1000).toFixed(0)).join(' / ')
  return {
    results: [
      { name: 'raw: read the segment files, write and commit what a round writes (limit)', ...rate(RECORDS, logBytes, raw) },
      { name: 'one cleaning round (map, filter, write, swap)', ...rate(RECORDS, logBytes, clean), ratio: raw / clean, target: 0.5 },
    ],
    notes: [
      `log of ${(logBytes / 1e6).toFixed(1)} MB in ${segmentCount} closed segments; MB/s is that log over each path's seconds; the round wrote ${(written / 1e6).toFixed(2)} MB of segments (${KEYS.toLocaleString('en-US')} keys) plus their indexes, and the reference as many bytes into as many files`,
      `the round read ${(stats!.mapBytesRead / 1e6).toFixed(1)} MB to build its map, then filtered ${(stats!.bytesRead / 1e6).toFixed(1)} MB, reading only the headers of the batches of 16 KiB or more that lose every record; its map took ${((stats!.mapCompleteTime - stats!.startTime)).toFixed(0)} ms of the fastest round`,
      `each round in ms (raw first in rounds 1 and 3): raw ${ms(rawRounds)}; cleaning ${ms(cleanRounds)}`,
      `longest event-loop pause during a round: ${maxPauseMs.toFixed(1)} ms (chunks of ${CHUNK / 1024} KiB)`,
    ],
  }
}
