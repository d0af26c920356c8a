// Ports for servers a test or benchmark starts on loopback. They are taken below Linux's
// ephemeral range (32768-60999): a cluster started with port 0, and every outgoing connection,
// gets its port from that range, and a client another test left behind keeps dialling it. A
// serve that reused such a port met a stranger's producer, which auto-created its topic there.
import { createServer } from 'node:net'
import { randomInt } from 'node:crypto'

const LOWEST = 20_000
const EPHEMERAL_START = 32_768

/** A port free now, outside the ephemeral range (a race with another test choosing the same is possible but rare). */
export function freePort(): Promise<number> {
  return freePorts(1)
}

/** `count` consecutive ports free now (a cluster's --base-port takes one a broker): each is tried, and another start looked for when one is taken. */
export async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = randomInt(LOWEST, EPHEMERAL_START - count)
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
