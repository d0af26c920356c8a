import { describe, expect, it } from 'vitest'
import { OffsetMap } from '../../../main/cluster/broker/log/cleaner/offsetMap'

const key = (s: string) => Buffer.from(`..${s}`, 'latin1')

describe('OffsetMap', () => {
  it('keeps the latest offset of each key by its bytes, across growth, and counts survivors in a range', () => {
    const map = OffsetMap.forMemory(1 << 20, 0.9)
    for (let offset = 0; offset < 50_000; offset++) {
      const k = key(`key-${offset % 5_000}`)
      map.put(k, 2, k.length - 2, offset)
    }
    expect(map.size).toBe(5_000)
    expect(map.latestOffset).toBe(49_999)
    const probe = key('key-42')
    expect(map.get(probe, 2, probe.length - 2)).toBe(45_042)
    const missing = key('key-5000')
    expect(map.get(missing, 2, missing.length - 2)).toBe(-1)
    const empty = Buffer.alloc(0)
    map.put(empty, 0, 0, 50_000)
    expect(map.get(empty, 0, 0)).toBe(50_000)
    expect(map.survivorsIn(0, 44_999)).toBe(0)
    expect(map.survivorsIn(45_000, 49_999)).toBe(5_000)
    expect(map.survivorsIn(49_990, 50_000)).toBe(11)
    map.clear()
    expect([map.size, map.latestOffset, map.get(probe, 2, probe.length - 2)]).toEqual([0, -1, -1])
  })
})
