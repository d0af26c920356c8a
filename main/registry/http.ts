// Confluent Schema Registry's REST API over node:http. Bodies are JSON
// (application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json or
// application/json); answers are application/vnd.schemaregistry.v1+json; every error is
// {"error_code", "message"} with Confluent's codes, and a handler's failure is a 500 with
// error_code 50001 and what failed, never a crash.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import * as errors from './errors'
import { RegistryError } from './errors'
import type { Registry } from './registry'

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
const ACCEPTED_BODY_TYPES = ['application/vnd.schemaregistry.v1+json', 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream']
const MAX_BODY = 16 << 20

type Query = URLSearchParams
type Handler = (params: string[], query: Query, body: unknown) => unknown | Promise<unknown>
interface Route {
  method: string
  pattern: RegExp
  handler: Handler
  /** The handler's answer is sent as it is (a schema's own text), not as JSON. */
  raw?: boolean
}

const flag = (q: Query, name: string) => q.get(name) === 'true'

function routes(registry: Registry): Route[] {
  const seg = '([^/]+)'
  const r = (method: string, path: string, handler: Handler, raw = false): Route => ({ method, pattern: new RegExp(`^${path.replaceAll('{}', seg)}/?$`), handler, raw })
  const id = (s: string) => {
    const n = Number(s)
    if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n)) throw errors.schemaNotFound(s)
    return n
  }
  return [
    r('GET', '', () => ({})),
    // One context, the default one: Brokerlab's registry has no contexts (docs/schema-registry.md).
    r('GET', '/contexts', () => ['.']),
    r('GET', '/schemas/types', () => registry.schemaTypes()),
    r('GET', '/schemas', (_, q) => registry.allSchemas(q.get('subjectPrefix') ?? '', flag(q, 'deleted'), flag(q, 'latestOnly'))),
    r('GET', '/schemas/ids/{}', ([i], q) => registry.schemaById(id(i as string), q.get('subject') ?? undefined)),
    r('GET', '/schemas/ids/{}/schema', ([i], q) => registry.schemaById(id(i as string), q.get('subject') ?? undefined).schema, true),
    r('GET', '/schemas/ids/{}/subjects', ([i], q) => registry.idUses(id(i as string), flag(q, 'deleted')).map((u) => u.subject).filter((s, n, all) => all.indexOf(s) === n)),
    r('GET', '/schemas/ids/{}/versions', ([i], q) => registry.idUses(id(i as string), flag(q, 'deleted'))),
    r('GET', '/subjects', (_, q) => registry.subjectNames(flag(q, 'deleted'), q.get('subjectPrefix') ?? '')),
    r('POST', '/subjects/{}', ([s], q, body) => registry.lookup(s as string, body as object, flag(q, 'normalize'), flag(q, 'deleted'))),
    r('DELETE', '/subjects/{}', ([s], q) => registry.deleteSubject(s as string, flag(q, 'permanent'))),
    r('GET', '/subjects/{}/versions', ([s], q) => registry.versions(s as string, flag(q, 'deleted'))),
    r('POST', '/subjects/{}/versions', async ([s], q, body) => ({ id: (await registry.register(s as string, body as object, flag(q, 'normalize'))).id })),
    r('GET', '/subjects/{}/versions/{}', ([s, v], q) => registry.version(s as string, v as string, flag(q, 'deleted'))),
    r('GET', '/subjects/{}/versions/{}/schema', ([s, v], q) => registry.version(s as string, v as string, flag(q, 'deleted')).schema, true),
    r('GET', '/subjects/{}/versions/{}/referencedby', ([s, v]) => registry.referencedBy(s as string, v as string)),
    r('DELETE', '/subjects/{}/versions/{}', ([s, v], q) => registry.deleteVersion(s as string, v as string, flag(q, 'permanent'))),
    r('GET', '/config', () => registry.config(null, false)),
    r('PUT', '/config', (_, _q, body) => registry.setConfig(null, body)),
    r('DELETE', '/config', () => registry.deleteConfig(null)),
    r('GET', '/config/{}', ([s], q) => registry.config(s as string, flag(q, 'defaultToGlobal'))),
    r('PUT', '/config/{}', ([s], _q, body) => registry.setConfig(s as string, body)),
    r('DELETE', '/config/{}', ([s]) => registry.deleteConfig(s as string)),
    r('GET', '/mode', () => registry.mode(null, false)),
    r('PUT', '/mode', (_, q, body) => registry.setMode(null, body, flag(q, 'force'))),
    r('GET', '/mode/{}', ([s], q) => registry.mode(s as string, flag(q, 'defaultToGlobal'))),
    r('PUT', '/mode/{}', ([s], q, body) => registry.setMode(s as string, body, flag(q, 'force'))),
    r('DELETE', '/mode/{}', ([s]) => registry.deleteMode(s as string)),
    r('POST', '/compatibility/subjects/{}/versions', ([s], q, body) => compatibility(registry, s as string, null, q, body)),
    r('POST', '/compatibility/subjects/{}/versions/{}', ([s, v], q, body) => compatibility(registry, s as string, v as string, q, body)),
  ]
}

function compatibility(registry: Registry, subject: string, version: string | null, q: Query, body: unknown) {
  if (version !== null && version !== 'latest' && version !== '-1') {
    // An invalid version is 42202 before anything else, as Confluent checks it first.
    if (!/^\d+$/.test(version) || Number(version) < 1 || Number(version) > 2 ** 31 - 1) throw errors.invalidVersion(version)
  }
  // A subject with no versions yet: anything is compatible.
  if (version === null && !registry.store.subjects.has(subject)) {
    return q.get('verbose') === 'true' ? { is_compatible: true, messages: [] } : { is_compatible: true }
  }
  const result = registry.testCompatibility(subject, version, body as object, flag(q, 'normalize'))
  return q.get('verbose') === 'true' ? result : { is_compatible: result.is_compatible }
}

function send(res: ServerResponse, status: number, body: string, type = CONTENT_TYPE): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function sendError(res: ServerResponse, err: RegistryError, type = CONTENT_TYPE): void {
  send(res, err.status, JSON.stringify(err.body()), type)
}

/** Confluent's media type, unless the client asks for plain application/json only. */
function answerType(accept: string | undefined): string {
  if (!accept || accept.includes('application/vnd.schemaregistry') || !accept.includes('application/json')) return CONTENT_TYPE
  return 'application/json'
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new RegistryError(413, 413, `The request body is larger than ${MAX_BODY} bytes`))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The request handler, for node:http (exported for tests and benches that mount it elsewhere). */
export function registryHandler(registry: Registry, onError: (err: unknown) => void = () => undefined) {
  const table = routes(registry)
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const type = answerType(req.headers.accept)
    try {
      const url = new URL(req.url ?? '/', 'http://registry')
      const path = url.pathname.replace(/\/+$/, '')
      let params: string[] | null = null
      let route: Route | undefined
      let pathMatched = false
      for (const candidate of table) {
        const m = candidate.pattern.exec(path)
        if (!m) continue
        pathMatched = true
        if (candidate.method !== req.method) continue
        route = candidate
        params = m.slice(1).map((p) => decodeURIComponent(p))
        break
      }
      if (!route || !params) {
        if (req.method === 'OPTIONS') {
          res.writeHead(204, { allow: 'GET, POST, PUT, DELETE' })
          res.end()
          return
        }
        return sendError(res, pathMatched ? errors.methodNotAllowed() : errors.notFound(), type)
      }
      let body: unknown
      if (req.method === 'POST' || req.method === 'PUT') {
        const bodyType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
        if (bodyType !== '' && !ACCEPTED_BODY_TYPES.includes(bodyType)) return sendError(res, errors.unsupportedMediaType(), type)
        const text = await readBody(req)
        try {
          body = text.trim() === '' ? null : JSON.parse(text)
        } catch (err) {
          return sendError(res, errors.badRequest(`Malformed JSON in the request body: ${(err as Error).message}`), type)
        }
      }
      const result = await route.handler(params, url.searchParams, body)
      send(res, 200, route.raw ? String(result) : JSON.stringify(result), type)
    } catch (err) {
      if (err instanceof RegistryError) return sendError(res, err, type)
      if (err instanceof URIError) return sendError(res, errors.notFound(`HTTP 404 Not Found: ${err.message}`), type)
      onError(err)
      sendError(res, new RegistryError(500, 50001, `Error in the schema registry: ${(err as Error).message ?? String(err)}`), type)
    }
  }
}

export function createRegistryServer(registry: Registry, onError?: (err: unknown) => void): Server {
  const handler = registryHandler(registry, onError)
  const server = createServer((req, res) => void handler(req, res))
  server.keepAliveTimeout = 30_000
  return server
}
