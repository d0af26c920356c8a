// The records of __consumer_offsets shown as what they mean: offset commits and group
// metadata, decoded in Kafka's layouts (the group coordinator's own codec), as JSON text.
import { decodeCoordinatorRecord } from '../../../cluster/broker/group/coordinatorRecords'
import type { BrowsedRecord, CoordinatorRecordView, PagedRecord, ShownBytes } from '../../../../preload/contract'

export const CONSUMER_OFFSETS = '__consumer_offsets'

const bytesOf = (shown: ShownBytes) => Buffer.from(shown.text, shown.encoding === 'utf8' ? 'utf8' : 'base64')

/** JSON with int64s as written (no rounding through double) and raw bytes (subscriptions, assignments) as base64. */
function json(value: unknown): string {
  const text = JSON.stringify(
    value,
    function (key, v: unknown) {
      const raw = (this as Record<string, unknown>)[key]
      if (raw instanceof Uint8Array) return `base64:${Buffer.from(raw).toString('base64')}`
      return typeof v === 'bigint' ? `\u0000${v}\u0000` : v
    },
    2,
  )
  return text.replace(/"\\u0000(-?\d+)\\u0000"/g, '$1')
}

function decodeOne(key: ShownBytes, value: ShownBytes | null): CoordinatorRecordView {
  const decoded = decodeCoordinatorRecord(bytesOf(key), value && bytesOf(value))
  switch (decoded.type) {
    case 'offsetCommit':
      return { type: 'offsetCommit', key: JSON.stringify({ group: decoded.group, topic: decoded.topic, partition: decoded.partition }), value: decoded.value && json(decoded.value) }
    case 'groupMetadata':
      return { type: 'groupMetadata', key: JSON.stringify({ group: decoded.group }), value: decoded.value && json(decoded.value) }
    case 'other':
      return { type: 'other', key: JSON.stringify({ keyVersion: decoded.keyVersion }), value: null }
  }
}

/** The records with `decoded` added when the topic is __consumer_offsets; a record that does not decode is left as it is. */
export function decodeCoordinatorRecords(topic: string, records: BrowsedRecord[]): PagedRecord[] {
  if (topic !== CONSUMER_OFFSETS) return records
  return records.map((r) => {
    if (!r.key) return r
    try {
      return { ...r, decoded: decodeOne(r.key, r.value) }
    } catch {
      return r
    }
  })
}
