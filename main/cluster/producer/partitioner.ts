// Kafka's built-in partitioner (the Java client's BuiltInPartitioner, KIP-794): a keyed record
// goes to murmur2(key) mod the partition count, so it lands where a Java client would put it;
// a record without a key sticks to one partition until batch.size bytes went there, then moves.

/** Java's Utils.murmur2, written out from its definition. */
export function murmur2(data: Uint8Array): number {
  const seed = 0x9747b28c
  const m = 0x5bd1e995
  const r = 24
  const length = data.length
  let h = (seed ^ length) | 0
  const length4 = length >> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24)
    k = Math.imul(k, m)
    k ^= k >>> r
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  // The 1 to 3 bytes left over, as Java's switch with fall-through takes them.
  const tail = length4 * 4
  const left = length % 4
  if (left >= 3) h ^= (data[tail + 2] & 0xff) << 16
  if (left >= 2) h ^= (data[tail + 1] & 0xff) << 8
  if (left >= 1) {
    h ^= data[tail] & 0xff
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** The partition Java's DefaultPartitioner / BuiltInPartitioner picks for a key (Utils.toPositive). */
export function javaPartitionFor(key: string | Uint8Array, partitions: number): number {
  return (murmur2(typeof key === 'string' ? Buffer.from(key) : key) & 0x7fffffff) % partitions
}

/** The producer's batch.size default: how many bytes go to a sticky partition before it moves. */
export const BATCH_SIZE = 16_384

/** The sticky partition per topic for records without a key. */
export class StickyPartitioner {
  private readonly sticky = new Map<string, { partition: number; bytes: number }>()

  constructor(private readonly random: () => number = Math.random) {}

  /** `available`: the partitions that have a leader (all of them when none has). */
  partition(topic: string, available: readonly number[], recordBytes: number): number {
    let current = this.sticky.get(topic)
    if (!current || current.bytes >= BATCH_SIZE || !available.includes(current.partition)) {
      current = { partition: available[Math.floor(this.random() * available.length)], bytes: 0 }
      this.sticky.set(topic, current)
    }
    current.bytes += recordBytes
    return current.partition
  }
}
