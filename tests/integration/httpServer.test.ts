// The headless console's server: the contract over HTTP and WebSocket, behind a token, with
// Origin checked on WebSocket upgrades, on a real cluster.
import { connect } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ConsoleService } from '../../main/console/consoleService'
import { startHttpServer, type RunningServer } from '../../main/host/httpServer'
import { useCluster } from '../helpers/cluster'

const fixture = useCluster()
let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const TOKEN = 'test-token-0123456789'

async function serve() {
  const c = await fixture.start({}, 1)
  const staticDir = mkdtempSync(join(tmpdir(), 'brokerlab-static-'))
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Brokerlab</title>')
  server = await startHttpServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticDir, service: new ConsoleService(c) })
  return { c, base: `http://127.0.0.1:${server.port}` }
}

const post = (base: string, method: string, body: unknown, token: string | null = TOKEN) =>
  fetch(`${base}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })

function openSocket(base: string, query: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws${query}`, origin ? { origin } : {})
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_, response) => reject(new Error(`HTTP ${response.statusCode}`)))
    ws.once('error', reject)
  })
}

describe('headless console server', () => {
  it('refuses requests without the token or with a wrong one', async () => {
    const { base } = await serve()
    expect((await post(base, 'cluster:snapshot', {}, null)).status).toBe(401)
    expect((await post(base, 'cluster:snapshot', {}, 'wrong-token-0123456789')).status).toBe(401)
    expect((await fetch(`${base}/`)).status).toBe(401)
    const page = await fetch(`${base}/?token=${TOKEN}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('set-cookie')).toContain('HttpOnly')
  })

  it('runs contract methods with POST /api/<method>, with clear errors for bad input', async () => {
    const { base, c } = await serve()
    const created = await post(base, 'topic:create', { name: 'scripted', partitions: 2 })
    expect(created.status).toBe(200)
    expect(c.topic('scripted').partitions.length).toBe(2)
    const snapshot = (await (await post(base, 'cluster:snapshot', {})).json()) as { result: { topics: Array<{ name: string }> } }
    expect(snapshot.result.topics.map((t) => t.name)).toContain('scripted')
    const invalid = await post(base, 'topic:create', { name: 'x', partitions: 'two' })
    expect(invalid.status).toBe(400)
    expect(await invalid.json()).toMatchObject({ error: { kind: 'invalid-request', field: 'partitions', message: expect.stringMatching(/^topic:create: partitions: /) } })
    expect((await post(base, 'nope:nothing', {})).status).toBe(404)
    const refused = await post(base, 'topic:create', { name: 'scripted' })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({ error: { kind: 'kafka', errorName: 'TOPIC_ALREADY_EXISTS' } })
    // The server keeps serving after all of that.
    expect((await post(base, 'app:info', {})).status).toBe(200)
  })

  it('refuses a WebSocket from a foreign origin, and pushes events to a good one', async () => {
    const { base } = await serve()
    await expect(openSocket(base, `?token=${TOKEN}`, 'http://evil.example')).rejects.toThrow(/HTTP 403/)
    await expect(openSocket(base, '?token=nope', base)).rejects.toThrow(/HTTP 401/)
    const ws = await openSocket(base, `?token=${TOKEN}`, base)
    const messages: Array<{ id?: number; result?: unknown; event?: { type: string; topic?: string } }> = []
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())))
    ws.send(JSON.stringify({ id: 1, method: 'topic:create', request: { name: 'pushed' } }))
    await expect.poll(() => messages.find((m) => m.id === 1), { timeout: 5000 }).toMatchObject({ result: { name: 'pushed' } })
    await expect.poll(() => messages.find((m) => m.event?.type === 'topic-created' && m.event.topic === 'pushed'), { timeout: 5000 }).toBeDefined()
    ws.send('not json')
    await expect.poll(() => messages.find((m) => m.id === null), { timeout: 5000 }).toBeDefined()
    ws.close()
  })

  it('answers malformed HTTP and WebSocket input with an error and keeps serving', async () => {
    const { base } = await serve()
    const port = Number(new URL(base).port)
    // Raw requests no fetch() would send: a bad percent-escape, a target URL cannot parse.
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(text))
        let answer = ''
        socket.on('data', (d) => (answer += d.toString()))
        socket.on('error', () => undefined)
        socket.on('close', () => resolve(answer))
      })
    expect(await raw(`POST /api/%E0%A4%A?token=${TOKEN} HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}`)).toMatch(/^HTTP\/1.1 400/)
    expect(await raw(`GET //x:99999/ HTTP/1.1\r\nhost: x\r\n\r\n`)).toMatch(/^HTTP\/1.1 400/)
    expect(await raw(`GET //x:99999/ws HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)).toMatch(/^HTTP\/1.1 400/)

    const ws = await openSocket(base, `?token=${TOKEN}`, base)
    const messages: Array<{ id?: unknown; error?: { message: string } }> = []
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())))
    // JSON that is not a call object gets an error answer.
    for (const text of ['null', '42', '[1]', '{"id": 1, "method": {}}']) ws.send(text)
    await expect.poll(() => messages.length, { timeout: 5000 }).toBe(4)
    expect(messages.every((m) => typeof m.error?.message === 'string')).toBe(true)
    // A frame with reserved bits set is a protocol error: that socket closes, the server stays.
    const closed = new Promise((resolve) => ws.once('close', resolve))
    ;(ws as unknown as { _socket: import('node:net').Socket })._socket.write(Buffer.from([0xf1, 0x80, 0, 0, 0, 0]))
    await closed
    expect((await post(base, 'app:info', {})).status).toBe(200)
    const again = await openSocket(base, `?token=${TOKEN}`, base)
    again.close()
  })
})
