// "Test connection" (connection:test) through the console's Kafka client library, against a
// real Brokerlab cluster and against what an operator may point it at by mistake: a closed
// port, an unknown host, an HTTP server, a port that never answers, a TLS listener.
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionSettings, parseRequest, ContractValidationError } from '../../preload/contract'
import { testConnection } from '../../main/console/connections/connectionTest'
import { eventually, useCluster } from '../helpers/cluster'
import { httpServer, selfSignedCertificate, silentServer, tlsServer, type Listening } from '../helpers/servers'

const fixture = useCluster()
const servers: Listening[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
const serve = async (server: Promise<Listening>) => (servers.push(await server), servers.at(-1)!)
const settings = (input: Record<string, unknown>) => ConnectionSettings.parse({ timeoutMs: 3000, ...input })

describe('connection:test', () => {
  it('finds a Brokerlab cluster: its APIs, brokers and controller, as Metadata gives them', async () => {
    const c = await fixture.start({}, 3)
    // A broker just started may answer Metadata before it has heard of every registration.
    const result = await eventually('Metadata naming the three brokers', async () => {
      const r = await testConnection(settings({ bootstrap: c.bootstrapServers.split(',')[1] }))
      return !r.ok || r.brokers.length === 3 ? r : undefined
    })
    expect(result.ok, JSON.stringify(result)).toBe(true)
    if (!result.ok) return
    expect(result.apis).toBeGreaterThan(20)
    expect(result.brokers.map((b) => `${b.host}:${b.port}`).join(',')).toBe(c.bootstrapServers)
    expect(result.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3])
    expect(result.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('names an unreachable address: a closed port, an unknown host', async () => {
    const closed = await testConnection(settings({ bootstrap: '127.0.0.1:1' }))
    expect(closed).toMatchObject({ ok: false, step: 'ApiVersions', failure: 'unreachable', message: expect.stringMatching(/^cannot reach 127\.0\.0\.1:1: .*ECONNREFUSED|^cannot reach 127\.0\.0\.1:1: Connection to 127\.0\.0\.1:1 failed/) })
    const unknown = await testConnection(settings({ bootstrap: 'no-such-host.invalid:9092' }))
    expect(unknown).toMatchObject({ ok: false, failure: 'unreachable', message: expect.stringContaining('no-such-host.invalid:9092') })
  })

  it('names an HTTP server as not Kafka', async () => {
    const http = await serve(httpServer())
    const result = await testConnection(settings({ bootstrap: http.address }))
    expect(result).toMatchObject({ ok: false, step: 'ApiVersions', failure: 'not-kafka', message: `${http.address} is not Kafka: an HTTP server answered the ApiVersions request` })
  })

  it('gives up on a port that never answers after the timeout, and says so', async () => {
    const silent = await serve(silentServer())
    const result = await testConnection(settings({ bootstrap: silent.address, timeoutMs: 500 }))
    expect(result).toMatchObject({ ok: false, step: 'ApiVersions', failure: 'timeout', message: `no answer to ApiVersions from ${silent.address} within 500 ms` })
    expect(result.ms).toBeGreaterThanOrEqual(490)
    expect(result.ms).toBeLessThan(2500)
  })

  describe('TLS', () => {
    const certificate = selfSignedCertificate()

    it('names an untrusted certificate, and a certificate for another host name', async () => {
      const tls = await serve(tlsServer(certificate))
      const untrusted = await testConnection(settings({ bootstrap: tls.address, securityProtocol: 'SSL' }))
      expect(untrusted).toMatchObject({ ok: false, failure: 'tls', message: expect.stringMatching(/^TLS handshake with 127\.0\.0\.1:\d+ failed: self[- ]signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/) })
      const otherName = await testConnection(settings({ bootstrap: tls.address, securityProtocol: 'SSL', tls: { ca: certificate.cert } }))
      expect(otherName).toMatchObject({ ok: false, failure: 'tls', message: expect.stringContaining('ERR_TLS_CERT_ALTNAME_INVALID') })
    })

    it('names TLS settings that are not PEM before connecting', async () => {
      const result = await testConnection(settings({ bootstrap: '127.0.0.1:1', securityProtocol: 'SSL', tls: { cert: 'not pem', key: 'not pem either' } }))
      expect(result).toMatchObject({ ok: false, failure: 'tls', message: expect.stringMatching(/^the TLS settings cannot be used \(a CA, certificate or key that is not valid PEM\): /) })
    })

    it('past a good handshake (trusted CA, host name check off), a listener that hangs up is not Kafka', async () => {
      const tls = await serve(tlsServer(certificate))
      const result = await testConnection(settings({ bootstrap: tls.address, securityProtocol: 'SSL', tls: { ca: certificate.cert, checkHostname: false } }))
      expect(result).toMatchObject({ ok: false, failure: 'not-kafka', message: `${tls.address} is not Kafka: it closed the connection on an ApiVersions request after the TLS handshake` })
    })

    it('PLAINTEXT at a TLS listener says to choose SSL', async () => {
      const tls = await serve(tlsServer(certificate))
      const result = await testConnection(settings({ bootstrap: tls.address }))
      expect(result).toMatchObject({ ok: false, failure: 'not-kafka', message: `${tls.address} expects TLS: choose security protocol SSL or SASL_SSL` })
    })
  })

  it('SASL at a listener without it fails at authentication, and says which listener it asked for', async () => {
    const c = await fixture.start({}, 1)
    const result = await testConnection(settings({ bootstrap: c.bootstrapServers, securityProtocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'secret' } }))
    expect(result).toMatchObject({ ok: false, failure: 'authentication' })
    expect(JSON.stringify(result)).not.toContain('secret')
  })

  it('refuses a malformed profile naming the field, before any connection', () => {
    const refused = (request: unknown) => {
      try {
        parseRequest('connection:test', request)
      } catch (err) {
        expect(err).toBeInstanceOf(ContractValidationError)
        return (err as Error).message
      }
      throw new Error('accepted')
    }
    expect(refused({ bootstrap: 'localhost' })).toMatch(/bootstrap.*"localhost" is not host:port/)
    expect(refused({ bootstrap: 'a:9092,b:99999' })).toMatch(/bootstrap.*"b:99999" is not host:port/)
    expect(refused({ bootstrap: '' })).toMatch(/bootstrap/)
    expect(refused({ bootstrap: 'a:9092', securityProtocol: 'SASL_SSL' })).toMatch(/sasl.*need a mechanism/)
    expect(refused({ bootstrap: 'a:9092', securityProtocol: 'SSL', tls: { cert: 'x' } })).toMatch(/tls\.cert.*needs its key/)
    expect(refused({ bootstrap: 'a:9092', securityProtocol: 'KERBEROS' })).toMatch(/securityProtocol/)
  })
})
