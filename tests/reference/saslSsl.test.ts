// The console's Test connection against a real Apache Kafka listener with SASL_SSL and
// SCRAM-SHA-512, its certificate made with keytool and its user written at format time: the
// right password finds the cluster; a wrong password, an untrusted CA, plaintext or TLS
// without SASL each fail with their own clear reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionSettings, type ConnectionTestResult } from '../../preload/contract'
import { testConnection } from '../../main/console/connections/connectionTest'
import { tempDir } from '../helpers/batches'
import { makeBrokerKeystore, type BrokerKeystore } from './kafka/certificates'
import { ReferenceCluster } from './kafka/cluster'

const USER = 'alice'
const PASSWORD = 'alice-secret'

describe('SASL_SSL with SCRAM-SHA-512 on Apache Kafka', () => {
  let dir: ReturnType<typeof tempDir>
  let tls: BrokerKeystore
  let kafka: ReferenceCluster

  beforeAll(async () => {
    dir = tempDir('brokerlab-reference-sasl-')
    tls = makeBrokerKeystore(dir.dir)
    kafka = await ReferenceCluster.start({ dir: dir.dir, brokers: 1, saslSsl: { keystore: tls.keystore, password: tls.password, users: { [USER]: PASSWORD } } })
  }, 300_000)
  afterAll(async () => {
    await kafka?.stop()
    dir?.remove()
  }, 120_000)

  const test = (settings: Record<string, unknown>): Promise<ConnectionTestResult> =>
    testConnection(ConnectionSettings.parse({ bootstrap: kafka.saslSslBootstrapServers, timeoutMs: 15_000, ...settings }))
  const sasl = (password: string) => ({ securityProtocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: USER, password }, tls: { ca: tls.certificatePem } })

  it('finds the cluster with the right password and the broker’s CA', async () => {
    const result = await test(sasl(PASSWORD))
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, clusterId: kafka.clusterId })
    if (result.ok) expect(result.brokers.map((b) => `${b.host}:${b.port}`).join(',')).toBe(kafka.saslSslBootstrapServers)
  })

  it('names a wrong password as an authentication failure, and never repeats the password', async () => {
    const result = await test(sasl('not-the-password'))
    expect(result).toMatchObject({ ok: false, failure: 'authentication', message: expect.stringMatching(/^SCRAM-SHA-512 authentication as "alice" failed/) })
    expect(JSON.stringify(result)).not.toContain('not-the-password')
  })

  it('names an untrusted CA as a TLS failure', async () => {
    const result = await test({ ...sasl(PASSWORD), tls: {} })
    expect(result).toMatchObject({ ok: false, failure: 'tls', message: expect.stringContaining('self-signed certificate') })
  })

  it('names plaintext at the TLS listener, and TLS without SASL', async () => {
    expect(await test({})).toMatchObject({ ok: false, failure: 'not-kafka', message: expect.stringContaining('expects TLS') })
    const noSasl = await test({ securityProtocol: 'SSL', tls: { ca: tls.certificatePem } })
    expect(noSasl, JSON.stringify(noSasl)).toMatchObject({ ok: false, failure: 'authentication' })
  })
})
