// What operators expect, in Chromium against `brokerlab serve`, on data kcat wrote (issue "The
// console as operators use it"): a preferred leader election moves leaders back (checked
// with kcat -L), a purge moves the log start offset (checked with kcat -C), a topic's page
// links to its messages and the browser keeps the topic, and the group page shows each
// member's lag, deletes a topic's offsets and resets all of a group's topics at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable } from '../helpers/kcat'
import { chromiumMissing, openConsole, saveThemeScreenshots, suiteTitle } from './browser'
import type { Serve } from './serve'

const FAST_FAILURE_DETECTION = ['--config', 'broker.session.timeout.ms=1500', '--config', 'broker.heartbeat.interval.ms=200', '--config', 'replica.lag.time.max.ms=1500']

/** kcat -L's partitions of one topic: leader and replicas. */
async function kcatLeaders(bootstrap: string, topic: string): Promise<Array<{ partition: number; leader: number; replicas: number[] }>> {
  const listed = await kcat(['-b', bootstrap, '-L', '-t', topic])
  expect(listed.status, listed.stderr).toBe(0)
  return [...listed.stdout.matchAll(/partition (\d+), leader (-?\d+), replicas: ([\d,]+)/g)]
    .map((m) => ({ partition: Number(m[1]), leader: Number(m[2]), replicas: m[3].split(',').map(Number) }))
    .sort((a, b) => a.partition - b.partition)
}

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('operator actions'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  const api = <T>(method: string, request: object) => serve.call<T>(method, request)

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, serveArgs: FAST_FAILURE_DETECTION }))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('elects the preferred leaders back from the topic page after a failover, as kcat -L then shows', async () => {
    await api('topic:create', { name: 'failover', partitions: 3, replicationFactor: 3 })
    const before = await kcatLeaders(serve.bootstrap, 'failover')
    const victim = before[0].replicas[0]
    await api('broker:crash', { brokerId: victim })
    await expect.poll(async () => (await kcatLeaders(serve.bootstrap, 'failover'))[0].leader, { timeout: 15_000 }).not.toBe(victim)
    await api('broker:restart', { brokerId: victim })
    await expect.poll(async () => (await api<{ partitions: Array<{ isr: number[] }> }>('topic:describe', { name: 'failover' })).partitions.every((p) => p.isr.length === 3), { timeout: 20_000 }).toBe(true)
    const displaced = (await kcatLeaders(serve.bootstrap, 'failover')).filter((p) => p.leader !== p.replicas[0])
    expect(displaced.length).toBeGreaterThan(0)

    await page.goto(`${serve.url}#/topics/failover`)
    // The matrix marks each partition's preferred leader, the first replica.
    await page.locator(`[data-testid=matrix-row][data-partition="0"] [data-testid=replica-cell][data-broker="${victim}"][data-preferred=true]`).waitFor({ timeout: 15_000 })
    await expect.poll(() => page.getByTestId('elect-preferred').textContent()).toContain(`(${displaced.length})`)
    await page.getByTestId('elect-preferred').click()
    await expect.poll(() => page.getByTestId('elect-result').textContent(), { timeout: 10_000 }).toContain(`${displaced.length} leader`)
    await expect.poll(async () => (await kcatLeaders(serve.bootstrap, 'failover')).every((p) => p.leader === p.replicas[0]), { timeout: 10_000 }).toBe(true)
    await saveThemeScreenshots(page, 'topic-preferred-leaders')
  }, 90_000)

  it('purges partition 0 below an offset after a confirmation that counts the records, as kcat then reads', async () => {
    await api('topic:create', { name: 'purgeable', partitions: 2, replicationFactor: 1 })
    const written = await kcat(['-b', serve.bootstrap, '-P', '-t', 'purgeable', '-p', '0'], Array.from({ length: 20 }, (_, i) => `r${i}`).join('\n') + '\n')
    expect(written.status, written.stderr).toBe(0)
    await page.goto(`${serve.url}#/topics/purgeable`)
    await page.getByTestId('purge').click()
    await page.getByTestId('purge-partition').selectOption('0')
    await page.getByTestId('purge-offset').fill('8')
    await expect.poll(() => page.getByTestId('purge-losses').textContent()).toContain('Partition 0: offsets 0 to 7 go (8 records)')
    await expect.poll(() => page.getByTestId('purge-submit').textContent()).toContain('Delete 8 records')
    await saveThemeScreenshots(page, 'topic-purge', { fullPage: false })
    await page.getByTestId('purge-submit').click()
    await page.getByTestId('purge-dialog').waitFor({ state: 'detached', timeout: 10_000 })
    const read = await kcat(['-b', serve.bootstrap, '-C', '-t', 'purgeable', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o %s\\n'])
    expect(read.stdout.split('\n').filter(Boolean)[0]).toBe('8 r8')
  })

  it('links a topic to its messages, and the browser keeps the topic on the next visit', async () => {
    await page.goto(`${serve.url}#/topics/purgeable`)
    await page.getByTestId('topic-messages-link').click({ timeout: 10_000 })
    await expect.poll(() => page.getByTestId('browse-topic').inputValue({ timeout: 2000 }), { timeout: 10_000 }).toBe('purgeable')
    // Its records, read at once: the newest of what kcat wrote (offset 19 of partition 0).
    await page.locator('[data-testid=record-row][data-partition="0"][data-offset="19"]').waitFor({ timeout: 10_000 })
    await page.goto(`${serve.url}#/topics`)
    await page.reload({ timeout: 15_000 })
    await page.locator('nav.nav a', { hasText: 'Messages' }).click({ timeout: 10_000 })
    await expect.poll(() => page.getByTestId('browse-topic').inputValue({ timeout: 2000 }), { timeout: 10_000 }).toBe('purgeable')
  }, 60_000)

  it("shows each member's lag, deletes a topic's offsets, and resets all of a group's topics", async () => {
    for (const topic of ['ledger-a', 'ledger-b']) {
      await api('topic:create', { name: topic, partitions: 1, replicationFactor: 1 })
      const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', topic], Array.from({ length: 10 }, (_, i) => `m${i}`).join('\n') + '\n')
      expect(produced.status, produced.stderr).toBe(0)
      // kcat's consumer group reads 4 of the 10 records and commits.
      const consumed = await kcat(['-b', serve.bootstrap, '-G', 'ledgers', '-o', 'beginning', '-c', '4', '-q', '-X', 'enable.auto.commit=true', '-X', 'auto.commit.interval.ms=100', topic])
      expect(consumed.status, consumed.stderr).toBe(0)
    }
    await page.goto(`${serve.url}#/groups`)
    await page.locator('[data-testid=group-row][data-group=ledgers]').click()
    await page.locator('[data-testid=offset-row][data-topic=ledger-b]').waitFor({ timeout: 15_000 })

    await page.getByTestId('reset-topic').selectOption({ label: "All of the group's topics" })
    await page.getByTestId('reset-kind').selectOption('earliest')
    await page.getByTestId('reset-preview').click()
    await page.getByTestId('reset-apply').click()
    await expect.poll(() => page.getByTestId('reset-applied').textContent()).toContain('ledger-a, ledger-b')
    const described = async () => (await api<Array<{ groupId: string; partitions: Array<{ topic: string; committedOffset: number }> }>>('group:list', {})).find((g) => g.groupId === 'ledgers')!
    expect((await described()).partitions.map((p) => [p.topic, p.committedOffset])).toEqual([
      ['ledger-a', 0],
      ['ledger-b', 0],
    ])

    await page.locator('[data-testid=delete-offsets][data-topic=ledger-a]').click()
    await page.getByTestId('delete-offsets-confirm').click()
    await page.locator('[data-testid=offset-row][data-topic=ledger-a]').waitFor({ state: 'detached', timeout: 10_000 })
    expect((await described()).partitions.map((p) => p.topic)).toEqual(['ledger-b'])
    await saveThemeScreenshots(page, 'groups-operator-actions')
    expect(consoleErrors).toEqual([])
  }, 90_000)
})
