// The fault acceptance in Chromium against the real `brokerlab serve --brokers 3`: crash a
// leader on the Brokers page and watch the topic's replica matrix elect new leaders and drop
// the broker from the ISRs within a few session timeouts, the Overview's timeline show the
// fencing and the elections, and a restart bring it back into every ISR. Then cut the link
// between a follower and its leader: the follower falls out of that partition's ISR (the
// matrix shows it lagging, the timeline the shrink) and rejoins once the link is healed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, saveThemeScreenshots, suiteTitle, timelineLines } from './browser'

const TOPIC = 'inventory'
const SESSION_TIMEOUT_MS = 1500
const LAG_TIME_MS = 1500
const FAST_FAILURE_DETECTION = [
  ...['--config', `broker.session.timeout.ms=${SESSION_TIMEOUT_MS}`],
  ...['--config', 'broker.heartbeat.interval.ms=200'],
  ...['--config', `replica.lag.time.max.ms=${LAG_TIME_MS}`],
]
/** After the controller acts, the console sees it within one snapshot (on the event, or the 2 s poll at worst). */
const CONSOLE_DELAY_MS = 2500

type Matrix = Array<Record<string, string>>

describe.skipIf(chromiumMissing)(suiteTitle('faults'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  let victim = 0

  /** Each partition's row of the replica matrix: broker id -> leader, in-sync, lagging, offline or none. */
  const matrix = (): Promise<Matrix> =>
    page
      .getByTestId('matrix-row')
      .evaluateAll((rows) => rows.map((row) => Object.fromEntries([...row.querySelectorAll('[data-testid=replica-cell]')].map((c) => [c.getAttribute('data-broker'), c.getAttribute('data-state')]))))
  /** Each partition's ISR as the partition table lists it. */
  const isrs = () => page.getByTestId('partition-row').evaluateAll((rows) => rows.map((row) => row.querySelectorAll('td')[3].textContent!.split(', ').map(Number)))
  const leaderOf = (row: Record<string, string>) => Number(Object.keys(row).find((id) => row[id] === 'leader'))
  const openTopic = async () => {
    await page.goto(`${serve.url}#/topics/${TOPIC}`)
    await page.getByTestId('replica-matrix').waitFor()
  }
  const brokerAction = async (id: number, action: string) => {
    await page.goto(`${serve.url}#/brokers`)
    await page.locator(`[data-testid=broker-control][data-broker-id="${id}"]`).getByTestId(`broker-${action}`).click()
  }
  /** The Overview's timeline narrowed to one kind and a text; the event types it then lists. */
  const timelineTypes = (kind: string, text: string) => timelineLines(page, kind, text)

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, serveArgs: FAST_FAILURE_DETECTION }))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('crashing a leader on the Brokers page elects new leaders and shrinks the ISRs in the matrix', async () => {
    await serve.call('topic:create', { name: TOPIC, partitions: 3, replicationFactor: 3 })
    await openTopic()
    await expect.poll(async () => (await matrix()).map(leaderOf).filter((id) => id > 0).length, { timeout: 10_000 }).toBe(3)
    const before = await matrix()
    victim = leaderOf(before[0])
    const led = before.filter((row) => leaderOf(row) === victim).length

    await brokerAction(victim, 'crash')
    const crashedAt = Date.now()
    await page.locator(`[data-testid=broker-control][data-broker-id="${victim}"] [data-testid=broker-card][data-status=crashed]`).waitFor({ timeout: 5000 })
    await openTopic()
    // Every partition led again, none by the crashed broker, whose replicas are all offline.
    await expect
      .poll(async () => (await matrix()).every((row) => leaderOf(row) > 0 && leaderOf(row) !== victim && row[victim] === 'offline'), { timeout: SESSION_TIMEOUT_MS + CONSOLE_DELAY_MS })
      .toBe(true)
    await expect.poll(async () => (await isrs()).every((isr) => isr.length === 2 && !isr.includes(victim)), { timeout: CONSOLE_DELAY_MS }).toBe(true)
    console.log(`new leaders and shrunk ISRs shown ${Date.now() - crashedAt} ms after the crash (session timeout ${SESSION_TIMEOUT_MS} ms)`)
    // The topic's summary follows the same snapshots as the matrix, a refresh later at most.
    await expect.poll(() => page.getByTestId('topic-detail').getByText('3 under-replicated').count(), { timeout: CONSOLE_DELAY_MS }).toBe(1)
    await saveThemeScreenshots(page, 'faults', { fullPage: false })

    await page.goto(serve.url)
    const fencing = await timelineTypes('brokers', String(victim))
    expect(fencing).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^broker-crashed Broker ${victim} crashed`)), expect.stringMatching(new RegExp(`^broker-fenced Broker ${victim} fenced`))]))
    const elections = await timelineTypes('elections', String(victim))
    expect(elections.filter((line) => line.startsWith('leader-elected') && line.includes(`was ${victim}`)).length).toBe(led)
  }, 60_000)

  it('restarting it in the UI brings it back into every ISR', async () => {
    await brokerAction(victim, 'restart')
    await openTopic()
    await expect.poll(async () => (await matrix()).every((row) => ['leader', 'in-sync'].includes(row[victim])), { timeout: 20_000 }).toBe(true)
    await expect.poll(async () => (await isrs()).every((isr) => isr.length === 3), { timeout: CONSOLE_DELAY_MS }).toBe(true)
  }, 40_000)

  it('cutting a follower off its leader drops it from that ISR, and healing the link brings it back', async () => {
    const row = (await matrix())[0]
    const leader = leaderOf(row)
    const follower = Number(Object.keys(row).find((id) => row[id] === 'in-sync'))
    await page.goto(`${serve.url}#/brokers`)
    const faults = page.getByTestId('link-faults')
    await faults.getByTestId('fault-a').selectOption(String(leader))
    await faults.getByTestId('fault-b').selectOption(String(follower))
    await faults.getByTestId('fault-mode-cut').check()
    await faults.getByTestId('fault-apply').click()
    const link = `${Math.min(leader, follower)}-${Math.max(leader, follower)}`
    await faults.locator(`[data-testid=fault-row][data-link="${link}"][data-mode=cut]`).waitFor({ timeout: 5000 })

    await openTopic()
    await expect.poll(async () => (await matrix())[0][follower], { timeout: LAG_TIME_MS * 2 + CONSOLE_DELAY_MS }).toBe('lagging')
    expect((await isrs())[0]).not.toContain(follower)
    await page.goto(serve.url)
    const shrinks = await timelineTypes('isr', `${TOPIC}-0`)
    expect(shrinks).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^isr-shrunk ISR of ${TOPIC}-0 shrunk.*\\[${follower}\\] left the ISR`))]))

    await page.goto(`${serve.url}#/brokers`)
    await page.getByTestId('fault-heal-all').click()
    await page.getByTestId('faults-empty').waitFor({ timeout: 5000 })
    await openTopic()
    await expect.poll(async () => (await matrix())[0][follower], { timeout: 20_000 }).toBe('in-sync')
    expect(consoleErrors).toEqual([])
  }, 60_000)

  it('stops cleanly on SIGINT', async () => {
    await browser.close()
    expect(await serve.stop()).toBe(0)
  }, 60_000)
})
