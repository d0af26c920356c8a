// String <-> typed value conversion with Kafka's ConfigDef.parseType / convertToString rules:
// values are trimmed, booleans are case-insensitive, numbers are Java integers of the
// declared width, lists split on commas with surrounding whitespace.

import { ConfigError } from './errors'
import { LONG_MAX_VALUE } from './definitions'
import type { ConfigKey, ConfigType, ConfigValue } from './types'

const INTEGER_BOUNDS: Partial<Record<ConfigType, readonly [bigint, bigint]>> = {
  SHORT: [-(2n ** 15n), 2n ** 15n - 1n],
  INT: [-(2n ** 31n), 2n ** 31n - 1n],
  LONG: [-(2n ** 63n), 2n ** 63n - 1n],
}

const JAVA_INTEGER = /^[+-]?\d+$/
const JAVA_DOUBLE = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?$/
const COMMA_WITH_WHITESPACE = /\s*,\s*/

function parseInteger(key: ConfigKey, value: unknown): number {
  // A double cannot hold Long.MAX_VALUE exactly: the typed default stands for it.
  if (key.type === 'LONG' && value === LONG_MAX_VALUE) return value
  const [min, max] = INTEGER_BOUNDS[key.type]!
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isInteger(value) ? String(BigInt(value)) : null
  if (text !== null && JAVA_INTEGER.test(text)) {
    const n = BigInt(text)
    if (n >= min && n <= max) return Number(n)
  }
  throw new ConfigError(key.name, value, `Not a number of type ${key.type}`, { sensitive: key.sensitive })
}

function parseDouble(key: ConfigKey, value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && JAVA_DOUBLE.test(value.trim())) return Number.parseFloat(value.trim().replace(/[fFdD]$/, ''))
  throw new ConfigError(key.name, value, 'Not a number of type DOUBLE')
}

function parseBoolean(key: ConfigKey, value: unknown): boolean {
  if (typeof value === 'boolean') return value
  const text = typeof value === 'string' ? value.trim().toLowerCase() : ''
  if (text === 'true' || text === 'false') return text === 'true'
  throw new ConfigError(key.name, value, 'Expected value to be either true or false')
}

function parseList(key: ConfigKey, value: unknown): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => v.trim())
  if (typeof value === 'string') {
    const trimmed = value.trim()
    return trimmed === '' ? [] : trimmed.split(COMMA_WITH_WHITESPACE)
  }
  throw new ConfigError(key.name, value, 'Expected a comma separated list.')
}

function parseString(key: ConfigKey, value: unknown): string {
  if (typeof value === 'string') return value.trim()
  throw new ConfigError(key.name, value, `Expected value to be a string, but it was a ${typeof value}`, { sensitive: key.sensitive })
}

/** ConfigDef.parseType: a string (as AlterConfigs sends it) or an already typed value. */
export function parseType(key: ConfigKey, value: unknown): ConfigValue {
  if (value === null || value === undefined) {
    throw new ConfigError(key.name, null, 'Value must be non-null')
  }
  switch (key.type) {
    case 'BOOLEAN':
      return parseBoolean(key, value)
    case 'SHORT':
    case 'INT':
    case 'LONG':
      return parseInteger(key, value)
    case 'DOUBLE':
      return parseDouble(key, value)
    case 'LIST':
      return parseList(key, value)
    case 'STRING':
    case 'CLASS':
    case 'PASSWORD':
      return parseString(key, value)
  }
}

/** Java's Double.toString for the values configs hold: 0.5 -> "0.5", 1 -> "1.0". */
function formatDouble(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return n.toFixed(1)
  return String(n)
}

/** ConfigDef.convertToString: the string Kafka shows in DescribeConfigs. */
export function formatConfigValue(type: ConfigType, value: ConfigValue | null): string | null {
  if (value === null) return null
  if (Array.isArray(value)) return value.join(',')
  if (typeof value !== 'number') return String(value)
  if (type === 'DOUBLE') return formatDouble(value)
  if (value >= LONG_MAX_VALUE) return '9223372036854775807'
  if (value <= -LONG_MAX_VALUE) return '-9223372036854775808'
  return BigInt(value).toString()
}
