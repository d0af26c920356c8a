// Partition reassignment through the console, in a real browser: a topic with replication
// factor 1 and records produced by kcat is reassigned to RF 3 in the Topic detail's Reassign
// replicas dialog. The links between the brokers are cut first so the new replicas visibly
// wait in the matrix ("Being added"); healed, they catch up, join the ISR, and kcat then sees
// 3 replicas and 3 in-sync per partition and reads every record. A broker id that does not
// exist gets Kafka's refusal inline, and a move in progress shows the
// replica being removed and is cancelled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable } from '../helpers/kcat'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, saveThemeScreenshots, suiteTitle } from './browser'

const RECORDS = 40

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('reassign'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  async function api(method: string, request: object): Promise<void> {
    const response = await serve.api(method, request)
    expect(response.status, `${method}: ${await response.clone().text()}`).toBe(200)
  }

  /** The matrix's cell states of one partition, broker by broker ('none' where it has no replica). */
  const rowStates = (partition: number) =>
    page.locator(`[data-testid=matrix-row][data-partition="${partition}"] [data-testid=replica-cell]`).evaluateAll((cells) => cells.map((c) => c.getAttribute('data-state')))

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors }))
    await api('topic:create', { name: 'grow', partitions: 2, replicationFactor: 1 })
    await api('topic:create', { name: 'undo', partitions: 1, replicationFactor: 1 })
    for (const partition of [0, 1]) {
      const lines = Array.from({ length: RECORDS / 2 }, (_, i) => `p${partition}-record-${i}`).join('\n')
      const produced = await kcat(['-b', serve.bootstrap, '-P', '-t', 'grow', '-p', String(partition)], `${lines}\n`)
      expect(produced.status, produced.stderr).toBe(0)
    }
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it("refuses a broker that does not exist with Kafka's error inline", async () => {
    await page.goto(`${serve.url}#/topics/grow`)
    await page.locator('[data-testid=connection-status][data-state=open]').waitFor({ timeout: 10_000 })
    await page.locator('[data-testid=matrix-row]').nth(1).waitFor({ timeout: 15_000 })

    await page.getByTestId('reassign').click()
    const dialog = page.getByTestId('reassign-dialog')
    const target = dialog.locator('[data-testid=reassign-row][data-partition="0"] [data-testid=reassign-target]')
    await target.fill('1,x')
    await expect(dialog.getByTestId('reassign-target-0-error').textContent()).resolves.toContain('"x" is not a broker id')
    await target.fill('1,7')
    await dialog.getByTestId('reassign-submit').click()
    const refusal = dialog.getByTestId('dialog-error')
    await refusal.waitFor({ timeout: 10_000 })
    expect(await refusal.textContent()).toContain('INVALID_REPLICA_ASSIGNMENT')
    await saveThemeScreenshots(page, 'reassign-refused')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await page.getByTestId('reassign-dialog').waitFor({ state: 'detached', timeout: 10_000 })
  })

  it('reassigns RF 1 to RF 3 and the matrix shows the new replicas catching up, then in sync', async () => {
    // Cut the brokers off each other: the new replicas cannot fetch until the links heal.
    for (const [a, b] of [[1, 2], [1, 3], [2, 3]]) await api('link:setFault', { a, b, fault: { mode: 'cut' } })

    await page.getByTestId('reassign').click()
    const dialog = page.getByTestId('reassign-dialog')
    await dialog.getByTestId('reassign-factor').fill('3')
    await dialog.getByTestId('reassign-propose').click()
    const targets = await dialog.getByTestId('reassign-target').evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value))
    for (const list of targets) expect(new Set(list.split(',').map(Number))).toEqual(new Set([1, 2, 3]))
    await dialog.getByTestId('reassign-submit').click()
    await page.getByTestId('reassign-dialog').waitFor({ state: 'detached', timeout: 10_000 })

    // In progress: each partition's leader plus two replicas being added, and the cancel action offered.
    for (const partition of [0, 1]) {
      await expect.poll(() => rowStates(partition), { timeout: 15_000 }).toEqual(expect.arrayContaining(['leader', 'adding', 'adding']))
      await expect(page.locator(`[data-testid=matrix-row][data-partition="${partition}"]`).getAttribute('data-reassigning')).resolves.toBe('true')
    }
    await page.getByTestId('cancel-reassignment').waitFor()
    await expect(page.getByTestId('matrix-legend').textContent()).resolves.toContain('Being added')
    await saveThemeScreenshots(page, 'reassign-in-progress')

    // Healed: the new replicas catch up and join the ISR, and the reassignment completes.
    await api('link:healAll', {})
    for (const partition of [0, 1]) {
      await expect.poll(async () => (await rowStates(partition)).sort(), { timeout: 30_000 }).toEqual(['in-sync', 'in-sync', 'leader'])
      const row = page.locator(`[data-testid=partition-row][data-partition="${partition}"]`)
      await expect.poll(async () => (await row.getByTestId('partition-isr').textContent())?.split(', ').length, { timeout: 15_000 }).toBe(3)
    }
    await expect(page.getByTestId('cancel-reassignment').count()).resolves.toBe(0)
    await saveThemeScreenshots(page, 'reassign-done')

    const listed = await kcat(['-b', serve.bootstrap, '-L', '-J', '-t', 'grow', '-m', '10'])
    expect(listed.status, listed.stderr).toBe(0)
    const topic = (JSON.parse(listed.stdout) as { topics: Array<{ topic: string; partitions: Array<{ replicas: unknown[]; isrs: unknown[] }> }> }).topics.find((t) => t.topic === 'grow')!
    expect(topic.partitions).toHaveLength(2)
    for (const p of topic.partitions) {
      expect(p.replicas).toHaveLength(3)
      expect(p.isrs).toHaveLength(3)
    }
    const consumed = await kcat(['-b', serve.bootstrap, '-C', '-t', 'grow', '-e', '-q', '-f', '%s\n'])
    expect(consumed.status, consumed.stderr).toBe(0)
    const values = consumed.stdout.trim().split('\n').sort()
    expect(values).toHaveLength(RECORDS)
    expect(values).toEqual([0, 1].flatMap((p) => Array.from({ length: RECORDS / 2 }, (_, i) => `p${p}-record-${i}`)).sort())
    expect(consoleErrors).toEqual([])
  }, 120_000)

  it('shows a move in progress (being added, leader being removed) and cancels it: back to the original replica', async () => {
    for (const [a, b] of [[1, 2], [1, 3], [2, 3]]) await api('link:setFault', { a, b, fault: { mode: 'cut' } })
    await page.goto(`${serve.url}#/topics/undo`)
    await page.locator('[data-testid=matrix-row][data-partition="0"]').waitFor({ timeout: 15_000 })
    const before = await rowStates(0)
    expect(before.filter((s) => s !== 'none')).toEqual(['leader'])

    // Move the replica to another broker: the new one waits (being added), the old one leads until then (being removed).
    const from = before.indexOf('leader') + 1
    const to = (from % 3) + 1
    await page.getByTestId('reassign').click()
    const dialog = page.getByTestId('reassign-dialog')
    await dialog.getByTestId('reassign-target').fill(String(to))
    await dialog.getByTestId('reassign-submit').click()
    await dialog.waitFor({ state: 'detached', timeout: 10_000 })
    await expect.poll(() => rowStates(0), { timeout: 15_000 }).toEqual(before.map((_, i) => (i + 1 === from ? 'removing' : i + 1 === to ? 'adding' : 'none')))
    await expect(page.locator(`[data-testid=matrix-row][data-partition="0"] [data-broker="${from}"]`).textContent()).resolves.toBe('Leader, removing')
    await saveThemeScreenshots(page, 'reassign-move')

    await page.getByTestId('cancel-reassignment').click()
    await expect.poll(() => rowStates(0), { timeout: 15_000 }).toEqual(before)
    await expect(page.getByTestId('cancel-reassignment').count()).resolves.toBe(0)
    await expect(page.getByTestId('cancel-reassignment-error').count()).resolves.toBe(0)
    await expect(page.locator('[data-testid=partition-row][data-partition="0"] [data-testid=partition-replicas]').textContent()).resolves.toBe(String(from))
    await api('link:healAll', {})
    expect(consoleErrors).toEqual([])
  }, 60_000)
})
