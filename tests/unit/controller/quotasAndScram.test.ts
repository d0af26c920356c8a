// The controller's client quotas and SCRAM credentials: the records it writes (only what
// changes), and the image a restarted controller restores (from the snapshot it wrote on close).
import { describe, expect, it } from 'vitest'
import { Harness } from './harness'

const user = (name: string | null) => [{ entityType: 'user', entityName: name }]
const set = (key: string, value: number) => ({ key, value, remove: false })
const remove = (key: string) => ({ key, value: 0, remove: true })

describe('client quotas', () => {
  it('writes a ClientQuotaRecord only for what changes, and removes an entity with its last quota', () => {
    const h = new Harness()
    const alter = (ops: ReturnType<typeof set>[], validateOnly = false) => h.controller.alterClientQuotas({ entries: [{ entity: user('alice'), ops }], validateOnly })
    const quotaRecords = () => h.entries.filter((e) => e.record.type === 'ClientQuotaRecord').map((e) => e.record)

    expect(alter([set('producer_byte_rate', 1024)], true).entries[0].errorCode).toBe(0)
    expect(quotaRecords()).toEqual([])
    alter([set('producer_byte_rate', 1024), set('consumer_byte_rate', 2048)])
    alter([set('producer_byte_rate', 1024)])
    alter([remove('request_percentage')])
    expect(quotaRecords()).toHaveLength(2)
    expect(h.controller.image.clientQuotas.size).toBe(1)

    alter([remove('producer_byte_rate'), remove('consumer_byte_rate')])
    expect(quotaRecords().slice(2)).toEqual([
      { type: 'ClientQuotaRecord', entity: user('alice'), key: 'producer_byte_rate', value: 0, remove: true },
      { type: 'ClientQuotaRecord', entity: user('alice'), key: 'consumer_byte_rate', value: 0, remove: true },
    ])
    expect(h.controller.image.clientQuotas.size).toBe(0)
  })

  it('names one entity the same whatever the order of its parts', () => {
    const h = new Harness()
    const entity = [{ entityType: 'user', entityName: 'bob' }, { entityType: 'client-id', entityName: 'app' }]
    h.controller.alterClientQuotas({ entries: [{ entity, ops: [set('producer_byte_rate', 10)] }], validateOnly: false })
    h.controller.alterClientQuotas({ entries: [{ entity: [...entity].reverse(), ops: [set('producer_byte_rate', 20)] }], validateOnly: false })
    expect([...h.controller.image.clientQuotas.values()]).toEqual([{ entity: [entity[1], entity[0]], values: { producer_byte_rate: 20 } }])
  })
})

describe('SCRAM credentials', () => {
  it('keeps the stored and server keys, never the salted password, across restarts', () => {
    const h = new Harness()
    const saltedPassword = Buffer.alloc(32, 5).toString('base64')
    const { results } = h.controller.alterUserScramCredentials({ deletions: [], upsertions: [{ name: 'alice', mechanism: 1, iterations: 4096, salt: 'c2FsdA==', saltedPassword }] })
    expect(results).toEqual([{ user: 'alice', errorCode: 0, errorMessage: null }])
    const credential = h.controller.image.scramCredential('alice', 1)!
    expect(credential).toMatchObject({ name: 'alice', mechanism: 1, iterations: 4096, salt: 'c2FsdA==' })
    expect(JSON.stringify(h.entries)).not.toContain(saltedPassword)

    h.close()
    expect(h.reopen().image.scramCredential('alice', 1)).toEqual(credential)
    h.controller.alterClientQuotas({ entries: [{ entity: user(null), ops: [set('consumer_byte_rate', 5)] }], validateOnly: false })
    h.close()
    const restored = h.reopen().image
    expect(restored.scramCredential('alice', 1)).toEqual(credential)
    expect([...restored.clientQuotas.values()]).toEqual([{ entity: user(null), values: { consumer_byte_rate: 5 } }])
  })
})
