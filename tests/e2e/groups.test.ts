// The consumer groups page in Chromium against the real `brokerlab serve`: a kafkajs consumer's
// group shows up Stable, a reset is refused while it is active, and once it has stopped a reset
// to earliest runs as a dry run, then applied.
import { Kafka, logLevel, type Consumer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, suiteTitle, saveScreenshot } from './browser'

const TOPIC = 'payments'
const RECORDS = 6

describe.skipIf(chromiumMissing)(suiteTitle('consumer groups'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  let consumer: Consumer | undefined
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, viewport: { width: 1280, height: 900 } }))
  }, 120_000)

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined)
    await browser?.close()
    await serve?.stop()
  })

  it('shows a kafkajs consumer group Stable with its member', async () => {
    await serve.call('topic:create', { name: TOPIC, partitions: 3, replicationFactor: 3 })
    for (let i = 0; i < RECORDS; i++) {
      const response = await serve.api('message:produce', { topic: TOPIC, partition: i % 3, key: `k${i}`, value: `{"n":${i}}` })
      expect(response.status).toBe(200)
    }
    const kafka = new Kafka({ clientId: 'e2e-ui', brokers: serve.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100 } })
    consumer = kafka.consumer({ groupId: 'ui-group', sessionTimeout: 10_000, heartbeatInterval: 500 })
    await consumer.connect()
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
    let seen = 0
    await consumer.run({ eachMessage: async () => void seen++ })

    await page.goto(`${serve.url}#/groups`)
    const row = page.locator('[data-testid=group-row][data-group=ui-group]')
    await row.waitFor({ timeout: 30_000 })
    await row.click()
    await page.locator('[data-testid=group-row][data-group=ui-group][data-state=Stable]').waitFor({ timeout: 30_000 })
    await expect.poll(() => row.getByTestId('group-members').textContent()).toBe('1')
    await expect.poll(() => seen, { timeout: 20_000 }).toBe(RECORDS)
    await page.getByTestId('member-row').first().waitFor()
    await expect(page.getByTestId('member-row').first().textContent()).resolves.toContain('e2e-ui')
    // Committed offsets: every partition read to its end.
    await expect.poll(() => page.getByTestId('committed-offset').allTextContents(), { timeout: 20_000 }).toEqual(['2', '2', '2'])

    // While the member is there, the server refuses and the form says why.
    await page.getByTestId('reset-topic').selectOption(TOPIC)
    await page.getByTestId('reset-preview').click()
    await expect.poll(() => page.getByTestId('reset-form').getByTestId('error').textContent()).toMatch(/inactive/)
  }, 120_000)

  it('resets the stopped group to earliest: dry run first, then applied', async () => {
    await consumer!.disconnect()
    consumer = undefined
    await page.locator('[data-testid=group-row][data-group=ui-group][data-state=Empty]').waitFor({ timeout: 30_000 })

    await page.getByTestId('reset-kind').selectOption('earliest')
    await page.getByTestId('reset-preview').click()
    await page.getByTestId('reset-plan').waitFor({ timeout: 10_000 })
    await expect(page.getByTestId('plan-current').allTextContents()).resolves.toEqual(['2', '2', '2'])
    await expect(page.getByTestId('plan-new').allTextContents()).resolves.toEqual(['0', '0', '0'])
    // Nothing is committed by the dry run.
    await expect(page.getByTestId('committed-offset').allTextContents()).resolves.toEqual(['2', '2', '2'])

    await page.getByTestId('reset-apply').click()
    await page.getByTestId('reset-applied').waitFor({ timeout: 10_000 })
    await expect.poll(() => page.getByTestId('committed-offset').allTextContents(), { timeout: 10_000 }).toEqual(['0', '0', '0'])
    // The lag history samples every 5 s: wait for a point so the chart is in the screenshot.
    await page.locator('[data-testid=lag-chart] svg').waitFor({ timeout: 15_000 })
    await saveScreenshot(page, 'groups')
  }, 90_000)

  it('plans a reset to an offset, and a shift by N, typed in the number field', async () => {
    await page.getByTestId('reset-kind').selectOption('offset')
    await page.getByTestId('reset-value').fill('1')
    await page.getByTestId('reset-preview').click()
    await expect.poll(() => page.getByTestId('plan-new').allTextContents(), { timeout: 10_000 }).toEqual(['1', '1', '1'])
    await page.getByTestId('reset-cancel').click()

    await page.getByTestId('reset-kind').selectOption('shift')
    await page.getByTestId('reset-value').fill('2')
    await page.getByTestId('reset-preview').click()
    // From the committed 0, two on: each partition holds 2 records, so the end.
    await expect.poll(() => page.getByTestId('plan-new').allTextContents(), { timeout: 10_000 }).toEqual(['2', '2', '2'])
    await page.getByTestId('reset-cancel').click()
  }, 60_000)

  it('follows the dark color scheme without console errors', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await saveScreenshot(page, 'groups-dark')
    expect(consoleErrors).toEqual([])
  })
})
