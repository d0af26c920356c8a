// The message filter: a CEL expression (Common Expression Language, as kafbat UI's message
// filters) evaluated by @marcbachmann/cel-js, an interpreter with no access to JavaScript's
// globals; CEL has no loops, so every evaluation ends, but a backtracking regular expression
// (matches()) or nested macros over a large value can take very long, so a batch runs under
// a time budget (withinBudget). See docs/message-filters.md.
import { createContext, runInContext } from 'node:vm'
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

/** Thrown when a batch ran out of its time budget. */
export class FilterBudgetExceeded extends Error {}

// An empty context: the script run in it only calls `run`, so that the timeout applies.
const budget = createContext({ run: null as (() => unknown) | null })

/**
 * Runs `fn` and stops it after `ms`, wherever it is (V8 terminates the execution: a regular
 * expression in the middle of its backtracking too), so a filter cannot hang the host.
 */
export function withinBudget<T>(fn: () => T, ms: number): T {
  budget.run = fn
  try {
    return runInContext('run()', budget, { timeout: ms }) as T
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new FilterBudgetExceeded(`the filter took more than ${ms} ms`)
    throw err
  } finally {
    budget.run = null
  }
}
