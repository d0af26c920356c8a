// Child process for the idempotent crash test: producer 1 appends batches of 20 records with
// consecutive sequences, reporting each acknowledged one, until it is killed with SIGKILL.
import { writeSync } from 'node:fs'
import { join } from 'node:path'
import { CheckpointStore } from '../../../main/cluster/broker/log/checkpoints'
import { UnifiedLog } from '../../../main/cluster/broker/log/unifiedLog'
import { DEFAULT_LOG_CONFIG } from '../../../main/cluster/config/logConfig'
import { producerBatch } from '../../helpers/batches'

const dir = process.argv[2]
const config = { ...DEFAULT_LOG_CONFIG, segmentBytes: 16 * 1024 }
const log = UnifiedLog.open({ dir: join(dir, 'topic-0'), topic: 'topic', partition: 0, config, checkpoints: new CheckpointStore(join(dir, 'checkpoints.db')) })
for (let i = 0; ; i++) {
  const info = log.appendAsLeader(producerBatch({ count: 20, valueSize: 50, tag: `b${i}`, producerId: 1, baseSequence: i * 20 }), 1)
  writeSync(1, `${i} ${info.firstOffset} ${info.lastOffset}\n`)
}
