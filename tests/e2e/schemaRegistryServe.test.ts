// `brokerlab serve` starts the schema registry with the embedded cluster and prints its URL.
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../helpers/cluster'
import { call } from '../helpers/registry'
import { startServe, type Serve } from './serve'

describe('brokerlab serve and the schema registry', () => {
  let serve: Serve | null = null
  afterEach(async () => {
    await serve?.stop()
    serve = null
  })

  it('prints "schema registry: http://127.0.0.1:<port>" and the registry answers there', async () => {
    serve = await startServe(1, ['--schema-registry-port', '0'])
    const url = await eventually('the registry line', () => /^schema registry: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(serve!.output())?.[1])
    expect((await call(url, 'POST', '/subjects/t-value/versions', { schema: '"string"' })).body).toEqual({ id: 1 })
    expect((await call(url, 'GET', '/subjects')).body).toEqual(['t-value'])
    expect(await serve.stop()).toBe(0)
    serve = null
  }, 120_000)
})
