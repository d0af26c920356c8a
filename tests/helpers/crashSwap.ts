// Child process for the swap crash test: fills a compacted log, saves what it reads, then
// cleans it once and SIGKILLs itself just before the Nth file operation (rename or removal) of
// the round's commit, which starts at the first rename of a .cleaned file. It says "done <ops>"
// when the round needed fewer operations than N.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { join } from 'node:path'
import { CheckpointStore } from '../../main/cluster/broker/log/checkpoints'
import { UnifiedLog } from '../../main/cluster/broker/log/unifiedLog'
import { DEFAULT_LOG_CONFIG } from '../../main/cluster/config/logConfig'
import { keyedBatch } from './batches'
import { manualCleaner } from './cleaning'
import { readRecords } from './log'
import { seededRandom } from './random'

const [dir, killAt] = [process.argv[2], Number(process.argv[3])]
let ops = -1
const counted = <F extends (...args: never[]) => unknown>(original: F, starts: (...args: Parameters<F>) => boolean) =>
  ((...args: Parameters<F>) => {
    if (ops < 0 && starts(...args)) ops = 0
    if (ops >= 0 && ops++ === killAt) process.kill(process.pid, 'SIGKILL')
    return original(...args)
  }) as F
fs.renameSync = counted(fs.renameSync, (from) => String(from).endsWith('.log.cleaned'))
fs.rmSync = counted(fs.rmSync, () => false)
// The replaced segments' files are deleted on the thread pool (swap.ts): counted where they are asked for.
fs.promises.rm = counted(fs.promises.rm, () => false)
syncBuiltinESMExports()

const checkpoints = new CheckpointStore(join(dir, 'checkpoints.db'))
const log = UnifiedLog.open({
  dir: join(dir, 'topic-0'),
  topic: 'topic',
  partition: 0,
  config: { ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['compact'], segmentBytes: 2048, indexIntervalBytes: 128 },
  checkpoints,
})
const random = seededRandom(5)
for (let b = 0; b < 40; b++) {
  log.appendAsLeader(keyedBatch(Array.from({ length: 5 }, (): [string, string | null] => [`key-${random.int(30)}`, random.int(8) === 0 ? null : `v${b}.${random.int(1000)}`])), 0)
}
log.updateHighWatermark(log.logEndOffset)
log.roll()
fs.writeFileSync(join(dir, 'before.json'), JSON.stringify({ uncleanable: log.activeSegment.baseOffset, records: readRecords(log) }))
await manualCleaner(() => [log], checkpoints, Date.now).round()
process.stdout.write(`done ${ops}\n`)
