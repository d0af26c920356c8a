// The console administers another Kafka cluster (issue "The console administers any Kafka
// cluster"): in Chromium against `brokerlab serve`, a second, separate `brokerlab cluster`
// process is added as a connection in the UI and used only through its Kafka listener. Bad
// profiles are refused naming the field; an unreachable port, an HTTP server and a wrong
// password each get their own failure; the saved password is in no answer and no log line;
// the picker switches clusters, the lab's controls are absent on the external one, and a
// cluster stopped while connected shows as disconnected and comes back by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable } from '../helpers/kcat'
import { httpServer, type Listening } from '../helpers/servers'
import { freePort } from '../helpers/ports'
import { chooseCluster, chromiumMissing, connectionTestResult, fillFields, openConsole, openFromNav, saveScreenshot, saveThemeScreenshots, suiteTitle } from './browser'
import { externalCluster, type ExternalCluster } from './externalCluster'
import type { Serve } from './serve'

const SECRET = 'not-a-real-password-7f3a9c'

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('connections'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  let external: ExternalCluster
  let http: Listening
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;[{ serve, browser, page }, external, http] = await Promise.all([openConsole({ consoleErrors, brokers: 1 }), externalCluster(1), httpServer()])
    // Data a real client made on the external cluster: a topic kcat creates by producing to it.
    const produced = await kcat(['-b', external.bootstrap, '-P', '-t', 'staging.orders', '-K', ':'], 'k1:first\nk2:second\nk3:third\n')
    expect(produced.status, produced.stderr).toBe(0)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await external?.remove()
    await http?.close()
  })

  const switchTo = (name: string) => chooseCluster(page, name)

  const open = (title: string) => openFromNav(page, title)

  const fill = (fields: Record<string, string>) => fillFields(page, fields)
  const testResult = () => connectionTestResult(page)

  it('refuses a malformed bootstrap list naming the field, and names an unreachable port and an HTTP server', async () => {
    await page.goto(`${serve.url}#/connections`)
    await page.locator('[data-testid=connection-row][data-name=local]').waitFor({ timeout: 15_000 })
    await fill({ 'connection-name': 'broken', 'connection-bootstrap': 'kafka-1:99999', 'connection-timeout': '3000' })
    await page.getByTestId('connection-test').click()
    await expect.poll(() => page.getByTestId('connection-bootstrap-error').textContent()).toContain('"kafka-1:99999" is not host:port')

    await fill({ 'connection-bootstrap': `127.0.0.1:${await freePort()}` })
    await page.getByTestId('connection-test').click()
    expect(await testResult()).toMatchObject({ ok: 'false', failure: 'unreachable' })

    await fill({ 'connection-bootstrap': http.address })
    await page.getByTestId('connection-test').click()
    const notKafka = await testResult()
    expect(notKafka).toMatchObject({ ok: 'false', failure: 'not-kafka' })
    expect(notKafka.text).toContain('HTTP server')
  })

  it('says a SASL client meeting a listener without SASL failed authentication, and keeps the password out of every answer and log', async () => {
    await fill({ 'connection-name': 'with-secret', 'connection-bootstrap': external.bootstrap })
    await page.getByTestId('connection-protocol').selectOption('SASL_PLAINTEXT')
    await fill({ 'connection-username': 'alice', 'connection-password': SECRET })
    await page.getByTestId('connection-test').click()
    expect(await testResult()).toMatchObject({ ok: 'false', failure: 'authentication' })
    await page.getByTestId('connection-save').click()
    await page.locator('[data-testid=connection-row][data-name=with-secret]').waitFor({ timeout: 10_000 })

    for (const method of ['connection:list', 'connection:status']) {
      const answer = await (await serve.api(method, {})).text()
      expect(answer).toContain('with-secret')
      expect(answer).not.toContain(SECRET)
    }
    expect(serve.output()).not.toContain(SECRET)
    await page.locator('[data-testid=connection-row][data-name=with-secret]').getByTestId('connection-delete').click()
    await page.locator('[data-testid=connection-row][data-name=with-secret]').waitFor({ state: 'detached', timeout: 10_000 })
  })

  it('adds the other cluster, switches to it in the picker and shows its topic, without the lab’s controls', async () => {
    await page.getByTestId('connection-protocol').selectOption('PLAINTEXT')
    await fill({ 'connection-name': 'staging', 'connection-bootstrap': external.bootstrap, 'connection-timeout': '3000' })
    await page.getByTestId('connection-test').click()
    const reached = await testResult()
    expect(reached.ok, reached.text).toBe('true')
    await page.getByTestId('connection-save').click()
    await page.locator('[data-testid=connection-row][data-name=staging]').waitFor({ timeout: 10_000 })
    await saveThemeScreenshots(page, 'connections')

    // Choosing a cluster reloads the page, so no view keeps the other cluster's data.
    await switchTo('staging')
    await open('Topics')
    await page.locator('[data-testid=topic-list-row][data-topic="staging.orders"]').waitFor({ timeout: 15_000 })
    await page.getByTestId('lab-absent').waitFor({ timeout: 10_000 })
    await saveScreenshot(page, 'connections-external-topics')

    await open('Brokers')
    await page.locator('[data-testid=broker-control]').first().waitFor({ timeout: 10_000 })
    expect(await page.locator('[data-testid=broker-crash]').count()).toBe(0)
    expect(await page.getByTestId('link-faults').count()).toBe(0)
  })

  it('derives messages in per second from end offsets, and a timeline of what changed between polls', async () => {
    // kcat creates a topic on the other cluster; the console sees it appear between two polls.
    const created = await kcat(['-b', external.bootstrap, '-P', '-t', 'staging.payments'], 'p1\n')
    expect(created.status, created.stderr).toBe(0)
    await page.goto(`${serve.url}#/`)
    await expect.poll(() => page.getByTestId('event-timeline').textContent(), { timeout: 20_000 }).toContain('Topic staging.payments created')

    await page.goto(`${serve.url}#/topics`)
    const rate = page.locator('[data-testid=topic-list-row][data-topic="staging.payments"] [data-testid=topic-in-rate]')
    let writing = true
    const writer = (async () => {
      while (writing) {
        await kcat(['-b', external.bootstrap, '-P', '-t', 'staging.payments'], Array.from({ length: 50 }, (_, i) => `p${i}`).join('\n') + '\n')
        await new Promise((r) => setTimeout(r, 200))
      }
    })()
    try {
      await expect.poll(async () => Number.parseFloat((await rate.textContent()) ?? ''), { timeout: 20_000 }).toBeGreaterThan(0)
    } finally {
      writing = false
      await writer
    }
  }, 60_000)

  it('produces to the other cluster from the UI, which kcat reads there', async () => {
    await serve.call('message:produce', { topic: 'staging.orders', key: 'k4', value: 'from the console' }, 'staging')
    const read = await kcat(['-b', external.bootstrap, '-C', '-t', 'staging.orders', '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n'])
    expect(read.stdout.split('\n').filter(Boolean).sort()).toEqual(['k1=first', 'k2=second', 'k3=third', 'k4=from the console'])
  })

  it('shows the other cluster disconnected while it is stopped, and recovers by itself when it is back', async () => {
    await page.goto(`${serve.url}#/topics`)
    await page.locator('[data-testid=topic-list-row][data-topic="staging.orders"]').waitFor({ timeout: 15_000 })
    await external.stop()
    await page.getByTestId('view-error').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.locator('label.picker').getAttribute('data-state'), { timeout: 20_000 }).toBe('disconnected')
    await external.start()
    await page.getByTestId('view-error').waitFor({ state: 'detached', timeout: 30_000 })
    await expect.poll(() => page.locator('label.picker').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected')
    await page.locator('[data-testid=topic-list-row][data-topic="staging.orders"]').waitFor({ timeout: 15_000 })

    await switchTo('local')
    await open('Brokers')
    await page.locator('[data-testid=broker-crash]').first().waitFor({ timeout: 15_000 })
    expect(consoleErrors).toEqual([])
  }, 90_000)
})
