// Issue 19 in Chromium: the Experiments page runs an A/B from a ready-made spec (acks=1 vs
// acks=all, each on its own fresh embedded cluster), shows both variants' charts with the
// fault markers and the verdict, re-opens the run from the history, and exports it as JSON
// and as Markdown; a bad spec gets errors naming the field. Screenshots light and dark.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { chromiumMissing, openConsole, openFromNav, saveThemeScreenshots, suiteTitle } from './browser'
import type { Serve } from './serve'

describe.skipIf(chromiumMissing)(suiteTitle('experiments'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  /** The verdict the run showed, which its re-opening from the history must show again. */
  let firstVerdict = ''
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, brokers: 1, viewport: { width: 1400, height: 900 } }))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('names the bad field of a spec', async () => {
    await page.goto(serve.url)
    await openFromNav(page, 'Experiments')
    await page.locator('[data-testid=ready-made] button').first().waitFor({ timeout: 15_000 })
    await page.getByTestId('spec-editor').fill(JSON.stringify({ name: 'bad', brokers: 3, workload: { rate: -1 }, faults: { type: 'scripted', faults: [{ at: 1, kind: 'crash', broker: 9 }] } }))
    await page.getByTestId('spec-validate').click()
    const errors = page.getByTestId('spec-errors')
    await expect.poll(() => errors.textContent()).toContain('workload.rate')
    // Once the shape is right, the checks against the cluster: a broker that does not exist, an unknown config.
    await page.getByTestId('spec-editor').fill(JSON.stringify({ name: 'bad', brokers: 3, topic: { configs: { 'min.insync.replica': '2' } }, faults: { type: 'scripted', faults: [{ at: 1, kind: 'crash', broker: 9 }] } }))
    await page.getByTestId('spec-validate').click()
    await expect.poll(() => errors.textContent()).toContain('faults.faults[0].broker: broker 9 does not exist')
    await expect.poll(() => errors.textContent()).toContain('topic.configs.min.insync.replica: unknown topic config')
  })

  it('runs an A/B from a ready-made spec and shows charts with fault markers and the verdict', async () => {
    await page.locator('[data-testid=ready-made] button[data-file="acks-1-vs-all.json"]').click()
    expect(await page.getByTestId('spec-editor').inputValue()).toContain('"acks=1 vs acks=all"')
    await page.getByTestId('experiment-run').click()
    await page.getByTestId('experiment-progress').waitFor({ timeout: 15_000 })
    const verdict = page.getByTestId('experiment-verdict')
    await verdict.waitFor({ timeout: 240_000 })
    const text = (await verdict.textContent()) ?? ''
    firstVerdict = text
    expect(text).toMatch(/^acks=1: \d+ acknowledged records lost .*; acks=all: /)
    // acks=all loses nothing. Without idempotence it may write a batch twice: one in flight when the leader
    // crashed, replicated and then retried on the new leader (Kafka's semantics too).
    expect(text.slice(text.indexOf('; acks=all: '))).not.toMatch(/lost/)
    // Both variants, each with a throughput and a latency chart carrying the two faults.
    for (const name of ['acks=1', 'acks=all']) {
      const variant = page.getByTestId(`variant-${name}`)
      await expect.poll(() => variant.getByTestId('throughput-chart').getAttribute('data-faults')).toBe('2')
      await expect.poll(() => variant.getByTestId('latency-chart').getAttribute('data-faults')).toBe('2')
      // The fault labels are drawn in the SVG.
      await expect.poll(() => variant.getByTestId('throughput-chart').locator('svg text', { hasText: '#1' }).count()).toBeGreaterThan(0)
    }
    await expect.poll(() => page.locator('[data-testid=anomaly-table] tbody tr').count()).toBeGreaterThan(0)
    await saveThemeScreenshots(page, 'experiments-ab')
  }, 300_000)

  it('re-opens the run from the history and exports it', async () => {
    await page.reload()
    await page.locator('[data-testid=experiment-history] li[data-status=done] .run-link').first().click()
    const verdict = page.getByTestId('experiment-verdict')
    await expect.poll(() => verdict.textContent(), { timeout: 15_000 }).toBe(firstVerdict)

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()])
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8'))
    expect(exported.spec.name).toBe('acks=1 vs acks=all')
    expect(exported.variants).toHaveLength(2)
    expect(exported.histories[0].sends.length).toBeGreaterThan(100)

    const [markdown] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-markdown').click()])
    expect(markdown.suggestedFilename()).toMatch(/\.md$/)
    const report = readFileSync((await markdown.path())!, 'utf8')
    expect(report).toContain('# Experiment: acks=1 vs acks=all')
    expect(report).toContain('## acks=all')
    expect(consoleErrors).toEqual([])
  }, 60_000)
})
