// Plain sockets to a broker's Kafka listener, for tests that send bytes no client would.
import { connect, type Socket } from 'node:net'
import { DIE_CLIENT_ID_PREFIX } from '../../main/cluster/net/testHooks'
import { encodeRequest } from '../../main/cluster/protocol/messages'

/** A connected socket to the first (or the `index`th) host:port of a bootstrap list. */
export function openSocket(bootstrap: string, index = 0): Promise<Socket> {
  const [host, port] = bootstrap.split(',')[index].split(':')
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => {
      socket.off('error', reject)
      // Later errors (a reset by the broker) are expected; the close is what tests watch.
      socket.on('error', () => undefined)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

/** Every byte the socket receives until it closes, or until `timeoutMs` (then null). */
export function readUntilClosed(socket: Socket, timeoutMs: number): Promise<Buffer | null> {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
  })
}

/**
 * Makes the `index`th broker's thread throw an uncaught error with `message`, through the
 * test hook (main/cluster/net/testHooks.ts): the cluster must run with BROKERLAB_TEST_HOOKS=1.
 */
export async function injectBrokerDeath(bootstrap: string, index: number, message: string): Promise<void> {
  const socket = await openSocket(bootstrap, index)
  socket.end(encodeRequest(18, 0, 1, `${DIE_CLIENT_ID_PREFIX}${message}`, { clientSoftwareName: '', clientSoftwareVersion: '' }))
}
