// Kafka's record and group tools (issue 14, item 4) with the same arguments against Apache
// Kafka and against Brokerlab: kafka-console-producer with keys and headers, then
// kafka-console-consumer in a group printing them, kafka-get-offsets by spec and by time,
// kafka-consumer-groups (describe, reset, delete), kafka-log-dirs and kafka-leader-election.
// One test, so both clusters hold the same records and group throughout.
import { describe, it } from 'vitest'
import { useDifferential } from './differential'
import type { JavaRunOptions, KafkaToolName } from './kafka/tools'
import { parseGroupTables, parseLogDirsDescribe, sortedLines } from './toolOutput'

const diff = useDifferential({ name: 'consoleTools' })

const text = (stdout: string) => stdout.trim().split('\n').filter(Boolean)

/** Headers, a tab, key|value: parse.headers=true and parse.key=true with key.separator=|. */
const LINES = ['source:cli,n:1\tk1|one', 'source:cli,n:2\tk2|two', 'source:cli\tk1|three', 'source:cli,empty:\tk3|four', 'source:cli\tk2|five']

describe('Kafka CLI tools: records and groups', () => {
  it('console producer and consumer, get-offsets, consumer-groups, log-dirs and leader-election print the same', async () => {
    const bootstraps = await diff.start()
    const compare = <T>(tool: KafkaToolName, check: string, args: string[], parse: (stdout: string) => T, options?: JavaRunOptions) =>
      diff.compareTool(bootstraps, tool, check, args, parse, options)
    const topic = ['--topic', 'cli-records']
    await compare('kafka-topics', 'create a topic of 2 partitions, RF 3', ['--create', ...topic, '--partitions', '2', '--replication-factor', '3'], text)

    // --sync: one record per request, so timestamps rise record by record (max timestamp is one record).
    const reader = ['--reader-property', 'parse.key=true', '--reader-property', 'key.separator=|', '--reader-property', 'parse.headers=true']
    await compare('kafka-console-producer', 'produce keyed records with headers (parse.key, key.separator, parse.headers)', [...topic, '--sync', ...reader], text, { input: LINES.join('\n') + '\n' })

    const printed = ['print.key=true', 'print.headers=true', 'print.partition=true', 'print.offset=true', 'key.separator=|'].flatMap((p) => ['--formatter-property', p])
    const consume = [...topic, '--from-beginning', '--max-messages', String(LINES.length), '--timeout-ms', '30000', ...printed]
    await compare('kafka-console-consumer', 'consume them in a group, printing partition, offset, headers and key', [...consume, '--group', 'cli-group'], sortedLines)
    await compare('kafka-console-consumer', 'consume one partition from an offset, no group', [...topic, '--partition', '1', '--offset', '1', '--max-messages', '1', '--timeout-ms', '30000', ...printed], sortedLines)

    for (const [check, time] of [
      ['latest (-1)', '-1'],
      ['earliest (-2)', '-2'],
      ['max timestamp (-3)', '-3'],
      ['by time: 0', '0'],
      ['by time: in the future', String(Date.now() + 86_400_000)],
    ]) {
      await compare('kafka-get-offsets', check, [...topic, '--time', time], sortedLines)
    }
    await compare('kafka-get-offsets', 'every topic, latest', ['--time', '-1', '--exclude-internal-topics'], sortedLines)

    const group = ['--group', 'cli-group']
    await compare('kafka-consumer-groups', 'list', ['--list'], sortedLines)
    await compare('kafka-consumer-groups', 'describe a group after its console consumer left', ['--describe', ...group], parseGroupTables)
    await compare('kafka-consumer-groups', 'describe its state', ['--describe', ...group, '--state'], parseGroupTables)
    await compare('kafka-consumer-groups', 'describe its members', ['--describe', ...group, '--members'], parseGroupTables)
    await compare('kafka-consumer-groups', 'reset offsets to earliest, dry run', ['--reset-offsets', ...group, ...topic, '--to-earliest', '--dry-run'], parseGroupTables)
    await compare('kafka-consumer-groups', 'reset offsets to earliest, execute', ['--reset-offsets', ...group, ...topic, '--to-earliest', '--execute'], parseGroupTables)
    await compare('kafka-consumer-groups', 'describe after the reset', ['--describe', ...group], parseGroupTables)
    await compare('kafka-consumer-groups', 'describe an unknown group', ['--describe', '--group', 'cli-missing'], parseGroupTables)
    await compare('kafka-consumer-groups', 'delete the group', ['--delete', ...group], text)
    await compare('kafka-consumer-groups', 'delete it again', ['--delete', ...group], text)
    await compare('kafka-consumer-groups', 'list after the delete', ['--list'], sortedLines)

    await compare('kafka-log-dirs', 'describe the log dirs of the topic on broker 1', ['--describe', '--broker-list', '1', '--topic-list', 'cli-records'], parseLogDirsDescribe)
    await compare('kafka-leader-election', 'preferred election of every partition', ['--election-type', 'PREFERRED', '--all-topic-partitions'], text)
    await compare('kafka-leader-election', 'preferred election of one partition', ['--election-type', 'PREFERRED', ...topic, '--partition', '0'], text)
    await compare('kafka-leader-election', 'preferred election of an unknown topic', ['--election-type', 'PREFERRED', '--topic', 'cli-missing', '--partition', '0'], text)
  })
})
