// ConfigError mirrors Kafka's ConfigException wording and carries the Kafka error code the
// broker answers AlterConfigs / CreateTopics with.
import { KafkaError } from '../errors'

/** The Kafka errors a config failure is answered with. */
export type ConfigErrorName = 'INVALID_CONFIG' | 'INVALID_REQUEST'

/** How Java's ConfigException prints a value: lists as [a, b], passwords as [hidden]. */
export function displayConfigValue(value: unknown, sensitive = false): string {
  if (sensitive && value !== null && value !== undefined) return '[hidden]'
  if (Array.isArray(value)) return `[${value.join(', ')}]`
  return String(value)
}

export interface ConfigErrorOptions {
  /** Replaces Kafka's "Invalid value V for configuration N: RULE" when the failure is not about a value. */
  message?: string
  errorName?: ConfigErrorName
  sensitive?: boolean
}

export class ConfigError extends KafkaError {
  readonly value: unknown

  constructor(
    /** The config key: Kafka's ConfigException names the key. */
    readonly configName: string,
    value: unknown,
    readonly rule: string,
    options: ConfigErrorOptions = {},
  ) {
    super(options.errorName ?? 'INVALID_CONFIG', options.message ?? `Invalid value ${displayConfigValue(value, options.sensitive)} for configuration ${configName}: ${rule}`)
    this.name = 'ConfigError'
    this.value = options.sensitive ? '[hidden]' : value
  }

  /** The same failure answered with another Kafka error (broker resources answer INVALID_REQUEST). */
  withErrorName(errorName: ConfigErrorName): ConfigError {
    return new ConfigError(this.configName, this.value, this.rule, { message: this.message, errorName })
  }
}
