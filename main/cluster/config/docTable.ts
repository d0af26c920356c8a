// Renders the config tables of docs/configs.md from the definitions, so the doc cannot drift
// (tests/unit/config/docs.test.ts compares them and can rewrite the doc).

import { BROKER_CONFIGS, TOPIC_CONFIGS } from './definitions'
import { formatConfigValue } from './parse'
import type { ConfigKey, Validator } from './types'

export const DOC_TABLES_BEGIN = '<!-- config-tables:begin (generated from main/cluster/config/definitions.ts) -->'
export const DOC_TABLES_END = '<!-- config-tables:end -->'

/** Kafka's documentation style for "Valid Values". */
function validValues(validator: Validator | undefined): string {
  switch (validator?.kind) {
    case undefined:
      return ''
    case 'atLeast':
      return `[${validator.min},...]`
    case 'between':
      return `[${validator.min},...,${validator.max}]`
    case 'betweenOr':
      return `[${validator.min},...,${validator.max}] or ${validator.or}`
    case 'in':
      return validator.values.join(', ')
    case 'listIn':
      return `[${validator.values.join(', ')}]`
  }
}

const code = (text: string | null | undefined): string => (text ? `\`${text}\`` : '')
const defaultOf = (key: ConfigKey): string => code(formatConfigValue(key.type, key.defaultValue) ?? 'null')
const row = (cells: string[]): string => `| ${cells.join(' | ')} |`

function brokerTable(): string[] {
  return [
    row(['Broker config', 'Topic config', 'Type', 'Default', 'Valid values', 'Unit', 'Update mode']),
    row(['---', '---', '---', '---', '---', '---', '---']),
    ...BROKER_CONFIGS.map((k) =>
      row([code(k.name), code(k.topicConfig), k.type, defaultOf(k), validValues(k.validator), k.unit ?? '', k.dynamicUpdateMode]),
    ),
  ]
}

function topicTable(): string[] {
  return [
    row(['Topic config', 'Type', 'Default', 'Valid values', 'Unit', 'Broker synonyms (precedence order)']),
    row(['---', '---', '---', '---', '---', '---']),
    ...TOPIC_CONFIGS.map((k) =>
      row([code(k.name), k.type, defaultOf(k), validValues(k.validator), k.unit ?? '', k.brokerSynonyms.map((s) => code(s.name)).join(', ')]),
    ),
  ]
}

/** The generated block of docs/configs.md, markers included. */
export function renderConfigTables(): string {
  return [
    DOC_TABLES_BEGIN,
    '',
    '### Broker configs',
    '',
    ...brokerTable(),
    '',
    '### Topic configs',
    '',
    'A topic config without an override takes its broker synonym\'s value (converted to ms for',
    '`*.minutes` / `*.hours`); the default below is what that gives with no broker config set.',
    '',
    ...topicTable(),
    '',
    DOC_TABLES_END,
  ].join('\n')
}
