// The Messages page's JSON view: JSON's layout, every token as the producer wrote it.
import { describe, expect, it } from 'vitest'
import { prettyJson } from '../../../renderer/src/format/prettyJson'

describe('prettyJson', () => {
  it('lays out JSON as JSON.stringify(v, null, 2) does where no number changes', () => {
    for (const text of ['{"a":1,"b":[1,2,{"c":null}],"d":{},"e":[],"f":"x\\"y/é"}', '[]', '"s"', ' 0 ', '[[[]],{"k":{"k":[true,false]}}]']) {
      expect(prettyJson(text)).toBe(JSON.stringify(JSON.parse(text), null, 2))
    }
  })

  it('keeps big integers, the text of decimals and escapes as written', () => {
    expect(prettyJson(String.raw`["\u00e9\/"]`)).toBe('[\n  ' + String.raw`"\u00e9\/"` + '\n]')
    expect(prettyJson('{"id":12345678901234567890,"price":1.10,"total":99.0,"e":-2.50E+3}')).toBe(
      '{\n  "id": 12345678901234567890,\n  "price": 1.10,\n  "total": 99.0,\n  "e": -2.50E+3\n}',
    )
  })

  it('returns null for what is not JSON', () => {
    for (const text of ['', '{', '{"a":1,}', '[1 2]', '01', '1.', "{'a':1}", '"\t"', 'nul', '{"a":1}x', 'NaN', '+1', '{"a"}', '"\\x"']) {
      expect(prettyJson(text), text).toBeNull()
    }
  })
})
