// Kafka's Cleaner.groupSegmentsBySize: consecutive segments cleaned into one, so that a
// compacted log does not turn into many tiny segments. A group stays within segment.bytes of
// log data, segment.index.bytes of each index, and 2^31 offsets (relative offsets are int32).
import type { LogSegment } from '../segment'

const MAX_RELATIVE_OFFSET = 0x7fffffff

export interface GroupLimits {
  maxSize: number
  maxIndexSize: number
}

export function groupSegmentsBySize(segments: readonly LogSegment[], limits: GroupLimits, nextOffsetAfter: (segment: LogSegment) => number): LogSegment[][] {
  const groups: LogSegment[][] = []
  let i = 0
  while (i < segments.length) {
    const group = [segments[i]]
    let logSize = segments[i].size
    let indexSize = segments[i].offsetIndexBytes
    let timeIndexSize = segments[i].timeIndexBytes
    i++
    while (i < segments.length) {
      const next = segments[i]
      const fits =
        logSize + next.size <= limits.maxSize &&
        indexSize + next.offsetIndexBytes <= limits.maxIndexSize &&
        timeIndexSize + next.timeIndexBytes <= limits.maxIndexSize &&
        (next.size === 0 || nextOffsetAfter(next) - 1 - group[0].baseOffset <= MAX_RELATIVE_OFFSET)
      if (!fits) break
      group.push(next)
      logSize += next.size
      indexSize += next.offsetIndexBytes
      timeIndexSize += next.timeIndexBytes
      i++
    }
    groups.push(group)
  }
  return groups
}
