// The message browser's server side on a real cluster, through the ConsoleService: pages of
// 3 partitions whose records' timestamps interleave and go back and forth (as producers'
// CreateTime may), paged both ways with small pages so every partition boundary is crossed;
// a scan's filter errors, refusals and stop; a replay that skips what is not text.
import { describe, expect, it } from 'vitest'
import type { BrowsePage, ReplayResult, ScanStatus } from '../../preload/contract'
import { CompressionType } from '../../main/cluster/protocol/batchHeader'
import { encodeRecordBatch } from '../../main/cluster/protocol/recordBatch'
import { ConsoleService } from '../../main/console/consoleService'
import { MessageScans } from '../../main/console/views/browse/scans'
import { kafkaBrowseSource } from '../../main/console/views/messages'
import { eventually, lab, useCluster } from '../helpers/cluster'
import { call } from '../helpers/contract'
import { seededRandom } from '../helpers/random'

const fixture = useCluster()
const id = (r: { partition: number; offset: number }) => `${r.partition}:${r.offset}`

/** Writes `counts[p]` records to each partition, in batches of 1-7 with timestamps that jump back and forth. */
async function writeMixed(host: ConsoleService, topic: string, counts: number[], seed: number): Promise<void> {
  const random = seededRandom(seed)
  const base = 1_767_225_600_000
  for (const [partition, count] of counts.entries()) {
    for (let written = 0; written < count; ) {
      const size = Math.min(count - written, 1 + random.int(7))
      const records = Array.from({ length: size }, (_, i) => ({ value: `p${partition}-${written + i}`, timestamp: BigInt(base + random.int(1000)) }))
      const compression = random.pick([CompressionType.None, CompressionType.Gzip])
      const result = await host.cluster.produce(topic, partition, encodeRecordBatch({ records, compression }), -1)
      expect(result?.errorCode).toBe(0)
      written += size
    }
  }
}

/** Every page from `first` on, following `direction`'s cursor until a page comes back empty. */
async function pages(host: ConsoleService, request: Record<string, unknown>, direction: 'before' | 'after'): Promise<BrowsePage[]> {
  const out: BrowsePage[] = []
  for (let page = await call<BrowsePage>(host, 'message:page', request); page.records.length; ) {
    out.push(page)
    page = await call<BrowsePage>(host, 'message:page', { ...request, from: { kind: direction, cursor: page[direction] } })
  }
  return out
}

/** Each page holds, per partition, one run of consecutive offsets that starts where the last page's ended. */
function expectContiguous(all: BrowsePage[], counts: number[], backwards: boolean): void {
  const seen = all.flatMap((page) => page.records.map(id))
  expect(new Set(seen).size).toBe(seen.length)
  expect(seen.length).toBe(counts.reduce((a, b) => a + b, 0))
  counts.forEach((count, partition) => {
    const offsets = all.flatMap((page) => {
      const own = page.records.filter((r) => r.partition === partition).map((r) => r.offset)
      return backwards ? own.reverse() : own
    })
    const expected = Array.from({ length: count }, (_, i) => i)
    expect(offsets).toEqual(backwards ? expected.reverse() : expected)
  })
}

describe('message browser', () => {
  it('pages 3 partitions of 41, 3 and 26 records with jumbled timestamps both ways, each record once, offsets in order', async () => {
    const host = new ConsoleService(await fixture.start({}, 1))
    await call(host, 'topic:create', { name: 'mixed', partitions: 3 })
    const counts = [41, 3, 26]
    await writeMixed(host, 'mixed', counts, 20)
    for (const limit of [1, 7, 50, 1000]) {
      expectContiguous(await pages(host, { topic: 'mixed', from: { kind: 'earliest' }, limit }, 'after'), counts, false)
      expectContiguous(await pages(host, { topic: 'mixed', from: { kind: 'latest' }, limit }, 'before'), counts, true)
    }
    // One partition pages the same way; a page past the end is empty and keeps its cursor.
    const one = await pages(host, { topic: 'mixed', partition: 2, from: { kind: 'latest' }, limit: 10 }, 'before')
    expect(one.map((p) => p.records.map((r) => r.offset))).toEqual([[16, 17, 18, 19, 20, 21, 22, 23, 24, 25], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [0, 1, 2, 3, 4, 5]])
    const end = await call<BrowsePage>(host, 'message:page', { topic: 'mixed', partition: 2, from: { kind: 'after', cursor: one[0].after }, limit: 10 })
    expect(end).toEqual({ records: [], before: [{ partition: 2, offset: 26 }], after: [{ partition: 2, offset: 26 }] })
    // A cursor naming a partition the topic lacks is the request's error.
    const refused = await host.call('message:page', { topic: 'mixed', from: { kind: 'after', cursor: [{ partition: 3, offset: 0 }] }, limit: 10 })
    expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid-request', field: 'partition', message: 'message:page: partition: mixed has no partition 3 (it has 3)' } })
    host.close()
  })

  it('scans with a filter: counts the records it cannot evaluate on, refuses a filter that is not a bool, and stops', async () => {
    const host = new ConsoleService(await fixture.start({}, 1))
    await call(host, 'topic:create', { name: 'orders', partitions: 2 })
    for (let i = 0; i < 40; i++) {
      const value = i % 10 === 0 ? 'not json' : JSON.stringify(i % 2 ? { amount: i } : { other: i })
      await call(host, 'message:produce', { topic: 'orders', partition: i % 2, key: `k${i}`, value, headers: { n: String(i) } })
    }
    const scan = async (filter: string, extra: Record<string, unknown> = {}) => {
      const started = await call<ScanStatus>(host, 'message:scanStart', { topic: 'orders', from: { kind: 'earliest' }, maxRecords: 1000, maxMatches: 1000, filter, ...extra })
      return eventually('the scan to end', async () => {
        const status = await call<ScanStatus>(host, 'message:scanStatus', { scanId: started.scanId })
        return status.state !== 'running' && status
      })
    }
    const amounts = await scan('json.amount > 30')
    expect(amounts).toMatchObject({ state: 'done', scanned: 40, total: 40, matched: 5 })
    expect(amounts.matches.map((r) => r.value?.text).sort()).toEqual(['{"amount":31}', '{"amount":33}', '{"amount":35}', '{"amount":37}', '{"amount":39}'])
    // Records without `amount`, and those that are not JSON: no match, counted, the first reason shown;
    // has() tests for the field without an error.
    expect(amounts.filterErrors).toBe(20)
    expect(amounts.error).toMatch(/^partition 0 offset 0: /)
    expect(await scan('has(json.amount) && headers.n == "7" && partition == 1')).toMatchObject({ matched: 1, filterErrors: 0 })
    expect(await scan('key.startsWith("k1")', { partition: 1, from: { kind: 'offset', offset: 5 }, maxRecords: 6 })).toMatchObject({ scanned: 6, total: 6, matched: 5 })

    expect(await host.call('message:scanStart', { topic: 'orders', from: { kind: 'earliest' }, maxRecords: 10, maxMatches: 10, filter: 'offset + 1' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request', field: 'filter', message: 'message:scanStart: filter: the expression gives int, not bool' },
    })
    expect(await host.call('message:scanStart', { topic: 'orders', from: { kind: 'earliest' }, maxRecords: 10, maxMatches: 10, filter: 'value.contains(' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request', field: 'filter' },
    })
    const stopped = await call<ScanStatus>(host, 'message:scanStart', { topic: 'orders', from: { kind: 'earliest' }, maxRecords: 1000, maxMatches: 1000 })
    await call(host, 'message:scanStop', { scanId: stopped.scanId })
    const final = await eventually('the scan to stop', async () => {
      const status = await call<ScanStatus>(host, 'message:scanStatus', { scanId: stopped.scanId })
      return status.state !== 'running' && status
    })
    expect(final.state).toBe('stopped')
    expect(await host.call('message:scanStatus', { scanId: 'no-such-scan' })).toMatchObject({ ok: false, error: { field: 'scanId' } })
    host.close()
  })

  it('fails a scan whose filter backtracks past its time budget (the host goes on answering), and keeps matches up to a size', async () => {
    const host = new ConsoleService(await fixture.start({}, 1))
    await call(host, 'topic:create', { name: 'redos', partitions: 1 })
    await call(host, 'message:produce', { topic: 'redos', partition: 0, value: `${'a'.repeat(34)}!` })
    const scans = new MessageScans(kafkaBrowseSource(lab(host.cluster).kafka), { filterBudgetMs: 300, maxMatchChars: 1000 })
    const started = Date.now()
    const { scanId } = await scans.start({ topic: 'redos', from: { kind: 'earliest' }, maxRecords: 10, maxMatches: 10, filter: 'value.matches("^(a+)+$")' })
    const failed = await eventually('the scan to fail', () => scans.status(scanId).state === 'failed' && scans.status(scanId))
    expect(Date.now() - started).toBeLessThan(5000)
    expect(failed.error).toBe('the filter took more than 300 ms on records 0 to 1,000: a regular expression that backtracks, or macros nested over a large value?')
    expect((await host.call('app:info', {})).ok).toBe(true)

    // Matches stop being kept at the size limit (1,000 characters here), and the scan says so.
    for (let i = 0; i < 30; i++) await call(host, 'message:produce', { topic: 'redos', partition: 0, value: `${i}`.padStart(100, '.') })
    const kept = await scans.start({ topic: 'redos', from: { kind: 'earliest' }, maxRecords: 100, maxMatches: 100, filter: 'value.startsWith(".")' })
    const full = await eventually('the scan to end', () => scans.status(kept.scanId).state !== 'running' && scans.status(kept.scanId))
    expect(full).toMatchObject({ state: 'done', matched: 10, error: 'stopped at 10 matches: they fill the 0.001 MiB a search keeps; narrow the filter or the range' })
    host.close()
  })

  it('replays text records in the merged order and skips one whose value is not UTF-8, saying why', async () => {
    const host = new ConsoleService(await fixture.start({}, 1))
    await call(host, 'topic:create', { name: 'source', partitions: 2 })
    await call(host, 'topic:create', { name: 'target', partitions: 2 })
    await call(host, 'message:produce', { topic: 'source', partition: 1, key: 'a', value: 'first', headers: { h: '1' } })
    await host.cluster.produce('source', 0, encodeRecordBatch({ records: [{ value: Buffer.from([0xff, 0xfe]) }] }), -1)
    await call(host, 'message:produce', { topic: 'source', partition: 0, key: 'b', value: 'second' })
    const records = [{ partition: 0, offset: 1 }, { partition: 1, offset: 0 }, { partition: 0, offset: 0 }, { partition: 0, offset: 9 }]
    const result = await call<ReplayResult>(host, 'message:replay', { topic: 'source', records, target: 'target', keepPartition: true })
    expect(result).toMatchObject({ written: 2, skipped: 2, reason: '1 no longer in source (deleted by retention?)', last: { partition: 0, offset: 0 } })
    const copied = await call<BrowsePage>(host, 'message:page', { topic: 'target', from: { kind: 'earliest' }, limit: 10 })
    // Sent in the merged order ('first', then 'second', which `last` names) to their own partitions.
    expect(copied.records.map((r) => [r.partition, r.offset, r.key?.text, r.value?.text, r.headers.map((h) => `${h.key}=${h.value?.text}`).join()]).sort()).toEqual([
      [0, 0, 'b', 'second', ''],
      [1, 0, 'a', 'first', 'h=1'],
    ])
    const binary = await call<ReplayResult>(host, 'message:replay', { topic: 'source', records: [{ partition: 0, offset: 0 }], target: 'target', keepPartition: false })
    expect(binary).toEqual({ written: 0, skipped: 1, reason: 'partition 0 offset 0: its key, value or a header is not UTF-8 text', last: null })
    host.close()
  })
})
