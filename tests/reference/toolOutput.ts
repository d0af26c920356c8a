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

/** kafka-topics --describe: per topic its summary line and its partitions (by shape). */
export function parseTopicsDescribe(stdout: string) {
  const lines = stdout.split('\n').filter((l) => l.trim())
  const topics = lines.filter((l) => !l.startsWith('\t') && !l.startsWith(' ')).map(fields)
  const partitions = lines.filter((l) => l.startsWith('\t') || l.startsWith(' ')).map(fields)
  return topics.map(({ TopicId, Configs, ...topic }) => ({
    ...topic,
    TopicId: TopicId ? '<uuid>' : TopicId,
    Configs: Configs ? Configs.split(',').sort() : [],
    partitions: partitions
      .filter((p) => p.Topic === topic.Topic)
      .map(({ Leader, Replicas, Isr, ...rest }) => ({ ...rest, ...partitionShape({ leaderId: Number(Leader), replicaNodes: ids(Replicas), isrNodes: ids(Isr) }) })),
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
