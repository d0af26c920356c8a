// The message browser in Chromium against the real `brokerlab serve`: produce a record in the
// UI and find it in the browser, decoded as JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Serve } from './serve'
import { ARTIFACTS, chromiumMissing, openConsole, suiteTitle } from './browser'


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
    const response = await serve.api('topic:create', { name: 'events', partitions: 3, replicationFactor: 3 })
    expect(response.status).toBe(200)

    await page.goto(`${serve.url}#/messages`)
    await page.locator('[data-testid=browse-topic] option[value=events]').waitFor({ state: 'attached', timeout: 10_000 })
    await page.getByTestId('browse-topic').selectOption('events')
    await page.getByTestId('produce-key').fill('k1')
    await page.getByTestId('produce-value').fill('{"a":1}')
    await page.getByTestId('header-add').click()
    await page.getByTestId('header-key').fill('source')
    await page.getByTestId('header-value').fill('e2e')
    await page.getByTestId('produce-submit').click()
    await expect.poll(() => page.getByTestId('produce-result').textContent(), { timeout: 10_000 }).toMatch(/events-0 at offset 0/)

    await page.getByTestId('decode-mode').selectOption('json')
    const row = page.locator('[data-testid=record-row][data-partition="0"][data-offset="0"]')
    await row.waitFor({ timeout: 5000 })
    await expect(row.getByTestId('record-key').textContent()).resolves.toBe('k1')
    await expect(row.getByTestId('record-value').textContent()).resolves.toBe('{\n  "a": 1\n}')
    await expect(row.textContent()).resolves.toContain('source=e2e')

    // The client-side filter hides what does not match.
    await page.getByTestId('filter-text').fill('nothing-like-this')
    await expect.poll(() => page.getByTestId('record-row').count()).toBe(0)
    await page.getByTestId('filter-text').fill('"a"')
    await expect.poll(() => page.getByTestId('record-row').count()).toBe(1)
    await page.screenshot({ path: `${ARTIFACTS}/messages.png`, fullPage: true })
  }, 60_000)

  it('shows the dark theme without console errors', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await page.screenshot({ path: `${ARTIFACTS}/messages-dark.png`, fullPage: true })
    expect(consoleErrors).toEqual([])
  })
})
