// The contract over HTTP and WebSocket, for the headless console (`brokerlab serve`) and for
// scripts: the built renderer as static files, `POST /api/<method>` with a JSON body, and a
// WebSocket at /ws carrying calls and pushed events. Every request needs the per-run token
// (a `token` query parameter, a Bearer header, or the cookie the first page load sets), and
// a WebSocket upgrade from another origin is refused.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ConsoleHost } from './consoleHost'
import type { ContractError } from '../../preload/contract'

export interface HttpServerOptions {
  host: string
  port: number
  token: string
  /** The built renderer (out/renderer). */
  staticDir: string
  consoleHost: ConsoleHost
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
const MAX_BODY_BYTES = 1 << 20

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

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { consoleHost, token } = options
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
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
      const outcome = await consoleHost.call(decodeURIComponent(url.pathname.slice('/api/'.length)), body)
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
  })

  const sockets = new WebSocketServer({ noServer: true })
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const own = `http://${request.headers.host}`
    const origin = request.headers.origin
    const refuse = (status: string) => {
      socket.write(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`)
      socket.destroy()
    }
    if (url.pathname !== '/ws') return refuse('404 Not Found')
    if (!sameToken(tokenOf(request, url), token)) return refuse('401 Unauthorized')
    // A page elsewhere must not drive the sandbox through the operator's browser.
    if (origin !== undefined && origin !== own) return refuse('403 Forbidden')
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, consoleHost))
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

/** One console over a WebSocket: {id, method, request} in, {id, result | error} out, events pushed. */
function serveSocket(ws: WebSocket, consoleHost: ConsoleHost): void {
  const unsubscribe = consoleHost.onEvent((event) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event }))
  })
  ws.on('close', unsubscribe)
  ws.on('message', async (data) => {
    let message: { id?: unknown; method?: unknown; request?: unknown }
    try {
      message = JSON.parse(data.toString())
    } catch {
      ws.send(JSON.stringify({ id: null, error: { message: 'Messages must be JSON: {"id", "method", "request"}' } }))
      return
    }
    const outcome = await consoleHost.call(message.method, message.request)
    if (ws.readyState !== ws.OPEN) return
    ws.send(JSON.stringify(outcome.ok ? { id: message.id, result: outcome.result } : { id: message.id, error: outcome.error }))
  })
}
