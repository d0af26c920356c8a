// Child process for the crash test: appends batches to a real log as fast as it can and
// reports each append that returned, until it is killed with SIGKILL.
import { writeSync } from 'node:fs'
import { join } from 'node:path'
import { CheckpointStore } from '../../main/cluster/broker/log/checkpoints'
import { UnifiedLog } from '../../main/cluster/broker/log/unifiedLog'
import { DEFAULT_LOG_CONFIG } from '../../main/cluster/config/logConfig'
import { producerBatch } from './batches'

const dir = process.argv[2]
const checkpoints = new CheckpointStore(join(dir, 'checkpoints.db'))
const log = UnifiedLog.open({
  dir: join(dir, 'topic-0'),
  topic: 'topic',
  partition: 0,
  config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 64 * 1024, indexIntervalBytes: 1024 },
  checkpoints,
})
for (let i = 0; ; i++) {
  const info = log.appendAsLeader(producerBatch({ count: 20, valueSize: 200, tag: `b${i}` }), 1)
  if (i % 50 === 0) log.updateHighWatermark(log.logEndOffset)
  writeSync(1, `${i} ${info.firstOffset} ${info.lastOffset}\n`)
}
