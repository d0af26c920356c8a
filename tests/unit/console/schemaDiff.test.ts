// The Schemas page's side-by-side diff: lines kept, removed on the left, added on the right,
// and a changed line paired with what replaced it.
import { describe, expect, it } from 'vitest'
import { lineDiff, schemaLines } from '../../../renderer/src/components/schemas/lineDiff'

describe('lineDiff', () => {
  it('pairs a changed line and keeps the rest', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'B', 'c']).map((r) => [r.kind, r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ['same', 'a', 'a'],
      ['changed', 'b', 'B'],
      ['same', 'c', 'c'],
    ])
  })
  it('shows added and removed lines on their own side, with their line numbers', () => {
    const rows = lineDiff(['a', 'x', 'c'], ['a', 'c', 'd'])
    expect(rows.map((r) => [r.kind, r.left?.line ?? null, r.right?.line ?? null])).toEqual([
      ['same', 1, 1],
      ['removed', 2, null],
      ['same', 3, 2],
      ['added', null, 3],
    ])
  })
  it('lays a JSON schema out one key a line, so a new field is a block of added lines', () => {
    const v1 = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] })
    const v2 = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }, { name: 'b', type: 'string', default: '' }] })
    const added = lineDiff(schemaLines(v1), schemaLines(v2)).filter((r) => r.kind !== 'same')
    expect(added.every((r) => r.kind === 'added')).toBe(true)
    expect(added.map((r) => r.right!.text.trim())).toContain('"name": "b",')
    expect(schemaLines('syntax = "proto3";\nmessage A {}')).toEqual(['syntax = "proto3";', 'message A {}'])
  })
})
