// Searching a whole topic on the server, as an operator does, on records kcat wrote: a CEL
// filter over 100,000 records finds the 3 that match with its progress shown, a stop stops a
// scan, an export (of a filter, of a range) round-trips through `kcat -P`, and the records
// of __consumer_offsets that kcat's consumer group made read as offset commits and group
// metadata.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kcat, kcatAvailable, kcatProduce } from '../helpers/kcat'
import type { Serve } from './serve'
import { chromiumMissing, openConsole, openTopicMessages, saveThemeScreenshots, suiteTitle } from './browser'

const TOPIC = 'haystack'
const COUNT = 100_000
const NEEDLES = [12_345, 67_890, 99_999]
const valueOf = (n: number) => JSON.stringify({ n, user: NEEDLES.includes(n) ? 'needle' : `u${n % 1000}`, note: `a, "quoted" note ${n}` })

describe.skipIf(chromiumMissing || !kcatAvailable)(suiteTitle('message search'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  const progress = () => page.getByTestId('scan-progress')
  const panel = () => page.getByTestId('scan-panel')

  async function search(filter: string, options: { from?: string; max?: string } = {}): Promise<void> {
    await panel().getByTestId('scan-filter').fill(filter)
    await panel().getByTestId('scan-from').fill(options.from ?? '')
    await panel().getByTestId('scan-max').fill(options.max ?? '1000000')
    await panel().getByTestId('scan-start').click()
  }

  /** Downloads an export and gives its text. */
  async function exported(testId: string): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent('download'), panel().getByTestId(testId).click()])
    return readFile((await file.path())!, 'utf8')
  }

  /** Writes `values` with kcat -P into a new topic and reads them back with kcat -C. */
  async function roundTrip(topic: string, values: string[]): Promise<string[]> {
    await serve.call('topic:create', { name: topic, partitions: 1, replicationFactor: 1 })
    await kcatProduce(serve.bootstrap, topic, values, 0)
    const read = await kcat(['-b', serve.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\\n'])
    expect(read.status, read.stderr).toBe(0)
    return read.stdout.trimEnd().split('\n')
  }

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors }))
    await serve.call('topic:create', { name: TOPIC, partitions: 3, replicationFactor: 1 })
    await kcatProduce(serve.bootstrap, TOPIC, Array.from({ length: COUNT }, (_, n) => valueOf(n)))
    await openTopicMessages(page, serve, TOPIC)
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('finds the 3 records of 100,000 that a CEL filter matches, showing its progress', async () => {
    // Every state the progress line shows, as the page renders it.
    await page.evaluate(`{
      const seen = (window.progressSeen = [])
      new MutationObserver(() => {
        const line = document.querySelector('[data-testid=scan-progress]')
        if (line && seen.at(-1) !== line.textContent) seen.push(line.textContent)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    }`)
    const started = Date.now()
    await search('json.user == "needle"')
    await expect.poll(() => progress().getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    console.log(`scanned ${COUNT} records in ${Date.now() - started} ms`)
    await expect(progress().textContent()).resolves.toMatch(/100,000 of 100,000 records read · 3\s+matches · done/)
    const seen = (await page.evaluate('window.progressSeen')) as string[]
    expect(seen.some((line) => /of 100,000 records read .* reading…/.test(line))).toBe(true)
    const values = await page.getByTestId('scan-results').getByTestId('record-value').allTextContents()
    expect(values.map((v) => JSON.parse(v).n).sort((a, b) => a - b)).toEqual(NEEDLES)
    await saveThemeScreenshots(page, 'messages-search')
  }, 90_000)

  it('says what is wrong with a filter that does not compile, naming the field', async () => {
    await search('json.user ==')
    await expect.poll(() => panel().getByTestId('error').textContent()).toMatch(/^message:scanStart: filter: /)
  })

  it('stops a scan on Stop, with what it read so far', async () => {
    // 500,000 records, each through 40 contains(): seconds of reading, so Stop lands mid-scan.
    await serve.call('topic:create', { name: 'bigstack', partitions: 1, replicationFactor: 1 })
    await kcatProduce(serve.bootstrap, 'bigstack', Array.from({ length: 500_000 }, (_, n) => `r${n}`), 0)
    await page.getByTestId('browse-topic').selectOption('bigstack')
    await search(`[${Array.from({ length: 40 }, (_, i) => i).join(', ')}].exists(i, value.contains(string(i) + "zz"))`)
    await expect.poll(() => progress().textContent()).toMatch(/of 500,000 records read/)
    await panel().getByTestId('scan-stop').click()
    await expect.poll(() => progress().getAttribute('data-state'), { timeout: 10_000 }).toBe('stopped')
    const scanned = Number(/^\s*([\d,]+) of/.exec((await progress().textContent()) ?? '')![1].replaceAll(',', ''))
    expect(scanned).toBeLessThan(500_000)
    await page.getByTestId('browse-topic').selectOption(TOPIC)
  }, 120_000)

  it('exports the matches of a filter as JSON Lines and CSV, which round-trip through kcat -P', async () => {
    await search('json.user == "needle"')
    await expect.poll(() => progress().getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    const lines = (await exported('export-jsonl')).trimEnd().split('\n').map((line) => JSON.parse(line))
    expect(lines.map((r) => r.value).sort()).toEqual(NEEDLES.map(valueOf).sort())
    expect(lines[0]).toMatchObject({ partition: expect.any(Number), offset: expect.any(Number), value_encoding: 'utf8', key: null })
    expect((await roundTrip('needles-copy', lines.map((r) => r.value))).sort()).toEqual(NEEDLES.map(valueOf).sort())

    // CSV: the values hold commas and quotes, quoted as RFC 4180 says.
    const csv = await exported('export-csv')
    const [header, ...rows] = csv.trimEnd().split('\r\n')
    expect(header).toBe('partition,offset,timestamp,key,key_encoding,value,value_encoding,headers')
    const csvValues = rows.map((row) => /,"((?:[^"]|"")*)",utf8,/.exec(row)![1].replaceAll('""', '"'))
    expect((await roundTrip('needles-csv-copy', csvValues)).sort()).toEqual(NEEDLES.map(valueOf).sort())
  }, 90_000)

  it('replays the matches of a filter, and one record, to other topics, checked with kcat -C', async () => {
    for (const name of ['replayed', 'replayed-one']) await serve.call('topic:create', { name, partitions: 3, replicationFactor: 1 })
    await page.locator('[data-testid=replay-target] option[value=replayed-one]').first().waitFor({ state: 'attached', timeout: 10_000 })
    // The search's matches (still the 3 needles), each to its own partition number.
    const form = panel().getByTestId('replay-form')
    await form.getByTestId('replay-target').selectOption('replayed')
    await form.getByTestId('replay-submit').click()
    await expect.poll(() => form.getByTestId('replay-result').textContent(), { timeout: 10_000 }).toMatch(/^\s*Wrote 3 to replayed/)
    const read = async (topic: string) => {
      const result = await kcat(['-b', serve.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %s\\n'])
      expect(result.status, result.stderr).toBe(0)
      return result.stdout.trimEnd().split('\n').sort()
    }
    const matches = await page
      .getByTestId('scan-results')
      .getByTestId('record-row')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-partition')} ${r.querySelector('[data-testid=record-value]')!.textContent}`))
    expect(matches.map((line) => line.slice(2)).sort()).toEqual(NEEDLES.map(valueOf).sort())
    expect(await read('replayed')).toEqual(matches.sort())

    // One record of the page, through the partitioner.
    const row = page.getByTestId('records').getByTestId('record-row').first()
    const value = await row.getByTestId('record-value').textContent()
    await row.getByTestId('record-replay').click()
    const one = page.getByTestId('replay-one')
    await one.getByTestId('replay-target').selectOption('replayed-one')
    await one.getByTestId('replay-partition').selectOption({ label: "the partitioner's choice (by key)" })
    await one.getByTestId('replay-submit').click()
    await expect.poll(() => one.getByTestId('replay-result').textContent(), { timeout: 10_000 }).toMatch(/^\s*Wrote 1 to replayed-one/)
    expect((await read('replayed-one')).map((line) => line.slice(2))).toEqual([value])
  }, 60_000)

  it('exports a range of one partition (no filter) that round-trips through kcat -P', async () => {
    await page.getByTestId('browse-partition').selectOption('2')
    await search('', { from: '10', max: '25' })
    await expect.poll(() => progress().getAttribute('data-state'), { timeout: 30_000 }).toBe('done')
    const lines = (await exported('export-jsonl')).trimEnd().split('\n').map((line) => JSON.parse(line))
    expect(lines.map((r) => [r.partition, r.offset])).toEqual(Array.from({ length: 25 }, (_, i) => [2, 10 + i]))
    const source = await kcat(['-b', serve.bootstrap, '-C', '-t', TOPIC, '-p', '2', '-o', '10', '-c', '25', '-e', '-q', '-f', '%s\\n'])
    expect(source.status, source.stderr).toBe(0)
    expect(await roundTrip('range-copy', lines.map((r) => r.value))).toEqual(source.stdout.trimEnd().split('\n'))
    await page.getByTestId('browse-partition').selectOption({ label: 'All' })
  }, 60_000)

  it('decodes the offset commits and group metadata that kcat’s consumer group wrote to __consumer_offsets', async () => {
    const consumed = await kcat(['-b', serve.bootstrap, '-G', 'decoders', '-c', '5', '-q', '-f', '%s\\n', '-X', 'auto.offset.reset=earliest', TOPIC])
    expect(consumed.status, consumed.stderr).toBe(0)
    await page.getByTestId('browse-topic').selectOption('__consumer_offsets')
    await page.getByTestId('seek-kind').selectOption('latest')
    await page.getByTestId('seek').click()
    const commit = page.locator('[data-testid=records] [data-testid=record-row]', { hasText: '"group":"decoders"' }).filter({ hasText: 'offset commit' }).first()
    await commit.waitFor({ timeout: 15_000 })
    await expect(commit.getByTestId('record-key').textContent()).resolves.toMatch(/^\{"group":"decoders","topic":"haystack","partition":[0-2]\}$/)
    await expect(commit.getByTestId('record-value').textContent()).resolves.toMatch(/"offset": \d+,\n\s+"leaderEpoch": -?\d+,/)
    const metadata = page.locator('[data-testid=records] [data-testid=record-row]', { hasText: 'group metadata' }).filter({ hasText: '"group":"decoders"' }).first()
    await expect(metadata.getByTestId('record-value').textContent()).resolves.toMatch(/"protocolType": "consumer"/)
    await saveThemeScreenshots(page, 'messages-consumer-offsets')
    expect(consoleErrors).toEqual([])
  }, 60_000)
})
