// Parsers of Kafka's tools' text output, so both clusters' outputs compare field by field
// instead of as text (ids and placement differ by design; see compare.ts).
import { partitionShape } from './compare'
import type { JavaResult } from './kafka/tools'

/** `Key: value` pairs separated by tabs, as kafka-topics --describe prints them. */
function fields(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .trim()
      .split('\t')
      .map((part) => [part.slice(0, part.indexOf(':')).trim(), part.slice(part.indexOf(':') + 1).trim()]),
  )
}

const ids = (list: string) => (list ? list.split(',').map(Number) : [])

/** kafka-topics --describe as printed: per topic its summary line's fields, and its partitions' lines' fields. */
export function topicsDescribed(stdout: string) {
  const lines = stdout.split('\n').filter((l) => l.trim())
  const topics = lines.filter((l) => !l.startsWith('\t') && !l.startsWith(' ')).map(fields)
  const partitions = lines.filter((l) => l.startsWith('\t') || l.startsWith(' ')).map(fields)
  return topics.map((topic) => ({ topic, partitions: partitions.filter((p) => p.Topic === topic.Topic) }))
}

/** kafka-topics --describe: per topic its summary line and its partitions (by shape). */
export function parseTopicsDescribe(stdout: string) {
  return topicsDescribed(stdout).map(({ topic: { TopicId, Configs, ...topic }, partitions }) => ({
    ...topic,
    TopicId: TopicId ? '<uuid>' : TopicId,
    Configs: Configs ? Configs.split(',').sort() : [],
    partitions: partitions.map(({ Leader, Replicas, Isr, ...rest }) => ({ ...rest, ...partitionShape({ leaderId: Number(Leader), replicaNodes: ids(Replicas), isrNodes: ids(Isr) }) })),
  }))
}

/**
 * kafka-configs --describe: the heading of each entity and its configs, each as
 * name → { value, sensitive, synonyms } with the synonyms kept in Kafka's order.
 */
export function parseConfigsDescribe(stdout: string) {
  const sections: Array<{ heading: string; configs: Record<string, { value: string; sensitive: string; synonyms: string[] }> }> = []
  for (const line of stdout.split('\n').filter((l) => l.trim())) {
    const config = /^\s+([^=\s]+)=(.*?) sensitive=(\w+) synonyms=\{(.*)\}$/.exec(line)
    if (!config) {
      sections.push({ heading: line.trim(), configs: {} })
      continue
    }
    const [, name, value, sensitive, synonyms] = config
    sections.at(-1)!.configs[name] = { value, sensitive, synonyms: synonyms ? synonyms.split(', ') : [] }
  }
  return sections
}

/** The exception class a tool reports on stderr (its message text is free to differ). */
export function reportedException(stderr: string): string | undefined {
  return /\b((?:org\.apache\.kafka|kafka)\.[\w.]+(?:Exception|Error))\b/.exec(stderr)?.[1]
}

/** What is compared of one tool run: its exit status, its parsed stdout and its exception. */
export function toolOutcome<T>(result: JavaResult, parse: (stdout: string) => T) {
  return { status: result.status, stdout: parse(result.stdout), exception: reportedException(result.stderr) }
}

/** kafka-log-dirs --describe: its JSON line, brokers and partitions sorted, log dirs masked as in compare.ts. */
export function parseLogDirsDescribe(stdout: string) {
  const json = stdout.split('\n').find((l) => l.startsWith('{'))
  if (!json) return stdout.trim().split('\n')
  const parsed = JSON.parse(json) as { version: number; brokers: Array<{ broker: number; logDirs: Array<{ logDir: string; error: string | null; partitions: Array<{ partition: string }> }> }> }
  return {
    ...parsed,
    brokers: [...parsed.brokers]
      .sort((a, b) => a.broker - b.broker)
      .map((b) => ({
        ...b,
        logDirs: b.logDirs.map((d) => ({ ...d, logDir: d.logDir.startsWith('/') ? '<absolute path>' : d.logDir, partitions: [...d.partitions].sort((x, y) => x.partition.localeCompare(y.partition)) })),
      })),
  }
}

/** A table as Kafka's tools print one (a header row, then rows, columns padded by spaces), producer ids masked. */
export function parseTable(stdout: string) {
  const [header, ...rows] = stdout.split('\n').filter((l) => l.trim()).map((l) => l.trim().split(/\s+/))
  if (!header) return []
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, name === 'ProducerId' && row[i] !== '-1' ? '<producer id>' : row[i]])))
}

/** Non-empty lines, sorted: for outputs whose order is the order partitions were fetched in. */
export const sortedLines = (stdout: string) => stdout.split('\n').filter((l) => l.trim()).sort()

/**
 * kafka-consumer-groups: its notes (lines outside a table) and each table, a table starting at
 * a header row whose first column is GROUP; rows sorted, the COORDINATOR column (host:port
 * and node id) masked as in compare.ts.
 */
export function parseGroupTables(stdout: string) {
  const notes: string[] = []
  const tables: Array<Array<Record<string, string>>> = []
  let header: string[] | undefined
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s+/)
    if (!line.trim()) header = undefined
    else if (cells[0] === 'GROUP') {
      // "COORDINATOR (ID)" is one column of two words, as its values are ("host:port (id)").
      header = line.trim().replace('COORDINATOR (ID)', 'COORDINATOR').split(/\s+/)
      tables.push([])
    } else if (header) {
      const h = header
      const values = (h[1] === 'COORDINATOR' ? line.trim().replace(/^(\S+\s+\S+)\s+\(\d+\)/, '$1') : line.trim()).split(/\s+/)
      tables.at(-1)!.push(Object.fromEntries(h.map((name, i) => [name, name === 'COORDINATOR' ? '<host:port (node id)>' : (values[i] ?? '')])))
    } else notes.push(line.trim())
  }
  return { notes, tables: tables.map((rows) => rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))) }
}

/** Columns of kafka-transactions' tables whose values differ between any two clusters (ids, clocks). */
const TRANSACTION_TABLE_MASKS: Record<string, string> = {
  Coordinator: '<node id>',
  CoordinatorId: '<node id>',
  ProducerId: '<producer id>',
  LastTimestamp: '<timestamp>',
  CurrentTransactionStartTimeMs: '<timestamp>',
  TransactionDurationMs: '<duration>',
  'Duration(min)': '<duration>',
}

/**
 * kafka-transactions' tables (a tab-separated header row, then rows, cells padded by spaces):
 * rows sorted, ids and clocks masked unless they say "none" (-1, None).
 */
export function parseTransactionsTable(stdout: string) {
  const [header, ...rows] = stdout.split('\n').filter((l) => l.trim()).map((l) => l.replace(/\s+$/, '').split('\t').map((c) => c.trim()))
  if (!header) return []
  return rows
    .map((row) => Object.fromEntries(header.map((name, i) => [name, name in TRANSACTION_TABLE_MASKS && row[i] !== '-1' && row[i] !== 'None' ? TRANSACTION_TABLE_MASKS[name] : row[i]])))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

/** kafka-features describe: by feature, its `Key: value` fields but the epoch (a metadata offset). */
export function parseFeaturesDescribe(stdout: string) {
  const features = stdout.split('\n').filter((l) => l.startsWith('Feature:'))
  return Object.fromEntries(
    features.map((line) => {
      const { Feature, Epoch: _epoch, ...rest } = Object.fromEntries([...line.matchAll(/(\w+):\s+(\S+)/g)].map((m) => [m[1], m[2]]))
      return [Feature, rest]
    }),
  )
}

/** kafka-features' other output as lines, the controller's node id masked as controllerId is (compare.ts). */
export const featuresText = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => l.replace(/Local controller \d+/, 'Local controller <node id>'))
