// "Test connection": what a Kafka client does first, ApiVersions then Metadata, through the
// console's client library (@platformatic/kafka, docs/kafka-client.md), and when it fails, which
// of the things an operator can fix went wrong: the address, the port (not Kafka), TLS,
// authentication, or time.
import { connect as tcpConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { Admin, type BaseOptions } from '@platformatic/kafka'
import { KafkaError } from '../../cluster/errors'
import { ApiKey, encodeRequest } from '../../cluster/protocol/messages'
import type { ConnectionSettings, ConnectionTestResult } from '../../../preload/contract'
import { KafkaConnection } from './kafkaConnection'
import { fromLibrary } from './kafkaErrors'

type Failure = Extract<ConnectionTestResult, { ok: false }>
type Step = Failure['step']

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ECONNRESET'])
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|EPROTO$)/

export function bootstrapList(settings: ConnectionSettings): string[] {
  return settings.bootstrap.split(',').map((entry) => entry.trim())
}

const usesTls = (settings: ConnectionSettings) => settings.securityProtocol === 'SSL' || settings.securityProtocol === 'SASL_SSL'

/** Kafka's client settings as the library's options. */
export function clientOptions(settings: ConnectionSettings): Pick<BaseOptions, 'clientId' | 'bootstrapBrokers' | 'connectTimeout' | 'timeout' | 'retries' | 'tls' | 'sasl'> {
  const tls = settings.tls
  return {
    clientId: settings.clientId,
    bootstrapBrokers: bootstrapList(settings),
    connectTimeout: settings.timeoutMs,
    timeout: settings.timeoutMs,
    retries: 0,
    ...(usesTls(settings) && {
      tls: {
        ca: tls?.ca,
        cert: tls?.cert,
        key: tls?.key,
        rejectUnauthorized: true,
        // ssl.endpoint.identification.algorithm="" : the certificate is still verified, its name is not.
        ...(tls?.checkHostname === false && { checkServerIdentity: () => undefined }),
      },
    }),
    ...(settings.sasl && { sasl: { mechanism: settings.sasl.mechanism, username: settings.sasl.username, password: settings.sasl.password } }),
  }
}

export async function testConnection(settings: ConnectionSettings): Promise<ConnectionTestResult> {
  const started = performance.now()
  const ms = () => Math.round(performance.now() - started)
  const admin = new Admin(clientOptions(settings))
  let step: Step = 'ApiVersions'
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DeadlineError()), settings.timeoutMs)))
  try {
    return await Promise.race([
      (async (): Promise<ConnectionTestResult> => {
        const apis = await admin.listApis().catch((err) => (isUnsupportedVersion(err) ? null : Promise.reject(err)))
        if (!apis) return await testOlderCluster(settings, ms)
        step = 'Metadata'
        const metadata = await admin.metadata({ topics: [] })
        const brokers = [...metadata.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port })).sort((a, b) => a.nodeId - b.nodeId)
        return { ok: true, ms: ms(), apis: apis.length, clusterId: metadata.id ?? null, controllerId: metadata.controllerId, brokers }
      })(),
      deadline,
    ])
  } catch (err) {
    return { ok: false, ms: ms(), step, ...(await explain(err as Error, step, settings)) }
  } finally {
    clearTimeout(timer)
    void admin.close().catch(() => undefined)
  }
}

class DeadlineError extends Error {}

const isUnsupportedVersion = (err: unknown) => {
  const kafka = fromLibrary(err)
  return kafka instanceof KafkaError && kafka.errorName === 'UNSUPPORTED_VERSION'
}

/**
 * A cluster that refuses the library's ApiVersions v3 (librdkafka's mock cluster serves v0-2)
 * is asked as the console's connection asks it: ApiVersions v0, and Metadata in the newest
 * version it serves, in Brokerlab's own codec.
 */
async function testOlderCluster(settings: ConnectionSettings, ms: () => number): Promise<ConnectionTestResult> {
  const kafka = new KafkaConnection(settings)
  try {
    const apis = await kafka.apiVersions()
    const metadata = await kafka.metadata([])
    const brokers = [...metadata.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port })).sort((a, b) => a.nodeId - b.nodeId)
    return { ok: true, ms: ms(), apis: apis.length, clusterId: metadata.clusterId, controllerId: metadata.controllerId, brokers }
  } finally {
    void kafka.close()
  }
}

/** The error and everything it wraps (the library aggregates one error per broker tried). */
function causes(err: unknown, depth = 0): Error[] {
  if (!(err instanceof Error) || depth > 6) return []
  const nested = [...((err as AggregateError).errors ?? []), ...(err.cause ? [err.cause] : [])]
  return [err, ...nested.flatMap((e) => causes(e, depth + 1))]
}

async function explain(err: Error, step: Step, settings: ConnectionSettings): Promise<Pick<Failure, 'failure' | 'message'>> {
  const where = settings.bootstrap
  const all = causes(err)
  if (err instanceof DeadlineError || all.some((e) => e.constructor.name === 'TimeoutError')) {
    return { failure: 'timeout', message: `no answer to ${step} from ${where} within ${settings.timeoutMs} ms` }
  }
  const code = (e: Error) => (e as NodeJS.ErrnoException).code ?? ''
  // OpenSSL refusing the profile's own PEM (CA, certificate or key), before any connection.
  const pem = all.find((e) => /^ERR_OSSL_/.test(code(e)) || /PEM routines|bad base64|no start line/i.test(e.message))
  if (pem) return { failure: 'tls', message: `the TLS settings cannot be used (a CA, certificate or key that is not valid PEM): ${pem.message}` }
  const tls = all.find((e) => TLS_CODE.test(code(e)))
  if (tls) return { failure: 'tls', message: `TLS handshake with ${where} failed: ${tls.message} (${code(tls)})` }
  const auth = all.find((e) => e.constructor.name === 'AuthenticationError')
  if (auth) {
    const reason = all.slice(all.indexOf(auth) + 1).find((e) => e.message && e.message !== auth.message)?.message
    return { failure: 'authentication', message: `${settings.sasl?.mechanism ?? 'SASL'} authentication as "${settings.sasl?.username}" failed${reason ? `: ${reason}` : ''}` }
  }
  const network = all.find((e) => UNREACHABLE.has(code(e)))
  if (network) return { failure: 'unreachable', message: `cannot reach ${where}: ${network.message}` }
  if (all.some((e) => /Connection closed/i.test(e.message))) {
    // The peer hung up on a Kafka request. Look at what it says to one, to name what it is.
    const address = bootstrapList(settings)[0]
    let heard = await sniff(address, usesTls(settings), settings.timeoutMs)
    // Some TLS listeners hang up on plaintext without an alert: a handshake tells.
    if (heard === 'nothing' && !usesTls(settings) && (await completesTlsHandshake(address, settings.timeoutMs))) heard = 'tls'
    if (settings.sasl && heard === 'kafka') return { failure: 'authentication', message: `${where} closed the connection during the SASL handshake: is it a ${settings.securityProtocol} listener?` }
    // A SASL listener answers ApiVersions to anyone (KIP-35), then hangs up on what needs a login.
    if (!settings.sasl && heard === 'kafka') return { failure: 'authentication', message: `${where} answered ApiVersions, then closed the connection on ${step}: the listener may need SASL (choose SASL_PLAINTEXT or SASL_SSL)` }
    if (heard === 'tls') return { failure: 'not-kafka', message: `${where} expects TLS: choose security protocol SSL or SASL_SSL` }
    if (heard === 'http') return { failure: 'not-kafka', message: `${where} is not Kafka: an HTTP server answered the ApiVersions request` }
    return { failure: 'not-kafka', message: `${where} is not Kafka: it closed the connection on an ApiVersions request${usesTls(settings) ? ' after the TLS handshake' : ''}` }
  }
  return { failure: 'error', message: all.map((e) => e.message).filter(Boolean).join(': ') || String(err) }
}

/** ApiVersions v0, framed: what every Kafka client says first. */
const API_VERSIONS_V0 = encodeRequest(ApiKey.ApiVersions, 0, 1, 'brokerlab', {})

function hostAndPort(address: string): { host: string; port: number } {
  const separator = address.lastIndexOf(':')
  return { host: address.slice(0, separator).replace(/^\[|\]$/g, ''), port: Number(address.slice(separator + 1)) }
}

/** Whether a TLS handshake completes at an address (any certificate: this only asks if it speaks TLS). */
function completesTlsHandshake(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ ...hostAndPort(address), rejectUnauthorized: false })
    const done = (yes: boolean) => (clearTimeout(timer), socket.destroy(), resolve(yes))
    const timer = setTimeout(() => done(false), Math.min(timeoutMs, 3000))
    socket.once('secureConnect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** What answers a Kafka ApiVersions request at an address: Kafka, an HTTP server, a TLS listener, or nothing. */
export function sniff(address: string, overTls: boolean, timeoutMs: number): Promise<'kafka' | 'http' | 'tls' | 'nothing'> {
  const { host, port } = hostAndPort(address)
  return new Promise((resolve) => {
    const socket: Socket = overTls ? tlsConnect({ host, port, rejectUnauthorized: false }) : tcpConnect({ host, port })
    const done = (what: 'kafka' | 'http' | 'tls' | 'nothing') => {
      clearTimeout(timer)
      socket.destroy()
      resolve(what)
    }
    const timer = setTimeout(() => done('nothing'), Math.min(timeoutMs, 3000))
    socket.once(overTls ? 'secureConnect' : 'connect', () => socket.write(API_VERSIONS_V0))
    socket.once('data', (data: Buffer) => {
      if (data.subarray(0, 5).toString('latin1') === 'HTTP/') done('http')
      // A TLS alert record (content type 21, version 3.x): a TLS listener read our plaintext.
      else if (data[0] === 0x15 && data[1] === 0x03) done('tls')
      else done(data.length >= 8 && data.readInt32BE(4) === 1 ? 'kafka' : 'nothing')
    })
    socket.once('error', () => done('nothing'))
    socket.once('close', () => done('nothing'))
  })
}
