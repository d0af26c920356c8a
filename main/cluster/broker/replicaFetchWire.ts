// A follower's Fetch as it crosses threads, packed as numbers in Float64Arrays with the topic
// names apart (as logOffsets.ts packs the snapshot's offsets). A follower's fetch names every
// partition it follows from that leader, dozens, and a replicated write takes two fetch
// rounds per follower: as objects, structured cloning the request and the mostly-empty
// response cost more than the append they replicate. Fetched batches are transferred.
import type { FetchRequest, FetchResponse } from './api'
import { Transfer } from '../rpc'

export interface PackedFetchRequest {
  replicaId: number
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  topics: string[]
  /** Per partition: topic index, partition index, fetch offset, partitionMaxBytes, currentLeaderEpoch (-1: none). */
  partitions: Float64Array
}

export interface PackedFetchResponse {
  topics: string[]
  /** Per partition: topic index, partition index, error code, high watermark, last stable offset, log start offset, slot in `records` (-1: none). */
  partitions: Float64Array
  /** The fetched batches of the partitions that have any. */
  records: Uint8Array[]
  /** Error messages by partition position. */
  errorMessages: Array<[number, string]>
}

const REQUEST_FIELDS = 5
const RESPONSE_FIELDS = 7

function partitionCount(topics: Array<{ partitions: unknown[] }>): number {
  return topics.reduce((n, t) => n + t.partitions.length, 0)
}

export function packFetchRequest(request: FetchRequest): PackedFetchRequest {
  const partitions = new Float64Array(partitionCount(request.topics) * REQUEST_FIELDS)
  let at = 0
  request.topics.forEach((t, topic) => {
    for (const p of t.partitions) {
      partitions.set([topic, p.index, p.fetchOffset, p.partitionMaxBytes, p.currentLeaderEpoch ?? -1], at)
      at += REQUEST_FIELDS
    }
  })
  return { replicaId: request.replicaId, maxWaitMs: request.maxWaitMs, minBytes: request.minBytes, maxBytes: request.maxBytes, topics: request.topics.map((t) => t.name), partitions }
}

/** Followers read uncommitted, from the leader only. */
export function unpackFetchRequest(packed: PackedFetchRequest): FetchRequest {
  const topics = packed.topics.map((name) => ({ name, partitions: [] as FetchRequest['topics'][number]['partitions'] }))
  const v = packed.partitions
  for (let i = 0; i < v.length; i += REQUEST_FIELDS) {
    const epoch = v[i + 4]
    topics[v[i]].partitions.push({ index: v[i + 1], fetchOffset: v[i + 2], partitionMaxBytes: v[i + 3], ...(epoch >= 0 ? { currentLeaderEpoch: epoch } : {}) })
  }
  return { replicaId: packed.replicaId, maxWaitMs: packed.maxWaitMs, minBytes: packed.minBytes, maxBytes: packed.maxBytes, isolationLevel: 0, topics }
}

/** Packs the answer and hands its batches over; each read owns its ArrayBuffer. */
export function packFetchResponse(response: FetchResponse): Transfer<PackedFetchResponse> {
  const partitions = new Float64Array(partitionCount(response.topics) * RESPONSE_FIELDS)
  const records: Uint8Array[] = []
  const buffers = new Set<ArrayBuffer>()
  const errorMessages: Array<[number, string]> = []
  let at = 0
  response.topics.forEach((t, topic) => {
    for (const p of t.partitions) {
      let slot = -1
      if (p.records.byteLength > 0) {
        slot = records.push(p.records) - 1
        if (p.records.buffer instanceof ArrayBuffer) buffers.add(p.records.buffer)
      }
      if (p.errorMessage) errorMessages.push([at / RESPONSE_FIELDS, p.errorMessage])
      partitions.set([topic, p.index, p.errorCode, p.highWatermark, p.lastStableOffset, p.logStartOffset, slot], at)
      at += RESPONSE_FIELDS
    }
  })
  return new Transfer({ topics: response.topics.map((t) => t.name), partitions, records, errorMessages }, [...buffers])
}

const EMPTY = new Uint8Array(0)

export function unpackFetchResponse(packed: PackedFetchResponse): FetchResponse {
  const topics = packed.topics.map((name) => ({ name, partitions: [] as FetchResponse['topics'][number]['partitions'] }))
  const messages = new Map(packed.errorMessages)
  const v = packed.partitions
  for (let i = 0, position = 0; i < v.length; i += RESPONSE_FIELDS, position++) {
    const slot = v[i + 6]
    topics[v[i]].partitions.push({
      index: v[i + 1],
      errorCode: v[i + 2],
      errorMessage: messages.get(position) ?? null,
      highWatermark: v[i + 3],
      lastStableOffset: v[i + 4],
      logStartOffset: v[i + 5],
      records: slot >= 0 ? packed.records[slot] : EMPTY,
      abortedTransactions: null,
    })
  }
  return { topics }
}
