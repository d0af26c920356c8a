// ConfigError mirrors Kafka's ConfigException wording and carries the Kafka error code the
// broker answers AlterConfigs / CreateTopics with.

/** Kafka's Errors entries used for config failures. */
export const CONFIG_ERROR_CODES = {
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
} as const
export type ConfigErrorName = keyof typeof CONFIG_ERROR_CODES

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

export class ConfigError extends Error {
  /** The config key (Kafka's ConfigException names the key, not the class). */
  override readonly name: string
  readonly value: unknown
  readonly rule: string
  readonly errorName: ConfigErrorName
  readonly errorCode: number

  constructor(name: string, value: unknown, rule: string, options: ConfigErrorOptions = {}) {
    super(options.message ?? `Invalid value ${displayConfigValue(value, options.sensitive)} for configuration ${name}: ${rule}`)
    this.name = name
    this.value = options.sensitive ? '[hidden]' : value
    this.rule = rule
    this.errorName = options.errorName ?? 'INVALID_CONFIG'
    this.errorCode = CONFIG_ERROR_CODES[this.errorName]
  }

  /** The same failure answered with another Kafka error (broker resources answer INVALID_REQUEST). */
  withErrorName(errorName: ConfigErrorName): ConfigError {
    return new ConfigError(this.name, this.value, this.rule, { message: this.message, errorName })
  }
}
