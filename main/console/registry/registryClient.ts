// The console's client of a Confluent-compatible schema registry (the embedded one, or the
// one an external connection names), over HTTP with node's fetch, from main only. Answers
// that are errors carry Confluent's error code; an unreachable registry says so, with its URL.
import { FORMATS } from '../../registry/formats'
import type { ParsedSchema, ResolvedReference } from '../../registry/formats/types'
import type { SchemaType } from '../../registry/records'

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
const TIMEOUT_MS = 5000

export class RegistryError extends Error {
  constructor(
    message: string,
    /** Confluent's error_code (40403: schema not found...), or 0 when the registry could not be reached. */
    readonly errorCode: number,
    readonly status: number,
  ) {
    super(message)
    this.name = 'RegistryError'
  }
  get unreachable(): boolean {
    return this.errorCode === 0
  }
}

interface SchemaAnswer {
  schema: string
  schemaType?: SchemaType
  references?: Array<{ name: string; subject: string; version: number }>
}

export interface SchemaById {
  id: number
  schemaType: SchemaType
  schema: string
  parsed: ParsedSchema
  /** The subject and version it was registered under first (null when no live version names it). */
  subject: string | null
  version: number | null
}

export class RegistryClient {
  private readonly byId = new Map<number, Promise<SchemaById>>()

  constructor(readonly url: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await fetch(new URL(path, this.url.endsWith('/') ? this.url : `${this.url}/`), {
        method,
        headers: { accept: CONTENT_TYPE, ...(body !== undefined && { 'content-type': CONTENT_TYPE }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause
      throw new RegistryError(`the schema registry at ${this.url} is unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}`, 0, 0)
    }
    const text = await response.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      throw new RegistryError(`the schema registry at ${this.url} answered ${method} /${path} with HTTP ${response.status} and no JSON: ${text.slice(0, 120)}`, response.status, response.status)
    }
    if (!response.ok) {
      const error = json as { error_code?: number; message?: string } | null
      throw new RegistryError(error?.message ?? `HTTP ${response.status}`, error?.error_code ?? response.status, response.status)
    }
    return json as T
  }

  /** The schema of a global id, parsed with its references, and the subject and version that use it (cached: an id never changes). */
  schemaById(id: number): Promise<SchemaById> {
    let cached = this.byId.get(id)
    if (!cached) {
      cached = this.loadSchema(id)
      this.byId.set(id, cached)
      // An unknown id or an unreachable registry may change: ask again next time.
      cached.catch(() => this.byId.delete(id))
    }
    return cached
  }

  private async loadSchema(id: number): Promise<SchemaById> {
    const answer = await this.request<SchemaAnswer>('GET', `schemas/ids/${id}`).catch((err) => {
      if (err instanceof RegistryError && err.errorCode === 40403) throw new RegistryError(`schema id ${id} is unknown to the schema registry at ${this.url}`, 40403, 404)
      throw err
    })
    const versions = await this.request<Array<{ subject: string; version: number }>>('GET', `schemas/ids/${id}/versions`).catch(() => [])
    const schemaType = answer.schemaType ?? 'AVRO'
    const parsed = FORMATS[schemaType].parse(answer.schema, await this.resolve(answer.references ?? []))
    return { id, schemaType, schema: answer.schema, parsed, subject: versions[0]?.subject ?? null, version: versions[0]?.version ?? null }
  }

  /** References with their schemas, depth first, as the registry's formats take them. */
  async resolve(references: Array<{ name: string; subject: string; version: number }>, depth = 0): Promise<ResolvedReference[]> {
    if (depth > 20) throw new Error('schema references nest deeper than 20')
    const out: ResolvedReference[] = []
    for (const ref of references) {
      const v = await this.request<SchemaAnswer & { version: number }>('GET', `subjects/${encodeURIComponent(ref.subject)}/versions/${ref.version}`)
      out.push({ ...ref, schemaType: v.schemaType ?? 'AVRO', schema: v.schema, references: await this.resolve(v.references ?? [], depth + 1) })
    }
    return out
  }
}
