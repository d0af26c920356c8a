// The embedded schema registry over real HTTP on a real embedded cluster: Confluent's REST
// API, its answers and error codes (docs/schema-registry.md).
import { describe, expect, it } from 'vitest'
import { call, useRegistry } from '../helpers/registry'

const user = (fields: object[]) => JSON.stringify({ type: 'record', name: 'User', namespace: 'com.acme', fields })
const V1 = user([{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }])
const V2 = user([{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }, { name: 'email', type: ['null', 'string'], default: null }])
const BREAKING = user([{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }, { name: 'email', type: ['null', 'string'], default: null }, { name: 'age', type: 'int' }])

describe('schema registry REST API', () => {
  const env = useRegistry()

  it('registers, serves by id and version, looks up, and keeps one id for one schema', async () => {
    const cluster = await env.cluster.start({}, 3)
    const { url } = await env.start(cluster)
    expect(await call(url, 'GET', '/subjects')).toEqual({ status: 200, body: [] })
    const first = await call(url, 'POST', '/subjects/users-value/versions', { schema: V1 })
    expect(first).toEqual({ status: 200, body: { id: 1 } })
    expect((await call(url, 'POST', '/subjects/users-value/versions', { schema: V1 })).body).toEqual({ id: 1 })
    expect((await call(url, 'POST', '/subjects/other-value/versions', { schema: V1 })).body).toEqual({ id: 1 })
    expect((await call(url, 'POST', '/subjects/users-value/versions', { schema: V2 })).body).toEqual({ id: 2 })
    expect(await call(url, 'GET', '/subjects/users-value/versions')).toEqual({ status: 200, body: [1, 2] })
    const latest = await call(url, 'GET', '/subjects/users-value/versions/latest')
    expect(latest.body).toMatchObject({ subject: 'users-value', version: 2, id: 2 })
    expect(JSON.parse(latest.body.schema)).toEqual(JSON.parse(V2))
    expect((await call(url, 'GET', '/schemas/ids/1')).body).toEqual({ schema: JSON.stringify(JSON.parse(V1)) })
    expect((await call(url, 'GET', '/schemas/ids/1/subjects')).body).toEqual(['other-value', 'users-value'])
    expect((await call(url, 'GET', '/schemas/ids/1/versions')).body).toEqual([{ subject: 'other-value', version: 1 }, { subject: 'users-value', version: 1 }])
    expect((await call(url, 'GET', '/schemas/ids/2/schema')).body).toEqual(JSON.parse(V2))
    expect((await call(url, 'GET', '/schemas/types')).body).toEqual(['JSON', 'PROTOBUF', 'AVRO'])
    expect((await call(url, 'POST', '/subjects/users-value', { schema: V1 })).body).toMatchObject({ subject: 'users-value', version: 1, id: 1 })
    const breaking = await call(url, 'POST', '/subjects/users-value/versions', { schema: BREAKING })
    expect(breaking.status).toBe(409)
    expect(breaking.body.error_code).toBe(409)
    expect(breaking.body.message).toContain('field age added without a default: readers of the new schema cannot read old data (BACKWARD)')
  })
})
