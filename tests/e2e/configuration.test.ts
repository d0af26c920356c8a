// The Configuration page in a real browser: Debian's Chromium driven by playwright-core against
// the real `brokerlab serve --memory --brokers 3`, checked with kafkajs over the Kafka listeners.
// An invalid retention.ms is refused inline by the cluster (validateOnly) and nothing changes;
// a valid one applies and kafkajs describes it; a low retention.ms deletes segments and moves
// the log start offset; at the cluster-wide level a static config says why it cannot change
// and reverting an override removes it.
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TopicDescription } from '../../preload/contract'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, saveThemeScreenshots, suiteTitle } from './browser'

/** Retention runs every 200 ms here instead of Kafka's 5 minutes, so deleted segments show at once. */
const FAST_RETENTION = ['--config', 'log.retention.check.interval.ms=200']

describe.skipIf(chromiumMissing)(suiteTitle('configuration page'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  let admin: Admin
  const consoleErrors: string[] = []
  const row = (name: string) => page.locator(`[data-testid=config-table] [data-testid=config-row][data-config="${name}"]`)
  const pendingRow = (name: string) => page.locator(`[data-testid=pending-row][data-config="${name}"]`)
  const status = (state: string) => page.locator(`[data-testid=pending-status][data-state=${state}]`)

  async function api<T = unknown>(method: string, request: object): Promise<T> {
    const response = await serve.api(method, request)
    const body = await response.text()
    expect(response.status, `${method}: ${body}`).toBe(200)
    return (JSON.parse(body) as { result: T }).result
  }

  async function topicConfig(topic: string, name: string) {
    const described = await admin.describeConfigs({ resources: [{ type: 2, name: topic, configNames: [name] }], includeSynonyms: false })
    return described.resources[0]!.configEntries.find((e) => e.configName === name)
  }

  async function selectScope(key: string): Promise<void> {
    await page.getByTestId('config-scope').selectOption(key)
    await page.locator(`[data-testid=configuration-view][data-scope="${key}"]`).waitFor({ timeout: 5000 })
    await page.locator('[data-testid=config-table] [data-testid=config-row]').first().waitFor({ timeout: 5000 })
  }

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, serveArgs: FAST_RETENTION }))
    await api('topic:create', { name: 'orders', partitions: 3, replicationFactor: 3, configs: { 'retention.ms': '86400000' } })
    admin = new Kafka({ clientId: 'e2e-config', brokers: serve.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } }).admin()
    await admin.connect()
  }, 120_000)

  afterAll(async () => {
    await admin?.disconnect()
    await browser?.close()
    await serve?.stop()
  })

  it('refuses an invalid retention.ms inline and applies nothing; applies a valid one that kafkajs describes', async () => {
    // From the topic's detail: its configs' Edit link opens this page on the topic.
    await page.goto(`${serve.url}#/topics/orders`)
    await page.locator('[data-testid=connection-status][data-state=open]').waitFor({ timeout: 10_000 })
    await page.getByTestId('topic-configs-edit').click({ timeout: 15_000 })
    await page.locator('[data-testid=configuration-view][data-scope="topic:orders"]').waitFor({ timeout: 5000 })
    await expect(page.getByTestId('config-scope').inputValue()).resolves.toBe('topic:orders')
    const input = row('retention.ms').getByTestId('config-input')
    await expect(input.inputValue()).resolves.toBe('86400000')
    await expect(row('retention.ms').getByTestId('config-unit-hint').textContent()).resolves.toBe('1 d')

    // The cluster is the judge: validateOnly answers with Kafka's message, shown on the row.
    await input.fill('-5')
    await expect(row('retention.ms').getByTestId('config-input-error').textContent({ timeout: 5000 })).resolves.toMatch(/^Invalid value -5 for configuration retention\.ms/)
    await status('invalid').waitFor()
    await expect(page.getByTestId('config-apply').isDisabled()).resolves.toBe(true)
    // A type check needs no round trip.
    await input.fill('abc')
    await expect(row('retention.ms').getByTestId('config-input-error').textContent()).resolves.toBe('retention.ms takes a whole number (LONG)')
    await expect(page.getByTestId('config-apply').isDisabled()).resolves.toBe(true)
    await expect(topicConfig('orders', 'retention.ms')).resolves.toMatchObject({ configValue: '86400000', configSource: 1 })

    await input.fill('3600000')
    await status('valid').waitFor({ timeout: 5000 })
    await expect(row('retention.ms').getByTestId('config-input-error').count()).resolves.toBe(0)
    await expect(row('retention.ms').getByTestId('config-unit-hint').textContent()).resolves.toBe('1 h')
    await expect(pendingRow('retention.ms').getByTestId('pending-diff').textContent()).resolves.toBe('86400000 → 3600000')
    // Still nothing applied: validateOnly changes nothing.
    await expect(topicConfig('orders', 'retention.ms')).resolves.toMatchObject({ configValue: '86400000' })

    await page.getByTestId('config-apply').click()
    await page.getByTestId('config-applied').waitFor({ timeout: 5000 })
    await page.getByTestId('pending-empty').waitFor()
    await expect(row('retention.ms').getByTestId('config-input').inputValue()).resolves.toBe('3600000')
    await expect(topicConfig('orders', 'retention.ms')).resolves.toMatchObject({ configValue: '3600000', configSource: 1, isDefault: false })
  }, 40_000)

  it('offers a closed set of values as a choice: compression.type', async () => {
    const choice = row('compression.type').getByTestId('config-input')
    await expect(choice.locator('option').allTextContents()).resolves.toEqual(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'])
    await expect(choice.inputValue()).resolves.toBe('producer')
    await choice.selectOption('zstd')
    await status('valid').waitFor({ timeout: 5000 })
    await expect(pendingRow('compression.type').getByTestId('pending-diff').textContent()).resolves.toBe('producer → zstd')
    await page.getByTestId('config-apply').click()
    await page.getByTestId('pending-empty').waitFor({ timeout: 5000 })
    await expect(topicConfig('orders', 'compression.type')).resolves.toMatchObject({ configValue: 'zstd', configSource: 1 })
  }, 30_000)

  it('lowers retention.ms on a topic with small segments: segments go and the log start offset moves', async () => {
    await api('topic:create', { name: 'clicks', partitions: 1, replicationFactor: 1, configs: { 'segment.bytes': '1024' } })
    for (let i = 0; i < 24; i++) await api('message:produce', { topic: 'clicks', partition: 0, key: `k${i}`, value: `click ${i} `.padEnd(120, '.') })
    const logStart = async () => (await api<TopicDescription>('topic:describe', { name: 'clicks' })).partitions[0]?.logStartOffset
    await expect(logStart()).resolves.toBe(0)

    await page.locator('option[value="topic:clicks"]').waitFor({ state: 'attached', timeout: 5000 })
    await selectScope('topic:clicks')
    await expect(row('segment.bytes').getByTestId('config-input').inputValue()).resolves.toBe('1024')
    await row('retention.ms').getByTestId('config-input').fill('1000')
    await status('valid').waitFor({ timeout: 5000 })
    await page.getByTestId('config-apply').click()
    await page.getByTestId('config-applied').waitFor({ timeout: 5000 })
    // Records older than a second: every closed segment goes at the next retention check.
    await expect.poll(logStart, { timeout: 10_000, interval: 200 }).toBeGreaterThan(0)
  }, 40_000)

  it('at the cluster-wide level shows why a static config cannot change, and reverts an override to its default', async () => {
    await api('config:alter', { broker: '', configs: { 'log.retention.bytes': '1073741824' } })
    await selectScope('cluster')
    const staticRow = row('log.retention.check.interval.ms')
    await expect(staticRow.getByTestId('config-readonly-reason').textContent()).resolves.toMatch(/^Cannot update these configs dynamically/)
    await expect(staticRow.getByTestId('config-input').count()).resolves.toBe(0)
    await expect(row('ssl.keystore.password').getByTestId('config-readonly-reason').textContent()).resolves.toMatch(/^Cannot update these configs at default cluster level/)

    const override = row('log.retention.bytes')
    await expect(override.getAttribute('data-source')).resolves.toBe('3')
    await override.getByTestId('config-revert').click()
    await expect(pendingRow('log.retention.bytes').getByTestId('pending-diff').textContent()).resolves.toBe('1073741824 → remove override → inherits -1 (default)')
    await status('valid').waitFor({ timeout: 5000 })
    await page.getByTestId('config-apply').click()
    await page.getByTestId('config-applied').waitFor({ timeout: 5000 })
    await expect.poll(() => override.getAttribute('data-source')).toBe('5')
    await expect(override.getByTestId('config-revert').count()).resolves.toBe(0)
    const setAtCluster = await api<Array<{ name: string }>>('config:describeBroker', { brokerId: '' })
    expect(setAtCluster.map((c) => c.name)).not.toContain('log.retention.bytes')
  }, 30_000)

  it('takes screenshots in light and dark with a pending change', async () => {
    await selectScope('topic:orders')
    await page.getByTestId('config-overrides').check({ force: true })
    await row('retention.ms').getByTestId('config-revert').click()
    await page.getByTestId('config-filter').fill('')
    await page.getByTestId('config-overrides').uncheck({ force: true })
    await row('segment.bytes').getByTestId('config-input').fill('-3')
    await row('segment.bytes').getByTestId('config-input-error').waitFor({ timeout: 5000 })
    await saveThemeScreenshots(page, 'configuration', { fullPage: false })
    await page.getByTestId('config-discard').click()
    await page.getByTestId('pending-empty').waitFor()
    expect(consoleErrors).toEqual([])
  }, 30_000)

  it('stops cleanly on SIGINT', async () => {
    await admin.disconnect()
    await browser.close()
    expect(await serve.stop()).toBe(0)
  }, 60_000)
})
