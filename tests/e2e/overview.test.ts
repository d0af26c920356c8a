// The console in a real browser: Debian's Chromium driven by playwright-core against the real
// `brokerlab serve` with three brokers, over the WebSocket client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, suiteTitle, saveScreenshot } from './browser'


describe.skipIf(chromiumMissing)(suiteTitle('overview'), () => {
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

  it('shows three live brokers and the controller', async () => {
    await page.goto(serve.url)
    await expect(page.title()).resolves.toBe('Brokerlab')
    await page.locator('[data-testid=connection-status][data-state=open]').waitFor({ timeout: 10_000 })
    // Brokers register and get unfenced within a few heartbeats of startup.
    await page.locator('[data-testid=broker-card][data-status=running][data-fenced=false]').nth(2).waitFor({ timeout: 15_000 })
    await expect(page.locator('[data-testid=broker-card]').count()).resolves.toBe(3)
    await expect(page.locator('[data-testid=stat-brokers] .value').textContent()).resolves.toBe('3 / 3')
    await expect(page.locator('[data-testid=controller-id] .value').textContent()).resolves.toMatch(/^\d+$/)
    await expect(page.locator('[data-testid=bootstrap]').textContent()).resolves.toBe(serve.bootstrap)
  }, 30_000)

  it('shows a topic created through the API within a second', async () => {
    const response = await serve.api('topic:create', { name: 'orders', partitions: 6, replicationFactor: 3 })
    expect(response.status).toBe(200)
    const row = page.locator('[data-testid=topic-row][data-topic=orders]')
    await row.waitFor({ timeout: 1000 })
    await expect(row.locator('td').allTextContents()).resolves.toEqual(['orders', '6', '3', '0'])
    await page.getByTestId('event-timeline').getByText('Topic orders created').waitFor({ timeout: 1000 })
    await saveScreenshot(page, 'overview')
  }, 30_000)

  it('follows the dark color scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await saveScreenshot(page, 'overview-dark')
    expect(consoleErrors).toEqual([])
  })

  it('stops cleanly on SIGINT', async () => {
    await browser.close()
    expect(await serve.stop()).toBe(0)
  }, 60_000)
})
