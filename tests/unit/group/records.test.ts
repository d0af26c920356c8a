// The records of __consumer_offsets in Kafka's layout, byte for byte, and the coordinator's
// partition: Java's String.hashCode, as Kafka computes it.
import { describe, expect, it } from 'vitest'
import { decodeCoordinatorRecord, groupMetadataRecord, offsetCommitRecord } from '../../../main/cluster/broker/group/coordinatorRecords'
import { javaStringHashCode, partitionFor } from '../../../main/cluster/broker/group'
import { Writer } from '../../../main/cluster/protocol/messages'
import { writeOffsetCommitValue } from '../../../main/cluster/protocol/messages/offsetCommitRecord'
import { Consumer, Harness, rebalance } from './harness'

function str(s: string): Buffer {
  const b = Buffer.alloc(2)
  b.writeInt16BE(Buffer.byteLength(s))
  return Buffer.concat([b, Buffer.from(s)])
}
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff])
function int32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}
function int64(n: bigint): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(n)
  return b
}

describe("Kafka's record layout", () => {
  it('an offset commit: key v1 (group, topic, partition), value v3 (offset, leader epoch, metadata, commit time)', () => {
    const record = offsetCommitRecord('g', 'orders', 2, { offset: 42n, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1700n, expireTimestamp: -1n })
    expect(record.key).toEqual(Buffer.concat([int16(1), str('g'), str('orders'), int32(2)]))
    expect(record.value).toEqual(Buffer.concat([int16(3), int64(42n), int32(5), str('m'), int64(1700n)]))
    // With its own expiry (OffsetCommit v2-v4's retention time) Kafka writes v1, the only version that holds it.
    const expiring = offsetCommitRecord('g', 'orders', 2, { offset: 42n, leaderEpoch: 5, metadata: '', commitTimestamp: 1700n, expireTimestamp: 9000n })
    expect(expiring.value).toEqual(Buffer.concat([int16(1), int64(42n), str(''), int64(1700n), int64(9000n)]))
    expect(offsetCommitRecord('g', 'orders', 2, null).value).toBeNull()
  })

  it('group metadata: key v2 (group), value v3 with every member, as the leader synced it', async () => {
    const h = new Harness({ groupInitialRebalanceDelayMs: 100 })
    const a = new Consumer(h, 'grp', 'app')
    await rebalance(h, [a])
    const record = h.records.at(-1)!
    expect(record.key).toEqual(Buffer.concat([int16(2), str('grp')]))
    const value = record.value!
    const member = h.shard.groups()[0].members[0]
    const subscription = (await h.shard.describeGroups({ groups: ['grp'], includeAuthorizedOperations: false }, 5)).groups[0].members[0]
    const expected = Buffer.concat([
      int16(3),
      str('consumer'),
      int32(1),
      str('range'),
      str(a.memberId),
      int64(BigInt(h.time)),
      int32(1),
      str(member.memberId),
      int16(-1), // group.instance.id: null
      str('app'),
      str('/127.0.0.1'),
      int32(30_000),
      int32(10_000),
      int32(subscription.memberMetadata.length),
      subscription.memberMetadata,
      int32(subscription.memberAssignment.length),
      subscription.memberAssignment,
    ])
    expect(value).toEqual(expected)
    expect(decodeCoordinatorRecord(record.key!, value)).toMatchObject({ type: 'groupMetadata', group: 'grp', value: { generation: 1, protocol: 'range', leader: a.memberId } })
    expect(groupMetadataRecord('grp', null).value).toBeNull()
  })

  it('reads what older Kafka versions wrote, and skips records of other coordinators', () => {
    const w = new Writer()
    w.int16(0)
    writeOffsetCommitValue(w, 0, { offset: 9n, leaderEpoch: -1, metadata: 'old', commitTimestamp: 5n, expireTimestamp: -1n })
    const key = Buffer.concat([int16(0), str('legacy'), str('t'), int32(0)])
    expect(decodeCoordinatorRecord(key, w.finish())).toEqual({
      type: 'offsetCommit',
      group: 'legacy',
      topic: 't',
      partition: 0,
      value: { offset: 9n, leaderEpoch: -1, metadata: 'old', commitTimestamp: 5n, expireTimestamp: -1n },
    })
    // Key version 3 is a KIP-848 ConsumerGroupMetadata record: not the classic coordinator's.
    expect(decodeCoordinatorRecord(Buffer.concat([int16(3), str('x')]), null)).toEqual({ type: 'other', keyVersion: 3 })
    const h = new Harness()
    h.shard.load([
      { key: key, value: offsetCommitRecord('legacy', 't', 0, { offset: 9n, leaderEpoch: -1, metadata: '', commitTimestamp: 5n, expireTimestamp: -1n }).value, offset: 0, timestamp: 5 },
      { key: Buffer.concat([int16(3), str('x')]), value: Buffer.from([0, 0]), offset: 1, timestamp: 5 },
      { key: null, value: null, offset: 2, timestamp: 5 },
    ])
    expect(h.shard.groups()).toEqual([expect.objectContaining({ groupId: 'legacy', state: 'Empty', offsets: [expect.objectContaining({ offset: 9n })] })])
  })

  it('replays last write wins, and a tombstone deletes', () => {
    const h = new Harness()
    const commit = (offset: bigint) => offsetCommitRecord('g', 't', 0, { offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1n, expireTimestamp: -1n })
    const records = [commit(1n), commit(2n), offsetCommitRecord('h', 't', 0, { offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 1n, expireTimestamp: -1n }), offsetCommitRecord('h', 't', 0, null)]
    h.shard.load(records.map((r, offset) => ({ ...r, offset, timestamp: 1 })))
    expect(h.shard.groups().map((g) => [g.groupId, g.offsets.map((o) => o.offset)])).toEqual([['g', [2n]]])
  })
})

describe("the coordinator's partition (Kafka's partitionFor)", () => {
  // Values from Java: "x".hashCode(), and Utils.abs(hash) % 50.
  const java: [string, number, number][] = [
    ['', 0, 0],
    ['my-group', -1906497762, 12],
    ['console-consumer-12345', 158455506, 6],
    ['test-group', 627841412, 12],
    ['héllo-☃', 289802692, 42],
    ['a', 97, 47],
    // Integer.MIN_VALUE: Math.abs would stay negative; Kafka's Utils.abs makes it 0.
    ['polygenelubricants', -2147483648, 0],
    ['DESIGNING WORKHOUSES', -2147483648, 0],
  ]
  for (const [groupId, hash, partition] of java) {
    it(`"${groupId}" hashes to ${hash}, partition ${partition} of 50`, () => {
      expect(javaStringHashCode(groupId)).toBe(hash)
      expect(partitionFor(groupId, 50)).toBe(partition)
    })
  }
})
