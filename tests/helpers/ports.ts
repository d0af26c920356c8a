// Ports for servers a test or benchmark starts on loopback.
import { createServer } from 'node:net'

/** A port the OS reports free now: ask for one, then release it (a race with other processes is possible but rare). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** `count` consecutive ports free now (a cluster's --base-port takes one a broker): each is tried, and another start looked for when one is taken. */
export async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = await freePort()
    if (base + count > 65535) continue
    const held = await Promise.all(Array.from({ length: count }, (_, i) => hold(base + i)))
    await Promise.all(held.map((server) => server && new Promise((r) => server.close(r))))
    if (held.every((server) => server !== null)) return base
  }
}

function hold(port: number): Promise<ReturnType<typeof createServer> | null> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(null))
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}
