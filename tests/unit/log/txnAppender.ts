// Child process for the transactional crash test: three producers take turns writing
// transactional batches, and every second batch of a producer ends its transaction with a
// marker (one in four an ABORT), until the process is killed with SIGKILL. Each acknowledged
// marker is reported as "<producerId> <committed 0|1> <offset>".
import { writeSync } from 'node:fs'
import { join } from 'node:path'
import { CheckpointStore } from '../../../main/cluster/broker/log/checkpoints'
import { UnifiedLog } from '../../../main/cluster/broker/log/unifiedLog'
import { DEFAULT_LOG_CONFIG } from '../../../main/cluster/config/logConfig'
import { producerBatch } from '../../helpers/batches'

const dir = process.argv[2]
const config = { ...DEFAULT_LOG_CONFIG, segmentBytes: 16 * 1024 }
const log = UnifiedLog.open({ dir: join(dir, 'topic-0'), topic: 'topic', partition: 0, config, checkpoints: new CheckpointStore(join(dir, 'checkpoints.db')) })
const sequences = [0, 0, 0, 0]
for (let i = 0; ; i++) {
  const producerId = 1 + (i % 3)
  log.appendAsLeader(producerBatch({ count: 5, valueSize: 50, tag: `b${i}`, producerId, baseSequence: sequences[producerId], transactional: true }), 1)
  sequences[producerId] += 5
  const turn = Math.floor(i / 3)
  if (turn % 2 === 1) {
    const committed = turn % 4 !== 1
    const info = log.appendMarkerAsLeader({ producerId, producerEpoch: 0, committed, coordinatorEpoch: 0 }, 1)
    writeSync(1, `${producerId} ${committed ? 1 : 0} ${info.firstOffset}\n`)
  }
}
