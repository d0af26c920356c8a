// Transactions in the console (issue 16), in Chromium against `brokerlab serve`, on data real
// clients wrote: the Transactions page lists each transactional id with its state and the
// partitions an open transaction holds behind their LSO; it finds a hanging transaction and
// aborts it (WriteTxnMarkers) once confirmed; the message browser shows markers as markers,
// greys out aborted records and, under read_committed, stops at the LSO; a group's lag counts
// records, not markers; and a transaction begun by hand on the Produce page holds read_committed
// readers until it is committed.
//
// The embedded cluster is the target. With BROKERLAB_E2E_KAFKA=<bootstrap> (a running Apache
// Kafka, e.g. `npm run kafka -- start --brokers 1`), the same console is pointed at that
// cluster as a saved connection instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Producer } from 'kafkajs'
import { chooseCluster, chromiumMissing, openConsole, saveThemeScreenshots, suiteTitle } from './browser'
import type { Serve } from './serve'
import { hangingTransaction, kafkaClient, transaction, transactionalProducer } from './transactionalData'

const REFERENCE = process.env.BROKERLAB_E2E_KAFKA
const RUN = Date.now().toString(36)
const name = (what: string) => `${what}-${RUN}`

describe.skipIf(chromiumMissing)(suiteTitle('transactions'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  let bootstrap: string
  let connection: string | undefined
  const producers: Producer[] = []
  const consoleErrors: string[] = []
  const api = <T>(method: string, request: object) => serve.call<T>(method, request, connection)

  async function createTopic(topic: string, partitions = 1): Promise<void> {
    await api('topic:create', { name: topic, partitions, replicationFactor: 1 })
  }

  async function producer(transactionalId: string): Promise<Producer> {
    const made = await transactionalProducer(bootstrap, transactionalId)
    producers.push(made)
    return made
  }

  /** The Messages page on one partition of `topic`, under an isolation level, from the earliest offset. */
  async function browse(topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<void> {
    await page.goto(`${serve.url}#/messages`)
    await page.locator(`[data-testid=browse-topic] option[value="${topic}"]`).waitFor({ state: 'attached', timeout: 15_000 })
    await page.getByTestId('browse-topic').selectOption(topic)
    await page.getByTestId('browse-isolation').selectOption(isolation)
    await page.getByTestId('seek-kind').selectOption('earliest')
    await page.getByTestId('seek').click()
  }

  /** The page's rows in offset order: "offset:value/outcome" for records (the outcome of a transactional one), "offset:TYPE" for markers. */
  async function rows(): Promise<string[]> {
    return page.locator('[data-testid=record-row], [data-testid=marker-row]').evaluateAll((trs) =>
      trs.map((tr) => {
        const offset = tr.getAttribute('data-offset')
        if (tr.getAttribute('data-testid') === 'marker-row') return `${offset}:${tr.getAttribute('data-type')}`
        const outcome = tr.getAttribute('data-outcome')
        return `${offset}:${tr.querySelector('[data-testid=record-value]')?.textContent}${outcome ? `/${outcome}` : ''}`
      }),
    )
  }

  beforeAll(async () => {
    // The coordinator looks for timed-out transactions once an hour: one left open past its timeout stays open.
    const serveArgs = ['--config', 'group.initial.rebalance.delay.ms=0', '--config', 'transaction.abort.timed.out.transaction.cleanup.interval.ms=3600000']
    ;({ serve, browser, page } = await openConsole({ consoleErrors, brokers: 1, serveArgs }))
    bootstrap = REFERENCE ?? serve.bootstrap
    if (REFERENCE) {
      connection = 'reference'
      await serve.call('connection:save', { name: connection, settings: { bootstrap: REFERENCE } })
      await page.goto(serve.url)
      await chooseCluster(page, connection)
    }
  }, 120_000)

  afterAll(async () => {
    await Promise.allSettled(producers.map((p) => p.disconnect()))
    await browser?.close()
    await serve?.stop()
  })

  it('lists each transactional id with its state, and the partition an open transaction holds behind its LSO', async () => {
    const topic = name('payments')
    await createTopic(topic)
    const committer = await producer(name('committer'))
    await transaction(committer, topic, 0, ['paid-1', 'paid-2'], 'commit')
    const open = await producer(name('open'))
    const txn = await open.transaction()
    await txn.send({ topic, messages: [{ value: 'pending-1', partition: 0 }, { value: 'pending-2', partition: 0 }] })

    await page.goto(`${serve.url}#/transactions`)
    const committed = page.locator(`[data-testid=transaction-row][data-id="${name('committer')}"]`)
    await committed.waitFor({ timeout: 20_000 })
    await expect.poll(() => committed.getAttribute('data-state'), { timeout: 10_000 }).toBe('CompleteCommit')
    const ongoing = page.locator(`[data-testid=transaction-row][data-id="${name('open')}"]`)
    await expect.poll(() => ongoing.getAttribute('data-state'), { timeout: 10_000 }).toBe('Ongoing')
    await expect(ongoing.getByTestId('transaction-partitions').textContent()).resolves.toBe(`${topic}-0`)
    const ongoingProducerId = ongoing.getByTestId('transaction-producer-id').textContent()
    expect(Number(await ongoingProducerId)).toBeGreaterThanOrEqual(0)

    // Offsets 0-1 committed, 2 the COMMIT marker, 3-4 open: the LSO stays at 3, two behind the high watermark.
    const partition = page.locator(`[data-testid=unstable-partition][data-topic="${topic}"][data-partition="0"]`)
    await partition.waitFor({ timeout: 10_000 })
    await expect(partition.getByTestId('partition-lso').textContent()).resolves.toBe('3')
    await expect(partition.getByTestId('partition-hw').textContent()).resolves.toBe('5')
    await expect(partition.getByTestId('partition-gap').textContent()).resolves.toBe('2')
    await expect(partition.getByTestId('open-transaction').textContent()).resolves.toContain(name('open'))
    await expect(partition.getByTestId('open-transaction').getAttribute('data-hanging')).resolves.toBe('')
    await saveThemeScreenshots(page, 'transactions')

    // read_committed stops at the LSO; read_uncommitted reads the open records, marked open.
    await browse(topic, 'read_committed')
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['0:paid-1/committed', '1:paid-2/committed', '2:COMMIT'])
    await browse(topic, 'read_uncommitted')
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['0:paid-1/committed', '1:paid-2/committed', '2:COMMIT', '3:pending-1/open', '4:pending-2/open'])

    // Aborted: greyed out and labelled under read_uncommitted, left out under read_committed.
    await txn.abort()
    await browse(topic, 'read_uncommitted')
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['0:paid-1/committed', '1:paid-2/committed', '2:COMMIT', '3:pending-1/aborted', '4:pending-2/aborted', '5:ABORT'])
    expect(await page.locator('[data-testid=record-row][data-outcome=aborted] [data-testid=record-transaction]').first().textContent()).toBe('aborted transaction')
    expect(await page.locator('[data-testid=record-row][data-outcome=aborted] td').first().evaluate((td) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(td).opacity)).toBe('0.5')
    expect(Number(await page.locator('[data-testid=marker-row][data-type=ABORT] [data-testid=marker-producer]').textContent())).toBe(Number(await ongoingProducerId))
    await saveThemeScreenshots(page, 'messages-transactions')
    await browse(topic, 'read_committed')
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['0:paid-1/committed', '1:paid-2/committed', '2:COMMIT', '5:ABORT'])

    await page.goto(`${serve.url}#/transactions`)
    await expect.poll(() => page.locator(`[data-testid=transaction-row][data-id="${name('open')}"]`).getAttribute('data-state'), { timeout: 15_000 }).toBe('CompleteAbort')
    await expect.poll(() => partition.count(), { timeout: 10_000 }).toBe(0)
    expect(consoleErrors).toEqual([])
  }, 120_000)

  /**
   * A transaction that will not end by itself, of two records in partition 0 of `topic`. On the
   * embedded cluster: Ongoing past its 2 s transaction.timeout.ms, which the coordinator does not
   * look for within the hour (serveArgs). On Apache Kafka, whose coordinator aborts it within 10 s:
   * a transactional batch no coordinator knows, written once transaction.partition.verification.enable
   * is off (as before KIP-890).
   */
  async function hangingIn(topic: string): Promise<{ reason: string; why: string }> {
    if (!REFERENCE) {
      const stuck = await transactionalProducer(bootstrap, name('stuck'), 2000)
      producers.push(stuck)
      const txn = await stuck.transaction()
      await txn.send({ topic, messages: [{ value: 'lost-1', partition: 0 }, { value: 'lost-2', partition: 0 }] })
      return { reason: 'past-timeout', why: 'past its transaction.timeout.ms of 2.0 s' }
    }
    await api('config:alter', { broker: '', configs: { 'transaction.partition.verification.enable': 'false' } })
    try {
      await expect.poll(async () => hangingTransaction(bootstrap, topic, 0, ['lost-1', 'lost-2']).then(() => true, () => false), { timeout: 10_000, interval: 500 }).toBe(true)
    } finally {
      await api('config:alter', { broker: '', configs: { 'transaction.partition.verification.enable': null } })
    }
    return { reason: 'unknown-to-coordinator', why: 'no coordinator knows' }
  }

  it('finds a hanging transaction and aborts it, once confirmed, as kafka-transactions --abort does', async () => {
    const topic = name('stuck')
    await createTopic(topic)
    const { reason, why } = await hangingIn(topic)
    await page.goto(`${serve.url}#/transactions`)
    const open = page.locator(`[data-testid=unstable-partition][data-topic="${topic}"] [data-testid=open-transaction]`)
    // Past its timeout, or past the grace for a transaction that may just have ended.
    await expect.poll(() => open.getAttribute('data-hanging'), { timeout: 20_000 }).toBe(reason)
    await expect(page.getByTestId('transactions-summary').getAttribute('data-hanging')).resolves.not.toBe('0')
    await expect(open.getByTestId('hanging-why').textContent()).resolves.toContain(why)

    await open.getByTestId('abort-transaction').click()
    // Nothing is written before the confirmation; Keep leaves it.
    await open.getByTestId('abort-cancel').click()
    await open.getByTestId('abort-transaction').click()
    await saveThemeScreenshots(page, 'transactions-abort-confirm')
    await open.getByTestId('abort-confirm').click()
    await expect.poll(() => page.getByTestId('abort-result').textContent(), { timeout: 15_000 }).toContain(`ABORT marker written to ${topic}-0: LSO 3, high watermark 3`)
    await expect.poll(() => page.locator(`[data-testid=unstable-partition][data-topic="${topic}"]`).count(), { timeout: 10_000 }).toBe(0)
    await browse(topic, 'read_committed')
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['2:ABORT'])
  }, 90_000)

  it('counts a group’s lag in records: markers are not records', async () => {
    const topic = name('ledger')
    const group = name('ledger-readers')
    await createTopic(topic)
    const writer = await producer(name('ledger-writer'))
    for (let i = 0; i < 4; i++) await transaction(writer, topic, 0, [`entry-${i}`], 'commit')
    await transaction(writer, topic, 0, ['void-1', 'void-2'], 'abort')
    const admin = kafkaClient(bootstrap).admin()
    await admin.connect()
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] })
    await admin.disconnect()

    await page.goto(`${serve.url}#/groups`)
    await page.locator(`[data-testid=group-row][data-group="${group}"]`).click({ timeout: 20_000 })
    const row = page.locator(`[data-testid=offset-row][data-topic="${topic}"]`)
    // 4 committed records; not their 4 COMMIT markers, the 2 aborted records nor the ABORT marker (11 offsets).
    await expect.poll(() => row.getByTestId('partition-lag').textContent(), { timeout: 20_000 }).toBe('4')
    await expect(row.getByTestId('partition-offset-lag').textContent()).resolves.toBe('11')
    await expect(page.getByTestId('detail-total-lag').textContent()).resolves.toContain('4')
  }, 60_000)

  it('runs a transaction by hand on the Produce page: read_committed readers wait at the LSO until it commits', async () => {
    const topic = name('by-hand')
    await createTopic(topic)
    await page.goto(`${serve.url}#/produce`)
    const panel = page.getByTestId('manual-transaction')
    await panel.getByTestId('txn-id').fill(name('by-hand'))
    await panel.getByTestId('txn-begin').click()
    await panel.getByTestId('txn-topic').waitFor({ timeout: 15_000 })
    await panel.locator(`[data-testid=txn-topic] option[value="${topic}"]`).waitFor({ state: 'attached', timeout: 15_000 })
    await panel.getByTestId('txn-topic').selectOption(topic)
    for (const value of ['first', 'second']) {
      await panel.getByTestId('txn-value').fill(value)
      await panel.getByTestId('txn-send').click()
      await expect.poll(() => panel.locator(`[data-testid=manual-txn][data-id="${name('by-hand')}"][data-state=open] [data-testid=manual-txn-records]`).textContent(), { timeout: 10_000 }).toContain(value === 'first' ? '1 record' : '2 records')
    }
    await saveThemeScreenshots(page, 'produce-transaction')

    await browse(topic, 'read_committed')
    await expect.poll(() => page.locator('[data-testid=records] .empty').textContent(), { timeout: 10_000 }).toContain('No records')
    await browse(topic, 'read_uncommitted')
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['0:first/open', '1:second/open'])

    await page.goto(`${serve.url}#/produce`)
    await page.getByTestId('txn-id').fill(name('by-hand'))
    await page.getByTestId('txn-commit').click()
    await page.locator(`[data-testid=manual-txn][data-id="${name('by-hand')}"][data-state=committed]`).waitFor({ timeout: 10_000 })
    await browse(topic, 'read_committed')
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['0:first/committed', '1:second/committed', '2:COMMIT'])
  }, 90_000)
})
