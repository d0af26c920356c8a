// Issue "The console as operators use it", bug 5, driven as the report did: the idempotent
// load generator runs on the Produce page; max.message.bytes is lowered on the Configuration
// page so that some of its batches are refused (MESSAGE_TOO_LARGE), then reverted there. The
// producer must go back to acknowledged sends. Before the fix it stayed on
// OUT_OF_ORDER_SEQUENCE_NUMBER: kafkajs rolls back the sequence numbers of every partition of
// a request when one partition's batch is refused, also those the broker appended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { chromiumMissing, openConsole, openFromNav, suiteTitle } from './browser'
import type { Serve } from './serve'

describe.skipIf(chromiumMissing)(suiteTitle('idempotent load producer'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  const counter = async (testid: string) => Number(await page.locator(`[data-testid=${testid}] .value`).first().textContent())

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, brokers: 1 }))
    // Two partitions on the one broker: each of kafkajs's requests carries a batch for both.
    await serve.call('topic:create', { name: 'halves', partitions: 2, replicationFactor: 1 })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  async function setMaxMessageBytes(value: string | null): Promise<void> {
    await openFromNav(page, 'Configs')
    await page.locator('option[value="topic:halves"]').waitFor({ state: 'attached', timeout: 10_000 })
    await page.getByTestId('config-scope').selectOption('topic:halves')
    const row = page.locator('[data-testid=config-row][data-config="max.message.bytes"]')
    if (value === null) await row.getByTestId('config-revert').click()
    else await row.getByTestId('config-input').fill(value)
    await page.locator('[data-testid=pending-status][data-state=valid]').waitFor({ timeout: 10_000 })
    await page.getByTestId('config-apply').click()
    await page.getByTestId('config-applied').waitFor({ timeout: 10_000 })
  }

  it('goes back to acknowledged sends after MESSAGE_TOO_LARGE once max.message.bytes is reverted', async () => {
    await page.goto(`${serve.url}#/produce`)
    const form = page.getByTestId('load-form')
    await form.getByTestId('load-topic').selectOption('halves')
    await form.getByTestId('load-rate').fill('60')
    await form.getByTestId('load-size').fill('600')
    await form.getByTestId('load-keyed').selectOption({ index: 0 })
    await form.getByTestId('load-keys').fill('100')
    await form.getByTestId('load-acks').selectOption('-1')
    await form.getByTestId('load-idempotent').check()
    await form.getByTestId('load-start').click()
    await expect.poll(() => counter('load-acked'), { timeout: 20_000 }).toBeGreaterThan(20)

    // Two records of a tick fit in 1,500 bytes, three do not.
    await setMaxMessageBytes('1500')
    await openFromNav(page, 'Produce')
    await expect.poll(() => counter('load-failed'), { timeout: 20_000 }).toBeGreaterThan(10)

    await setMaxMessageBytes(null)
    await openFromNav(page, 'Produce')
    const acked = await counter('load-acked')
    await expect.poll(() => counter('load-acked'), { timeout: 20_000 }).toBeGreaterThan(acked + 30)
    await page.getByTestId('load-stop').click()
    expect(consoleErrors).toEqual([])
  }, 90_000)
})
