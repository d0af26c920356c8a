// Kafka's API names by key, read from Kafka's own message definitions (../shared/kafka-messages),
// so an API our codec does not cover is still named in the record. Absent definitions give
// "ApiKey N".
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_SCHEMA_DIR } from '../../main/cluster/protocol/generator/generate'
import { parseMessageJson } from '../../main/cluster/protocol/generator/schema'

let names: Map<number, string> | undefined

export function apiName(apiKey: number): string {
  names ??= new Map(
    existsSync(DEFAULT_SCHEMA_DIR)
      ? readdirSync(DEFAULT_SCHEMA_DIR)
          .filter((f) => f.endsWith('Request.json'))
          .map((f) => parseMessageJson(readFileSync(join(DEFAULT_SCHEMA_DIR, f), 'utf8')))
          .filter((m) => m.apiKey !== undefined)
          .map((m) => [m.apiKey!, m.name.replace(/Request$/, '')] as const)
      : [],
  )
  return names.get(apiKey) ?? `ApiKey ${apiKey}`
}
