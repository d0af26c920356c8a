import { appendFileSync, openSync, readSync, statSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { logFixture, readAll } from '../../helpers/log'
import { producerBatch } from '../../helpers/batches'
import { runUntilKilled } from '../../helpers/killedChild'

let fixture: ReturnType<typeof logFixture>
afterEach(() => fixture?.cleanup())

const appender = fileURLToPath(new URL('../../helpers/crashAppender.ts', import.meta.url))
const idempotentAppender = fileURLToPath(new URL('./idempotentAppender.ts', import.meta.url))

/** Runs the appender until it has reported `acks` appends, then SIGKILLs it mid-stream. */
function appendUntilKilled(dir: string, acks: number, script = appender): Promise<Array<{ i: number; first: number; last: number }>> {
  return runUntilKilled(script, dir, acks, ([i, first, last]) => ({ i, first, last }))
}

describe('crash recovery', () => {
  it('after SIGKILL mid-stream, every acknowledged batch is there, nothing torn is, appends continue', async () => {
    fixture = logFixture()
    const acked = await appendUntilKilled(fixture.dir, 400)
    expect(acked.length).toBeGreaterThanOrEqual(400)

    const log = fixture.open()
    const lastAcked = acked.at(-1)!
    expect(log.logEndOffset).toBeGreaterThan(lastAcked.last)
    expect(log.segmentCount).toBeGreaterThan(10)
    // readAll decodes every batch with its CRC checked: a torn batch would throw.
    const records = readAll(log)
    expect(records.length).toBe(log.logEndOffset)
    records.forEach((r, offset) => expect(r.offset).toBe(offset))
    for (const { i, first, last } of acked) {
      expect(records[first].value.startsWith(`b${i}-0`)).toBe(true)
      expect(records[last].value.startsWith(`b${i}-19`)).toBe(true)
    }
    const end = log.logEndOffset
    expect(log.appendAsLeader(producerBatch({ count: 3 }), 2).firstOffset).toBe(end)
    expect(readAll(log).length).toBe(end + 3)
  })

  it('after SIGKILL, an idempotent producer retrying its last 5 batches gets its original offsets: every record once', async () => {
    fixture = logFixture()
    const acked = await appendUntilKilled(fixture.dir, 300, idempotentAppender)
    const log = fixture.open()
    expect(log.segmentCount).toBeGreaterThan(10)
    // Every batch holds 20 records, so batch i lies at offsets 20i..20i+19.
    for (const { i, first } of acked) expect(first).toBe(i * 20)
    const written = log.logEndOffset / 20
    expect(written).toBeGreaterThanOrEqual(acked.length)
    const retry = (i: number) => log.appendAsLeader(producerBatch({ count: 20, valueSize: 50, tag: `b${i}`, producerId: 1, baseSequence: i * 20 }), 2)
    for (let i = written - 5; i < written; i++) expect(retry(i)).toMatchObject({ duplicate: true, firstOffset: i * 20, lastOffset: i * 20 + 19 })
    expect(retry(written)).toMatchObject({ duplicate: false, firstOffset: written * 20 })
    const values = readAll(log).map((r) => r.value)
    expect(values.length).toBe((written + 1) * 20)
    expect(new Set(values).size).toBe(values.length)
  })

  it('cuts a torn tail batch and a batch whose CRC fails, keeping everything before', () => {
    fixture = logFixture()
    let log = fixture.open()
    for (let i = 0; i < 10; i++) log.appendAsLeader(producerBatch({ count: 2, tag: `t${i}` }), 0)
    const segmentPath = join(fixture.dir, 'topic-0', '00000000000000000000.log')
    const intactSize = statSync(segmentPath).size
    // A crash mid-write: half a batch lands after the last whole one. No clean close.
    appendFileSync(segmentPath, producerBatch({ count: 5 }).subarray(0, 50))
    fixture.reopenStore()
    log = fixture.open()
    expect(log.logEndOffset).toBe(20)
    expect(statSync(segmentPath).size).toBe(intactSize)
    expect(readAll(log).map((r) => r.value)).toContain('t9-1')

    // Flip a byte inside the last batch: it fails its CRC and is cut, the rest stays.
    const fd = openSync(segmentPath, 'r+')
    const byte = Buffer.alloc(1)
    readSync(fd, byte, 0, 1, intactSize - 3)
    byte[0] ^= 0xff
    writeSync(fd, byte, 0, 1, intactSize - 3)
    closeSync(fd)
    fixture.reopenStore()
    log = fixture.open()
    expect(log.logEndOffset).toBe(18)
    expect(readAll(log).map((r) => r.value)).not.toContain('t9-0')
    expect(log.appendAsLeader(producerBatch(), 0).firstOffset).toBe(18)
  })

  it('rebuilds missing or damaged index files', () => {
    fixture = logFixture({ segmentBytes: 1024, indexIntervalBytes: 100 })
    let log = fixture.open()
    for (let i = 0; i < 30; i++) log.appendAsLeader(producerBatch({ count: 2, valueSize: 50 }), 0)
    const before = readAll(log)
    log.close()
    const indexPath = join(fixture.dir, 'topic-0', '00000000000000000000.index')
    appendFileSync(indexPath, Buffer.from([1, 2, 3]))
    fixture.reopenStore()
    log = fixture.open()
    expect(readAll(log)).toEqual(before)
    expect(log.read(33, 1).firstBatchOffset).toBe(32)
  })
})
