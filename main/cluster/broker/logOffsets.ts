// Every local log's offsets and size, packed six numbers a log in one Float64Array with the
// topic names apart. The console's snapshot asks each broker for them every few seconds; with
// 1,000 topics of 12 partitions that is 12,000 logs a broker, which as objects cost more to
// build, clone and collect than everything else in the snapshot.
import type { UnifiedLog } from './log/unifiedLog'

export interface PackedLogOffsets {
  topics: string[]
  /** Per log: topic index, partition, log start offset, log end offset, high watermark, size. */
  values: Float64Array
}

export interface LogOffsets {
  topic: string
  partition: number
  logStartOffset: number
  logEndOffset: number
  highWatermark: number
  size: number
}

const FIELDS = 6

export function packLogOffsets(logs: Iterable<UnifiedLog>): PackedLogOffsets {
  const list = [...logs]
  const topics: string[] = []
  const topicIndex = new Map<string, number>()
  const values = new Float64Array(list.length * FIELDS)
  list.forEach((log, i) => {
    let index = topicIndex.get(log.topic)
    if (index === undefined) topicIndex.set(log.topic, (index = topics.push(log.topic) - 1))
    values.set([index, log.partition, log.logStartOffset, log.logEndOffset, log.highWatermark, log.size], i * FIELDS)
  })
  return { topics, values }
}

export function* unpackLogOffsets({ topics, values }: PackedLogOffsets): Generator<LogOffsets> {
  for (let i = 0; i < values.length; i += FIELDS) {
    yield { topic: topics[values[i]], partition: values[i + 1], logStartOffset: values[i + 2], logEndOffset: values[i + 3], highWatermark: values[i + 4], size: values[i + 5] }
  }
}
