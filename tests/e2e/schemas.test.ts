// Issue 17 in the console, in Chromium against `brokerlab serve` and its embedded schema
// registry: Avro records that @kafkajs/confluent-schema-registry encoded are decoded in the
// message browser with their schema id and subject (an unknown id says so); the Schemas page
// creates a subject with a chosen level, diffs two versions and shows an incompatibility's
// reason before registering; Produce with a schema validates and encodes (read back by
// Confluent's own deserializer); the evolution demo refuses a breaking change with its reason.
import { AvroDeserializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { Kafka, logLevel } from 'kafkajs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../helpers/cluster'
import { freePort } from '../helpers/ports'
import { chooseCluster, chromiumMissing, fillFields, openConsole, openFromNav, openTopicMessages, saveThemeScreenshots, suiteTitle } from './browser'
import type { Serve } from './serve'

const ORDER_V1 = { type: 'record', name: 'Order', namespace: 'com.acme', fields: [{ name: 'id', type: 'long' }, { name: 'item', type: 'string' }, { name: 'quantity', type: 'int' }] }
const PAYMENT_V1 = { type: 'record', name: 'Payment', namespace: 'com.acme', fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'double' }] }
const PAYMENT_V2 = { ...PAYMENT_V1, fields: [...PAYMENT_V1.fields, { name: 'note', type: ['null', 'string'], default: null }] }
const PAYMENT_BREAKING = { ...PAYMENT_V2, fields: [...PAYMENT_V2.fields, { name: 'currency', type: 'string' }] }

type PageAnswer = { records: Array<{ offset: number; value: { text: string; encoding: 'utf8' | 'base64' } | null; valueSchema?: { id: number; subject: string | null } }> }

describe.skipIf(chromiumMissing)(suiteTitle('schemas'), () => {
  let serve: Serve
  let browser: Browser
  let page: Page
  let registryUrl: string
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ;({ serve, browser, page } = await openConsole({ consoleErrors, brokers: 1, serveArgs: ['--schema-registry-port', '0'] }))
    registryUrl = await eventually('the registry line', () => /^schema registry: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(serve.output())?.[1])
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
  })

  it('decodes Avro records of @kafkajs/confluent-schema-registry with their schema id and subject, and says when an id is unknown', async () => {
    await serve.call('topic:create', { name: 'orders', partitions: 1, replicationFactor: 1 })
    const registry = new SchemaRegistry({ host: registryUrl })
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V1) }, { subject: 'orders-value' })
    const kafka = new Kafka({ clientId: 'schemas-e2e', brokers: serve.bootstrap.split(','), logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    const unknown = Buffer.concat([Buffer.from([0, 0, 0, 0x27, 0x0f]), Buffer.from([2, 4])]) // schema id 9999
    await producer.send({
      topic: 'orders',
      acks: -1,
      messages: [
        { key: 'o1', value: await registry.encode(id, { id: 1, item: 'pen', quantity: 3 }) },
        { key: 'o2', value: await registry.encode(id, { id: 2, item: 'ink', quantity: 1 }) },
        { key: 'o3', value: unknown },
      ],
    })
    await producer.disconnect()

    await openTopicMessages(page, serve, 'orders')
    const first = page.locator('[data-testid=record-row][data-offset="0"]')
    await expect.poll(() => first.getByTestId('record-schema').textContent(), { timeout: 15_000 }).toBe(`schema id ${id} · orders-value v1 · AVRO`)
    expect(JSON.parse((await first.getByTestId('record-value').textContent())!)).toEqual({ id: 1, item: 'pen', quantity: 3 })
    const third = page.locator('[data-testid=record-row][data-offset="2"]')
    expect(await third.getByTestId('record-schema-error').textContent()).toBe(`schema id 9999 is unknown to the schema registry at ${registryUrl}`)
    await saveThemeScreenshots(page, 'schemas-browser')
    expect(consoleErrors).toEqual([])
  }, 120_000)

  it('creates a subject with a chosen level, diffs two versions, and shows an incompatibility inline before registering', async () => {
    await page.goto(`${serve.url}#/schemas`)
    await page.getByTestId('editor-subject').fill('payments-value')
    await page.getByTestId('editor-level').selectOption('FULL')
    await page.getByTestId('editor-schema').fill(JSON.stringify(PAYMENT_V1, null, 2))
    await page.locator('[data-testid=compat-result][data-state=compatible]').waitFor({ timeout: 10_000 })
    await page.getByTestId('editor-register').click()
    await expect.poll(() => page.getByTestId('editor-registered').textContent(), { timeout: 10_000 }).toMatch(/Registered payments-value version 1: schema id \d+/)
    const row = page.locator('[data-testid=subject-row][data-subject="payments-value"]')
    await expect.poll(() => row.getByTestId('subject-level-cell').textContent()).toBe('FULL')

    // v2 adds an optional field: compatible under FULL.
    await page.getByTestId('editor-schema').fill(JSON.stringify(PAYMENT_V2, null, 2))
    await page.locator('[data-testid=compat-result][data-state=compatible]').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('compat-result').textContent()).toContain('Compatible under FULL')
    await page.getByTestId('editor-register').click()
    await expect.poll(() => page.getByTestId('editor-registered').textContent(), { timeout: 10_000 }).toMatch(/version 2/)
    await expect.poll(() => row.getByTestId('subject-versions').textContent()).toBe('1, 2')

    await row.click()
    const diff = page.getByTestId('schema-diff').first()
    await expect.poll(() => diff.getByTestId('diff-added').allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringContaining('"name": "note"')]))
    expect(Number(await diff.getAttribute('data-changes'))).toBeGreaterThan(0)

    // A field without a default breaks FULL: the reason shows before anything is registered.
    await page.getByTestId('editor-schema').fill(JSON.stringify(PAYMENT_BREAKING, null, 2))
    await page.locator('[data-testid=compat-result][data-state=incompatible]').waitFor({ timeout: 10_000 })
    const messages = await page.getByTestId('compat-message').allTextContents()
    expect(messages.join('\n')).toMatch(/currency/)
    await saveThemeScreenshots(page, 'schemas-subject')
    await page.getByTestId('editor-register').click()
    await expect.poll(() => page.getByTestId('editor-error').textContent(), { timeout: 10_000 }).toMatch(/incompatible/)
    await expect.poll(() => row.getByTestId('subject-versions').textContent()).toBe('1, 2')

    // The level is editable afterwards.
    await page.getByTestId('subject-level').selectOption('NONE')
    await expect.poll(() => row.getByTestId('subject-level-cell').textContent()).toBe('NONE')
    expect(consoleErrors).toEqual([])
  }, 120_000)

  it('soft-deletes, then hard-deletes a subject, each after a confirmation', async () => {
    const registry = new SchemaRegistry({ host: registryUrl })
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(PAYMENT_V1) }, { subject: 'scratch-value' })
    await page.goto(`${serve.url}#/schemas`)
    await page.getByTestId('tab-subjects').click()
    await page.getByRole('button', { name: 'Refresh' }).click()
    const row = page.locator('[data-testid=subject-row][data-subject="scratch-value"]')
    await row.click()
    const panel = page.getByTestId('subject-panel')
    await panel.getByTestId('delete-subject').click()
    await expect.poll(() => panel.getByTestId('delete-confirm').textContent()).toContain('Soft delete every version of scratch-value?')
    await panel.getByTestId('delete-confirm-yes').click()
    await expect.poll(() => row.getByTestId('subject-versions').textContent(), { timeout: 10_000 }).toBe('deleted')
    expect(await (await fetch(`${registryUrl}/subjects`)).json()).not.toContain('scratch-value')
    await panel.getByTestId('delete-subject-hard').click()
    await expect.poll(() => panel.getByTestId('delete-confirm').textContent()).toContain('Hard delete every version of scratch-value?')
    await panel.getByTestId('delete-confirm-yes').click()
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0)
    expect(await (await fetch(`${registryUrl}/subjects?deleted=true`)).json()).not.toContain('scratch-value')
  }, 60_000)

  it('produces with a schema: validates the JSON (with its path) and encodes it, as Confluent\'s deserializer reads back', async () => {
    await page.goto(`${serve.url}#/produce`)
    const panel = page.getByTestId('schema-produce')
    await panel.locator('[data-testid=schema-produce-topic] option[value="orders"]').waitFor({ state: 'attached', timeout: 10_000 })
    await panel.getByTestId('schema-produce-topic').selectOption('orders')
    await panel.getByTestId('schema-produce-subject').selectOption('orders-value')
    await panel.getByTestId('schema-produce-value').fill('{"id": 3, "item": "nib", "quantity": "two"}')
    await expect.poll(() => panel.getByTestId('schema-produce-problem').allTextContents(), { timeout: 10_000 }).toEqual(['quantity: "two" is not a valid int'])
    await panel.getByTestId('schema-produce-value').fill('{"id": 3, "item": "nib", "quantity": 2}')
    await panel.locator('[data-testid=schema-produce-check][data-ok=true]').waitFor({ timeout: 10_000 })
    await panel.getByTestId('schema-produce-send').click()
    await expect.poll(() => panel.getByTestId('schema-produce-result').textContent(), { timeout: 10_000 }).toMatch(/offset 3 with schema id \d+/)
    await saveThemeScreenshots(page, 'schemas-produce')

    const read = await serve.call<PageAnswer>('message:page', { topic: 'orders', from: { kind: 'offset', offset: 3 }, limit: 1 })
    const value = read.records[0].value!
    const bytes = Buffer.from(value.text, value.encoding === 'utf8' ? 'utf8' : 'base64')
    const deserializer = new AvroDeserializer(new SchemaRegistryClient({ baseURLs: [registryUrl], maxRetries: 0 }), SerdeType.VALUE, {})
    expect(await deserializer.deserialize('orders', bytes)).toEqual({ id: 3, item: 'nib', quantity: 2 })
    expect(read.records[0].valueSchema?.subject).toBe('orders-value')
    expect(consoleErrors).toEqual([])
  }, 120_000)

  it('shows in the evolution demo which change keeps producers and consumers working, and refuses a breaking one with the reason', async () => {
    await page.goto(`${serve.url}#/schemas`)
    await page.getByTestId('tab-evolution').click()
    await page.getByTestId('evolution-kind').selectOption('add-without-default')
    await page.getByTestId('evolution-level').selectOption('BACKWARD')
    await page.getByTestId('evolution-run').click()
    const registration = page.getByTestId('evolution-registration')
    await registration.waitFor({ timeout: 30_000 })
    expect(await registration.getAttribute('data-ok')).toBe('false')
    expect(await registration.textContent()).toMatch(/email/)
    const levels = page.getByTestId('evolution-levels')
    expect(await levels.locator('[data-level=BACKWARD]').getAttribute('data-compatible')).toBe('false')
    expect(await levels.locator('[data-level=FORWARD]').getAttribute('data-compatible')).toBe('true')
    expect(await levels.locator('[data-level=NONE]').getAttribute('data-compatible')).toBe('true')
    const records = page.getByTestId('evolution-records')
    expect(await records.locator('[data-writer=v1] [data-reader=v1]').getAttribute('data-ok')).toBe('true')
    // v2 reads v1's record only through a default for email, which it lacks.
    expect(await records.locator('[data-writer=v1] [data-reader=v2]').getAttribute('data-ok')).toBe('false')
    expect(await records.locator('[data-writer=v2]').getByTestId('evolution-produce-error').textContent()).toMatch(/refused v2/)
    await saveThemeScreenshots(page, 'schemas-evolution-refused')

    await page.getByTestId('evolution-kind').selectOption('add-with-default')
    await page.getByTestId('evolution-level').selectOption('FULL')
    await page.getByTestId('evolution-run').click()
    await expect.poll(() => registration.getAttribute('data-ok'), { timeout: 30_000 }).toBe('true')
    for (const writer of ['v1', 'v2']) for (const reader of ['v1', 'v2']) expect(await records.locator(`[data-writer=${writer}] [data-reader=${reader}]`).getAttribute('data-ok')).toBe('true')
    await saveThemeScreenshots(page, 'schemas-evolution-full')
    expect(consoleErrors).toEqual([])
  }, 120_000)

  it('produces and decodes with JSON Schema (ajv names the path) and Protobuf (a message by its full name)', async () => {
    await serve.call('topic:create', { name: 'events', partitions: 1, replicationFactor: 1 })
    const registry = new SchemaRegistry({ host: registryUrl })
    const jsonSchema = { type: 'object', properties: { kind: { type: 'string' }, n: { type: 'integer' } }, required: ['kind', 'n'] }
    await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(jsonSchema) }, { subject: 'events-value' })
    const proto = 'syntax = "proto3";\npackage acme;\nmessage Header { string source = 1; }\nmessage Event { string kind = 1; int64 n = 2; }\n'
    await registry.register({ type: SchemaType.PROTOBUF, schema: proto }, { subject: 'events-proto' })

    await page.goto(`${serve.url}#/produce`)
    await page.reload()
    const panel = page.getByTestId('schema-produce')
    await panel.locator('[data-testid=schema-produce-topic] option[value="events"]').waitFor({ state: 'attached', timeout: 10_000 })
    await panel.getByTestId('schema-produce-topic').selectOption('events')
    await panel.getByTestId('schema-produce-subject').selectOption('events-value')
    await panel.getByTestId('schema-produce-value').fill('{"kind": "click", "n": "many"}')
    await expect.poll(() => panel.getByTestId('schema-produce-problem').allTextContents(), { timeout: 10_000 }).toEqual(['n: must be integer'])
    await panel.getByTestId('schema-produce-value').fill('{"kind": "click", "n": 7}')
    await panel.locator('[data-testid=schema-produce-check][data-ok=true]').waitFor({ timeout: 10_000 })
    await panel.getByTestId('schema-produce-send').click()
    await expect.poll(() => panel.getByTestId('schema-produce-result').textContent(), { timeout: 10_000 }).toMatch(/offset 0/)

    await panel.getByTestId('schema-produce-subject').selectOption('events-proto')
    await panel.getByTestId('schema-produce-message-type').fill('acme.Event')
    await panel.getByTestId('schema-produce-value').fill('{"kind": "view", "n": "12345678901234"}')
    await panel.locator('[data-testid=schema-produce-check][data-ok=true]').waitFor({ timeout: 10_000 })
    await panel.getByTestId('schema-produce-send').click()
    await expect.poll(() => panel.getByTestId('schema-produce-result').textContent(), { timeout: 10_000 }).toMatch(/offset 1/)

    await openTopicMessages(page, serve, 'events')
    const json = page.locator('[data-testid=record-row][data-offset="0"]')
    await expect.poll(() => json.getByTestId('record-schema').textContent(), { timeout: 15_000 }).toMatch(/^schema id \d+ · events-value v1 · JSON$/)
    expect(JSON.parse((await json.getByTestId('record-value').textContent())!)).toEqual({ kind: 'click', n: 7 })
    const pb = page.locator('[data-testid=record-row][data-offset="1"]')
    await expect.poll(() => pb.getByTestId('record-schema').textContent(), { timeout: 15_000 }).toMatch(/^schema id \d+ · events-proto v1 · PROTOBUF$/)
    expect(JSON.parse((await pb.getByTestId('record-value').textContent())!)).toEqual({ kind: 'view', n: '12345678901234' })
    await saveThemeScreenshots(page, 'schemas-json-protobuf')
    expect(consoleErrors).toEqual([])
  }, 120_000)

  it('works against the registry a saved connection names (typed on the Connections page), and says when that registry is unreachable', async () => {
    await page.goto(`${serve.url}#/connections`)
    await page.locator('[data-testid=connection-row][data-name=local]').waitFor({ timeout: 15_000 })
    await fillFields(page, { 'connection-name': 'with-registry', 'connection-bootstrap': serve.bootstrap, 'connection-schema-registry': 'not a url' })
    await page.getByTestId('connection-save').click()
    await expect.poll(() => page.getByTestId('connection-form').textContent()).toContain('give the registry as an http:// or https:// URL')
    await fillFields(page, { 'connection-schema-registry': registryUrl })
    await page.getByTestId('connection-save').click()
    await page.locator('[data-testid=connection-row][data-name=with-registry]').waitFor({ timeout: 10_000 })
    await expect.poll(() => page.locator('[data-testid=connection-row][data-name=with-registry]').getByTestId('connection-row-registry').textContent()).toContain(`schema registry ${registryUrl}`)
    // The embedded cluster's connection uses the embedded registry.
    expect(await page.locator('[data-testid=connection-row][data-name=local]').getByTestId('connection-row-registry').textContent()).toContain(registryUrl)
    const dead = `http://127.0.0.1:${await freePort()}`
    await serve.call('connection:save', { name: 'dead-registry', settings: { bootstrap: serve.bootstrap, schemaRegistryUrl: dead } })
    expect((await serve.call<Array<{ name: string; schemaRegistryUrl?: string }>>('connection:list', {})).find((c) => c.name === 'with-registry')?.schemaRegistryUrl).toBe(registryUrl)

    await chooseCluster(page, 'with-registry')
    await openFromNav(page, 'Schemas')
    await expect.poll(() => page.locator('[data-testid=registry-url], [data-testid=schemas-error]').first().textContent(), { timeout: 15_000 }).toBe(registryUrl)
    await page.locator('[data-testid=subject-row][data-subject="orders-value"]').waitFor({ timeout: 10_000 })
    await openTopicMessages(page, serve, 'orders')
    await expect.poll(() => page.locator('[data-testid=record-row][data-offset="0"]').getByTestId('record-schema').textContent(), { timeout: 15_000 }).toMatch(/orders-value v1/)

    await chooseCluster(page, 'dead-registry')
    await openTopicMessages(page, serve, 'orders')
    await expect
      .poll(() => page.locator('[data-testid=record-row][data-offset="0"]').getByTestId('record-schema-error').textContent(), { timeout: 15_000 })
      .toBe(`the schema registry at ${dead} is unreachable: ECONNREFUSED`)
    await openFromNav(page, 'Schemas')
    await expect.poll(() => page.getByTestId('schemas-error').textContent(), { timeout: 10_000 }).toContain(`the schema registry at ${dead} is unreachable`)
    await saveThemeScreenshots(page, 'schemas-unreachable')
    await chooseCluster(page, 'local')
    // The dead registry's refusals are the app's answers, not page errors.
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  }, 120_000)
})
