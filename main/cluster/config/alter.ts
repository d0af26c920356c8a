// IncrementalAlterConfigs on the plain layer maps, as Kafka's ConfigAdminManager applies it:
// SET and DELETE replace or drop one name; APPEND and SUBTRACT edit a LIST starting from the
// stored value, or from the key's default when nothing is stored.

import { ConfigError } from './errors'
import { formatConfigValue, parseType } from './parse'
import { requireConfigKey, validateBrokerConfigUpdate, validateRemoteStorage, validateTopicConfigs } from './validate'
import { cleanerConfigFrom, validateCleanerReconfiguration, validateCompactionLags } from './cleanerConfig'
import type { ConfigLayers, ConfigScope } from './types'

/** IncrementalAlterConfigsRequest OpType ids. */
export const AlterConfigOpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const
export type AlterConfigOpType = keyof typeof AlterConfigOpType

export interface AlterConfigOp {
  name: string
  op: AlterConfigOpType
  /** Required for SET, APPEND and SUBTRACT; ignored for DELETE. */
  value?: string | null
}

function listBase(scope: ConfigScope, name: string, current: Record<string, string>, op: AlterConfigOpType): string[] {
  const key = requireConfigKey(scope, name)
  if (key.type !== 'LIST') {
    const rule = `Config value ${op.toLowerCase()} is not allowed for config key`
    throw new ConfigError(name, undefined, rule, { message: `${rule}: ${name}` })
  }
  const stored = current[name]
  return stored === undefined ? ((key.defaultValue as string[] | null) ?? []) : (parseType(key, stored) as string[])
}

function applyOps(scope: ConfigScope, current: Record<string, string>, ops: readonly AlterConfigOp[]): { next: Record<string, string>; touched: string[] } {
  const next = { ...current }
  const touched: string[] = []
  for (const { name, op, value } of ops) {
    requireConfigKey(scope, name, value)
    if (op === 'DELETE') {
      delete next[name]
      continue
    }
    const given = value ?? ''
    if (op === 'SET') {
      next[name] = given
    } else {
      const base = listBase(scope, name, next, op)
      const members = given.split(',').map((m) => m.trim()).filter((m) => m !== '')
      const edited = op === 'APPEND' ? [...base, ...members.filter((m) => !base.includes(m))] : base.filter((m) => !members.includes(m))
      next[name] = formatConfigValue('LIST', edited)!
    }
    touched.push(name)
  }
  return { next, touched }
}

const pick = (configs: Record<string, string>, names: string[]): Record<string, string> =>
  Object.fromEntries(names.filter((n) => n in configs).map((n) => [n, configs[n]]))

/** The topic's overrides after the ops; throws ConfigError (INVALID_CONFIG) and changes nothing on failure. */
export function alterTopicConfigs(overrides: Record<string, string>, ops: readonly AlterConfigOp[]): Record<string, string> {
  const { next, touched } = applyOps('topic', overrides, ops)
  validateTopicConfigs(pick(next, touched))
  validateCompactionLags(next)
  validateRemoteStorage(next)
  return next
}

/**
 * New layers after altering a broker resource: `perBroker` for a broker id, `clusterDefaults`
 * for the default broker resource. Failures are ConfigErrors with INVALID_REQUEST, as Kafka answers.
 */
export function alterBrokerConfigs(layers: ConfigLayers, level: 'perBroker' | 'clusterDefaults', ops: readonly AlterConfigOp[]): ConfigLayers {
  let applied: ReturnType<typeof applyOps>
  try {
    applied = applyOps('broker', layers[level], ops)
  } catch (error) {
    throw error instanceof ConfigError ? error.withErrorName('INVALID_REQUEST') : error
  }
  validateBrokerConfigUpdate(pick(applied.next, applied.touched), { perBroker: level === 'perBroker' })
  const next = { ...layers, [level]: applied.next }
  if (applied.touched.some((name) => name.startsWith('log.cleaner.'))) {
    validateCleanerReconfiguration(cleanerConfigFrom(layers), cleanerConfigFrom(next))
  }
  return next
}
