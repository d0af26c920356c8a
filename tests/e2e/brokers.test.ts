// The Brokers page in a real browser: Debian's Chromium driven by playwright-core against the
// real `brokerlab serve --memory --brokers 3`. Crashing and restarting a broker through its
// card, and cutting and healing a link through the faults panel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, suiteTitle, saveScreenshot, timelineLines } from './browser'
import { injectBrokerDeath } from '../helpers/socket'

/** A crashed broker is fenced once its session times out: 1.5 s here instead of Kafka's 9 s. */
const FAST_FENCING = ['--config', 'broker.session.timeout.ms=1500', '--config', 'broker.heartbeat.interval.ms=200']

describe.skipIf(chromiumMissing)(suiteTitle('brokers page'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  const card = (id: number) => page.locator(`[data-testid=broker-control][data-broker-id="${id}"]`)
  /** The broker's state as its card shows it, e.g. '[data-status=crashed]'. */
  const state = (id: number, attributes: string) => card(id).locator(`[data-testid=broker-card]${attributes}`)
  /** Waits for the card to show that state; if it never does, says what the card, the host's snapshot and the serve's log show instead. */
  async function reaches(id: number, attributes: string, timeout: number): Promise<void> {
    try {
      await state(id, attributes).waitFor({ timeout })
    } catch (err) {
      const shown = await card(id).innerText().catch((e: Error) => e.message)
      const snapshot = await serve.call<{ brokers: unknown[] }>('cluster:snapshot', {}).then((s) => JSON.stringify(s.brokers), (e: Error) => e.message)
      throw new Error(`Broker ${id} never showed ${attributes} in ${timeout} ms. Its card:\n${shown}\nThe host's brokers: ${snapshot}\nThe serve's output ends:\n${serve.output().slice(-4000)}`, { cause: err })
    }
  }

  beforeAll(async () => {
    // `brokerlab serve` inherits it: a test can make a broker's thread throw (main/cluster/net/testHooks.ts).
    process.env.BROKERLAB_TEST_HOOKS = '1'
    ;({ serve, browser, page } = await openConsole({ consoleErrors, serveArgs: FAST_FENCING }))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('lists three running brokers with their addresses and the first one’s configs', async () => {
    // A topic, so that the brokers lead and follow partitions.
    await serve.call('topic:create', { name: 'orders', partitions: 6, replicationFactor: 3 })
    await page.goto(`${serve.url}#/brokers`)
    await page.locator('[data-testid=connection-status][data-state=open]').waitFor({ timeout: 10_000 })
    await page.locator('[data-testid=broker-card][data-status=running][data-fenced=false]').nth(2).waitFor({ timeout: 15_000 })
    await expect(page.getByTestId('broker-address').allTextContents()).resolves.toEqual(serve.bootstrap.split(','))
    await expect(card(1).getByTestId('broker-restart').isDisabled()).resolves.toBe(true)
    await expect(card(1).getByTestId('broker-stop').isEnabled()).resolves.toBe(true)

    const configs = page.locator('[data-testid=broker-configs][data-broker-id="1"]')
    await configs.locator('[data-testid=config-row][data-config="broker.session.timeout.ms"]').waitFor({ timeout: 5000 })
    await configs.getByTestId('config-filter').fill('session.timeout')
    await configs.getByTestId('config-overrides').check({ force: true })
    await expect(configs.getByTestId('config-row').allTextContents()).resolves.toEqual([expect.stringMatching(/^broker\.session\.timeout\.ms\s*1500\s*static/)])
    await configs.getByTestId('config-filter').fill('')
  }, 40_000)

  it('crashes broker 2, which the controller fences, and restarts it', async () => {
    await card(2).getByTestId('broker-crash').click()
    await state(2, '[data-status=crashed]').waitFor({ timeout: 5000 })
    await expect(card(2).getByTestId('broker-crash').isDisabled()).resolves.toBe(true)
    await state(2, '[data-fenced=true]').waitFor({ timeout: 8000 })

    await card(2).getByTestId('broker-restart').click()
    await reaches(2, '[data-status=running][data-fenced=false]', 15_000)
    await expect(card(2).getByTestId('broker-action-error').count()).resolves.toBe(0)
  }, 40_000)

  it('shows a broker whose thread died unasked as died, with its error, apart from a crash, and restarts it', async () => {
    await injectBrokerDeath(serve.bootstrap, 2, 'an injected bug')
    await state(3, '[data-status=died]').waitFor({ timeout: 5000 })
    await expect(card(3).getByTestId('broker-death').textContent()).resolves.toMatch(/^Died at .+: InjectedFault: an injected bug$/)
    await expect(card(2).getByTestId('broker-death').count()).resolves.toBe(0)
    await expect(card(3).getByTestId('broker-restart').isEnabled()).resolves.toBe(true)
    await expect(card(3).getByTestId('broker-crash').isDisabled()).resolves.toBe(true)
    await saveScreenshot(page, 'brokers-died')

    await page.goto(serve.url)
    await page.locator('[data-testid=broker-card][data-broker-id="3"][data-status=died]').waitFor({ timeout: 5000 })
    const lines = await timelineLines(page, 'brokers', '3')
    expect(lines).toContainEqual(expect.stringMatching(/^broker-died Broker 3 died.*InjectedFault: an injected bug/))
    expect(lines.filter((line) => line.startsWith('broker-crashed'))).toEqual([])
    // Broker 2 was crashed by the operator earlier: the two read differently.
    expect(await timelineLines(page, 'brokers', '2')).toContainEqual(expect.stringMatching(/^broker-crashed Broker 2 crashed/))

    await page.goto(`${serve.url}#/brokers`)
    await card(3).getByTestId('broker-restart').click()
    await reaches(3, '[data-status=running][data-fenced=false]', 15_000)
    await expect(card(3).getByTestId('broker-death').textContent()).resolves.toMatch(/^Restarted after it died at .+: InjectedFault: an injected bug$/)
  }, 40_000)

  it('shows a failed fault call inline, cuts the link 1 ↔ 3 and heals it', async () => {
    const faults = page.getByTestId('link-faults')
    await faults.getByTestId('fault-a').selectOption('1')
    await faults.getByTestId('fault-b').selectOption('3')
    await faults.getByTestId('fault-mode-slow').check()
    await faults.getByTestId('fault-delay').fill('0')
    await faults.getByTestId('fault-apply').click()
    await faults.getByTestId('fault-error').waitFor({ timeout: 5000 })

    await faults.getByTestId('fault-mode-cut').check()
    await faults.getByTestId('fault-apply').click()
    await faults.locator('[data-testid=fault-row][data-link="1-3"][data-mode=cut]').waitFor({ timeout: 5000 })
    await expect(faults.getByTestId('fault-error').count()).resolves.toBe(0)
    await saveScreenshot(page, 'brokers')

    await faults.getByTestId('fault-heal-all').click()
    await faults.getByTestId('faults-empty').waitFor({ timeout: 5000 })
  }, 30_000)

  it('follows the dark color scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await page.getByTestId('link-faults').getByTestId('fault-apply').click()
    await page.locator('[data-testid=fault-row][data-link="1-3"]').waitFor({ timeout: 5000 })
    await card(3).getByTestId('broker-pause').click()
    await state(3, '[data-status=paused]').waitFor({ timeout: 5000 })
    await expect(card(3).getByTestId('broker-resume').isEnabled()).resolves.toBe(true)
    await saveScreenshot(page, 'brokers-dark')
    await card(3).getByTestId('broker-resume').click()
    await state(3, '[data-status=running]').waitFor({ timeout: 5000 })
    await page.getByTestId('fault-heal').click()
    await page.getByTestId('faults-empty').waitFor({ timeout: 5000 })
    // A failed call answers in the page, not on the console: nothing else may be logged there.
    expect(consoleErrors).toEqual([])
  }, 30_000)

  it('stops cleanly on SIGINT', async () => {
    await browser.close()
    expect(await serve.stop()).toBe(0)
  }, 60_000)
})
