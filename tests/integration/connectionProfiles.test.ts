// Saved connections: their secrets sealed in a real SQLite file with a real key file, never
// sent back by a contract method, never in a log; a key file others can read is refused.
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionSettings } from '../../preload/contract'
import { ConnectionProfiles } from '../../main/console/connections/profiles'
import { KeyFileSecretBox } from '../../main/console/connections/secretBox'
import { tempDir } from '../helpers/batches'
import { startServe, type Serve } from '../e2e/serve'

const PASSWORD = 'hunter2-correct-horse'
const CLIENT_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-a-real-key\n-----END PRIVATE KEY-----\n'
const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
const scratch = () => (dirs.push(tempDir('brokerlab-profiles-')), dirs.at(-1)!.dir)

const staging = ConnectionSettings.parse({
  bootstrap: 'kafka-1.staging:9093,kafka-2.staging:9093',
  securityProtocol: 'SASL_SSL',
  sasl: { mechanism: 'SCRAM-SHA-512', username: 'ops', password: PASSWORD },
  tls: { ca: '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n', cert: '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n', key: CLIENT_KEY },
})

describe('KeyFileSecretBox', () => {
  it('makes a key only its user can read, and seals so that only that key opens', () => {
    const dir = scratch()
    const box = new KeyFileSecretBox(join(dir, 'state', 'secrets.key'))
    expect(statSync(join(dir, 'state', 'secrets.key')).mode & 0o777).toBe(0o600)
    const a = box.seal(PASSWORD)
    const b = box.seal(PASSWORD)
    expect(a.equals(b)).toBe(false) // a fresh IV each time
    expect(a.includes(Buffer.from(PASSWORD))).toBe(false)
    expect(box.open(a)).toBe(PASSWORD)
    // The same file again opens it; another key does not.
    expect(new KeyFileSecretBox(join(dir, 'state', 'secrets.key')).open(a)).toBe(PASSWORD)
    expect(() => new KeyFileSecretBox(join(dir, 'other.key')).open(a)).toThrow(/does not open with the key in .*other\.key: it was sealed with another key, or changed/)
    const tampered = Buffer.from(a)
    tampered[tampered.length - 1] ^= 1
    expect(() => box.open(tampered)).toThrow(/changed/)
  })

  it('refuses a key file that others can read, naming the fix, and one that is no key', () => {
    const dir = scratch()
    const path = join(dir, 'secrets.key')
    new KeyFileSecretBox(path)
    chmodSync(path, 0o644)
    expect(() => new KeyFileSecretBox(path)).toThrow(`the secrets key file ${path} can be read by others (mode 644); make it readable only by you: chmod 600 ${path}`)
    const short = join(dir, 'short.key')
    writeFileSync(short, 'abc', { mode: 0o600 })
    expect(() => new KeyFileSecretBox(short)).toThrow(/holds 3 bytes, not 32/)
  })
})

describe('ConnectionProfiles', () => {
  it('lists a saved connection without its secrets, keeps them sealed on disk, and opens them to connect', () => {
    const dir = scratch()
    const profiles = new ConnectionProfiles(join(dir, 'connections.db'), new KeyFileSecretBox(join(dir, 'secrets.key')))
    profiles.save('staging', staging)
    const [listed] = profiles.list()
    expect(listed).toEqual({
      name: 'staging',
      bootstrap: staging.bootstrap,
      securityProtocol: 'SASL_SSL',
      clientId: 'brokerlab',
      timeoutMs: 10_000,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'ops', hasPassword: true },
      tls: { ca: staging.tls!.ca, cert: staging.tls!.cert, checkHostname: true, hasKey: true },
    })
    expect(profiles.settings('staging')).toEqual(staging)
    profiles.close()
    // Not in the database file, nor its write-ahead log.
    for (const file of readdirSync(dir).filter((f) => f.startsWith('connections.db'))) {
      const bytes = readFileSync(join(dir, file))
      expect(bytes.includes(Buffer.from(PASSWORD)), file).toBe(false)
      expect(bytes.includes(Buffer.from('not-a-real-key')), file).toBe(false)
    }
    // A restart reads them back with the same key.
    const again = new ConnectionProfiles(join(dir, 'connections.db'), new KeyFileSecretBox(join(dir, 'secrets.key')))
    expect(again.settings('staging')?.sasl?.password).toBe(PASSWORD)
    expect(again.delete('staging')).toBe(true)
    expect(again.delete('staging')).toBe(false)
    expect(again.list()).toEqual([])
    again.close()
  })
})

describe('saved connections over the headless console', () => {
  let serve: Serve | undefined
  afterEach(async () => void (await serve?.stop()))

  it('a saved password comes back from no contract method and appears in no log', async () => {
    serve = await startServe(1)
    const call = async (method: string, request: unknown = {}) => {
      const response = await serve!.api(method, request)
      return { status: response.status, text: await response.text() }
    }
    const saved = await call('connection:save', { name: 'staging', settings: staging })
    expect(saved.status, saved.text).toBe(200)
    expect((await call('connection:save', { name: 'local', settings: { bootstrap: serve.bootstrap } })).status).toBe(200)

    const answers = [
      await call('connection:list'),
      await call('connection:testSaved', { name: 'local' }),
      await call('connection:testSaved', { name: 'staging' }), // its PEM is no PEM: the error must not carry the secrets either
      await call('connection:testSaved', { name: 'nobody' }),
      await call('app:info'),
      await call('cluster:snapshot'),
      await call('events:recent', { limit: 500 }),
      await call('connection:save', { name: 'bad', settings: { ...staging, bootstrap: 'nope' } }),
    ]
    const listed = JSON.parse(answers[0].text)
    expect(listed.result.map((p: { name: string }) => p.name)).toEqual(['local', 'staging'])
    expect(listed.result[1].sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'ops', hasPassword: true })
    expect(JSON.parse(answers[1].text).result).toMatchObject({ ok: true, brokers: [{ nodeId: 1 }] })
    expect(JSON.parse(answers[2].text).result).toMatchObject({ ok: false, failure: 'tls', message: expect.stringContaining('not valid PEM') })
    expect(JSON.parse(answers[3].text).error).toMatchObject({ kind: 'invalid-request', message: 'connection:testSaved: name: no saved connection is named "nobody"' })
    expect(JSON.parse(answers[7].text).error.message).toMatch(/^connection:save: settings\.bootstrap: "nope" is not host:port/)
    for (const answer of answers) {
      expect(answer.text).not.toContain(PASSWORD)
      expect(answer.text).not.toContain('not-a-real-key')
    }
    await serve.stop()
    expect(serve.output()).not.toContain(PASSWORD)
    expect(serve.output()).not.toContain('not-a-real-key')
    serve = undefined
  }, 90_000)

  it('with --memory keeps its saved connections and key in the temporary directory, not in the home', async () => {
    const before = existsSync(join(process.env.HOME ?? '/root', '.brokerlab', 'connections.db'))
    serve = await startServe(1)
    expect((await serve.api('connection:save', { name: 'x', settings: { bootstrap: 'a:1' } })).status).toBe(200)
    expect(existsSync(join(process.env.HOME ?? '/root', '.brokerlab', 'connections.db'))).toBe(before)
  }, 60_000)
})
