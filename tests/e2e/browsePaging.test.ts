// The message browser over all partitions, driven as an operator does, on records kcat wrote
// to 3 partitions of different lengths: "Latest" shows the newest records, Older and Newer
// page through every record exactly once, as a merged, timestamp-ordered cursor reads them,
// and the live tail follows what kcat writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable, kcatProduce } from '../helpers/kcat'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, openTopicMessages, suiteTitle } from './browser'

const TOPIC = 'paged'
const PAGE = 50
/** Records per partition, written one partition after the other: p0 oldest, then p1, then p2. */
const LENGTHS = [120, 30, 75]

interface Written {
  partition: number
  offset: number
  timestamp: number
}
const id = (r: { partition: number; offset: number }) => `${r.partition}:${r.offset}`
/** The merged cursor's order: timestamp, then partition, then offset. */
const byTime = (a: Written, b: Written) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('browsing all partitions'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  const produce = (partition: number, values: string[]) => kcatProduce(serve.bootstrap, TOPIC, values, partition)

  /** Every record of the topic as kcat reads it, in the merged cursor's order. */
  async function written(): Promise<Written[]> {
    const read = await kcat(['-b', serve.bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '%p %o %T\\n'])
    expect(read.status, read.stderr).toBe(0)
    return read.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ').map(Number))
      .map(([partition, offset, timestamp]) => ({ partition, offset, timestamp }))
      .sort(byTime)
  }

  const shownIds = () => page.getByTestId('record-row').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-partition')}:${r.getAttribute('data-offset')}`))
  const shownSorted = async () => (await shownIds()).sort()
  const idsOf = (records: Written[]) => records.map(id).sort()

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors }))
    await serve.call('topic:create', { name: TOPIC, partitions: 3, replicationFactor: 1 })
    for (const [partition, length] of LENGTHS.entries()) {
      await produce(partition, Array.from({ length }, (_, i) => `p${partition}-${i}`))
      await new Promise((resolve) => setTimeout(resolve, 20)) // the next partition's records are newer
    }
    await produce(1, ['newest'])
    await openTopicMessages(page, serve, TOPIC)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('shows the newest records over all partitions on "Latest", the newest record produced among them', async () => {
    const all = await written()
    await page.getByTestId('seek-kind').selectOption('latest')
    await page.getByTestId('seek').click()
    await expect.poll(shownSorted, { timeout: 10_000 }).toEqual(idsOf(all.slice(-PAGE)))
    await expect(page.locator('[data-testid=record-row][data-partition="1"][data-offset="30"]').getByTestId('record-value').textContent()).resolves.toBe('newest')
  }, 60_000)

  it('pages Newer from the first record to the last and Older back, each record on exactly one page', async () => {
    const all = await written()
    const pages = Array.from({ length: Math.ceil(all.length / PAGE) }, (_, i) => all.slice(i * PAGE, (i + 1) * PAGE))
    await page.getByTestId('seek-kind').selectOption('earliest')
    await page.getByTestId('seek').click()
    await expect.poll(shownSorted, { timeout: 10_000 }).toEqual(idsOf(pages[0]))
    // Newer: each page holds the 50 records next in the merged order, whichever partition they are in.
    for (const expected of pages.slice(1)) {
      await page.getByTestId('page-next').click()
      await expect.poll(shownSorted, { timeout: 10_000 }).toEqual(idsOf(expected))
    }
    // Older walks back from the last page, which is not full: nothing skipped (offset 2 to 45), nothing repeated.
    const backwards = Array.from({ length: Math.ceil((all.length - pages.at(-1)!.length) / PAGE) }, (_, i) => {
      const end = all.length - pages.at(-1)!.length - i * PAGE
      return all.slice(Math.max(0, end - PAGE), end)
    })
    for (const expected of backwards) {
      await page.getByTestId('page-prev').click()
      await expect.poll(shownSorted, { timeout: 10_000 }).toEqual(idsOf(expected))
    }
    expect([...backwards, pages.at(-1)!].flat().map(id).sort()).toEqual(idsOf(all))
    // Newer then Older comes back to the same page.
    await page.getByTestId('page-next').click()
    await expect.poll(shownSorted, { timeout: 10_000 }).toEqual(idsOf(backwards.at(-2)!))
    await page.getByTestId('page-prev').click()
    await expect.poll(shownSorted, { timeout: 10_000 }).toEqual(idsOf(backwards.at(-1)!))
  }, 120_000)

  it('follows kcat in the live tail over all partitions', async () => {
    await page.getByTestId('live-tail').check({ force: true }) // the label is the visible switch
    for (const [partition, value] of [[0, 'tail-1'], [2, 'tail-2']] as const) {
      await produce(partition, [value])
      const row = page.locator(`[data-testid=record-row][data-partition="${partition}"][data-offset="${LENGTHS[partition]}"]`)
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1)
      await expect(row.getByTestId('record-value').textContent()).resolves.toBe(value)
    }
    await page.getByTestId('live-tail').uncheck({ force: true })
    expect(consoleErrors).toEqual([])
  }, 60_000)
})
