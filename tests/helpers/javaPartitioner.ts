// The tests' oracle for where a Java client puts a keyed record (BuiltInPartitioner, KIP-794):
// murmur2(key) & 0x7fffffff mod the partition count, written out from Java's Utils.murmur2, so
// the console's producer (the client library's) and other clients are checked against it.

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

