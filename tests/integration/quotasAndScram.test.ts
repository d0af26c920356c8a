// Client quotas and SCRAM credentials on real broker workers: altered through one broker,
// stored by the controller as metadata records, described by every broker from its image,
// kept across a whole-cluster restart; a SCRAM credential is kept as RFC 5802's stored and
// server keys, and neither the salted password nor those keys ever come back in an answer.
// tests/reference/adminApis.test.ts compares the same requests with Apache Kafka's answers.
import { createHash, createHmac } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { eventually, useCluster } from '../helpers/cluster'
import { RawClients } from '../helpers/rawClient'

const lab = useCluster()
const clients = new RawClients()

const connect = clients.connect

const everyEntity = { components: [], strict: false }

/** The bytes of the controller's metadata database (and its WAL), as written on disk. */
function metadataBytes(dataDir: string): Buffer {
  const dir = join(dataDir, 'controller')
  return Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('metadata.db')).map((f) => readFileSync(join(dir, f))))
}

describe('client quotas and SCRAM credentials', () => {
  afterEach(() => {
    clients.closeAll()
  })

  it('are stored through the controller, described by every broker, and survive a restart', async () => {
    const cluster = await lab.start({}, 2)
    const [first, second] = cluster.bootstrapServers.split(',')
    const one = await connect(first)
    const entity = [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }]
    const ops = [{ key: 'producer_byte_rate', value: 1024, remove: false }]

    const dryRun = await one.request(ApiKey.AlterClientQuotas, 1, { entries: [{ entity, ops }], validateOnly: true })
    expect(dryRun.entries.map((e) => e.errorCode)).toEqual([0])
    expect((await one.request(ApiKey.DescribeClientQuotas, 1, everyEntity)).entries).toEqual([])

    const altered = await one.request(ApiKey.AlterClientQuotas, 1, { entries: [{ entity, ops }], validateOnly: false })
    expect(altered.entries).toEqual([{ errorCode: 0, errorMessage: null, entity: expect.arrayContaining(entity) }])
    const upsertion = { name: 'alice', mechanism: 2, iterations: 8192, salt: Buffer.alloc(16, 1), saltedPassword: Buffer.alloc(64, 2) }
    const scram = await one.request(ApiKey.AlterUserScramCredentials, 0, { deletions: [], upsertions: [upsertion] })
    expect(scram.results).toEqual([{ user: 'alice', errorCode: 0, errorMessage: null }])

    // The other broker learns both from the metadata records the controller pushes.
    const two = await connect(second)
    const described = await eventually('broker 2 describes the quota', async () => {
      const r = await two.request(ApiKey.DescribeClientQuotas, 1, everyEntity)
      return r.entries?.length ? r : undefined
    })
    expect(described.entries).toEqual([{ entity: expect.arrayContaining(entity), values: [{ key: 'producer_byte_rate', value: 1024 }] }])
    const credentials = await eventually('broker 2 describes the credential', async () => {
      const r = await two.request(ApiKey.DescribeUserScramCredentials, 0, { users: [{ name: 'alice' }] })
      return r.results[0]?.errorCode === 0 ? r : undefined
    })
    expect(credentials.results).toEqual([{ user: 'alice', errorCode: 0, errorMessage: '', credentialInfos: [{ mechanism: 2, iterations: 8192 }] }])

    // What the controller keeps: RFC 5802's keys, never the salted password.
    const onDisk = metadataBytes(lab.dataDir!)
    const clientKey = createHmac('sha512', upsertion.saltedPassword).update('Client Key').digest()
    expect(onDisk.includes(createHash('sha512').update(clientKey).digest('base64'))).toBe(true)
    expect(onDisk.includes(upsertion.saltedPassword.toString('base64'))).toBe(false)

    await lab.stop()
    const restarted = await lab.start({}, 2)
    const again = await connect(restarted.bootstrapServers.split(',')[0])
    const afterRestart = await eventually('the quota after a restart', async () => {
      const r = await again.request(ApiKey.DescribeClientQuotas, 1, { components: [{ entityType: 'user', matchType: 0, match: 'alice' }], strict: false })
      return r.entries?.length ? r : undefined
    })
    expect(afterRestart.entries![0].values).toEqual([{ key: 'producer_byte_rate', value: 1024 }])
    const removed = await again.request(ApiKey.AlterUserScramCredentials, 0, { deletions: [{ name: 'alice', mechanism: 2 }], upsertions: [] })
    expect(removed.results).toEqual([{ user: 'alice', errorCode: 0, errorMessage: null }])
    const gone = await again.request(ApiKey.DescribeUserScramCredentials, 0, { users: null })
    expect(gone.results).toEqual([])
  })

  it('refuses bad quotas and credentials with Kafka errors, storing nothing', async () => {
    const cluster = await lab.start({}, 1)
    const client = await connect(cluster.bootstrapServers)
    const bad = await client.request(ApiKey.AlterClientQuotas, 1, {
      entries: [
        { entity: [{ entityType: 'user', entityName: 'bob' }], ops: [{ key: 'connection_creation_rate', value: 5, remove: false }] },
        { entity: [{ entityType: 'ip', entityName: 'not an address' }], ops: [{ key: 'connection_creation_rate', value: 5, remove: false }] },
      ],
      validateOnly: false,
    })
    expect(bad.entries.map((e) => [e.errorCode, e.errorMessage])).toEqual([
      [42, 'Invalid configuration key connection_creation_rate'],
      [42, 'not an address is not a valid IP or resolvable host.'],
    ])
    const scram = await client.request(ApiKey.AlterUserScramCredentials, 0, {
      deletions: [],
      upsertions: [{ name: 'carol', mechanism: 1, iterations: 100, salt: Buffer.alloc(8), saltedPassword: Buffer.alloc(32) }],
    })
    expect(scram.results).toEqual([{ user: 'carol', errorCode: 93, errorMessage: 'Too few iterations' }])
    expect((await client.request(ApiKey.DescribeClientQuotas, 1, everyEntity)).entries).toEqual([])
    expect((await client.request(ApiKey.DescribeUserScramCredentials, 0, { users: [{ name: 'carol' }] })).results[0].errorCode).toBe(91)
  })
})
