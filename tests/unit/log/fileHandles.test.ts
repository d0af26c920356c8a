import { mkdtempSync, readSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { FileHandle, FileHandles } from '../../../main/cluster/broker/log/fileHandles'

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

it('keeps at most `max` files open, closing the least recently used, and reopens on demand', () => {
  dir = mkdtempSync(join(tmpdir(), 'brokerlab-fds-'))
  const handles = new FileHandles(2)
  const files = ['a', 'b', 'c'].map((name) => {
    writeFileSync(join(dir, name), name.repeat(4))
    return new FileHandle(join(dir, name))
  })
  const read = (h: FileHandle) => {
    const buf = Buffer.alloc(4)
    readSync(handles.fd(h), buf, 0, 4, 0)
    return buf.toString()
  }
  expect(files.map(read)).toEqual(['aaaa', 'bbbb', 'cccc'])
  expect(handles.size).toBe(2)
  // 'a' was closed to make room; reading it again reopens it.
  expect(read(files[0])).toBe('aaaa')
  expect(handles.size).toBe(2)
  handles.close(files[0])
  expect(handles.size).toBe(1)
})
