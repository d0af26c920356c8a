// Issue 20, "The console as operators use it": each bug driven through the UI as an operator
// meets it, on data a real client made (kcat writes the records, kafkajs consumes and commits).
import { Kafka, logLevel, type Consumer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, saveScreenshot, saveThemeScreenshots, suiteTitle } from './browser'
import { kcat, kcatAvailable } from '../helpers/kcat'

/** Boxes of the x-axis labels a chart drew (the SVG renderer's <text> under the plot), left to right. */
async function xAxisLabelBoxes(page: Page, chartTestId: string): Promise<Array<{ text: string; left: number; right: number }>> {
  return page.getByTestId(chartTestId).first().evaluate((section) => {
    const svg = section.querySelector('svg')
    if (!svg) return []
    const plotBottom = svg.getBoundingClientRect().bottom
    return [...svg.querySelectorAll('text')]
      .map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }))
      .filter(({ text, box }) => /\d:\d\d/.test(text) && box.width > 0 && plotBottom - box.bottom < 30)
      .map(({ text, box }) => ({ text, left: box.left, right: box.right }))
      .sort((a, b) => a.left - b.left)
  })
}

function overlaps(boxes: Array<{ text: string; left: number; right: number }>): string[] {
  const found: string[] = []
  for (let i = 1; i < boxes.length; i++) if (boxes[i].left < boxes[i - 1].right + 2) found.push(`${boxes[i - 1].text} | ${boxes[i].text}`)
  return found
}

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('issue 20: the console as operators use it'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consumers: Consumer[] = []
  const consoleErrors: string[] = []
  const kafka = () => new Kafka({ clientId: 'operator', brokers: serve.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100 } })

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, viewport: { width: 1280, height: 900 } }))
  }, 120_000)

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined)
    await browser?.close()
    await serve?.stop()
  })

  it('shows every page of the navigation in a 1280 px window, none cut off', async () => {
    await page.goto(`${serve.url}#/`)
    const nav = page.locator('nav.nav')
    await nav.locator('a').first().waitFor()
    const box = (await nav.boundingBox())!
    const links = await nav.locator('a').evaluateAll((as) => as.map((a) => ({ text: a.textContent!.trim(), ...a.getBoundingClientRect().toJSON() })))
    expect(links.map((l) => l.text)).toEqual(['Overview', 'Brokers', 'Topics', 'Groups', 'Transactions', 'Messages', 'Produce', 'Schemas', 'Configs', 'Experiments'])
    for (const link of links) expect(link.right, `${link.text} ends inside the navigation`).toBeLessThanOrEqual(box.x + box.width + 0.5)
  })

  it('rough edges: the empty Overview points to the Create topic button, and one topic is "1 topic"', async () => {
    await page.goto(`${serve.url}#/`)
    const empty = page.getByTestId('topics-empty')
    await empty.waitFor({ timeout: 10_000 })
    await expect(empty.textContent()).resolves.not.toMatch(/topic:create/)
    await expect(empty.textContent()).resolves.toMatch(/Create topic/)
    const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', 'first'], 'x\n')
    expect(produced.status, produced.stderr).toBe(0)
    await page.goto(`${serve.url}#/topics`)
    await expect.poll(() => page.getByTestId('topics-count').textContent(), { timeout: 10_000 }).toMatch(/^1 topic · \d+ partitions?$/)
  }, 60_000)

  it('bug 4: shows JSON from kcat losslessly: big integers, 1.10 and 99.0 as written', async () => {
    await serve.call('topic:create', { name: 'ledger', partitions: 1, replicationFactor: 3 })
    const value = '{"id":12345678901234567890,"price":1.10,"total":99.0,"rate":-2.50e+3,"tags":["a\\"b",null,true],"nested":{"empty":{},"list":[]}}'
    const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', 'ledger', '-p', '0'], `${value}\n`)
    expect(produced.status, produced.stderr).toBe(0)

    await page.goto(`${serve.url}#/messages`)
    await page.locator('[data-testid=browse-topic] option[value=ledger]').waitFor({ state: 'attached', timeout: 10_000 })
    await page.getByTestId('browse-topic').selectOption('ledger')
    await page.getByTestId('decode-mode').selectOption('json')
    // The page may still show the first topic's records for a moment: wait for ledger's.
    const cell = page.locator('[data-testid=record-row][data-offset="0"]').getByTestId('record-value')
    await expect.poll(() => cell.textContent(), { timeout: 10_000 }).toMatch(/^\{/)
    await expect(cell.textContent()).resolves.toBe(
      [
        '{',
        '  "id": 12345678901234567890,',
        '  "price": 1.10,',
        '  "total": 99.0,',
        '  "rate": -2.50e+3,',
        '  "tags": [',
        '    "a\\"b",',
        '    null,',
        '    true',
        '  ],',
        '  "nested": {',
        '    "empty": {},',
        '    "list": []',
        '  }',
        '}',
      ].join('\n'),
    )
    await saveThemeScreenshots(page, 'operators-json')
  }, 60_000)

  it('bug 8: the create-topic dialog says in a sentence what is wrong, and forgets it once corrected', async () => {
    await page.goto(`${serve.url}#/topics`)
    await page.getByTestId('create-topic').click()
    const dialog = page.getByTestId('create-topic-dialog')
    await dialog.getByTestId('topic-name').fill('too-many')
    await dialog.getByTestId('partitions').fill('20000')
    await dialog.getByTestId('create-topic-submit').click({ force: true })
    const shown = async () => (await dialog.locator('[role=alert], [data-testid=dialog-error]').allTextContents()).join(' | ')
    await expect.poll(shown, { timeout: 5000 }).toMatch(/10,000/)
    const message = await shown()
    expect(message).not.toMatch(/topic:create|Too big|expected number/)
    expect(message).toMatch(/^[A-Z].*\.$/)

    await dialog.getByTestId('partitions').fill('3')
    await expect.poll(shown, { timeout: 2000 }).toBe('')
    // The cluster's own refusal (the name is taken) goes once the name changes.
    await dialog.getByTestId('topic-name').fill('ledger')
    await dialog.getByTestId('create-topic-submit').click()
    await expect.poll(shown, { timeout: 5000 }).toMatch(/exists/)
    await dialog.getByTestId('topic-name').fill('not-too-many')
    await expect.poll(shown, { timeout: 2000 }).toBe('')
    await dialog.getByTestId('create-topic-submit').click()
    await dialog.waitFor({ state: 'detached', timeout: 10_000 })

    // Add partitions has the same limit, and words it the same way.
    await page.goto(`${serve.url}#/topics/not-too-many`)
    await page.getByTestId('add-partitions').click()
    const adding = page.getByTestId('add-partitions-dialog')
    await adding.getByTestId('partition-count').fill('20000')
    await adding.getByTestId('add-partitions-submit').click({ force: true })
    const said = async () => (await adding.locator('[role=alert], [data-testid=dialog-error]').allTextContents()).join(' | ')
    await expect.poll(said, { timeout: 5000 }).toBe('A topic has at most 10,000 partitions.')
    await adding.getByTestId('partition-count').fill('4')
    await expect.poll(said, { timeout: 2000 }).toBe('')
    await adding.getByTestId('add-partitions-submit').click()
    await adding.waitFor({ state: 'detached', timeout: 10_000 })
  }, 60_000)

  it('bug 7: lists every assigned partition, those without a commit with their lag from the log start', async () => {
    await serve.call('topic:create', { name: 'backlog', partitions: 3, replicationFactor: 3 })
    for (const partition of [0, 1, 2]) {
      const lines = Array.from({ length: 340 }, (_, i) => `{"p":${partition},"i":${i}}`).join('\n')
      const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', 'backlog', '-p', String(partition)], `${lines}\n`)
      expect(produced.status, produced.stderr).toBe(0)
    }
    // A slow reader: it commits on partition 0 only (19 behind) and never gets to 1 and 2.
    const consumer = kafka().consumer({ groupId: 'slow-readers', sessionTimeout: 10_000, heartbeatInterval: 500 })
    consumers.push(consumer)
    await consumer.connect()
    await consumer.subscribe({ topic: 'backlog', fromBeginning: true })
    let committed = false
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, pause }) => {
        if (batch.partition === 0 && !committed) {
          await consumer.commitOffsets([{ topic: 'backlog', partition: 0, offset: '321' }])
          committed = true
        }
        pause()
      },
    })
    await expect.poll(() => committed, { timeout: 30_000 }).toBe(true)

    await page.goto(`${serve.url}#/groups`)
    const row = page.locator('[data-testid=group-row][data-group=slow-readers][data-state=Stable]')
    await row.waitFor({ timeout: 30_000 })
    await row.click()
    const offsets = page.getByTestId('offset-row')
    await expect.poll(() => offsets.count(), { timeout: 15_000 }).toBe(3)
    await expect(page.getByTestId('committed-offset').allTextContents()).resolves.toEqual(['321', 'no committed offset', 'no committed offset'])
    await expect(page.getByTestId('partition-lag').allTextContents()).resolves.toEqual(['19', '340*', '340*'])
    await expect(page.getByTestId('group-detail').textContent()).resolves.toMatch(/from the log start/)
    await expect(row.getByTestId('group-total-lag').textContent()).resolves.toBe('699')
    await saveThemeScreenshots(page, 'operators-lag')
  }, 90_000)

  it('bug 9: a deleted topic is marked deleted on the group page, without a lag, and not offered for reset', async () => {
    await serve.call('topic:create', { name: 'retired', partitions: 2, replicationFactor: 3 })
    const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', 'retired', '-p', '0'], 'a\nb\nc\n')
    expect(produced.status, produced.stderr).toBe(0)
    const consumer = kafka().consumer({ groupId: 'archivers', sessionTimeout: 10_000, heartbeatInterval: 500 })
    await consumer.connect()
    await consumer.subscribe({ topic: 'retired', fromBeginning: true })
    let seen = 0
    await consumer.run({ eachMessage: async () => void seen++ })
    await expect.poll(() => seen, { timeout: 30_000 }).toBe(3)
    await consumer.disconnect()

    await page.goto(`${serve.url}#/topics/retired`)
    await page.getByTestId('delete-topic').click()
    await page.getByTestId('delete-topic-confirm').click()
    await page.getByTestId('delete-topic-dialog').waitFor({ state: 'detached', timeout: 10_000 })
    await expect.poll(() => page.locator('[data-testid=topic-list-row]').allTextContents().then((rows) => rows.some((r) => r.includes('retired'))), { timeout: 10_000 }).toBe(false)

    await page.goto(`${serve.url}#/groups`)
    const row = page.locator('[data-testid=group-row][data-group=archivers][data-state=Empty]')
    await row.waitFor({ timeout: 30_000 })
    await row.click()
    const retired = page.locator('[data-testid=offset-row][data-topic=retired]')
    await retired.first().waitFor({ timeout: 10_000 })
    await expect(retired.first().textContent()).resolves.toMatch(/topic deleted/)
    await expect(retired.first().getByTestId('partition-lag').textContent()).resolves.not.toBe('0')
    await expect(page.getByTestId('reset-topic').locator('option').allTextContents()).resolves.not.toContain('retired')
    // Every offset it holds is on the deleted topic: no lag to speak of, not a lag of 0.
    await expect(row.getByTestId('group-total-lag').textContent()).resolves.toBe('—')
    await expect(page.getByTestId('detail-total-lag').textContent()).resolves.toBe('—')
    await saveThemeScreenshots(page, 'operators-deleted-topic')
  }, 90_000)

  it('bug 6: the time axis of the Produce charts and the lag chart has labels that do not overlap', async () => {
    await page.goto(`${serve.url}#/produce`)
    await page.locator('[data-testid=load-topic] option[value=backlog]').waitFor({ state: 'attached', timeout: 10_000 })
    await page.getByTestId('load-topic').selectOption('backlog')
    await page.getByTestId('load-rate').fill('50')
    await page.getByTestId('load-start').click()
    await page.getByTestId('load-producer').waitFor({ timeout: 10_000 })
    // A minute of points: the axis spans it, with a label every few seconds if nothing stops it.
    await expect.poll(() => page.locator('[data-testid=throughput-chart] [data-points]').getAttribute('data-points').then(Number), { timeout: 90_000, interval: 2000 }).toBeGreaterThanOrEqual(60)
    for (const chart of ['throughput-chart', 'latency-chart']) {
      const boxes = await xAxisLabelBoxes(page, chart)
      expect(boxes.length, `${chart}: labels drawn`).toBeGreaterThanOrEqual(2)
      expect(overlaps(boxes), `${chart}: ${boxes.map((b) => b.text).join(', ')}`).toEqual([])
    }
    await saveThemeScreenshots(page, 'operators-produce')
    await page.getByTestId('load-stop').click()

    await page.goto(`${serve.url}#/groups`)
    await page.locator('[data-testid=group-row][data-group=slow-readers]').click()
    await expect.poll(() => page.locator('[data-testid=lag-chart] [data-points]').getAttribute('data-points').then(Number), { timeout: 30_000, interval: 2000 }).toBeGreaterThanOrEqual(8)
    const boxes = await xAxisLabelBoxes(page, 'lag-chart')
    expect(boxes.length, 'lag chart: labels drawn').toBeGreaterThanOrEqual(2)
    expect(overlaps(boxes), boxes.map((b) => b.text).join(', ')).toEqual([])
    await saveScreenshot(page, 'operators-lag-chart')
    expect(consoleErrors).toEqual([])
  }, 180_000)

  it('rough edges: the Overview names the broker that crashed', async () => {
    await page.goto(`${serve.url}#/brokers`)
    const card = page.locator('[data-testid=broker-control][data-broker-id="3"]')
    await card.getByTestId('broker-crash').click()
    // A crash that would take a partition of an earlier test's topics offline asks first.
    const crashed = card.locator('[data-testid=broker-card][data-status=crashed]')
    await crashed.or(card.getByTestId('fault-confirm')).first().waitFor({ timeout: 10_000 })
    if (await card.getByTestId('fault-confirm').isVisible()) await card.getByTestId('fault-confirm-go').click()
    await crashed.waitFor({ timeout: 10_000 })
    await page.goto(`${serve.url}#/`)
    const tile = page.getByTestId('stat-brokers')
    await expect.poll(() => tile.locator('.value').textContent(), { timeout: 15_000 }).toBe('2 / 3')
    await expect.poll(() => tile.locator('.hint').textContent(), { timeout: 15_000 }).toMatch(/^broker 3 crashed/)
    await saveThemeScreenshots(page, 'operators-overview', { fullPage: false })
  }, 60_000)
})
