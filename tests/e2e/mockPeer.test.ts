// librdkafka's mock cluster as an external connection (issue "The console administers any
// Kafka cluster"): in Chromium against `brokerlab serve`, the mock (../shared/peers, built here
// into a temporary directory) is added in the UI and chosen in the header's picker. It serves
// only old versions of Metadata and Fetch and no CreateTopics, DescribeConfigs or ListGroups:
// the console shows the topics kcat made it auto-create, with partitions and leaders, reads
// their records, says once which APIs the mock lacks, and the pages that need those say so in
// a single sentence instead of an error per call.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable } from '../helpers/kcat'
import { buildMockPeer, startMockPeer, type MockPeer } from '../helpers/mockPeer'
import { chooseCluster, chromiumMissing, openConsole, openFromNav, openTopicMessages, saveScreenshot, suiteTitle } from './browser'
import type { Serve } from './serve'

const TOPIC = 'mock.orders'
const RECORDS = ['k1:first', 'k2:second', 'k3:third', 'k4:fourth']

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('librdkafka mock cluster as a connection'), () => {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-mockpeer-e2e-'))
  /** Why the suite cannot run here (the peer did not build), or null. */
  let unavailable: string | null = null
  let peer: MockPeer | undefined
  let serve: Serve | undefined
  let browser: Browser | undefined
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    const built = buildMockPeer(join(dir, 'mockpeer'))
    if ('unavailable' in built) {
      unavailable = built.unavailable
      return
    }
    peer = await startMockPeer(built.binary, 3)
    // The mock auto-creates a topic of 4 partitions when kcat produces to it.
    const produced = await kcat(['-b', peer.bootstrap, '-P', '-t', TOPIC, '-K', ':'], `${RECORDS.join('\n')}\n`)
    expect(produced.status, produced.stderr).toBe(0)
    ;({ serve, browser, page } = await openConsole({ consoleErrors, brokers: 1 }))
  }, 360_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await peer?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('adds the mock in the UI, switches to it, and shows its auto-created topic with partitions and leaders', async ({ skip }) => {
    skip(unavailable !== null, unavailable ?? '')
    await page.goto(`${serve!.url}#/connections`)
    await page.locator('[data-testid=connection-row][data-name=local]').waitFor({ timeout: 15_000 })
    await page.getByTestId('connection-name').fill('mock')
    await page.getByTestId('connection-bootstrap').fill(peer!.bootstrap)
    await page.getByTestId('connection-timeout').fill('3000')
    await page.getByTestId('connection-test').click()
    const result = page.getByTestId('connection-test-result')
    await result.waitFor({ timeout: 20_000 })
    expect(await result.getAttribute('data-ok'), (await result.textContent()) ?? '').toBe('true')
    await page.getByTestId('connection-save').click()
    await page.locator('[data-testid=connection-row][data-name=mock]').waitFor({ timeout: 10_000 })

    await chooseCluster(page, 'mock')
    await openFromNav(page, 'Topics')
    const row = page.locator(`[data-testid=topic-list-row][data-topic="${TOPIC}"]`)
    await row.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await saveScreenshot(page, 'mock-peer-topics-missing')
      console.log(serve!.output().slice(-3000), await page.evaluate('document.body.innerText'))
      throw err
    })
    await expect.poll(() => row.textContent()).toMatch(/mock\.orders\s*4\s*3/)

    await row.click()
    await expect.poll(() => page.getByTestId('partition-row').count(), { timeout: 15_000 }).toBe(4)
    const leaders = await page.getByTestId('partition-leader').allTextContents()
    expect(leaders.every((l) => ['1', '2', '3'].includes(l.trim())), leaders.join(',')).toBe(true)
    expect(await page.getByTestId('partition-isr').first().textContent()).toBe('1, 2, 3')
    expect(await page.getByTestId('view-error').count()).toBe(0)
  }, 90_000)

  it('says once, in Kafka’s API names, what the mock does not serve', async ({ skip }) => {
    skip(unavailable !== null, unavailable ?? '')
    const notes = page.getByTestId('unsupported-apis')
    await notes.waitFor({ timeout: 10_000 })
    expect(await notes.count()).toBe(1)
    const text = (await notes.textContent()) ?? ''
    for (const api of ['DescribeConfigs', 'CreateTopics', 'ListGroups', 'DescribeGroups', 'DeleteTopics', 'DescribeLogDirs']) expect(text).toContain(api)
    // What the console reads in the mock's older versions is not listed as missing.
    for (const api of ['Metadata', 'Fetch', 'ListOffsets']) expect(text).not.toMatch(new RegExp(`\\b${api} \\(`))
  })

  it('shows one plain sentence on the pages whose APIs the mock lacks, not an error', async ({ skip }) => {
    skip(unavailable !== null, unavailable ?? '')
    const pages: Array<[string, string, string]> = [
      ['groups', 'group:list', 'ListGroups'],
      ['config', 'config:describeBroker', 'DescribeConfigs'],
      ['produce', 'message:produce', 'ApiVersions'],
    ]
    for (const [route, method, api] of pages) {
      await page.goto(`${serve!.url}#/${route}`)
      const notice = page.locator(`[data-testid=api-unsupported][data-method="${method}"]`)
      await notice.waitFor({ timeout: 10_000 })
      expect(await page.getByTestId('api-unsupported').count(), route).toBe(1)
      expect(await notice.getAttribute('data-apis')).toContain(api)
      expect(await notice.textContent()).toContain(`This cluster does not serve ${api}`)
      expect(await page.getByTestId('view-error').count(), route).toBe(0)
      expect(await page.locator('[role=alert]').count(), route).toBe(0)
      if (route === 'groups') await saveScreenshot(page, 'mock-peer-groups')
    }

    await page.goto(`${serve!.url}#/topics`)
    await page.locator(`[data-testid=topic-list-row][data-topic="${TOPIC}"]`).waitFor({ timeout: 15_000 })
    await page.getByTestId('create-topic').click()
    const dialog = page.getByTestId('create-topic-dialog')
    await dialog.locator('[data-testid=api-unsupported][data-apis~=CreateTopics]').waitFor({ timeout: 10_000 })
    expect(await dialog.getByTestId('topic-name').count()).toBe(0)
    expect(await dialog.getByTestId('create-topic-submit').isDisabled()).toBe(true)
    await saveScreenshot(page, 'mock-peer-create-topic')
  })

  it('reads in the message browser what kcat wrote to the mock', async ({ skip }) => {
    skip(unavailable !== null, unavailable ?? '')
    await openTopicMessages(page, serve!, TOPIC)
    await expect
      .poll(() => page.getByTestId('record-row').count(), { timeout: 15_000 })
      .toBe(RECORDS.length)
      .catch(async (err: Error) => {
        await saveScreenshot(page, 'mock-peer-messages-missing')
        throw err
      })
    const keys = await page.getByTestId('record-key').allTextContents()
    const values = await page.getByTestId('record-value').allTextContents()
    expect(keys.map((k, i) => `${k}:${values[i]}`).sort()).toEqual([...RECORDS].sort())
    expect(await page.getByTestId('view-error').count()).toBe(0)
    await saveScreenshot(page, 'mock-peer-messages')
    expect(consoleErrors).toEqual([])
  })
})
