// The console administers a real Apache Kafka 4.4 (issue "The console administers any Kafka
// cluster", its acceptance): Chromium against `brokerlab serve`, the reference cluster added as
// an external connection in the UI, and everything the console shows compared field by field
// with what Kafka's own tools print about the same cluster: topics, partitions with leaders and
// ISR, configs with their sources; a config edited with validation; a group's lag and an offset
// reset; records both ways between the UI and the console producer and consumer; and the same
// cluster over SASL_SSL with SCRAM-SHA-512 and TLS, a wrong password and an untrusted CA each
// named.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ConfigSource } from '../../preload/schemas/rules'
import { tempDir } from '../helpers/batches'
import { formatCount } from '../../renderer/src/components/topics/format'
import { formatBytes } from '../../renderer/src/format/units'
import { chooseCluster, chromiumMissing, connectionTestResult, fillFields, openConsole, openTopicMessages, suiteTitle } from '../e2e/browser'
import type { Serve } from '../e2e/serve'
import { makeBrokerKeystore, type BrokerKeystore } from './kafka/certificates'
import { ReferenceCluster } from './kafka/cluster'
import { runKafkaTool, type JavaRunOptions, type KafkaToolName } from './kafka/tools'
import { parseConfigsDescribe, parseGroupTables, parseLogDirsDescribe, sortedLines, topicsDescribed } from './toolOutput'

const TOPIC = 'orders'
/** Two groups, one for each of Kafka's group protocols: the classic one, and KIP-848's consumer protocol. */
const GROUPS = { classic: 'billing', consumer: 'billing-kip848' } as const
const USER = 'alice'
const PASSWORD = 'alice-secret'
/** Records kafka-console-producer writes: headers, a tab, key|value (parse.headers, parse.key, key.separator=|). */
const CLI_RECORDS = ['source:cli,n:1\tk1|one', 'source:cli,n:2\tk2|two', 'source:cli\tk3|three', 'source:cli,empty:\tk4|four', 'source:cli\tk5|five', 'source:cli\tk6|six']
/** Records produced in the UI, each with the header origin=console; an empty key is a null key. */
const UI_RECORDS = [
  { key: 'u1', value: 'from the console 1' },
  { key: 'u2', value: 'from the console 2' },
  { key: '', value: 'from the console, no key' },
]
const UI_HEADER = { key: 'origin', value: 'console' }

/** "1,2,3" (a tool) or "1, 2, 3" (the UI) as broker ids. */
const brokerIds = (list: string | null | undefined) => (list ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number)

/** A config's source from kafka-configs' synonyms ("SOURCE:name=value", in precedence order): the first one's, else Kafka's default. */
function toolSource(synonyms: string[]): number {
  const name = synonyms[0]?.split(':')[0] ?? 'DEFAULT_CONFIG'
  if (!(name in ConfigSource)) throw new Error(`unknown config source ${name}`)
  return ConfigSource[name as keyof typeof ConfigSource]
}

describe.skipIf(chromiumMissing)(suiteTitle('the console on Apache Kafka'), () => {
  let dir: ReturnType<typeof tempDir>
  let tls: BrokerKeystore
  let kafka: ReferenceCluster
  let serve: Serve
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  /** Where the UI wrote each of UI_RECORDS, as its send results say. */
  const written: Array<{ partition: number; offset: number; headers: string[]; key: string; value: string }> = []

  beforeAll(async () => {
    dir = tempDir('brokerlab-reference-console-')
    tls = makeBrokerKeystore(dir.dir)
    // A static broker property, so a topic config also shows STATIC_BROKER_CONFIG as its source.
    const configs = { 'log.segment.bytes': String(256 * 1024 * 1024) }
    ;[kafka, { serve, browser, page }] = await Promise.all([
      ReferenceCluster.start({ dir: dir.dir, configs, saslSsl: { keystore: tls.keystore, password: tls.password, users: { [USER]: PASSWORD } } }),
      openConsole({ consoleErrors, brokers: 1, viewport: { width: 1400, height: 1000 } }),
    ])
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await kafka?.stop()
    dir?.remove()
  }, 120_000)

  /** One of Kafka's tools against the reference's PLAINTEXT listener; it must succeed. */
  async function tool(name: KafkaToolName, args: string[], options?: JavaRunOptions): Promise<string> {
    const result = await runKafkaTool(name, ['--bootstrap-server', kafka.bootstrapServers, ...args], options)
    expect(result.status, `${name} ${args.join(' ')}:\n${result.stdout}${result.stderr}`).toBe(0)
    return result.stdout
  }

  const fill = (fields: Record<string, string>) => fillFields(page, fields)

  async function testConnection(): Promise<{ ok: string | null; failure: string | null; text: string }> {
    await page.getByTestId('connection-test').click()
    return connectionTestResult(page)
  }

  /** Saves the form's connection and shows that cluster (choosing reloads the page). */
  async function saveAndChoose(name: string): Promise<void> {
    await page.getByTestId('connection-save').click()
    await page.locator(`[data-testid=connection-row][data-name="${name}"]`).waitFor({ timeout: 10_000 })
    await chooseCluster(page, name)
  }

  /** The Topics page's rows (name, partitions, replication factor), once they are what kafka-topics --describe prints of every topic. */
  async function expectTopicList(): Promise<void> {
    const described = topicsDescribed(await tool('kafka-topics', ['--describe']))
    const listed = described.map(({ topic }) => [topic.Topic, topic.PartitionCount, topic.ReplicationFactor].join(' ')).sort()
    await page.goto(`${serve.url}#/topics`)
    // A row's cells: name (with its pills), partitions, replication factor, ...
    const shown = () => page.getByTestId('topic-list-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-topic'), r.children[1]?.textContent?.trim(), r.children[2]?.textContent?.trim()].join(' ')).sort())
    await expect.poll(shown, { timeout: 20_000 }).toEqual(listed)
  }

  /**
   * kafka-configs --describe of an entity (with `--all`, every config; without, what is set at
   * its level): each config's value and source (its first synonym's, else Kafka's default).
   */
  async function describedConfigs(entity: readonly string[], all = true): Promise<Record<string, { value: string; source: number }>> {
    const [described] = parseConfigsDescribe(await tool('kafka-configs', ['--describe', ...entity, ...(all ? ['--all'] : [])]))
    return Object.fromEntries(Object.entries(described.configs).map(([name, c]) => [name, { value: c.value, source: toolSource(c.synonyms) }]))
  }

  /**
   * A configs table's rows (ConfigTable) as the tool prints them: the value shown, or in the
   * editor's field; the table's marks for a hidden, null or empty value undone.
   */
  function configTable(testid: string): Promise<Record<string, { value: string; source: number }>> {
    const rows = page.locator(`[data-testid=${testid}] [data-testid=config-row]`)
    const marks: Record<string, string> = { '(sensitive)': 'null', '(unset)': 'null', '""': '' }
    return rows
      .evaluateAll((trs) =>
        trs.map((tr) => {
          const cell = tr.querySelector('td.value')
          const field = cell?.querySelector('input, select') as { value: string } | null | undefined
          const value = field ? field.value : (cell?.querySelector('.current, .shown')?.textContent?.trim() ?? '')
          return [tr.getAttribute('data-config') ?? '', value, Number(tr.getAttribute('data-source'))] as const
        }),
      )
      .then((shown) => Object.fromEntries(shown.map(([name, value, source]) => [name, { value: marks[value] ?? value, source }])))
  }

  it('adds the reference Kafka in the UI; topics, partitions with leaders and ISR, and configs with their sources match kafka-topics and kafka-configs', async () => {
    await Promise.all([
      tool('kafka-topics', ['--create', '--topic', TOPIC, '--partitions', '3', '--replication-factor', '3', '--config', 'retention.ms=3600000', '--config', 'max.message.bytes=2000000']),
      tool('kafka-configs', ['--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.bytes=1073741824']),
    ])

    await page.goto(`${serve.url}#/connections`)
    await page.locator('[data-testid=connection-row][data-name=local]').waitFor({ timeout: 15_000 })
    await fill({ 'connection-name': 'reference', 'connection-bootstrap': kafka.bootstrapServers, 'connection-timeout': '10000' })
    const reached = await testConnection()
    expect(reached.ok, reached.text).toBe('true')
    expect(reached.text).toContain(kafka.clusterId)
    await saveAndChoose('reference')
    await expectTopicList()

    const [{ topic: described, partitions: describedPartitions }] = topicsDescribed(await tool('kafka-topics', ['--describe', '--topic', TOPIC]))
    await page.goto(`${serve.url}#/topics/${TOPIC}`)
    const rows = page.locator('[data-testid=partition-table] [data-testid=partition-row]')
    const partitionTable = () =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => {
          const cell = (id: string) => tr.querySelector(`[data-testid=${id}]`)?.textContent ?? ''
          return { partition: tr.getAttribute('data-partition'), leader: cell('partition-leader'), replicas: cell('partition-replicas'), isr: cell('partition-isr') }
        }),
      )
    const expected = describedPartitions.map((p) => ({ partition: Number(p.Partition), leader: Number(p.Leader), replicas: brokerIds(p.Replicas), isr: brokerIds(p.Isr) }))
    await expect
      .poll(async () => (await partitionTable()).map((p) => ({ partition: Number(p.partition), leader: Number(p.leader), replicas: brokerIds(p.replicas), isr: brokerIds(p.isr) })), { timeout: 20_000 })
      .toEqual(expected)
    await expect(page.getByTestId('topic-detail').textContent()).resolves.toContain(
      `${described.PartitionCount} partitions · replication factor ${described.ReplicationFactor}`,
    )

    // Every config of the topic: its value and its source, as kafka-configs --describe --all prints them.
    const toolConfigs = await describedConfigs(['--entity-type', 'topics', '--entity-name', TOPIC])
    const shownConfigs = () => configTable('topic-configs')
    await expect.poll(shownConfigs, { timeout: 20_000 }).toEqual(toolConfigs)
    // The sources this topic shows: its overrides, the cluster-wide dynamic default, a static property and Kafka's defaults.
    expect(new Set(Object.values(toolConfigs).map((c) => c.source))).toEqual(
      new Set([ConfigSource.DYNAMIC_TOPIC_CONFIG, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG]),
    )
    // kafka-topics' Configs: are the configs not at Kafka's default (the topic's overrides and the brokers').
    const notDefault = Object.entries(await shownConfigs()).filter(([, c]) => c.source !== ConfigSource.DEFAULT_CONFIG)
    expect(notDefault.map(([name, c]) => `${name}=${c.value}`).sort()).toEqual(described.Configs.split(',').sort())
  }, 150_000)

  it('shows a broker’s configs with their sources as kafka-configs describes them', async () => {
    const broker = ['--entity-type', 'brokers', '--entity-name', '1']
    await tool('kafka-configs', ['--alter', ...broker, '--add-config', 'log.cleaner.threads=2'])
    const toolConfigs = await describedConfigs(broker)
    // The Brokers page shows the first broker's configs.
    await page.goto(`${serve.url}#/brokers`)
    await page.locator('[data-testid=broker-configs][data-broker-id="1"]').waitFor({ timeout: 15_000 })
    await expect.poll(() => configTable('broker-configs'), { timeout: 20_000 }).toEqual(toolConfigs)
    expect(toolConfigs['log.cleaner.threads']).toEqual({ value: '2', source: ConfigSource.DYNAMIC_BROKER_CONFIG })

    // The Configuration page's "overrides only" at the cluster-wide and the broker's level: what
    // kafka-configs describes as set there.
    for (const [scope, entity, setByTest] of [
      ['cluster', ['--entity-type', 'brokers', '--entity-default'], 'log.retention.bytes'],
      ['broker:1', broker, 'log.cleaner.threads'],
    ] as const) {
      const setHere = await describedConfigs(entity, false)
      await page.goto(`${serve.url}#/config?scope=${scope}`)
      await page.locator(`[data-testid=configuration-view][data-scope="${scope}"] [data-testid=config-table] [data-testid=config-row]`).first().waitFor({ timeout: 15_000 })
      await page.getByTestId('config-overrides').check({ force: true })
      await expect.poll(() => configTable('config-table'), { timeout: 15_000 }).toEqual(setHere)
      expect(Object.keys(setHere)).toContain(setByTest)
    }
  }, 60_000)

  it('shows the broker’s refusal of a bad config value inline, and applies a good one that kafka-configs describes', async () => {
    const row = (name: string) => page.locator(`[data-testid=config-table] [data-testid=config-row][data-config="${name}"]`)
    const status = (state: string) => page.locator(`[data-testid=pending-status][data-state=${state}]`)
    const entity = ['--entity-type', 'topics', '--entity-name', TOPIC]
    const refused = await runKafkaTool('kafka-configs', ['--bootstrap-server', kafka.bootstrapServers, '--alter', ...entity, '--add-config', 'retention.ms=-5'])
    expect(refused.status).not.toBe(0)
    const kafkaMessage = /InvalidConfigurationException: (.*)/.exec(refused.stderr)?.[1]
    expect(kafkaMessage, refused.stderr).toBeTruthy()

    await page.goto(`${serve.url}#/config?scope=topic:${TOPIC}`)
    const input = row('retention.ms').getByTestId('config-input')
    await expect.poll(() => input.inputValue(), { timeout: 20_000 }).toBe('3600000')
    await input.fill('-5')
    await expect.poll(() => row('retention.ms').getByTestId('config-input-error').textContent(), { timeout: 15_000 }).toBe(kafkaMessage)
    await status('invalid').waitFor()
    await expect(page.getByTestId('config-apply').isDisabled()).resolves.toBe(true)

    await input.fill('7200000')
    await status('valid').waitFor({ timeout: 15_000 })
    await page.getByTestId('config-apply').click()
    await page.getByTestId('config-applied').waitFor({ timeout: 15_000 })
    const [after] = parseConfigsDescribe(await tool('kafka-configs', ['--describe', ...entity]))
    expect(after.configs['retention.ms']).toMatchObject({ value: '7200000', synonyms: ['DYNAMIC_TOPIC_CONFIG:retention.ms=7200000'] })
    await expect(row('retention.ms').getAttribute('data-source')).resolves.toBe(String(ConfigSource.DYNAMIC_TOPIC_CONFIG))
  }, 90_000)

  it('reads kafka-console-producer’s records in the browser, and kafka-console-consumer reads what the UI produced', async () => {
    const reader = ['parse.headers=true', 'parse.key=true', 'key.separator=|'].flatMap((p) => ['--reader-property', p])
    await tool('kafka-console-producer', ['--topic', TOPIC, ...reader], { input: CLI_RECORDS.join('\n') + '\n' })
    // A group of each protocol reads them all and stops: its committed offsets are the ends so far.
    await Promise.all(
      Object.entries(GROUPS).map(([protocol, group]) =>
        tool('kafka-console-consumer', ['--topic', TOPIC, '--group', group, '--consumer-property', `group.protocol=${protocol}`, '--from-beginning', '--max-messages', String(CLI_RECORDS.length), '--timeout-ms', '30000']),
      ),
    )

    await openTopicMessages(page, serve, TOPIC)
    await page.getByTestId('header-add').click()
    await fill({ 'header-key': UI_HEADER.key, 'header-value': UI_HEADER.value })
    for (const { key, value } of UI_RECORDS) {
      await fill({ 'produce-key': key, 'produce-value': value })
      await page.getByTestId('produce-submit').click()
      const result = page.locator('[data-testid=produce-result][data-state=written]').first()
      await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('at offset')
      const [, partition, offset] = /-(\d+) at offset (\d+)/.exec((await result.textContent()) ?? '') ?? []
      written.push({ partition: Number(partition), offset: Number(offset), headers: [`${UI_HEADER.key}=${UI_HEADER.value}`], key: key || 'null', value })
      await page.getByTestId('produce-clear').click()
    }

    const printed = ['print.headers=true', 'print.key=true', 'print.partition=true', 'print.offset=true', 'key.separator=|'].flatMap((p) => ['--formatter-property', p])
    const total = CLI_RECORDS.length + UI_RECORDS.length
    const consumed = await tool('kafka-console-consumer', ['--topic', TOPIC, '--from-beginning', '--max-messages', String(total), '--timeout-ms', '30000', ...printed])
    const records = consumed
      .split('\n')
      .filter((l) => l.trim())
      .map((line) => {
        const [, partition, offset, headers, key, value] = /^Partition:(\d+)\|Offset:(\d+)\|([^|]*)\|([^|]*)\|(.*)$/.exec(line) ?? []
        if (partition === undefined) throw new Error(`unexpected kafka-console-consumer line: ${line}`)
        // "a:1,b:2" as the browser shows headers, "a=1" and "b=2".
        return { partition: Number(partition), offset: Number(offset), headers: headers === 'NO_HEADERS' ? [] : headers.split(',').map((h) => h.replace(':', '=')), key, value }
      })
    const byPosition = (a: { partition: number; offset: number }, b: { partition: number; offset: number }) => a.partition - b.partition || a.offset - b.offset
    records.sort(byPosition)
    expect(records).toHaveLength(total)
    expect(records).toEqual(expect.arrayContaining(written))
    const fromCli = records.filter((r) => !written.some((w) => w.partition === r.partition && w.offset === r.offset))
    expect(fromCli.map((r) => `${r.headers.join(',').replaceAll('=', ':')}\t${r.key}|${r.value}`).sort()).toEqual([...CLI_RECORDS].sort())

    // The browser's page of the topic from the earliest: every record the consumer read, where it read it.
    await page.getByTestId('seek-kind').selectOption('earliest')
    await page.getByTestId('seek').click()
    const shown = () =>
      page.getByTestId('record-row').evaluateAll((trs) =>
        trs.map((tr) => ({
          partition: Number(tr.getAttribute('data-partition')),
          offset: Number(tr.getAttribute('data-offset')),
          headers: [...tr.querySelectorAll('.header')].map((h) => h.textContent ?? ''),
          key: tr.querySelector('[data-testid=record-key]')?.textContent ?? '',
          value: tr.querySelector('[data-testid=record-value]')?.textContent ?? '',
        })),
      )
    await expect.poll(async () => (await shown()).sort(byPosition), { timeout: 15_000 }).toEqual(records)
  }, 120_000)

  it('shows each partition’s log start, high watermark and size as kafka-get-offsets and kafka-log-dirs print them', async () => {
    const offsets = async (time: string) =>
      new Map(sortedLines(await tool('kafka-get-offsets', ['--topic', TOPIC, '--time', time])).map((line) => line.split(':').slice(1).map(Number) as [number, number]))
    const [earliest, latest, describedTopics, logDirs] = await Promise.all([
      offsets('-2'),
      offsets('-1'),
      tool('kafka-topics', ['--describe', '--topic', TOPIC]).then(topicsDescribed),
      tool('kafka-log-dirs', ['--describe', '--topic-list', TOPIC]).then(parseLogDirsDescribe),
    ])
    if (Array.isArray(logDirs)) throw new Error(`kafka-log-dirs printed no JSON: ${logDirs.join('\n')}`)
    const sizeOn = (broker: number, partition: number) =>
      (logDirs.brokers.find((b) => b.broker === broker)?.logDirs ?? []).flatMap((d) => d.partitions as Array<{ partition: string; size: number }>).find((p) => p.partition === `${TOPIC}-${partition}`)?.size
    // The leader's log, as the table's Size column says.
    const expected = describedTopics[0].partitions.map((p) => {
      const partition = Number(p.Partition)
      return { partition, logStart: formatCount(earliest.get(partition) ?? null), highWatermark: formatCount(latest.get(partition) ?? null), size: formatBytes(sizeOn(Number(p.Leader), partition) ?? NaN) }
    })
    await page.goto(`${serve.url}#/topics/${TOPIC}`)
    const shown = () =>
      page.locator('[data-testid=partition-table] [data-testid=partition-row]').evaluateAll((trs) =>
        trs.map((tr) => {
          const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')
          return { partition: Number(tr.getAttribute('data-partition')), logStart: cells[4], highWatermark: cells[5], size: cells[7] }
        }),
      )
    await expect.poll(shown, { timeout: 20_000 }).toEqual(expected)
  }, 60_000)

  it.each(Object.entries(GROUPS))('shows the %s protocol group’s lag, a reset (dry run, then applied) and an active member as kafka-consumer-groups describes them', async (protocol, group) => {
    const describeGroup = async () => {
      const { tables } = parseGroupTables(await tool('kafka-consumer-groups', ['--describe', '--group', group]))
      return tables[0].map((r) => ({ partition: Number(r.PARTITION), committed: r['CURRENT-OFFSET'], end: r['LOG-END-OFFSET'], lag: r.LAG })).sort((a, b) => a.partition - b.partition)
    }
    const offsetRows = () =>
      page.locator(`[data-testid=group-offsets] [data-testid=offset-row][data-topic="${TOPIC}"]`).evaluateAll((trs) =>
        trs.map((tr) => {
          const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')
          // Lag in records: on data without transactions, the offsets kafka-consumer-groups counts.
          const lag = tr.querySelector('[data-testid=partition-lag]')?.textContent?.trim() ?? ''
          return { partition: Number(tr.getAttribute('data-partition')), committed: cells[2], end: cells[3], lag }
        }),
      )
    const before = await describeGroup()
    // The UI's records are the group's lag.
    expect(before.reduce((n, r) => n + Number(r.lag), 0)).toBe(UI_RECORDS.length)

    await page.goto(`${serve.url}#/groups`)
    const groupRow = page.locator(`[data-testid=group-row][data-group=${group}]`)
    await groupRow.click({ timeout: 20_000 })
    await expect.poll(offsetRows, { timeout: 20_000 }).toEqual(before)
    const { tables: states } = parseGroupTables(await tool('kafka-consumer-groups', ['--describe', '--group', group, '--state']))
    await expect(groupRow.getAttribute('data-state')).resolves.toBe(states[0][0].STATE)
    await expect(groupRow.getByTestId('group-total-lag').textContent()).resolves.toContain(String(UI_RECORDS.length))

    // Dry run: the UI's plan and kafka-consumer-groups --dry-run, shift by -1.
    const reset = ['--reset-offsets', '--group', group, '--topic', TOPIC, '--shift-by', '-1']
    const { tables: planned } = parseGroupTables(await tool('kafka-consumer-groups', [...reset, '--dry-run']))
    const toolPlan = planned[0].map((r) => ({ partition: Number(r.PARTITION), new: r['NEW-OFFSET'] })).sort((a, b) => a.partition - b.partition)
    await page.getByTestId('reset-topic').selectOption(TOPIC)
    await page.getByTestId('reset-kind').selectOption('shift')
    await page.getByTestId('reset-value').fill('-1')
    await page.getByTestId('reset-preview').click()
    await page.getByTestId('reset-plan').waitFor({ timeout: 15_000 })
    const plan = await page.getByTestId('plan-row').evaluateAll((trs) =>
      trs.map((tr) => ({ partition: Number(tr.getAttribute('data-partition')), current: tr.querySelector('[data-testid=plan-current]')?.textContent ?? '', new: tr.querySelector('[data-testid=plan-new]')?.textContent ?? '' })),
    )
    expect(plan.map(({ partition, new: to }) => ({ partition, new: to }))).toEqual(toolPlan)
    expect(plan.map(({ partition, current }) => ({ partition, committed: current }))).toEqual(before.map(({ partition, committed }) => ({ partition, committed })))
    // A dry run commits nothing.
    await expect(describeGroup()).resolves.toEqual(before)

    await page.getByTestId('reset-apply').click()
    await page.getByTestId('reset-applied').waitFor({ timeout: 15_000 })
    const after = await describeGroup()
    expect(after.map(({ partition, committed }) => ({ partition, new: committed }))).toEqual(toolPlan)
    await expect.poll(offsetRows, { timeout: 20_000 }).toEqual(after)

    // A member: a console consumer reads what the reset rewound, then idles in the group until its timeout.
    const consumer = ['--topic', TOPIC, '--group', group, '--consumer-property', `group.protocol=${protocol}`, '--timeout-ms', '20000']
    const member = runKafkaTool('kafka-console-consumer', ['--bootstrap-server', kafka.bootstrapServers, ...consumer])
    const memberRows = () =>
      page.getByTestId('member-row').evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')).map(([memberId, clientId, host, assigned]) => ({ memberId, clientId, host, assigned })),
      )
    await expect.poll(async () => (await memberRows())[0]?.assigned ?? '—', { timeout: 30_000 }).not.toBe('—')
    const [{ tables: members }, { tables: state }] = await Promise.all([
      tool('kafka-consumer-groups', ['--describe', '--group', group, '--members', '--verbose']).then(parseGroupTables),
      tool('kafka-consumer-groups', ['--describe', '--group', group, '--state']).then(parseGroupTables),
    ])
    // ASSIGNMENT (CURRENT-ASSIGNMENT for the consumer protocol) as "orders:0,1,2"; the UI's "orders [0, 1, 2]".
    const assignment = (text: string) => text.replace(/^([^:]+):([\d,]+)$/, (_, topic: string, ids: string) => `${topic} [${ids.split(',').join(', ')}]`)
    const toolMembers = members[0].map((m) => ({ memberId: m['CONSUMER-ID'], clientId: m['CLIENT-ID'], host: m.HOST, assigned: assignment(m.ASSIGNMENT ?? m['CURRENT-ASSIGNMENT']) }))
    await expect.poll(memberRows, { timeout: 15_000 }).toEqual(toolMembers)
    await expect.poll(() => groupRow.getAttribute('data-state'), { timeout: 15_000 }).toBe(state[0][0].STATE)
    // A reset of an active group is refused, as the tool refuses it.
    await page.getByTestId('reset-preview').click()
    await expect.poll(() => page.getByTestId('reset-form').getByTestId('error').textContent(), { timeout: 15_000 }).toMatch(new RegExp(`inactive.*${state[0][0].STATE}`))
    await member
  }, 120_000)

  it('reaches the same cluster over SASL_SSL with SCRAM-SHA-512 and TLS; names a wrong password and an untrusted CA', async () => {
    // A CA the broker's certificate does not chain to: another keytool-made identity's.
    const untrustedDir = join(dir.dir, 'untrusted')
    mkdirSync(untrustedDir)
    const untrusted = makeBrokerKeystore(untrustedDir)
    await page.goto(`${serve.url}#/connections`)
    await page.locator('[data-testid=connection-row][data-name=reference]').waitFor({ timeout: 15_000 })
    await page.getByTestId('connection-protocol').selectOption('SASL_SSL')
    await page.getByTestId('connection-mechanism').selectOption('SCRAM-SHA-512')
    await fill({ 'connection-name': 'reference-sasl', 'connection-bootstrap': kafka.saslSslBootstrapServers, 'connection-username': USER, 'connection-password': 'not-the-password', 'connection-ca': tls.certificatePem, 'connection-timeout': '15000' })
    const wrongPassword = await testConnection()
    expect(wrongPassword).toMatchObject({ ok: 'false', failure: 'authentication' })
    expect(wrongPassword.text).toMatch(/SCRAM-SHA-512 authentication as "alice" failed/)
    expect(wrongPassword.text).not.toContain('not-the-password')

    await fill({ 'connection-password': PASSWORD, 'connection-ca': untrusted.certificatePem })
    const untrustedCa = await testConnection()
    expect(untrustedCa).toMatchObject({ ok: 'false', failure: 'tls' })
    expect(untrustedCa.text).toContain(`TLS handshake with ${kafka.saslSslBootstrapServers} failed: self-signed certificate`)

    await fill({ 'connection-ca': tls.certificatePem })
    const reached = await testConnection()
    expect(reached.ok, reached.text).toBe('true')
    expect(reached.text).toContain(kafka.clusterId)
    await saveAndChoose('reference-sasl')
    await expectTopicList()
    expect(consoleErrors).toEqual([])
  }, 120_000)
})
