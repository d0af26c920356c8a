// The Topics views in a real browser: Debian's Chromium driven by playwright-core against the
// real `brokerlab serve` with three brokers. A topic is created through the UI's dialog, an
// impossible replication factor is refused inline without a call, and the detail's replica
// matrix shows one leader per partition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable } from '../helpers/kcat'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, suiteTitle, saveScreenshot } from './browser'


describe.skipIf(chromiumMissing)(suiteTitle('topics'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  /** Contract methods the page sent over its WebSocket. */
  const sent: string[] = []

  async function api(method: string, request: object): Promise<void> {
    const response = await serve.api(method, request)
    expect(response.status, `${method}: ${await response.clone().text()}`).toBe(200)
  }

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors }))
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const method = /"method":"([^"]+)"/.exec(String(payload))?.[1]
        if (method) sent.push(method)
      }),
    )
    // Some neighbours for the list: topics with messages and a retention override.
    await api('topic:create', { name: 'orders', partitions: 12, replicationFactor: 3, configs: { 'retention.ms': '86400000' } })
    await api('topic:create', { name: 'audit.log', partitions: 3, replicationFactor: 2 })
    for (let i = 0; i < 20; i++) await api('message:produce', { topic: 'orders', partition: i % 12, key: `order-${i}`, value: `{"id":${i}}` })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('creates a topic in the dialog and refuses an impossible replication factor inline', async () => {
    await page.goto(`${serve.url}#/topics`)
    await page.locator('[data-testid=connection-status][data-state=open]').waitFor({ timeout: 10_000 })
    await page.locator('[data-testid=topic-list-row][data-topic=orders]').waitFor({ timeout: 15_000 })

    await page.getByTestId('create-topic').click()
    const dialog = page.getByTestId('create-topic-dialog')
    await dialog.getByTestId('topic-name').fill('payments')
    await dialog.getByTestId('partitions').fill('6')
    await dialog.getByTestId('replication-factor').fill('5')
    await expect(dialog.getByTestId('replication-factor-error').textContent()).resolves.toBe('3 brokers are running: replication factor can be at most 3.')
    await dialog.getByTestId('create-topic-submit').click({ force: true })
    await page.waitForTimeout(300)
    expect(sent).not.toContain('topic:create')

    await dialog.getByTestId('replication-factor').fill('3')
    await expect(dialog.getByTestId('replication-factor-error').count()).resolves.toBe(0)
    await dialog.getByTestId('create-topic-submit').click()
    await dialog.waitFor({ state: 'detached', timeout: 10_000 })
    expect(sent.filter((m) => m === 'topic:create')).toHaveLength(1)

    const row = page.locator('[data-testid=topic-list-row][data-topic=payments]')
    await row.waitFor({ timeout: 2000 })
    await expect(row.locator('.num').allTextContents()).resolves.toEqual(expect.arrayContaining(['6', '3']))
    // Internal topics stay last.
    const names = await page.locator('[data-testid=topic-list-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-topic')))
    const firstInternal = names.findIndex((n) => n?.startsWith('__'))
    if (firstInternal >= 0) expect(names.slice(firstInternal).every((n) => n?.startsWith('__'))).toBe(true)
    for (const topic of ['orders', 'payments']) {
      await expect.poll(() => page.locator(`[data-testid=topic-list-row][data-topic=${topic}] .num`).last().textContent()).not.toBe('—')
    }
    await saveScreenshot(page, 'topics')
  }, 60_000)

  it('a second create with the same name shows the server error inline', async () => {
    await page.getByTestId('create-topic').click()
    const dialog = page.getByTestId('create-topic-dialog')
    await dialog.getByTestId('topic-name').fill('payments')
    await dialog.getByTestId('create-topic-submit').click()
    await expect(dialog.getByTestId('dialog-error').textContent({ timeout: 5000 })).resolves.toMatch(/already exists/i)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  }, 30_000)

  it('shows the replica matrix of the new topic: 6 partitions by 3 brokers, one leader per row', async () => {
    await page.locator('[data-testid=topic-list-row][data-topic=payments]').click()
    await page.locator('[data-testid=topic-detail][data-topic=payments]').waitFor({ timeout: 5000 })
    const matrix = page.getByTestId('replica-matrix')
    // The partitions come from topic:describe after the page opens: wait for them, not the first paint.
    await expect.poll(() => matrix.getByTestId('matrix-broker').count(), { timeout: 10_000 }).toBe(3)
    await expect.poll(() => matrix.getByTestId('matrix-row').count(), { timeout: 10_000 }).toBe(6)
    await expect
      .poll(async () => matrix.getByTestId('matrix-row').evaluateAll((rows) => rows.map((r) => r.querySelectorAll('[data-state=leader]').length)), { timeout: 10_000 })
      .toEqual([1, 1, 1, 1, 1, 1])
    for (const row of await matrix.getByTestId('matrix-row').all()) await expect(row.getByTestId('replica-cell').count()).resolves.toBe(3)
    await expect(page.getByTestId('partition-row').count()).resolves.toBe(6)
    await page.locator('[data-testid=config-row][data-config="retention.ms"]').waitFor({ timeout: 5000 })
    await saveScreenshot(page, 'topic-detail')
  }, 30_000)

  it.skipIf(!kcatAvailable)('kcat -L shows the UI-created topic with the partitions, leaders and replicas the page shows', async () => {
    const listed = await kcat(['-b', serve.bootstrap, '-L', '-J', '-t', 'payments', '-m', '10'])
    expect(listed.status, listed.stderr).toBe(0)
    const metadata = JSON.parse(listed.stdout) as { topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }> }> }> }
    const fromKcat = metadata.topics[0].partitions
      .sort((a, b) => a.partition - b.partition)
      .map((p) => [String(p.partition), String(p.leader), p.replicas.map((r) => r.id).join(', ')])
    const fromPage = await page.getByTestId('partition-row').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-partition'), r.querySelector('[data-testid=partition-leader]')?.textContent, r.querySelector('[data-testid=partition-replicas]')?.textContent]),
    )
    expect(metadata.topics[0].topic).toBe('payments')
    expect(fromKcat).toHaveLength(6)
    expect(fromKcat).toEqual(fromPage)
  })

  it('follows the dark color scheme', async () => {
    await page.goto(`${serve.url}#/topics`)
    await page.locator('[data-testid=topic-list-row][data-topic=payments]').waitFor({ timeout: 5000 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await saveScreenshot(page, 'topics-dark')
    await page.locator('[data-testid=topic-list-row][data-topic=payments]').click()
    await page.getByTestId('replica-matrix').waitFor({ timeout: 5000 })
    await page.waitForTimeout(500) // the matrix cells' colour transition
    await saveScreenshot(page, 'topic-detail-dark')
    expect(consoleErrors).toEqual([])
  })

  it('stops cleanly on SIGINT', async () => {
    await browser.close()
    expect(await serve.stop()).toBe(0)
  }, 60_000)
})
