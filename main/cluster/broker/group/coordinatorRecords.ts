// The records of __consumer_offsets in Kafka's own layout (CoordinatorRecordHelpers and
// CoordinatorRecordSerde): a key is an int16 version then the key struct, and the key's
// version says what the record is (0 and 1: an offset commit, 2: group metadata); a value
// is an int16 version then the value struct; a null value (tombstone) deletes the key.
import { KafkaError } from '../../errors'
import { Reader, Writer } from '../../protocol/messages'
import {
  type GroupMetadataValue,
  decodeGroupMetadataKey, decodeGroupMetadataValue, writeGroupMetadataKey, writeGroupMetadataValue } from '../../protocol/messages/groupMetadataRecord'
import {
  type OffsetCommitValue,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  writeOffsetCommitKey,
  writeOffsetCommitValue,
} from '../../protocol/messages/offsetCommitRecord'

export type { GroupMetadataValue, MemberMetadata } from '../../protocol/messages/groupMetadataRecord'
export type { OffsetCommitValue } from '../../protocol/messages/offsetCommitRecord'

/** What Kafka 3.x and 4.x write: the newest non-flexible versions (MetadataVersion.*ValueVersion). */
export const OFFSET_COMMIT_KEY_VERSION = 1
export const GROUP_METADATA_KEY_VERSION = 2
export const OFFSET_COMMIT_VALUE_VERSION = 3
/** An offset committed with a retention time (OffsetCommit v2-v4) keeps its expire timestamp, which only v1 holds. */
export const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1
export const GROUP_METADATA_VALUE_VERSION = 3

export interface CoordinatorRecord {
  key: Buffer
  value: Buffer | null
}

export type DecodedRecord =
  | { type: 'offsetCommit'; group: string; topic: string; partition: number; value: OffsetCommitValue | null }
  | { type: 'groupMetadata'; group: string; value: GroupMetadataValue | null }
  /** A record of another coordinator (KIP-848 consumer groups, share groups): kept in the log, not ours. */
  | { type: 'other'; keyVersion: number }

function versioned(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer()
  w.int16(version)
  write(w)
  return w.finish()
}

export function offsetCommitRecord(group: string, topic: string, partition: number, value: OffsetCommitValue | null): CoordinatorRecord {
  const key = versioned(OFFSET_COMMIT_KEY_VERSION, (w) => writeOffsetCommitKey(w, OFFSET_COMMIT_KEY_VERSION, { group, topic, partition }))
  if (value === null) return { key, value: null }
  const version = value.expireTimestamp >= 0n ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY : OFFSET_COMMIT_VALUE_VERSION
  return { key, value: versioned(version, (w) => writeOffsetCommitValue(w, version, value)) }
}

export function groupMetadataRecord(group: string, value: GroupMetadataValue | null): CoordinatorRecord {
  const key = versioned(GROUP_METADATA_KEY_VERSION, (w) => writeGroupMetadataKey(w, GROUP_METADATA_KEY_VERSION, { group }))
  if (value === null) return { key, value: null }
  return { key, value: versioned(GROUP_METADATA_VALUE_VERSION, (w) => writeGroupMetadataValue(w, GROUP_METADATA_VALUE_VERSION, value)) }
}

/** Reads a record of __consumer_offsets, whatever version of Kafka wrote it. */
export function decodeCoordinatorRecord(key: Buffer, value: Buffer | null): DecodedRecord {
  const r = new Reader(key)
  const keyVersion = r.int16()
  const valueReader = value === null ? null : new Reader(value)
  const valueVersion = valueReader?.int16() ?? -1
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeOffsetCommitKey(keyVersion, r)
    checkVersion('OffsetCommitValue', valueVersion, 4)
    return { type: 'offsetCommit', ...k, value: valueReader && decodeOffsetCommitValue(valueVersion, valueReader) }
  }
  if (keyVersion === 2) {
    const { group } = decodeGroupMetadataKey(keyVersion, r)
    checkVersion('GroupMetadataValue', valueVersion, 4)
    return { type: 'groupMetadata', group, value: valueReader && decodeGroupMetadataValue(valueVersion, valueReader) }
  }
  return { type: 'other', keyVersion }
}

function checkVersion(what: string, version: number, max: number): void {
  if (version > max) throw new KafkaError('CORRUPT_MESSAGE', `${what} v${version} is newer than this broker reads (v0-v${max})`)
}
