// The server-side assignors of KIP-848 (group.consumer.assignors): "uniform", Kafka's default,
// spreads every subscribed partition so that members' counts differ by one at most, keeping
// each partition with its current owner where that keeps the balance; "range" gives each
// member a contiguous range of every topic it subscribes to. Both are deterministic: the same
// members and topics give the same assignment.
import type { Assignment } from './consumerGroup'

export interface AssignorMember {
  memberId: string
  /** The ids of the topics it subscribes to that exist. */
  topicIds: Set<string>
  /** Its target assignment before this one. */
  current: Assignment
}

export type Assignor = (members: AssignorMember[], partitionCounts: Map<string, number>) => Map<string, Assignment>

const byId = (a: AssignorMember, b: AssignorMember) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0)

function add(assignment: Assignment, topicId: string, partition: number): void {
  let partitions = assignment.get(topicId)
  if (!partitions) assignment.set(topicId, (partitions = new Set()))
  partitions.add(partition)
}

export const uniformAssignor: Assignor = (members, partitionCounts) => {
  const sorted = [...members].sort(byId)
  const result = new Map(sorted.map((m) => [m.memberId, new Map() as Assignment]))
  const counts = new Map(sorted.map((m) => [m.memberId, 0]))
  const topics = [...partitionCounts.keys()].filter((id) => sorted.some((m) => m.topicIds.has(id))).sort()
  const total = topics.reduce((sum, id) => sum + partitionCounts.get(id)!, 0)
  const quota = sorted.length ? Math.ceil(total / sorted.length) : 0
  const taken = new Set<string>()
  // Sticky first: a member keeps what it had, up to its share.
  for (const m of sorted) {
    for (const [topicId, partitions] of [...m.current].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!m.topicIds.has(topicId)) continue
      for (const p of [...partitions].sort((a, b) => a - b)) {
        if (p >= (partitionCounts.get(topicId) ?? 0) || counts.get(m.memberId)! >= quota) continue
        add(result.get(m.memberId)!, topicId, p)
        counts.set(m.memberId, counts.get(m.memberId)! + 1)
        taken.add(`${topicId}:${p}`)
      }
    }
  }
  // The rest, each to the subscribed member with the fewest.
  for (const topicId of topics) {
    const eligible = sorted.filter((m) => m.topicIds.has(topicId))
    for (let p = 0; p < partitionCounts.get(topicId)!; p++) {
      if (taken.has(`${topicId}:${p}`)) continue
      const m = eligible.reduce((best, next) => (counts.get(next.memberId)! < counts.get(best.memberId)! ? next : best))
      add(result.get(m.memberId)!, topicId, p)
      counts.set(m.memberId, counts.get(m.memberId)! + 1)
    }
  }
  return result
}

export const rangeAssignor: Assignor = (members, partitionCounts) => {
  const sorted = [...members].sort(byId)
  const result = new Map(sorted.map((m) => [m.memberId, new Map() as Assignment]))
  for (const [topicId, count] of partitionCounts) {
    const subscribed = sorted.filter((m) => m.topicIds.has(topicId))
    if (!subscribed.length) continue
    const each = Math.floor(count / subscribed.length)
    const extra = count % subscribed.length
    let next = 0
    subscribed.forEach((m, i) => {
      const size = each + (i < extra ? 1 : 0)
      for (let p = next; p < next + size; p++) add(result.get(m.memberId)!, topicId, p)
      next += size
    })
  }
  return result
}

/** The built-in assignors by the names group.consumer.assignors and the ServerAssignor field use. */
export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([
  ['uniform', uniformAssignor],
  ['range', rangeAssignor],
])
