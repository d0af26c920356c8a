// AddPartitionsToTxn v0-v2 are not flexible, but the generated codec reads and writes their
// topics (V3AndBelowTopics, ResultsByTopicV3AndBelow) as flexible, because their struct is the
// one v4+ shares; every v0-v2 client (kafkajs speaks v0-v1) would be cut off. Until the
// generator takes a shared struct's flexibility from the message, these versions are read and
// written here; v3+ use the generated codec.
import { Reader, Writer } from '../../protocol/messages'
import { readArray, readInt32 } from '../../protocol/messages/io'
import type * as M from '../../protocol/messages'

const LAST_OWN_VERSION = 2

export function decodeAddPartitionsToTxnRequest(version: number, frame: Buffer, offset: number): M.AddPartitionsToTxnRequest | undefined {
  if (version > LAST_OWN_VERSION) return undefined
  const r = new Reader(frame, offset)
  return {
    transactions: [],
    v3AndBelowTransactionalId: r.string(false),
    v3AndBelowProducerId: r.int64(),
    v3AndBelowProducerEpoch: r.int16(),
    v3AndBelowTopics: readArray(r, version, false, (t) => ({ name: t.string(false), partitions: readArray(t, version, false, readInt32) })),
  }
}

export function encodeAddPartitionsToTxnResponse(version: number, correlationId: number, body: M.AddPartitionsToTxnResponse): Buffer | undefined {
  if (version > LAST_OWN_VERSION) return undefined
  const w = new Writer(256, true)
  w.int32(correlationId)
  w.int32(body.throttleTimeMs)
  w.arrayLength(body.resultsByTopicV3AndBelow.length, false)
  for (const t of body.resultsByTopicV3AndBelow) {
    w.string(t.name, false)
    w.arrayLength(t.resultsByPartition.length, false)
    for (const p of t.resultsByPartition) {
      w.int32(p.partitionIndex)
      w.int16(p.partitionErrorCode)
    }
  }
  return w.finish()
}
