// A share partition's in-flight records (KIP-932): acquisition, acknowledgement, locks that
// run out, the delivery count limit and the in-flight window; and the simple assignor.
import { describe, expect, it } from 'vitest'
import { AcknowledgeType, SharePartition, type SharePartitionConfig } from '../../../main/cluster/broker/share/sharePartition'
import { simpleAssignment } from '../../../main/cluster/broker/group/shareGroupAssignor'
import { ShareSessionCache } from '../../../main/cluster/broker/share/shareSessionCache'

const config: SharePartitionConfig = { recordLockDurationMs: 30_000, deliveryCountLimit: 3, maxInFlightRecords: 100 }
const batch = (baseOffset: number, lastOffset: number, control = false) => ({ baseOffset, lastOffset, control })

describe('SharePartition', () => {
  it('hands each record to one member, and takes a released one back for another delivery', () => {
    const sp = new SharePartition(10, () => config)
    expect(sp.acquire('a', [batch(10, 14)], 500, 0)).toEqual([{ firstOffset: 10, lastOffset: 14, deliveryCount: 1 }])
    // Acquired by a: nothing for b from the same batch.
    expect(sp.acquire('b', [batch(10, 14)], 500, 0)).toEqual([])
    expect(sp.acknowledge('b', 10, 10, [AcknowledgeType.ACCEPT], 0)).toBe('Member is not the owner of batch record')
    expect(sp.acknowledge('a', 10, 14, [1, 1, 2, 3, 1], 0)).toBeNull()
    // 10 and 11 accepted: the start moves past them; 12 is released, 13 rejected, 14 accepted.
    expect(sp.startOffset).toBe(12)
    expect(sp.nextFetchOffset(0)).toBe(12)
    expect(sp.acquire('b', [batch(10, 14)], 500, 0)).toEqual([{ firstOffset: 12, lastOffset: 12, deliveryCount: 2 }])
    expect(sp.acknowledge('b', 12, 12, [AcknowledgeType.ACCEPT], 0)).toBeNull()
    expect(sp.startOffset).toBe(15)
    expect(sp.acknowledge('a', 3, 3, [AcknowledgeType.ACCEPT], 0)).toBe('Batch record not found. The request batch offsets are not found in the cache.')
  })

  it('releases records whose lock ran out, and archives them at the delivery count limit', () => {
    const sp = new SharePartition(0, () => config)
    sp.acquire('a', [batch(0, 0)], 500, 0)
    for (let delivery = 2; delivery <= 3; delivery++) {
      const at = (delivery - 1) * 30_000
      expect(sp.acquire('b', [batch(0, 0)], 500, at)).toEqual([{ firstOffset: 0, lastOffset: 0, deliveryCount: delivery }])
    }
    // The third delivery's lock runs out: at the limit, the record is archived, not offered again.
    expect(sp.acquire('c', [batch(0, 0)], 500, 90_000)).toEqual([])
    expect(sp.startOffset).toBe(1)
  })

  it('renews a lock, skips control batches, fills gaps, and stops at the in-flight limit', () => {
    const sp = new SharePartition(0, () => ({ ...config, maxInFlightRecords: 5 }))
    expect(sp.acquire('a', [batch(0, 1), batch(2, 2, true), batch(5, 9)], 500, 0)).toEqual([
      { firstOffset: 0, lastOffset: 1, deliveryCount: 1 },
      { firstOffset: 5, lastOffset: 5, deliveryCount: 1 },
    ])
    // 2 is a control record and 3-4 a gap: archived. The window holds 6 offsets' worth: 0-5.
    expect(sp.endOffset).toBe(6)
    expect(sp.acknowledge('a', 0, 0, [AcknowledgeType.RENEW], 20_000)).toBeNull()
    // 1's lock ran out at 30 s; 0's was renewed at 20 s until 50 s.
    expect(sp.acquire('b', [batch(0, 1)], 500, 40_000)).toEqual([{ firstOffset: 1, lastOffset: 1, deliveryCount: 2 }])
    expect(sp.acknowledge('a', 0, 0, [AcknowledgeType.ACCEPT], 40_000)).toBeNull()
    expect(sp.counts()).toMatchObject({ acquired: 1, available: 1 })
  })

  it('stops at the record limit inside a batch in record-limit mode (KIP-1206)', () => {
    const sp = new SharePartition(0, () => config)
    expect(sp.acquire('a', [batch(0, 9)], 3, 0, true)).toEqual([{ firstOffset: 0, lastOffset: 2, deliveryCount: 1 }])
    expect(sp.acquire('b', [batch(0, 9)], 3, 0, true)).toEqual([{ firstOffset: 3, lastOffset: 5, deliveryCount: 1 }])
  })

  it('refuses an acknowledgement outside the window at once, however wide', () => {
    const sp = new SharePartition(0, () => config)
    sp.acquire('a', [batch(0, 4)], 500, 0)
    const started = Date.now()
    expect(sp.acknowledge('a', 0, Number.MAX_SAFE_INTEGER - 1, [AcknowledgeType.ACCEPT], 0)).toBe('Batch record not found. The request batch offsets are not found in the cache.')
    expect(Date.now() - started).toBeLessThan(100)
    expect(sp.acknowledge('a', 0, 4, [AcknowledgeType.ACCEPT], 0)).toBeNull()
  })

  it('gives back what a departing member holds', () => {
    const sp = new SharePartition(0, () => config)
    sp.acquire('a', [batch(0, 3)], 500, 0)
    sp.releaseMember('a')
    expect(sp.acquire('b', [batch(0, 3)], 2, 0)).toEqual([{ firstOffset: 0, lastOffset: 3, deliveryCount: 2 }])
  })
})

describe('the simple assignor', () => {
  it('gives every partition a member, and every member a partition', () => {
    const fewMembers = simpleAssignment(new Map([['m1', ['t']], ['m2', ['t']]]), new Map([['t', 3]]))
    expect([...fewMembers.values()].map((a) => [...(a.get('t') ?? [])].sort())).toEqual([[0, 2], [1]])
    const manyMembers = simpleAssignment(new Map([['m1', ['t']], ['m2', ['t']], ['m3', ['t']]]), new Map([['t', 2]]))
    expect([...manyMembers.values()].map((a) => [...(a.get('t') ?? [])])).toEqual([[0], [1], [0]])
  })
})

describe('ShareSessionCache', () => {
  it('checks epochs, and lets a new session take the slot of one idle past the session timeout', () => {
    let now = 0
    const evicted: string[] = []
    const cache = new ShareSessionCache(() => 1, () => 45_000, () => now, (s) => evicted.push(s.memberId))
    cache.open('g', 'a', [{ topicId: 't', partition: 0 }])
    expect(() => cache.next('g', 'a', 2, [], [])).toThrow('The share session epoch is invalid.')
    expect(cache.next('g', 'a', 1, [{ topicId: 't', partition: 1 }], []).partitions.size).toBe(2)
    now = 30_000
    expect(() => cache.open('g', 'b', [])).toThrow('The limit of share sessions has been reached.')
    now = 46_000
    expect(cache.open('g', 'b', []).epoch).toBe(1)
    expect(evicted).toEqual(['a'])
    expect(() => cache.next('g', 'a', 2, [], [])).toThrow('The share session was not found.')
  })
})
