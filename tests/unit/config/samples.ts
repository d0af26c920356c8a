// Test helpers. Valid, non-default sample values per config key, distinct per variant where the type allows,
// so a test can tell which layer a described value came from.

import { expect } from 'vitest'
import { ConfigError, type ConfigKey, type ConfigLayers } from '../../../main/cluster/config'

export function sampleValue(key: ConfigKey, variant: number): string {
  const validator = key.validator
  switch (key.type) {
    case 'BOOLEAN':
      return String(variant % 2 === 0 ? !key.defaultValue : key.defaultValue)
    case 'DOUBLE': {
      // Written as Java prints a double, so the described value is the sample itself.
      const [min, max] = validator?.kind === 'between' ? [validator.min, validator.max] : [0, 1000]
      const n = min + ((max - min) * (variant + 1)) / 16
      return String(n === key.defaultValue ? n + (max - min) / 64 : n).replace(/^(\d+)$/, '$1.0')
    }
    case 'SHORT':
    case 'INT':
    case 'LONG': {
      const min = validator?.kind === 'atLeast' || validator?.kind === 'between' ? validator.min : 0
      const n = Math.max(min, 0) + 2 + variant
      return String(n === key.defaultValue ? n + 10 : n)
    }
    case 'LIST': {
      const options = [['compact'], ['compact', 'delete'], ['delete', 'compact']]
      return options[variant % options.length].join(',')
    }
    case 'STRING':
      if (validator?.kind === 'in') {
        const others = validator.values.filter((v) => v !== key.defaultValue)
        return others[variant % others.length]
      }
      return `value-${variant}`
    case 'CLASS':
    case 'PASSWORD':
      return `secret-${variant}`
  }
}

export type LayerName = keyof ConfigLayers

export function layers(partial: Partial<ConfigLayers> = {}): ConfigLayers {
  return { static: {}, clusterDefaults: {}, perBroker: {}, ...partial }
}

/** The ConfigError `fn` throws; fails the test when it throws nothing or something else. */
export function caught(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}
