// The contract over HTTP and WebSocket, for the headless console (`brokerlab serve`) and for
// scripts: the built renderer as static files, `POST /api/<method>[?connection=<name>]` with a JSON body, and a
// WebSocket at /ws carrying calls and pushed events. Every request needs the per-run token
// (a `token` query parameter, a Bearer header, or the cookie the first page load sets), and
// a WebSocket upgrade from another origin is refused.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import { WebSocketServer } from 'ws'
import type { ConsoleService } from '../console/consoleService'
import type { ContractError } from '../../preload/contract'
import { MAX_MESSAGE_BYTES, serveSocket } from './consoleSocket'

export interface HttpServerOptions {
  host: string
  port: number
  token: string
  /** The built renderer (out/renderer). */
  staticDir: string
  service: ConsoleService
  /** Where failures of single requests and sockets are logged (default: stderr). */
  log?: (line: string) => void
}

export interface RunningServer {
  /** The URL to open, token included. */
  url: string
  port: number
  close(): Promise<void>
}

const COOKIE = 'brokerlab_token'
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}
/** A request body larger than this is refused (a contract request is small). */
const MAX_BODY_BYTES = MAX_MESSAGE_BYTES

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given || given.length !== token.length) return false
  return timingSafeEqual(Buffer.from(given), Buffer.from(token))
}

function tokenOf(request: IncomingMessage, url: URL): string | null {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
  const cookie = (request.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')).find(([name]) => name === COOKIE)?.[1]
  return url.searchParams.get('token') ?? bearer ?? cookie ?? null
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
  response.end(json)
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new Error(`request body above ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString()
  return text ? JSON.parse(text) : {}
}

const STATUS: Record<ContractError['kind'], number> = { 'unknown-method': 404, 'invalid-request': 400, kafka: 409, internal: 500 }

/** The request's target as a URL, or null when it does not parse (e.g. `//host:99999/`). */
function targetOf(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://localhost')
  } catch {
    return null
  }
}

/** The contract method named in /api/<method>, or null for a malformed percent-escape. */
function methodOf(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname.slice('/api/'.length))
  } catch {
    return null
  }
}

/** Runs an async request handler so that nothing it throws escapes as an unhandled rejection (which ends the process). */
function guarded(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>, log: (line: string) => void) {
  return (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((err: Error) => {
      // The path only: the query may carry the token, which is never logged.
      log(`${request.method} ${(request.url ?? '').split('?')[0]}: ${err.stack ?? err.message}`)
      if (!response.headersSent) send(response, 500, { error: { message: `Internal error: ${err.message}` } })
      else response.destroy()
    })
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { service, token } = options
  const log = options.log ?? ((line: string) => console.error(`brokerlab serve: ${line}`))
  const server = createServer(guarded(async (request, response) => {
    const url = targetOf(request)
    if (!url) return send(response, 400, { error: { message: `Invalid request target: ${request.url}` } })
    if (!sameToken(tokenOf(request, url), token)) {
      send(response, 401, { error: { message: 'A valid token is required: open the URL `brokerlab serve` printed' } })
      return
    }
    const cookie = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
    if (url.pathname.startsWith('/api/')) {
      if (request.method !== 'POST') return send(response, 405, { error: { message: 'Use POST with a JSON body' } }, { allow: 'POST' })
      let body: unknown
      try {
        body = await readBody(request)
      } catch (err) {
        return send(response, 400, { error: { message: `Invalid request body: ${(err as Error).message}` } })
      }
      const method = methodOf(url)
      if (method === null) return send(response, 400, { error: { message: `Invalid method name in ${url.pathname}: a malformed %-escape` } })
      // The cluster the call is for: ?connection=<name>, the embedded cluster when absent.
      const outcome = await service.call(method, body, url.searchParams.get('connection') ?? undefined)
      return outcome.ok ? send(response, 200, { result: outcome.result }) : send(response, STATUS[outcome.error.kind], { error: outcome.error })
    }
    // Static files of the built console; anything else is the single-page app's index.
    const path = normalize(url.pathname).replace(/^(\.\.[/\\])+/, '')
    const file = join(options.staticDir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(options.staticDir)) return send(response, 404, { error: { message: 'Not found' } })
    try {
      const content = await readFile(file).catch(() => readFile(join(options.staticDir, 'index.html')))
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'text/html; charset=utf-8', 'set-cookie': cookie, 'cache-control': 'no-store' })
      response.end(content)
    } catch {
      send(response, 500, { error: { message: `The console is not built: no ${options.staticDir}/index.html (run npm run build)` } })
    }
  }, log))
  // Bad HTTP from a client (Node's parser rejects it): answer 400 and close, as Node does by default, but say so.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log(`bad request from a client: ${err.code ?? err.message}`)
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n')
    else socket.destroy()
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (request, socket, head) => {
    // A reset while upgrading ends this socket only.
    socket.on('error', () => socket.destroy())
    const url = targetOf(request)
    const own = `http://${request.headers.host}`
    const origin = request.headers.origin
    const refuse = (status: string) => {
      socket.write(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`)
      socket.destroy()
    }
    if (!url) return refuse('400 Bad Request')
    if (url.pathname !== '/ws') return refuse('404 Not Found')
    if (!sameToken(tokenOf(request, url), token)) return refuse('401 Unauthorized')
    // A page elsewhere must not drive the sandbox through the operator's browser.
    if (origin !== undefined && origin !== own) return refuse('403 Forbidden')
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, service, log))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const port = (server.address() as { port: number }).port
  return {
    url: `http://${options.host}:${port}/?token=${token}`,
    port,
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate()
        sockets.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
