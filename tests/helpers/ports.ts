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
