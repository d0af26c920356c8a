// The console on data kafka-python made (issue "The console as operators use it"): in
// Chromium against `brokerlab serve`, records a kafka-python producer wrote (keyed JSON with
// headers, over three partitions) show newest first over all partitions with their JSON kept
// as written, and the lag of a kafka-python consumer group that read part of them matches
// what it committed, then resets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { kafkaPython, kafkaPythonAvailable } from '../helpers/kcat'
import { chromiumMissing, openConsole, suiteTitle } from './browser'
import type { Serve } from './serve'

const PRODUCE = `
import json, os
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=os.environ['BOOTSTRAP'], acks='all')
for i in range(30):
    value = '{"id": %d, "amount": 12345678901234567890, "price": 1.10}' % i
    p.send('py.events', key=b'user-%d' % (i % 7), value=value.encode(), headers=[('source', b'kafka-python')])
p.flush()
p.close()
`

const CONSUME = `
import os
from kafka import KafkaConsumer
c = KafkaConsumer('py.events', bootstrap_servers=os.environ['BOOTSTRAP'], group_id='py-readers', auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=10000, max_poll_records=1)
read = 0
for record in c:
    read += 1
    if read == 12:
        break
c.commit()
c.close()
print(read)
`

describe.skipIf(chromiumMissing || !kafkaPythonAvailable)(suiteTitle('kafka-python data'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors }))
    await serve.call('topic:create', { name: 'py.events', partitions: 3, replicationFactor: 3 })
    const produced = await kafkaPython(PRODUCE, serve.bootstrap)
    expect(produced.status, produced.stderr).toBe(0)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('shows the newest of kafka-python’s records over all partitions, JSON as written, with its header', async () => {
    await page.goto(`${serve.url}#/messages?topic=py.events`)
    await page.getByTestId('decode-mode').selectOption('json')
    const newest = page.locator('[data-testid=record-row]', { hasText: '"id": 29' })
    await newest.waitFor({ timeout: 15_000 })
    const value = (await newest.getByTestId('record-value').textContent()) ?? ''
    expect(value).toContain('12345678901234567890')
    expect(value).toContain('1.10')
    expect(await newest.textContent()).toContain('source=kafka-python')
  })

  it('shows the lag of a kafka-python group that committed after 12 records, and resets it to the earliest', async () => {
    const consumed = await kafkaPython(CONSUME, serve.bootstrap)
    expect(consumed.status, consumed.stderr).toBe(0)
    expect(consumed.stdout.trim()).toBe('12')
    const groups = await serve.call<Array<{ groupId: string; totalLag: number; partitions: Array<{ committedOffset: number | null; logEndOffset: number | null }> }>>('group:list', {})
    const group = groups.find((g) => g.groupId === 'py-readers')!
    const committed = group.partitions.reduce((n, p) => n + (p.committedOffset ?? 0), 0)
    expect(committed).toBe(12)
    expect(group.totalLag).toBe(30 - 12)

    await page.goto(`${serve.url}#/groups`)
    await page.locator('[data-testid=group-row][data-group=py-readers]').click()
    await expect.poll(() => page.getByTestId('detail-total-lag').textContent(), { timeout: 10_000 }).toContain('18')
    await page.getByTestId('reset-topic').selectOption('py.events')
    await page.getByTestId('reset-kind').selectOption('earliest')
    await page.getByTestId('reset-preview').click()
    await page.getByTestId('reset-apply').click()
    await expect.poll(() => page.getByTestId('detail-total-lag').textContent(), { timeout: 10_000 }).toContain('30')
    expect(consoleErrors).toEqual([])
  })
})
