// Child process for the cleaner crash test: round after round, appends keyed records to a
// compacted log, saves what the log reads before the round (before-<run>-<round>.json), says
// "R <round>", cleans, says "D <round>"; until it is killed with SIGKILL. Small segments and a
// small I/O buffer give each round many chunks and many segments to swap.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CheckpointStore } from '../../main/cluster/broker/log/checkpoints'
import { UnifiedLog } from '../../main/cluster/broker/log/unifiedLog'
import { DEFAULT_LOG_CONFIG } from '../../main/cluster/config/logConfig'
import { keyedBatch } from './batches'
import { manualCleaner } from './cleaning'
import { readRecords } from './log'
import { seededRandom } from './random'

const [dir, run] = [process.argv[2], Number(process.argv[3])]
const checkpoints = new CheckpointStore(join(dir, 'checkpoints.db'))
const log = UnifiedLog.open({
  dir: join(dir, 'topic-0'),
  topic: 'topic',
  partition: 0,
  config: { ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['compact'], segmentBytes: 1024, indexIntervalBytes: 128, minCleanableRatio: 0, deleteRetentionMs: 365 * 86_400_000 },
  checkpoints,
})
const cleaner = manualCleaner(() => [log], checkpoints, Date.now, { ioBufferSize: 300 })
const random = seededRandom(run)
for (let round = 0; ; round++) {
  for (let b = 0; b < 30; b++) {
    const records = Array.from({ length: 5 }, (): [string, string | null] => {
      const key = `key-${random.int(60)}`
      return [key, random.int(10) === 0 ? null : `${key}@${run}.${round}.${b}`]
    })
    log.appendAsLeader(keyedBatch(records), 0)
  }
  log.updateHighWatermark(log.logEndOffset)
  log.roll()
  const uncleanable = cleaner.manager.logToClean(log).firstUncleanableOffset
  writeFileSync(join(dir, `before-${run}-${round}.json`), JSON.stringify({ leo: log.logEndOffset, uncleanable, records: readRecords(log) }))
  say(`R ${round}\n`)
  await cleaner.round()
  say(`D ${round}\n`)
}

function say(line: string): void {
  process.stdout.write(line)
}
