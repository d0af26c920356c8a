// The reset form's fields as a target. A number input's v-model gives a number, not a string
// (the "trim is not a function" bug); both must read the same.
import { describe, expect, it } from 'vitest'
import { parsePartitions, toTarget } from '../../../renderer/src/components/groups/resetTarget'

describe('toTarget', () => {
  it('reads an offset or a shift from a number input and from text alike', () => {
    expect(toTarget('offset', 100)).toEqual({ kind: 'offset', offset: 100 })
    expect(toTarget('offset', '100')).toEqual({ kind: 'offset', offset: 100 })
    expect(toTarget('shift', -5)).toEqual({ kind: 'shift', by: -5 })
    expect(toTarget('shift', ' 3 ')).toEqual({ kind: 'shift', by: 3 })
  })

  it('refuses what is no whole number, or a negative offset, in words', () => {
    for (const value of ['', ' ', 1.5, 'abc', -1]) expect(() => toTarget('offset', value)).toThrow('The offset is a whole number, 0 or more')
    for (const value of ['', 2.5]) expect(() => toTarget('shift', value)).toThrow('Shift by a whole number (negative moves back)')
  })

  it('reads a date and time, and needs none for earliest and latest', () => {
    expect(toTarget('timestamp', '2026-12-06T10:00')).toEqual({ kind: 'timestamp', timestamp: Date.parse('2026-12-06T10:00') })
    expect(() => toTarget('timestamp', '')).toThrow('Choose a date and time')
    expect(toTarget('earliest', '')).toEqual({ kind: 'earliest' })
    expect(toTarget('latest', 7)).toEqual({ kind: 'latest' })
  })
})

describe('parsePartitions', () => {
  it('reads lists and ranges, and empty as every partition', () => {
    expect(parsePartitions('0, 2-4')).toEqual([0, 2, 3, 4])
    expect(parsePartitions(' ')).toBeUndefined()
    expect(() => parsePartitions('x')).toThrow('"x" is not a partition or a range like 2-4')
  })
})
