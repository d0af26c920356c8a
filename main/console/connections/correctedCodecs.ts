// Request codecs the console writes itself, with the library's public createAPI, Reader and
// Writer, where the library's own is wrong. KafkaConnection.send uses these before the
// library's exports of the same name.
//
// ConsumerGroupDescribe v0 (KIP-848's consumer groups): @platformatic/kafka 1.35 reads a
// member's subscribed_topic_names as one string instead of an array, and skips the tagged
// fields that close its assignment and target_assignment structs, so any group with a member
// decodes as garbage. Fields as in Kafka's ConsumerGroupDescribeResponse.json, v0.
import { createAPI, ResponseError, Writer, type Reader } from '@platformatic/kafka'
import type { consumerGroupDescribeV0 } from '@platformatic/kafka'

type ConsumerGroupDescribeResponse = consumerGroupDescribeV0.ConsumerGroupDescribeResponse

/** An Assignment struct: its topic partitions, then its own tagged fields. */
function readAssignment(r: Reader) {
  const topicPartitions = r.readArray((t) => ({ topicId: t.readUUID(), topicName: t.readString(), partitions: t.readArray(() => t.readInt32(), true, false) }))
  r.readTaggedFields()
  return { topicPartitions }
}

function parseConsumerGroupDescribe(_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): ConsumerGroupDescribeResponse {
  const errors: Array<[string, [number, string | null]]> = []
  const response: ConsumerGroupDescribeResponse = {
    throttleTimeMs: reader.readInt32(),
    groups: reader.readArray((r, i) => {
      const errorCode = r.readInt16()
      const errorMessage = r.readNullableString()
      if (errorCode !== 0) errors.push([`/groups/${i}`, [errorCode, errorMessage]])
      return {
        errorCode,
        errorMessage,
        groupId: r.readString(),
        groupState: r.readString(),
        groupEpoch: r.readInt32(),
        assignmentEpoch: r.readInt32(),
        assignorName: r.readString(),
        members: r.readArray((m) => ({
          memberId: m.readString(),
          instanceId: m.readNullableString(),
          rackId: m.readNullableString(),
          memberEpoch: m.readInt32(),
          clientId: m.readString(),
          clientHost: m.readString(),
          // The library's type says string; Kafka sends the subscribed topics' names.
          subscribedTopicNames: m.readArray((s) => s.readString(), true, false).join(','),
          subscribedTopicRegex: m.readNullableString(),
          assignment: readAssignment(m),
          targetAssignment: readAssignment(m),
        })),
        authorizedOperations: r.readInt32(),
      }
    }),
  }
  if (errors.length) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response)
  return response
}

const consumerGroupDescribeV0Api = createAPI(
  69,
  0,
  (groupIds: string[], includeAuthorizedOperations: boolean) =>
    Writer.create()
      .appendArray(groupIds, (w, id) => w.appendString(id), true, false)
      .appendBoolean(includeAuthorizedOperations)
      .appendTaggedFields(),
  parseConsumerGroupDescribe,
)

/** By the library's export name (`<api>V<version>`). */
export const CORRECTED_CODECS: Record<string, { api: typeof consumerGroupDescribeV0Api }> = {
  consumerGroupDescribeV0: { api: consumerGroupDescribeV0Api },
}
