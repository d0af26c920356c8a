// Log compaction in the console, in Chromium against the real `brokerlab serve`: kcat writes
// keyed records to a compacted topic with small segments, the topic page's Compaction panel runs
// the experiment (keyed updates over 100 keys, hot keys more often, 10 tombstones), shows every
// closed segment dirty and the dirty ratio above min.cleanable.dirty.ratio, then "Clean now"
// runs a round: the segments turn clean and shrink, the ratio falls to 0, the last round and a
// 'log-cleaned' timeline event say what it removed, the Brokers page shows Kafka's cleaner
// metrics, the Configuration page explains the compaction configs, and browsing the partition
// shows the survivors with the gaps between them, as kcat reads them too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable } from '../helpers/kcat'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, saveThemeScreenshots, suiteTitle, timelineLines } from './browser'

const TOPIC = 'changelog'
/** No round until the test asks for one: the cleaners back off for an hour after each look. */
const SLOW_CLEANER = ['--config', 'log.cleaner.backoff.ms=3600000']

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('compaction'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  const panel = () => page.getByTestId('compaction-panel')
  const segments = () =>
    panel()
      .getByTestId('segment-row')
      .evaluateAll((rows) => rows.map((r) => ({ kind: r.getAttribute('data-kind'), records: Number(r.getAttribute('data-records')) })))
  const closedRecords = async () => (await segments()).filter((s) => s.kind !== 'active').reduce((sum, s) => sum + s.records, 0)

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, brokers: 1, serveArgs: SLOW_CLEANER }))
    const created = await serve.api('topic:create', {
      name: TOPIC,
      partitions: 1,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': '4096', 'delete.retention.ms': '60000' },
    })
    expect(created.status, await created.text()).toBe(200)
    // kcat first: 300 records over key-0..key-29, which the experiment's updates then supersede.
    const lines = Array.from({ length: 300 }, (_, i) => `key-${i % 30}:kcat-${i}`)
    const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', TOPIC, '-p', '0', '-K', ':'], `${lines.join('\n')}\n`, 60_000)
    expect(produced.status, produced.stderr).toBe(0)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('runs the experiment from the topic page: every closed segment dirty, the dirty ratio above min.cleanable.dirty.ratio', async () => {
    await page.goto(`${serve.url}#/topics/${TOPIC}`)
    await panel().waitFor({ timeout: 15_000 })
    await panel().getByTestId('experiment-updates').fill('2000')
    await panel().getByTestId('experiment-keys').fill('100')
    await panel().getByTestId('experiment-tombstones').fill('10')
    await panel().getByTestId('experiment-run').click()
    await expect.poll(() => panel().getByTestId('experiment-result').textContent(), { timeout: 30_000 }).toMatch(/Wrote 2,010 records at offsets 300 to 2309/)
    // The panel refreshes every 2 s: 300 + 2,000 records in closed segments, all dirty, the 10 tombstones in the active one.
    await expect.poll(closedRecords, { timeout: 10_000 }).toBe(2300)
    const before = await segments()
    expect(before.filter((s) => s.kind === 'active')).toEqual([{ kind: 'active', records: 10 }])
    expect(before.filter((s) => s.kind !== 'active').every((s) => s.kind === 'dirty')).toBe(true)
    const ratio = panel().getByTestId('dirty-ratio')
    expect(Number(await ratio.getAttribute('data-ratio'))).toBe(1)
    await expect(ratio.textContent()).resolves.toContain('100% dirty: above min.cleanable.dirty.ratio (50%)')
    await expect(panel().getByTestId('last-round').textContent()).resolves.toMatch(/none on broker 1 since it started/)
  }, 60_000)

  it('cleans on "Clean now": segments clean and emptied of superseded records, the ratio at 0, the round and its event shown', async () => {
    await panel().getByTestId('experiment-clean').click()
    await expect.poll(() => panel().getByTestId('last-round').getAttribute('data-end-offset'), { timeout: 20_000 }).toBe('2300')
    // 100 keys keep their last update; every kcat record and older update is gone.
    await expect.poll(closedRecords, { timeout: 10_000 }).toBe(100)
    const after = await segments()
    expect(after.filter((s) => s.kind !== 'active').every((s) => s.kind === 'clean')).toBe(true)
    expect(after.filter((s) => s.kind === 'active')).toEqual([{ kind: 'active', records: 10 }])
    await expect.poll(() => panel().getByTestId('dirty-ratio').getAttribute('data-ratio')).toBe('0.0000')
    await expect(panel().getByTestId('last-round').textContent()).resolves.toMatch(/2,200 of 2,300 records removed, .*cleaned up to offset 2300/)
    await saveThemeScreenshots(page, 'compaction')

    await page.goto(`${serve.url}#/`)
    await expect.poll(() => timelineLines(page, 'logs', TOPIC), { timeout: 10_000 }).toEqual([expect.stringMatching(/^log-cleaned changelog-0 cleaned.*broker 1: read .*2,200 records removed, cleaned up to offset 2300/)])
  }, 60_000)

  it("shows each broker's cleaner by Kafka's metric names on the Brokers page", async () => {
    await page.goto(`${serve.url}#/brokers`)
    const row = page.locator('[data-testid=cleaner-row][data-broker="1"]')
    await row.waitFor({ timeout: 10_000 })
    const metrics = await row.locator('[data-metric]').evaluateAll((cells) => Object.fromEntries(cells.map((c) => [c.getAttribute('data-metric'), c.textContent?.trim()])))
    expect(Object.keys(metrics)).toEqual(['max-dirty-percent', 'cleaner-recopy-percent', 'max-clean-time-secs', 'max-buffer-utilization-percent', 'time-since-last-run-ms'])
    // The round kept a few KiB of the ~60 KiB it read.
    expect(Number(metrics['cleaner-recopy-percent'])).toBeLessThan(50)
    await expect(row.textContent()).resolves.toContain('1 running')
  }, 30_000)

  it('explains segment.ms, min.compaction.lag.ms and delete.retention.ms on the compacted topic\'s configuration', async () => {
    await page.goto(`${serve.url}#/config?scope=topic:${TOPIC}`)
    const note = (name: string) => page.locator(`[data-testid=config-table] [data-config="${name}"] [data-testid=config-note]`)
    await expect.poll(() => note('segment.ms').textContent(), { timeout: 10_000 }).toMatch(/never touches the active segment/)
    await expect(note('min.compaction.lag.ms').textContent()).resolves.toMatch(/younger than this is not cleaned/)
    await expect(note('delete.retention.ms').textContent()).resolves.toMatch(/tombstone/)
    await expect(note('retention.ms').count()).resolves.toBe(0)
  }, 30_000)

  it('browses the cleaned partition from the panel: the survivors at their original offsets, with the gaps between them, as kcat reads them', async () => {
    await page.goto(`${serve.url}#/topics/${TOPIC}`)
    await panel().getByTestId('compaction-browse').click()
    await expect.poll(() => page.getByTestId('browse-partition').inputValue(), { timeout: 10_000 }).toBe('0')
    await expect.poll(() => page.getByTestId('record-row').count(), { timeout: 10_000 }).toBe(50)
    const offsets = await page.getByTestId('record-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-offset'))))
    expect(Math.max(...offsets)).toBe(2309)
    await expect.poll(() => page.getByTestId('offset-gap').count()).toBeGreaterThan(0)

    const read = await kcat(['-b', serve.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o %k %S\\n'])
    expect(read.status, read.stderr).toBe(0)
    const records = read.stdout.trim().split('\n').map((line) => line.split(' '))
    // 100 keys' last updates (no kcat value left), then the 10 tombstones (%S is -1) in the active segment.
    expect(records).toHaveLength(110)
    expect(new Set(records.map(([, key]) => key)).size).toBe(100)
    expect(records.filter(([, , size]) => size === '-1').map(([, key]) => key)).toEqual(Array.from({ length: 10 }, (_, i) => `key-${90 + i}`))
    const shownOffsets = new Set(offsets)
    expect(records.filter(([offset]) => shownOffsets.has(Number(offset)))).toHaveLength(50)
    expect(consoleErrors).toEqual([])
  }, 60_000)
})
