// Which __consumer_offsets partition holds a group: Kafka's GroupMetadataManager.partitionFor,
// Utils.abs(groupId.hashCode) % offsets.topic.num.partitions, bit for bit, so a client that
// computes its coordinator as Kafka does finds the same broker here.

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's Utils.abs: Math.abs would leave Integer.MIN_VALUE negative, Kafka maps it to 0. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n)
}

export function partitionFor(groupId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions
}
