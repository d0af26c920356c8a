// The demo clients in Chromium against the real `brokerlab serve`: two demo consumers started
// on the Groups page show up as a group with its members, assignments and a lag chart; a
// killed member is rebalanced away; the stopped group's offsets reset with a dry run; and the
// Produce page's load generator charts its throughput while its acked counter grows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, saveThemeScreenshots, suiteTitle } from './browser'

const TOPIC = 'orders'
const RECORDS = 60
const GROUP = 'demo-orders'
// No initial rebalance delay, and a short session so a killed member is noticed in 2 s.
const SERVE_ARGS = ['--config', 'group.initial.rebalance.delay.ms=0', '--config', 'group.min.session.timeout.ms=1000']

describe.skipIf(chromiumMissing)(suiteTitle('demo consumers and the load generator'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, serveArgs: SERVE_ARGS }))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  const counter = async (testid: string) => Number(await page.locator(`[data-testid=${testid}] .value`).first().textContent())
  const points = async (chart: string) => Number(await page.locator(`[data-testid=${chart}] [data-points]`).first().getAttribute('data-points'))
  const run = () => page.locator(`[data-testid=demo-run][data-group=${GROUP}]`)
  const member = (index: number) => run().locator(`[data-testid=demo-member][data-member="${index}"]`)


  it('starts two demo consumers: the group shows its members, assignments and lag; a killed member is rebalanced away', async () => {
    await serve.call('topic:create', { name: TOPIC, partitions: 3, replicationFactor: 3 })
    for (let i = 0; i < RECORDS; i++) {
      await serve.call('message:produce', { topic: TOPIC, partition: i % 3, key: `order-${i}`, value: `{"n":${i}}` })
    }

    await page.goto(`${serve.url}#/groups`)
    const form = page.getByTestId('demo-form')
    await form.getByTestId('demo-group-id').fill(GROUP)
    await form.getByTestId('demo-topic').selectOption(TOPIC)
    await form.getByTestId('demo-members').fill('0')
    await form.getByTestId('demo-start').click()
    // Checked before anything is sent.
    await expect.poll(() => form.getByTestId('demo-members-error').textContent()).toBe('Members is from 1 to 8.')
    await form.getByTestId('demo-members').fill('2')
    await form.getByTestId('demo-delay').fill('100')
    await form.getByTestId('demo-session').fill('2000')
    await form.getByTestId('demo-commit-mode').selectOption('after-processing')
    await form.getByTestId('demo-start').click()

    await run().waitFor({ timeout: 20_000 })
    await expect.poll(() => run().getByTestId('demo-member').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))).toEqual(['running', 'running'])
    // The group itself (selected on start): both members, each with partitions of its own.
    await page.locator(`[data-testid=group-row][data-group=${GROUP}]`).waitFor({ timeout: 20_000 })
    await page.locator(`[data-testid=group-detail][data-group=${GROUP}]`).waitFor()
    await expect.poll(() => page.getByTestId('member-row').count(), { timeout: 20_000 }).toBe(2)
    await expect.poll(async () => (await page.getByTestId('member-row').allTextContents()).every((t) => t.includes(`${TOPIC} [`)), { timeout: 20_000 }).toBe(true)
    await expect
      .poll(async () => (await run().getByTestId('demo-member-assigned').allTextContents()).flatMap((t) => t.split(', ')).sort(), { timeout: 20_000 })
      .toEqual([`${TOPIC}-0`, `${TOPIC}-1`, `${TOPIC}-2`])
    await expect.poll(() => points('lag-chart'), { timeout: 20_000 }).toBeGreaterThanOrEqual(2)
    await expect.poll(() => counter('demo-processed'), { timeout: 20_000 }).toBeGreaterThan(0)

    // Kill member 1 mid-batch: it is killed at once, and the group drops it when its session expires.
    await member(1).getByTestId('demo-kill').click()
    await expect.poll(() => member(1).getAttribute('data-state'), { timeout: 10_000 }).toBe('killed')
    await member(1).getByTestId('demo-restart').waitFor()
    await expect.poll(() => page.getByTestId('member-row').count(), { timeout: 20_000 }).toBe(1)
    await expect.poll(() => member(0).getByTestId('demo-member-assigned').textContent(), { timeout: 20_000 }).toBe(`${TOPIC}-0, ${TOPIC}-1, ${TOPIC}-2`)
    await expect(member(1).getByTestId('demo-member-assigned').textContent()).resolves.toBe('—')
    // At least once: the survivor drains every partition and commits it.
    const perPartition = String(RECORDS / 3)
    await expect.poll(() => page.getByTestId('committed-offset').allTextContents(), { timeout: 30_000 }).toEqual([perPartition, perPartition, perPartition])
    await expect.poll(() => counter('demo-processed')).toBe(RECORDS)
    await expect(counter('demo-lost')).resolves.toBe(0)
    await saveThemeScreenshots(page, 'groups-demo')
  }, 180_000)

  it('stops the run (its members leave the group) and resets the group with a dry run', async () => {
    await run().getByTestId('demo-stop').click()
    await run().waitFor({ state: 'detached', timeout: 20_000 })
    await expect.poll(() => page.getByTestId('demo-last-stopped').textContent()).toContain(GROUP)
    await page.locator(`[data-testid=group-row][data-group=${GROUP}][data-state=Empty]`).waitFor({ timeout: 20_000 })

    const committed = Array(3).fill(String(RECORDS / 3))
    await page.getByTestId('reset-topic').selectOption(TOPIC)
    await page.getByTestId('reset-kind').selectOption('earliest')
    await page.getByTestId('reset-preview').click()
    await page.getByTestId('reset-plan').waitFor({ timeout: 10_000 })
    await expect(page.getByTestId('plan-new').allTextContents()).resolves.toEqual(['0', '0', '0'])
    await expect(page.getByTestId('plan-current').allTextContents()).resolves.toEqual(committed)
    // A dry run commits nothing.
    await expect(page.getByTestId('committed-offset').allTextContents()).resolves.toEqual(committed)
    await page.getByTestId('reset-cancel').click()
  }, 60_000)

  it('runs the load generator on the Produce page: throughput points and a growing acked counter', async () => {
    await page.getByRole('link', { name: 'Produce' }).click()
    const form = page.getByTestId('load-form')
    await form.waitFor()
    await form.getByTestId('load-topic').selectOption(TOPIC)
    await form.getByTestId('load-rate').fill('200')
    await form.getByTestId('load-size').fill('128')
    // enable.idempotence needs acks=all: fewer acks turn it off.
    await form.getByTestId('load-acks').selectOption('1')
    await expect(form.getByTestId('load-idempotent').isChecked()).resolves.toBe(false)
    await expect(form.getByTestId('load-idempotent').isDisabled()).resolves.toBe(true)
    await form.getByTestId('load-acks').selectOption('-1')
    await form.getByTestId('load-idempotent').check()
    await form.getByTestId('load-start').click()

    await page.getByTestId('load-producer').waitFor({ timeout: 20_000 })
    await expect.poll(() => points('throughput-chart'), { timeout: 20_000 }).toBeGreaterThanOrEqual(3)
    await expect.poll(() => points('latency-chart'), { timeout: 20_000 }).toBeGreaterThanOrEqual(2)
    const acked = await counter('load-acked')
    expect(acked).toBeGreaterThan(0)
    await expect.poll(() => counter('load-acked'), { timeout: 10_000 }).toBeGreaterThan(acked)
    await expect(counter('load-failed')).resolves.toBe(0)
    await saveThemeScreenshots(page, 'produce')

    // Main remembers what runs: a reloaded console lists the producer again.
    await page.reload()
    await page.getByTestId('load-producer').waitFor({ timeout: 10_000 })
    await page.getByTestId('load-stop').click()
    await page.getByTestId('load-producer').waitFor({ state: 'detached', timeout: 20_000 })
    await expect.poll(() => page.getByTestId('load-generator').getByTestId('empty-load').count()).toBe(1)
    expect(consoleErrors).toEqual([])
  }, 90_000)

  it('produces one record from the Produce page to the topic picked there', async () => {
    await page.getByTestId('produce-topic').selectOption(TOPIC)
    await page.getByTestId('produce-key').fill('order-one')
    await page.getByTestId('produce-value').fill('{"one":true}')
    await page.getByTestId('produce-submit').click()
    await expect.poll(() => page.getByTestId('produce-result').first().textContent(), { timeout: 10_000 }).toMatch(new RegExp(`Written to ${TOPIC}-\\d+ at offset \\d+`))
    expect(consoleErrors).toEqual([])
  })
})
