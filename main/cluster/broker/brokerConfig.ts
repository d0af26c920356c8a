// A broker's own view of its config layers: typed lookups of the values it acts on.
import { brokerConfigKey, describeBrokerConfig, type ConfigLayers } from '../config'

export function brokerConfigNumber(layers: ConfigLayers, name: string): number {
  const key = brokerConfigKey(name)
  if (!key) throw new Error(`Unknown broker config ${name}`)
  return Number(describeBrokerConfig(key, layers).typedValue)
}

export function brokerConfigList(layers: ConfigLayers, name: string): string[] {
  const key = brokerConfigKey(name)
  if (!key) throw new Error(`Unknown broker config ${name}`)
  const value = describeBrokerConfig(key, layers).typedValue
  return Array.isArray(value) ? value.map(String) : String(value ?? '').split(',').filter(Boolean)
}
