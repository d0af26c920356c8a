// The message filter: a CEL expression (Common Expression Language, as kafbat UI's message
// filters) evaluated by @marcbachmann/cel-js, an interpreter with no access to JavaScript's
// globals, and CEL has no loops, so every evaluation ends. See docs/message-filters.md.
import { Environment } from '@marcbachmann/cel-js'
import { ContractValidationError, type BrowsedRecord } from '../../../../preload/contract'

const environment = new Environment({ limits: { maxAstNodes: 2000, maxDepth: 64 } })
  .registerVariable('key', 'dyn')
  .registerVariable('value', 'dyn')
  .registerVariable('json', 'dyn')
  .registerVariable('headers', 'map<string, string>')
  .registerVariable('partition', 'int')
  .registerVariable('offset', 'int')
  .registerVariable('timestamp', 'int')

export type RecordFilter = (record: BrowsedRecord) => boolean

/** The value parsed as JSON, or null when it is not JSON. */
function jsonOf(text: string | undefined): unknown {
  if (text === undefined) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** What an expression sees of a record: texts as shown (base64 for bytes that are not UTF-8), ints as CEL ints. */
function variablesOf(record: BrowsedRecord): Record<string, unknown> {
  const valueText = record.value?.encoding === 'utf8' ? record.value.text : undefined
  return {
    key: record.key?.text ?? null,
    value: record.value?.text ?? null,
    // Parsed only when the expression reads it: most filters look at text.
    get json() {
      return jsonOf(valueText)
    },
    headers: new Map(record.headers.map((h) => [h.key, h.value?.text ?? ''])),
    partition: BigInt(record.partition),
    offset: BigInt(record.offset),
    timestamp: BigInt(record.timestamp),
  }
}

/** Compiles `expression`; one that does not parse or is not a bool is the request's error (field "filter"). */
export function compileFilter(method: string, expression: string): RecordFilter {
  const refuse = (why: string) => new ContractValidationError({ kind: 'invalid-request', message: `${method}: filter: ${why}`, field: 'filter' })
  let evaluate: (context: Record<string, unknown>) => unknown
  try {
    const checked = environment.check(expression)
    if (!checked.valid) throw refuse(checked.error?.message ?? 'the expression does not type-check')
    if (checked.type !== 'bool' && checked.type !== 'dyn') throw refuse(`the expression gives ${checked.type}, not bool`)
    evaluate = environment.parse(expression)
  } catch (err) {
    if (err instanceof ContractValidationError) throw err
    throw refuse((err as Error).message.split('\n')[0])
  }
  return (record) => evaluate(variablesOf(record)) === true
}
