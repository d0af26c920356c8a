// The ACL, SASL and delegation token APIs on real broker workers: kafkajs's admin gets
// Kafka's SECURITY_DISABLED for ACLs, a raw client sees the connection survive a SASL
// handshake on the PLAINTEXT listener, and an ACL request Kafka cannot parse (UNKNOWN
// elements) closes only its own connection. tests/reference/adminApis.test.ts compares the
// same answers with Apache Kafka's.
import { once } from 'node:events'
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiKey } from '../../main/cluster/protocol/messages'
import { useCluster } from '../helpers/cluster'
import { RawClients } from '../helpers/rawClient'

const lab = useCluster()
const clients = new RawClients()

const connect = clients.connect

const anyAcl = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
}

describe('security APIs without an authorizer', () => {
  afterEach(() => {
    clients.closeAll()
  })

  it('kafkajs admin: describe, create and delete ACLs fail with SECURITY_DISABLED', async () => {
    const cluster = await lab.start({}, 1)
    const admin = new Kafka({ brokers: cluster.bootstrapServers.split(','), clientId: 'acls', logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin()
    await admin.connect()
    try {
      await expect(admin.describeAcls(anyAcl)).rejects.toMatchObject({ type: 'SECURITY_DISABLED' })
      const acl = {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'orders',
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: 'User:alice',
        host: '*',
        operation: AclOperationTypes.READ,
        permissionType: AclPermissionTypes.ALLOW,
      }
      await expect(admin.createAcls({ acl: [acl] })).rejects.toMatchObject({ type: 'SECURITY_DISABLED' })
      await expect(admin.deleteAcls({ filters: [anyAcl] })).rejects.toMatchObject({ type: 'SECURITY_DISABLED' })
    } finally {
      await admin.disconnect()
    }
  })

  it('SASL on the PLAINTEXT listener is ILLEGAL_SASL_STATE and the connection stays open; delegation tokens are refused', async () => {
    const cluster = await lab.start({}, 1)
    const client = await connect(cluster.bootstrapServers)
    expect(await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' })).toEqual({ errorCode: 34, mechanisms: [] })
    const auth = await client.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from('\0alice\0secret') })
    expect(auth).toMatchObject({ errorCode: 34, errorMessage: 'SaslAuthenticate request received after successful authentication' })
    const token = await client.request(ApiKey.CreateDelegationToken, 3, { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [], maxLifetimeMs: -1n })
    expect(token).toMatchObject({ errorCode: 64, principalType: 'User', principalName: 'ANONYMOUS', tokenId: '', expiryTimestampMs: -1n })
    expect((await client.request(ApiKey.DescribeDelegationToken, 3, { owners: null })).errorCode).toBe(64)
  })

  it('an ACL filter with UNKNOWN elements closes its connection only, as Kafka cannot parse it', async () => {
    const cluster = await lab.start({}, 1)
    const bad = await connect(cluster.bootstrapServers)
    const closed = once(bad.socket, 'close')
    void bad.request(ApiKey.DescribeAcls, 3, { resourceTypeFilter: 0, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })
    await closed
    const good = await connect(cluster.bootstrapServers)
    const answer = await good.request(ApiKey.DescribeAcls, 3, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })
    expect(answer).toMatchObject({ errorCode: 54, errorMessage: 'No Authorizer is configured on the broker', resources: [] })
  })
})
