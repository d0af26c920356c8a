// Servers that are not Kafka, on loopback, for tests of what a Kafka client meets at a wrong
// address: an HTTP server, a port that accepts and never answers, a TLS listener.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer as createTcpServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createTlsServer } from 'node:tls'

export interface Listening {
  address: string
  close: () => Promise<void>
}

function listen(server: Server): Promise<Listening> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      resolve({ address: `127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) })
    }),
  )
}

export const httpServer = () => listen(createHttpServer((_, res) => res.end('hello')))

/** Accepts connections and never says a word. */
export function silentServer(): Promise<Listening> {
  const sockets = new Set<import('node:net').Socket>()
  const server = createTcpServer((s) => (sockets.add(s), s.on('error', () => undefined)))
  return listen(server).then((l) => ({ ...l, close: () => (sockets.forEach((s) => s.destroy()), l.close()) }))
}

/** A self-signed certificate for CN=localhost, made with openssl. */
export function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-cert-'))
  try {
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { encoding: 'utf8' })
    if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr || made.error?.message}`)
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A TLS listener that completes the handshake, then hangs up on whatever it is sent. */
export function tlsServer(certificate: { cert: string; key: string }): Promise<Listening> {
  return listen(createTlsServer(certificate, (s) => (s.on('error', () => undefined), s.on('data', () => s.end()))))
}
