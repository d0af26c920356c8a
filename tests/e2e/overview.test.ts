// The console in a real browser: Debian's Chromium driven by playwright-core against the real
// `brokerlab serve` with three brokers, over the WebSocket client.
import { existsSync, mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startServe, type Serve } from './serve'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = 'test-results/e2e'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']

describe.skipIf(!existsSync(CHROMIUM))(`overview in Chromium (skipped without ${CHROMIUM}: apt-get install -y chromium)`, () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    serve = await startServe(3)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' })
    // A CSP violation or an uncaught error shows up here, not as a failed assertion.
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()))
    page.on('pageerror', (error) => consoleErrors.push(error.message))
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
    const response = await fetch(new URL('/api/topic:create', serve.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'orders', partitions: 6, replicationFactor: 3 }),
    })
    expect(response.status).toBe(200)
    const row = page.locator('[data-testid=topic-row][data-topic=orders]')
    await row.waitFor({ timeout: 1000 })
    await expect(row.locator('td').allTextContents()).resolves.toEqual(['orders', '6', '3', '0'])
    await page.getByTestId('event-timeline').getByText('Topic orders created').waitFor({ timeout: 1000 })
    await page.screenshot({ path: `${ARTIFACTS}/overview.png`, fullPage: true })
  }, 30_000)

  it('follows the dark color scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await page.screenshot({ path: `${ARTIFACTS}/overview-dark.png`, fullPage: true })
    expect(consoleErrors).toEqual([])
  })

  it('stops cleanly on SIGINT', async () => {
    await browser.close()
    expect(await serve.stop()).toBe(0)
  }, 60_000)
})
