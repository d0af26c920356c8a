import { describe, expect, it } from 'vitest'
import { StripedReplicaPlacer, type UsableBroker } from '../../../main/cluster/controller/placement'

const brokers = (ids: number[], fenced: number[] = [], rack: (id: number) => string | null = () => null): UsableBroker[] =>
  ids.map((id) => ({ id, rack: rack(id), fenced: fenced.includes(id) }))

/** A seeded generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let s = seed
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
}

describe('StripedReplicaPlacer', () => {
  it('places distinct replicas and rotates leaders evenly, whatever the random start', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const placement = new StripedReplicaPlacer(seeded(seed)).place(30, 3, brokers([1, 2, 3, 4, 5]))
      const leaders = new Map<number, number>()
      for (const replicas of placement) {
        expect(new Set(replicas).size).toBe(3)
        leaders.set(replicas[0], (leaders.get(replicas[0]) ?? 0) + 1)
      }
      expect([...leaders.values()].sort()).toEqual([6, 6, 6, 6, 6])
    }
  })

  it('never lets a fenced broker lead, and uses it as a follower only when needed', () => {
    const placer = new StripedReplicaPlacer(seeded(7))
    for (const replicas of placer.place(10, 2, brokers([1, 2, 3], [3]))) {
      expect(replicas[0]).not.toBe(3)
      expect(replicas).not.toContain(3)
    }
    for (const replicas of placer.place(10, 3, brokers([1, 2, 3], [3]))) {
      expect(replicas[0]).not.toBe(3)
      expect(replicas).toContain(3)
    }
  })

  it('stripes replicas across racks', () => {
    const rackOf = (id: number) => (id <= 2 ? 'a' : id <= 4 ? 'b' : 'c')
    for (const replicas of new StripedReplicaPlacer(seeded(3)).place(12, 3, brokers([1, 2, 3, 4, 5, 6], [], rackOf))) {
      expect(new Set(replicas.map(rackOf)).size).toBe(3)
    }
  })

  it("refuses as Kafka's placer does", () => {
    const placer = new StripedReplicaPlacer()
    expect(() => placer.place(1, 0, brokers([1]))).toThrow('Invalid replication factor 0: the replication factor must be positive.')
    expect(() => placer.place(1, 1, brokers([1], [1]))).toThrow('All brokers are currently fenced.')
    expect(() => placer.place(1, 3, brokers([1, 2]))).toThrow('The target replication factor of 3 cannot be reached because only 2 broker(s) are registered or some brokers have all their log directories cordoned.')
  })
})
