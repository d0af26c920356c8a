// The exactly-once demo (issue 16), in Chromium against `brokerlab serve`: two demo consumers
// consume, transform and produce to an output topic while a load producer writes; one is
// killed mid-batch from the Groups page. In the transactional mode (a transaction a batch, its
// offsets sent in it, read_committed) the output holds no source record twice although the
// killed member's batch is processed again; at least once, the output holds duplicates. The
// run's counters show both: processed twice, and twice in the output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { CommitMode, ProducerStats, RunStats } from '../../preload/contract'
import { chromiumMissing, openConsole, saveThemeScreenshots, suiteTitle } from './browser'
import type { Serve } from './serve'

const SERVE_ARGS = ['--config', 'group.initial.rebalance.delay.ms=0', '--config', 'group.min.session.timeout.ms=1000']

describe.skipIf(chromiumMissing)(suiteTitle('the exactly-once demo'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, brokers: 1, serveArgs: SERVE_ARGS }))
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  const counter = async (run: ReturnType<Page['locator']>, testid: string) => Number(await run.locator(`[data-testid=${testid}] .value`).first().textContent())

  /** Starts the run from the Groups page's form, kills member 0 mid-batch, stops the load and waits until the output holds every record. */
  async function killMidBatch(commitMode: CommitMode): Promise<{ run: ReturnType<Page['locator']>; stats: RunStats }> {
    const [input, output, group] = [`work-${commitMode}`, `results-${commitMode}`, `ctp-${commitMode}`]
    await serve.call('topic:create', { name: input, partitions: 2, replicationFactor: 1 })
    await serve.call('topic:create', { name: output, partitions: 2, replicationFactor: 1 })
    const load = await serve.call<ProducerStats>('demo:startProducer', { topic: input, ratePerSec: 200, messageBytes: 20, keyCardinality: null, acks: -1, idempotent: true })

    await page.goto(`${serve.url}#/groups`)
    const form = page.getByTestId('demo-form')
    await form.locator(`[data-testid=demo-topic] option[value="${input}"]`).waitFor({ state: 'attached', timeout: 15_000 })
    await form.getByTestId('demo-group-id').fill(group)
    await form.getByTestId('demo-topic').selectOption(input)
    await form.getByTestId('demo-members').fill('2')
    await form.getByTestId('demo-delay').fill('15')
    await form.getByTestId('demo-session').fill('2000')
    await form.getByTestId('demo-commit-mode').selectOption(commitMode)
    await form.getByTestId('demo-output-topic').selectOption(output)
    await form.getByTestId('demo-start').click()

    const run = page.locator(`[data-testid=demo-run][data-group="${group}"]`)
    await run.waitFor({ timeout: 20_000 })
    const member = (i: number) => run.locator(`[data-testid=demo-member][data-member="${i}"]`)
    await expect.poll(async () => Math.min(...(await run.getByTestId('demo-member-processed').allTextContents()).map(Number)), { timeout: 30_000 }).toBeGreaterThan(20)
    await member(0).getByTestId('demo-kill').click()
    await expect.poll(() => member(0).getAttribute('data-state'), { timeout: 10_000 }).toBe('killed')
    await new Promise((r) => setTimeout(r, 1000))
    const produced = await serve.call<ProducerStats>('demo:stopProducer', { producerId: load.producerId })
    const runId = (await run.getAttribute('data-run-id'))!
    // The survivor takes the killed member's partition once its session expires (and, transactional, fences its producer), and drains it.
    let stats: RunStats | undefined
    const drained = () => !!stats?.output && stats.processed >= produced.acked && stats.output.records - stats.output.duplicates >= produced.acked
    for (const deadline = Date.now() + 90_000; !drained() && Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
      stats = (await serve.call<RunStats[]>('demo:consumerRuns', {})).find((r) => r.runId === runId)
    }
    expect(drained(), `${produced.acked} records sent; the run: ${JSON.stringify(stats)}`).toBe(true)
    await expect.poll(() => counter(run, 'demo-output-records'), { timeout: 10_000 }).toBe(stats!.output!.records)
    return { run, stats: stats! }
  }

  it('transactional (exactly once): the killed member’s batch is processed twice, its output never twice', async () => {
    const { run, stats } = await killMidBatch('transactional')
    expect(stats.processedTwice).toBeGreaterThan(0)
    expect(stats.output!.duplicates).toBe(0)
    expect(stats.neverProcessed).toBe(0)
    await expect(counter(run, 'demo-output-duplicates')).resolves.toBe(0)
    expect(await counter(run, 'demo-twice')).toBeGreaterThan(0)
    await saveThemeScreenshots(page, 'groups-demo-exactly-once')
    await run.getByTestId('demo-stop').click()
    await run.waitFor({ state: 'detached', timeout: 20_000 })
  }, 180_000)

  it('at least once with the same output: the killed member’s batch is in the output twice', async () => {
    const { run, stats } = await killMidBatch('after-processing')
    expect(stats.processedTwice).toBeGreaterThan(0)
    expect(stats.output!.duplicates).toBeGreaterThan(0)
    expect(await counter(run, 'demo-output-duplicates')).toBeGreaterThan(0)
    await run.getByTestId('demo-stop').click()
    await run.waitFor({ state: 'detached', timeout: 20_000 })
    expect(consoleErrors).toEqual([])
  }, 180_000)
})
