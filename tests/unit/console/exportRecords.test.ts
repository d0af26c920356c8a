// Exports of the message browser: one JSON object a line, or RFC 4180 CSV, with text as shown
// and base64 where the bytes are not UTF-8, each with its encoding.
import { describe, expect, it } from 'vitest'
import type { PagedRecord } from '../../../preload/contract'
import { exportRecords } from '../../../renderer/src/components/messages/exportRecords'

const records: PagedRecord[] = [
  { partition: 0, offset: 7, timestamp: 1000, key: { text: 'k', encoding: 'utf8' }, value: { text: 'a, "b"\nc', encoding: 'utf8' }, headers: [{ key: 'h', value: { text: 'v', encoding: 'utf8' } }] },
  { partition: 2, offset: 0, timestamp: 1001, key: null, value: { text: '//4=', encoding: 'base64' }, headers: [] },
]

describe('exportRecords', () => {
  it('writes JSON Lines: one record a line, line breaks in values escaped', () => {
    const lines = exportRecords(records, 'jsonl').split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[2]).toBe('')
    expect(JSON.parse(lines[0])).toEqual({ partition: 0, offset: 7, timestamp: 1000, key: 'k', key_encoding: 'utf8', value: 'a, "b"\nc', value_encoding: 'utf8', headers: [{ key: 'h', value: 'v' }] })
    expect(JSON.parse(lines[1])).toMatchObject({ key: null, key_encoding: null, value: '//4=', value_encoding: 'base64', headers: [] })
  })

  it('writes CSV as RFC 4180 does: CRLF rows, fields with commas, quotes or line breaks quoted, quotes doubled, null empty', () => {
    expect(exportRecords(records, 'csv')).toBe(
      'partition,offset,timestamp,key,key_encoding,value,value_encoding,headers\r\n' +
        '0,7,1000,k,utf8,"a, ""b""\nc",utf8,"[{""key"":""h"",""value"":""v""}]"\r\n' +
        '2,0,1001,,,//4=,base64,[]\r\n',
    )
  })
})
