// The console in a real browser: Debian's Chromium driven by playwright-core against the real
// `brokerlab serve` with three brokers, over the WebSocket client. A kafkajs producer and
// consumer make the traffic chart move; the timeline's filter narrows its events.
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, suiteTitle, saveScreenshot } from './browser'
import { kcat, kcatAvailable } from '../helpers/kcat'

/** The group joins at once instead of after Kafka's 3 s initial rebalance delay. */
const FAST_GROUPS = ['--config', 'group.initial.rebalance.delay.ms=0']

describe.skipIf(chromiumMissing)(suiteTitle('overview'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  let producer: Producer | undefined
  let consumer: Consumer | undefined
  const consoleErrors: string[] = []
  const chart = () => page.getByTestId('traffic-chart')
  const timeline = () => page.getByTestId('event-timeline')
  const shownCount = async () => Number(await timeline().getByTestId('timeline-count').getAttribute('data-count'))

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, serveArgs: FAST_GROUPS }))
  }, 120_000)

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined)
    await producer?.disconnect().catch(() => undefined)
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
    // Why kcat -L names another controller: it is told a live broker's id, as Kafka's clients are.
    await expect(page.getByTestId('controller-id').getAttribute('title')).resolves.toMatch(/is the KRaft controller, a node of its own and not a broker.*kcat -L shows broker 1\.$/)
    if (kcatAvailable) {
      const listed = await kcat(['-b', serve.bootstrap, '-L', '-J'])
      expect(JSON.parse(listed.stdout).controllerid, listed.stderr).toBe(1)
    }
    await expect(page.locator('[data-testid=bootstrap]').textContent()).resolves.toBe(serve.bootstrap)
  }, 30_000)

  it('shows a topic created through the API within a second', async () => {
    const response = await serve.api('topic:create', { name: 'orders', partitions: 6, replicationFactor: 3 })
    expect(response.status).toBe(200)
    const row = page.locator('[data-testid=topic-row][data-topic=orders]')
    await row.waitFor({ timeout: 1000 })
    await expect(row.locator('td').allTextContents()).resolves.toEqual(['orders', '6', '3', '0'])
    await page.getByTestId('event-timeline').getByText('Topic orders created').waitFor({ timeout: 1000 })
  }, 30_000)

  it('charts messages in and out per second while a kafkajs producer and consumer run', async () => {
    const kafka = new Kafka({ clientId: 'e2e-traffic', brokers: serve.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100 } })
    producer = kafka.producer()
    consumer = kafka.consumer({ groupId: 'traffic-readers', sessionTimeout: 10_000, heartbeatInterval: 500 })
    await Promise.all([producer.connect(), consumer.connect()])
    await consumer.subscribe({ topic: 'orders', fromBeginning: true })
    let consumed = 0
    await consumer.run({ eachMessage: async () => void consumed++ })
    // A steady stream, so that every snapshot interval sees records in and out.
    let sent = 0
    let producing = true
    const stream = (async () => {
      while (producing) {
        await producer!.send({ topic: 'orders', messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${sent + i}`, value: `order ${sent + i}` })) })
        sent += 20
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })()
    try {
      await expect.poll(() => consumed, { timeout: 30_000 }).toBeGreaterThan(100)
      const rate = async (name: string) => Number((await chart().getAttribute(name)) || 0)
      await expect.poll(async () => Math.min(await rate('data-messages-in'), await rate('data-messages-out')), { timeout: 10_000 }).toBeGreaterThan(0)
      expect(Number(await chart().getAttribute('data-points'))).toBeGreaterThan(0)
      await expect(chart().locator('svg').count()).resolves.toBe(1)
      await expect(chart().getByTestId('traffic-bytes-in').locator('.value').textContent()).resolves.toMatch(/\/s$/)
      // Each broker's card counts its own share: the leaders of orders' six partitions are all three.
      await expect.poll(async () => (await page.getByTestId('broker-messages-in').allTextContents()).filter((t) => Number(t.replace(/,/g, '')) > 0).length).toBe(3)
      await saveScreenshot(page, 'overview')
    } finally {
      producing = false
      await stream
    }
  }, 60_000)

  it('filters the timeline by kind and by text, and says how many events match', async () => {
    // The consumer's group completed a rebalance on its coordinator.
    await timeline().getByText('Group traffic-readers rebalanced').waitFor({ timeout: 10_000 })
    const all = await shownCount()
    await timeline().getByTestId('timeline-filter').fill('orders')
    await expect.poll(shownCount).toBeLessThan(all)
    await expect(timeline().getByTestId('timeline-event').allTextContents()).resolves.toEqual(expect.arrayContaining([expect.stringContaining('Topic orders created')]))
    for (const line of await timeline().getByTestId('timeline-event').allTextContents()) expect(line).toContain('orders')

    await timeline().getByTestId('timeline-filter').fill('')
    for (const kind of ['elections', 'isr', 'brokers', 'configs', 'topics', 'logs']) await timeline().getByTestId(`timeline-kind-${kind}`).click()
    const types = () => timeline().getByTestId('timeline-event').evaluateAll((lines) => [...new Set(lines.map((l) => l.getAttribute('data-type')))])
    await expect.poll(types).toEqual(['group-rebalanced'])
    await expect(timeline().getByTestId('timeline-count').textContent()).resolves.toMatch(/^\s*\d+ of \d+ events/)

    await timeline().getByTestId('timeline-kind-groups').click()
    await timeline().getByTestId('timeline-none').waitFor()
    for (const kind of ['elections', 'isr', 'brokers', 'configs', 'topics', 'logs', 'groups']) await timeline().getByTestId(`timeline-kind-${kind}`).click()
    await expect.poll(shownCount).toBeGreaterThanOrEqual(all)

    // The group's commits created __consumer_offsets: its events go with "Hide internal topics".
    // Counted by the filter, not read off the page: the list shows only the newest 50 matches,
    // and on a busy run the topic's creation is older than those.
    await timeline().getByTestId('timeline-filter').fill('__consumer_offsets')
    await expect.poll(shownCount).toBeGreaterThan(0)
    const internal = await shownCount()
    await timeline().getByTestId('timeline-hide-internal').click()
    await timeline().getByTestId('timeline-none').waitFor()
    await timeline().getByTestId('timeline-filter').fill('')
    for (const line of await timeline().getByTestId('timeline-event').allTextContents()) expect(line).not.toContain('__consumer_offsets')
    await timeline().getByTestId('timeline-filter').fill('__consumer_offsets')
    await timeline().getByTestId('timeline-hide-internal').click()
    await expect.poll(shownCount).toBeGreaterThanOrEqual(internal)
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
