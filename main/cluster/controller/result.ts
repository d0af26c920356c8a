// What each control manager hands the QuorumController (Kafka's ControllerResult): the records
// to commit, the answer to give once they are committed, and why, for the events.
import type { PartitionError } from '../broker/api'
import { ErrorCode, isKafkaError, type ErrorName } from '../errors'
import type { MetadataImage } from '../metadata/image'
import type { MetadataRecord } from '../metadata/records'
import type { ControllerEvent } from './api'

type EventOf<T extends ControllerEvent['type']> = Extract<ControllerEvent, { type: T }>
export type LeaderElectionReason = EventOf<'leader-elected'>['reason']
export type FenceReason = EventOf<'broker-fenced'>['reason']

/** Why a batch of records was written, in the words its events carry. */
export interface ChangeCause {
  /** Why leaders moved, where the partition change itself does not tell (as it does for offline-recovered and unclean). */
  election?: LeaderElectionReason
  /** Why a broker in this batch was fenced. */
  fence?: FenceReason
  text: string
}

/** Where the managers read the current image: the metadata log, whose image is replaced if a batch fails. */
export interface ImageSource {
  readonly image: MetadataImage
}

export interface ControllerResult<T> {
  records: MetadataRecord[]
  response: T
  cause: ChangeCause
}

export const NO_ERROR: PartitionError = { errorCode: 0, errorMessage: null }

export function partitionError(name: ErrorName, message: string): PartitionError {
  return { errorCode: ErrorCode[name], errorMessage: message }
}

/** A refusal as a per-resource answer; anything but a KafkaError is a bug and goes on up. */
export function errorOf(error: unknown): PartitionError {
  if (isKafkaError(error)) return { errorCode: error.errorCode, errorMessage: error.message }
  throw error
}
