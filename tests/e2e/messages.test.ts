// The message browser in Chromium against the real `brokerlab serve`: produce a record in the
// UI (the built-in partitioner, idempotence, the send modes), find it in the browser decoded as
// JSON, and read it back with kcat (librdkafka) over the Kafka listener.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { javaPartitionFor } from '../helpers/javaPartitioner'
import { kcat, kcatAvailable } from '../helpers/kcat'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, suiteTitle, saveScreenshot, saveThemeScreenshots } from './browser'

describe.skipIf(chromiumMissing)(suiteTitle('messages'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors }))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('produces a record in the UI and shows it decoded as JSON', async () => {
    await serve.call('topic:create', { name: 'events', partitions: 3, replicationFactor: 3 })

    await page.goto(`${serve.url}#/messages`)
    await page.locator('[data-testid=browse-topic] option[value=events]').waitFor({ state: 'attached', timeout: 10_000 })
    await page.getByTestId('browse-topic').selectOption('events')
    await page.getByTestId('produce-key').fill('k1')
    await page.getByTestId('produce-value').fill('{"a":1}')
    await page.getByTestId('header-add').click()
    await page.getByTestId('header-key').fill('source')
    await page.getByTestId('header-value').fill('e2e')
    await page.getByTestId('produce-idempotent').check()
    await page.getByTestId('produce-submit').click()
    // No partition chosen: the built-in partitioner puts key k1 where a Java client would.
    const partition = javaPartitionFor('k1', 3)
    const result = page.getByTestId('produce-result').first()
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`events-${partition} at offset 0 · producer \\d+, sequence 0`))

    await page.getByTestId('decode-mode').selectOption('json')
    const row = page.locator(`[data-testid=record-row][data-partition="${partition}"][data-offset="0"]`)
    await row.waitFor({ timeout: 5000 })
    await expect(row.getByTestId('record-key').textContent()).resolves.toBe('k1')
    await expect(row.getByTestId('record-value').textContent()).resolves.toBe('{\n  "a": 1\n}')
    await expect(row.textContent()).resolves.toContain('source=e2e')

    // The client-side filter hides what does not match.
    await page.getByTestId('filter-text').fill('nothing-like-this')
    await expect.poll(() => page.getByTestId('record-row').count()).toBe(0)
    await page.getByTestId('filter-text').fill('"a"')
    await expect.poll(() => page.getByTestId('record-row').count()).toBe(1)
    await saveScreenshot(page, 'messages')
  }, 60_000)

  it.skipIf(!kcatAvailable)('shows what the UI produced to kcat -C over the Kafka listener', async () => {
    const partition = javaPartitionFor('k1', 3)
    const read = await kcat(['-b', serve.bootstrap, '-C', '-t', 'events', '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', '%k=%s %h\\n'])
    expect(read.status, read.stderr).toBe(0)
    expect(read.stdout.trim()).toBe('k1={"a":1} source=e2e')
  })

  it('sends asynchronously and fire-and-forget, to a chosen partition', async () => {
    await page.getByTestId('produce-idempotent').uncheck()
    await page.getByTestId('produce-partition').selectOption('1')
    await page.getByTestId('produce-mode').selectOption('async')
    for (const n of [1, 2, 3]) {
      await page.getByTestId('produce-value').fill(`async ${n}`)
      await page.getByTestId('produce-submit').click()
    }
    // Each result arrives as its callback would: newest first, offsets in the order sent.
    await expect.poll(() => page.locator('[data-testid=produce-result][data-state=written]').allTextContents(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([expect.stringMatching(/events-1 at offset 2/), expect.stringMatching(/events-1 at offset 1/), expect.stringMatching(/events-1 at offset 0/)]),
    )
    await page.getByTestId('produce-mode').selectOption('fire-and-forget')
    await page.getByTestId('produce-value').fill('forgotten')
    await page.getByTestId('produce-submit').click()
    await expect.poll(() => page.getByTestId('produce-result').first().getAttribute('data-state')).toBe('sent')
    // Not looked at, but written all the same: the live tail finds it.
    await page.getByTestId('live-tail').check({ force: true }) // the label is the visible switch
    await page.getByTestId('filter-text').fill('forgotten')
    await expect.poll(() => page.locator('[data-testid=record-row][data-partition="1"]').count(), { timeout: 10_000 }).toBe(1)
    await page.getByTestId('live-tail').uncheck({ force: true })
    await page.getByTestId('filter-text').fill('')
  })

  it.skipIf(!kcatAvailable)('seeks to an offset typed in the number field, on records kcat wrote', async () => {
    await serve.call('topic:create', { name: 'clicks', partitions: 1, replicationFactor: 3 })
    const lines = Array.from({ length: 150 }, (_, i) => `user-${i % 7}:click ${i}`).join('\n')
    const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', 'clicks', '-p', '0', '-K', ':'], `${lines}\n`)
    expect(produced.status, produced.stderr).toBe(0)

    await page.getByTestId('browse-topic').selectOption('clicks')
    await page.getByTestId('browse-partition').selectOption('0')
    await page.getByTestId('seek-kind').selectOption('offset')
    // Not the newest window (which "Latest" already shows), so the table has to move.
    await page.getByTestId('seek-value').fill('40')
    await page.getByTestId('seek').click()
    const offsets = async () => (await page.getByTestId('record-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-offset')))))
    await expect.poll(async () => Math.min(...(await offsets())), { timeout: 10_000 }).toBe(40)
    expect(Math.max(...(await offsets()))).toBeLessThan(100)
    await expect(page.locator('[data-testid=record-row][data-offset="40"]').getByTestId('record-value').textContent()).resolves.toBe('click 40')
    // The time to the millisecond, with the zone; the exact instant on hover.
    const time = page.locator('[data-testid=record-row][data-offset="40"]').getByTestId('record-time')
    await expect(time.textContent()).resolves.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3} \S+$/)
    await expect(time.getAttribute('title')).resolves.toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \(\d{13} ms\)$/)
    await expect(page.locator('.seek-error').count()).resolves.toBe(0)

    // A negative offset: the field's own validation stops the seek, and the table stays.
    await page.getByTestId('seek-value').fill('-3')
    await page.getByTestId('seek').click()
    await expect(page.getByTestId('seek-value').evaluate((input) => (input as unknown as { validity: { rangeUnderflow: boolean } }).validity.rangeUnderflow)).resolves.toBe(true)
    expect(Math.min(...(await offsets()))).toBe(40)
  }, 60_000)

  it.skipIf(!kcatAvailable)('shows the start of a large value, all of it on request, and copies it whole', async () => {
    await serve.call('topic:create', { name: 'blobs', partitions: 1, replicationFactor: 1 })
    const big = `${'x'.repeat(8000)}END`
    const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', 'blobs', '-p', '0'], `${big}\n`)
    expect(produced.status, produced.stderr).toBe(0)
    await page.getByTestId('browse-topic').selectOption('blobs')
    await page.getByTestId('seek-kind').selectOption('earliest')
    await page.getByTestId('seek').click()
    const row = page.locator('[data-testid=record-row][data-offset="0"]')
    await row.waitFor({ timeout: 10_000 })
    const value = () => row.getByTestId('record-value').textContent()
    await expect(value()).resolves.toBe(`${'x'.repeat(500)}…`)
    await expect(row.getByTestId('value-more').textContent()).resolves.toContain('Show all (8,003 characters)')
    await row.getByTestId('value-more').click()
    await expect.poll(value).toBe(big)
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await row.getByTestId('value-copy').click()
    await expect.poll(() => row.getByTestId('value-copied').textContent()).toBe('Copied')
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(big)
    await row.getByTestId('value-more').click()
    await expect.poll(value).toBe(`${'x'.repeat(500)}…`)
  }, 60_000)

  it.skipIf(!kcatAvailable)('opens a record kcat wrote in full, with its headers, and copies it as the JSON line the export writes', async () => {
    const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', 'blobs', '-p', '0', '-k', 'order-7', '-H', 'trace=abc', '-H', 'source=kcat'], 'shipped\n')
    expect(produced.status, produced.stderr).toBe(0)
    await page.getByTestId('seek-kind').selectOption('earliest')
    await page.getByTestId('seek').click()
    const row = page.locator('[data-testid=record-row][data-offset="1"]')
    await row.waitFor({ timeout: 10_000 })
    await row.getByTestId('record-open').click()
    const detail = page.locator('[data-testid=record-detail][data-offset="1"]')
    await expect(detail.getByTestId('record-detail-key').textContent()).resolves.toBe('order-7')
    await expect(detail.getByTestId('record-detail-value').textContent()).resolves.toBe('shipped')
    await expect(detail.getByTestId('record-detail-header').allTextContents()).resolves.toEqual(['traceabc', 'sourcekcat'])
    await detail.getByTestId('record-detail-copy-json').click()
    await expect.poll(() => detail.getByTestId('record-detail-copied').textContent()).toBe('JSON copied')
    const line = JSON.parse(String(await page.evaluate('navigator.clipboard.readText()')))
    expect(line).toMatchObject({ partition: 0, offset: 1, key: 'order-7', value: 'shipped', headers: [{ key: 'trace', value: 'abc' }, { key: 'source', value: 'kcat' }] })
    await saveThemeScreenshots(page, 'messages-record-detail')
    await detail.getByTestId('record-detail-close').click()
    await detail.waitFor({ state: 'detached' })
  }, 60_000)

  it('shows the dark theme without console errors', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await saveScreenshot(page, 'messages-dark')
    expect(consoleErrors).toEqual([])
  })
})
