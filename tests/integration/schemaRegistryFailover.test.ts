// The registry's durability and failover: state rebuilt from `_schemas` after a hard kill of
// `brokerlab cluster`, and a `_schemas` partition without a leader (reads served from memory,
// writes refused with a clear error until a leader is back).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../helpers/cluster'
import { call, useRegistry } from '../helpers/registry'
import { freePorts } from '../helpers/ports'

const schema = (i: number, fields = 1) =>
  JSON.stringify({ type: 'record', name: `R${i}`, fields: Array.from({ length: fields }, (_, f) => ({ name: `f${f}`, type: 'long', ...(f > 0 ? { default: 0 } : {}) })) })

describe('schema registry restart', () => {
  const children: ChildProcess[] = []
  const dirs: string[] = []
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  async function startCluster(dir: string, basePort: number): Promise<{ child: ChildProcess; url: string; output: () => string }> {
    const child = spawn(process.execPath, ['main/bin/brokerlab.js', 'cluster', '--data-dir', dir, '--brokers', '3', '--base-port', String(basePort), '--schema-registry-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let output = ''
    child.stderr!.on('data', (d) => (output += d))
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        output += d
        const m = /^schema registry: (\S+)$/m.exec(output)
        if (m && /^bootstrap: /m.test(output)) resolve(m[1] as string)
      })
      child.once('exit', (code) => reject(new Error(`brokerlab cluster exited with ${code}:\n${output}`)))
    })
    return { child, url, output: () => output }
  }

  it('brokerlab cluster prints the registry URL; after a hard kill and a restart on the same data every id resolves to the same schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'brokerlab-registry-'))
    dirs.push(dir)
    const basePort = await freePorts(3)
    const first = await startCluster(dir, basePort)
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await call(first.url, 'PUT', '/config', { compatibility: 'NONE' })).status).toBe(200)
    for (let i = 1; i <= 40; i++) expect((await call(first.url, 'POST', `/subjects/s${i % 7}/versions`, { schema: schema(i) })).status).toBe(200)
    await call(first.url, 'PUT', '/config/s1', { compatibility: 'FULL' })
    await call(first.url, 'DELETE', '/subjects/s2/versions/1')
    await call(first.url, 'DELETE', '/subjects/s3')
    await call(first.url, 'PUT', '/mode/s4', { mode: 'READONLY' })
    const snapshot = async (url: string) => ({
      ids: await Promise.all(Array.from({ length: 40 }, async (_, i) => (await call(url, 'GET', `/schemas/ids/${i + 1}`)).body)),
      subjects: (await call(url, 'GET', '/subjects?deleted=true')).body,
      versions: await Promise.all(Array.from({ length: 7 }, async (_, s) => (await call(url, 'GET', `/subjects/s${s}/versions`)).body)),
      config: [(await call(url, 'GET', '/config')).body, (await call(url, 'GET', '/config/s1')).body, (await call(url, 'GET', '/mode/s4')).body],
    })
    const before = await snapshot(first.url)
    expect(before.ids.every((b: { schema?: string }) => typeof b.schema === 'string')).toBe(true)
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.once('exit', r))

    const second = await startCluster(dir, basePort)
    expect(await snapshot(second.url)).toEqual(before)
    // Ids go on from the highest, never reused.
    expect((await call(second.url, 'POST', '/subjects/new/versions', { schema: schema(41) })).body).toEqual({ id: 41 })
    expect((await call(second.url, 'POST', '/subjects/s4/versions', { schema: schema(42) })).body.error_code).toBe(42205)
    second.child.kill('SIGINT')
    await new Promise((r) => second.child.once('exit', r))
  }, 180_000)
})

describe('schema registry when _schemas has no leader', () => {
  const env = useRegistry()

  it('serves reads from memory, refuses writes with a clear 50001, and accepts them again once a leader is back', async () => {
    const cluster = await env.cluster.start({}, 4)
    const running = await env.start(cluster)
    const { url } = running
    expect(running.log.exists).toBe(false)
    expect((await call(url, 'POST', '/subjects/a/versions', { schema: schema(1) })).body).toEqual({ id: 1 })
    expect(running.log.exists).toBe(true)
    const partition = cluster.topic('_schemas').partitions[0]!
    expect(partition.replicas.length).toBe(3)
    const leader = partition.leader
    const followers = partition.replicas.filter((r) => r !== leader)
    for (const f of followers) await cluster.stopBroker(f)
    await eventually('the ISR to shrink to the leader', () => cluster.topic('_schemas').partitions[0]!.isr.length === 1, 15_000)
    expect((await call(url, 'POST', '/subjects/a/versions', { schema: schema(1, 2) })).body).toEqual({ id: 2 })
    await cluster.crashBroker(leader)
    await eventually('_schemas to lose its leader', () => cluster.topic('_schemas').partitions[0]!.leader < 0, 15_000)

    // Reads: from memory.
    expect((await call(url, 'GET', '/schemas/ids/1')).body).toEqual({ schema: schema(1) })
    expect((await call(url, 'GET', '/subjects/a/versions')).body).toEqual([1, 2])
    expect((await call(url, 'GET', '/subjects/a/versions/latest')).body).toMatchObject({ id: 2, version: 2 })
    // Writes: refused, clearly, and nothing half-applied.
    const refused = await call(url, 'POST', '/subjects/a/versions', { schema: schema(1, 3) })
    expect(refused.status).toBe(500)
    expect(refused.body.error_code).toBe(50001)
    expect(refused.body.message).toMatch(/^Error while registering a schema under subject a: the write to the Kafka store failed: _schemas partition 0 has no leader/)
    expect((await call(url, 'PUT', '/config/a', { compatibility: 'NONE' })).body.error_code).toBe(50001)
    expect((await call(url, 'GET', '/subjects/a/versions')).body).toEqual([1, 2])
    expect((await call(url, 'GET', '/config/a')).body.error_code).toBe(40408)

    // The last in-sync replica comes back and is elected: writes are accepted again.
    await cluster.restartBroker(leader)
    await eventually('a leader for _schemas', () => cluster.topic('_schemas').partitions[0]!.leader >= 0, 20_000)
    const accepted = await eventually('a write to be accepted', async () => {
      const r = await call(url, 'POST', '/subjects/a/versions', { schema: schema(1, 3) })
      return r.status === 200 ? r.body : undefined
    }, 20_000)
    expect(accepted).toEqual({ id: 3 })
    expect((await call(url, 'GET', '/subjects/a/versions')).body).toEqual([1, 2, 3])
  }, 120_000)

  it('when the leader of _schemas dies and another in-sync replica takes over, reads go on and a write goes to the new leader', async () => {
    const cluster = await env.cluster.start({}, 3)
    const { url } = await env.start(cluster)
    expect((await call(url, 'POST', '/subjects/b/versions', { schema: schema(1) })).body).toEqual({ id: 1 })
    await eventually('every replica in sync', () => cluster.topic('_schemas').partitions[0]!.isr.length === 3, 15_000)
    const leader = cluster.topic('_schemas').partitions[0]!.leader
    await cluster.crashBroker(leader)
    expect((await call(url, 'GET', '/subjects/b/versions/latest')).body).toMatchObject({ id: 1, version: 1 })
    // Right after the crash: the write waits for the new leader (or is refused with 50001, never lost or half-applied).
    const first = await call(url, 'POST', '/subjects/b/versions', { schema: schema(1, 2) })
    if (first.status !== 200) expect(first.body.error_code).toBe(50001)
    await eventually('a new leader', () => ![-1, leader].includes(cluster.topic('_schemas').partitions[0]!.leader), 15_000)
    const accepted = await eventually('a write to be accepted', async () => {
      const r = await call(url, 'POST', '/subjects/b/versions', { schema: schema(1, 2) })
      return r.status === 200 ? r.body : undefined
    }, 20_000)
    expect(accepted).toEqual({ id: 2 })
    expect((await call(url, 'GET', '/subjects/b/versions')).body).toEqual([1, 2])
  }, 120_000)
})
