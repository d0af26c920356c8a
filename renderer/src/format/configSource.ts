// Kafka's ConfigSource ids (DescribeConfigs) as the operator reads them, for every configs table.
import type { DescribedConfig } from '../../../preload/contract'
import type { Tone } from './events'

const SOURCES: Record<number, { label: string; tone: Tone | 'neutral' }> = {
  1: { label: 'topic override', tone: 'good' },
  2: { label: 'dynamic broker', tone: 'good' },
  3: { label: 'dynamic default', tone: 'good' },
  4: { label: 'static', tone: 'info' },
  5: { label: 'default', tone: 'neutral' },
  6: { label: 'dynamic logger', tone: 'good' },
}

export const configSource = (source: number) => SOURCES[source] ?? { label: 'unknown', tone: 'neutral' as const }

/** DescribeConfigs' source of a topic's own override. */
export const TOPIC_OVERRIDE = 1

/** Anything but Kafka's own default: static properties and dynamic overrides. */
export const isOverride = (config: DescribedConfig) => config.source !== 5

/** The value as shown: sensitive values hidden, unset ones marked. */
export function configValue(config: DescribedConfig): string {
  if (config.sensitive) return '(sensitive)'
  if (config.value === null) return '(unset)'
  return config.value === '' ? '""' : config.value
}
