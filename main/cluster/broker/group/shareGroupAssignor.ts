// The share groups' `simple` assignor (KIP-932): members of a share group may share a
// partition, so every subscribed partition goes to at least one member and, when a topic has
// fewer partitions than members, every member still gets one. Within each topic, partitions
// and members (sorted by id) are paired round-robin over the longer of the two lists.
import type { Assignment } from './consumerGroup'

/** Member id to subscribed topic ids, and each topic's partition count; the target assignment by member. */
export function simpleAssignment(subscriptions: Map<string, string[]>, partitionCounts: Map<string, number>): Map<string, Assignment> {
  const result = new Map<string, Assignment>()
  for (const memberId of subscriptions.keys()) result.set(memberId, new Map())
  for (const [topicId, count] of partitionCounts) {
    const members = [...subscriptions].filter(([, topics]) => topics.includes(topicId)).map(([id]) => id).sort()
    if (members.length === 0 || count === 0) continue
    for (let i = 0; i < Math.max(count, members.length); i++) {
      const assignment = result.get(members[i % members.length])!
      assignment.set(topicId, (assignment.get(topicId) ?? new Set()).add(i % count))
    }
  }
  return result
}
