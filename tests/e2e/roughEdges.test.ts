// Rough edges of the console as operators meet them (issue "The console as operators use
// it"), in Chromium against `brokerlab serve --config delete.topic.enable=false`: a crash that
// would take a partition offline asks first and names it; a crashed broker's log size shows
// as last reported, marked stale; after lowering retention the page says when the next
// retention pass runs and runs it on request; Delete is disabled, saying why, where
// delete.topic.enable=false; and a console that loses its server marks the page stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable } from '../helpers/kcat'
import { chromiumMissing, openConsole, saveScreenshot, suiteTitle } from './browser'
import type { Serve } from './serve'

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('rough edges'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  const api = <T>(method: string, request: object) => serve.call<T>(method, request)

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, serveArgs: ['--config', 'delete.topic.enable=false', '--config', 'broker.session.timeout.ms=1500', '--config', 'broker.heartbeat.interval.ms=200'] }))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('asks before a crash that takes a partition offline, naming it, and then shows the last log size as stale', async () => {
    // One replica per partition: each broker alone holds one of them.
    await api('topic:create', { name: 'single', partitions: 3, replicationFactor: 1 })
    const onBroker2 = (await api<{ partitions: Array<{ partition: number; replicas: number[] }> }>('topic:describe', { name: 'single' })).partitions.find((p) => p.replicas[0] === 2)!
    // Into broker 2's partition by name: librdkafka's sticky partitioner may put keyless records all in another.
    const written = await kcat(['-b', serve.bootstrap, '-P', '-t', 'single', '-p', String(onBroker2.partition)], Array.from({ length: 30 }, (_, i) => `r${i}`).join('\n') + '\n')
    expect(written.status, written.stderr).toBe(0)
    await page.goto(`${serve.url}#/brokers`)
    const card = page.locator('[data-testid=broker-control][data-broker-id="2"]')
    await card.getByTestId('broker-crash').click()
    await card.getByTestId('fault-confirm').waitFor({ timeout: 10_000 })
    expect(await card.locator('[data-testid=fault-impact][data-effect=offline]').allTextContents()).toEqual([expect.stringContaining(`single-${onBroker2.partition}: goes offline`)])
    await card.getByTestId('fault-confirm-cancel').click()
    expect(await card.locator('[data-testid=broker-card]').getAttribute('data-status')).toBe('running')
    // Its size while running, then the crash anyway.
    await expect.poll(async () => (await api<{ brokers: Array<{ id: number; bytes: number }> }>('cluster:snapshot', {})).brokers.find((b) => b.id === 2)!.bytes, { timeout: 10_000 }).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 2500)) // one snapshot poll, so the console has seen that size
    await card.getByTestId('broker-crash').click()
    await card.getByTestId('fault-confirm-go').click()
    await card.locator('[data-testid=broker-card][data-status=crashed]').waitFor({ timeout: 10_000 })
    await expect.poll(() => card.getByTestId('broker-size-stale').textContent()).toMatch(/\d+(\.\d+)? (B|kB|KB|KiB) as of/)
    await api('broker:restart', { brokerId: 2 })
  }, 60_000)

  it('says when the next retention pass runs after lowering retention.ms, and runs it on request', async () => {
    await api('topic:create', { name: 'short-lived', partitions: 1, replicationFactor: 1, configs: { 'segment.bytes': '1024' } })
    for (let i = 0; i < 24; i++) await api('message:produce', { topic: 'short-lived', partition: 0, value: `event ${i} `.padEnd(120, '.') })
    await page.goto(`${serve.url}#/config`)
    await page.locator('option[value="topic:short-lived"]').waitFor({ state: 'attached', timeout: 10_000 })
    await page.getByTestId('config-scope').selectOption('topic:short-lived')
    const retention = page.locator('[data-testid=config-row][data-config="retention.ms"]').getByTestId('config-input')
    await retention.fill('1000')
    await page.locator('[data-testid=pending-status][data-state=valid]').waitFor({ timeout: 5000 })
    await page.getByTestId('config-apply').click()
    await expect.poll(() => page.getByTestId('retention-check').textContent(), { timeout: 10_000 }).toMatch(/every 5 min.*log\.retention\.check\.interval\.ms.*the next in about/)
    await new Promise((r) => setTimeout(r, 1100)) // older than retention.ms=1000
    await page.getByTestId('retention-check-now').click()
    await expect.poll(() => page.getByTestId('retention-check-result').textContent()).toMatch(/Retention ran on 3 brokers: [1-9]\d* segments? deleted/)
    const start = (await api<{ partitions: Array<{ logStartOffset: number }> }>('topic:describe', { name: 'short-lived' })).partitions[0].logStartOffset
    expect(start).toBeGreaterThan(0)
    await saveScreenshot(page, 'configuration-retention-check')
  }, 40_000)

  it('disables Delete where delete.topic.enable=false, saying why', async () => {
    await page.goto(`${serve.url}#/topics/single`)
    await page.getByTestId('deletion-disabled').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('delete-topic').isDisabled()).toBe(true)
    expect(await page.getByTestId('delete-topic').getAttribute('title')).toContain('delete.topic.enable=false')
  })

  it('marks the page stale when the console loses its server', async () => {
    await page.goto(`${serve.url}#/topics`)
    await page.locator('[data-testid=topic-list-row][data-topic=single]').waitFor({ timeout: 10_000 })
    expect(consoleErrors).toEqual([])
    await serve.stop()
    await page.getByTestId('stale-banner').waitFor({ timeout: 10_000 })
    expect(await page.locator('main.content').getAttribute('data-stale')).toBe('true')
  })
})
