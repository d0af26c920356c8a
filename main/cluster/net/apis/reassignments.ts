// Partition reassignment (KIP-455): AlterPartitionReassignments (45) and
// ListPartitionReassignments (46), forwarded to the controller as Kafka's brokers do.
import { ErrorCode, KafkaError } from '../../errors'
import type { BrokerContext } from '../context'
import type * as M from '../../protocol/messages'

/** Why a forwarded request failed, for the answer's top-level error. */
function failure(err: unknown): { errorCode: number; errorMessage: string } {
  return {
    errorCode: err instanceof KafkaError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR,
    errorMessage: `The controller did not answer: ${(err as Error).message}`,
  }
}

/** v1's allowReplicationFactorChange=false refuses a change of replica count; the answer repeats the flag. */
export async function handleAlterPartitionReassignments(context: BrokerContext, request: M.AlterPartitionReassignmentsRequest, version: number): Promise<M.AlterPartitionReassignmentsResponse> {
  const topics = request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, replicas: p.replicas })) }))
  const allowReplicationFactorChange = version < 1 || request.allowReplicationFactorChange
  try {
    const answer = await context.forward('alterPartitionReassignments', { topics, allowReplicationFactorChange })
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, allowReplicationFactorChange, responses: answer.responses }
  } catch (err) {
    return { throttleTimeMs: 0, ...failure(err), allowReplicationFactorChange, responses: [] }
  }
}

export async function handleListPartitionReassignments(context: BrokerContext, request: M.ListPartitionReassignmentsRequest): Promise<M.ListPartitionReassignmentsResponse> {
  const topics = request.topics?.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })) ?? null
  try {
    const answer = await context.forward('listPartitionReassignments', { topics })
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: answer.topics }
  } catch (err) {
    return { throttleTimeMs: 0, ...failure(err), topics: [] }
  }
}
