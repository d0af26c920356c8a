// A worker thread that loads an HTTP/1.1 server from its own core: `connections` keep-alive
// sockets, each with up to `window` pipelined requests in flight, until `total` requests have
// been answered. Plain JavaScript, so the worker needs no TypeScript loader. Answers
// { seconds, answered, statuses }.
import { connect } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'

const { host, port, requests, total, connections, window } = workerData
const encoded = requests.map((r) => {
  const body = r.body === undefined ? '' : r.body
  const head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${host}:${port}\r\n` +
    (r.body === undefined ? '' : `Content-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`) + '\r\n'
  return Buffer.from(head + body)
})

let sent = 0
let answered = 0
const statuses = {}
const start = performance.now()

function run() {
  return new Promise((resolve, reject) => {
    let open = connections
    for (let c = 0; c < connections; c++) {
      const socket = connect(port, host)
      socket.setNoDelay(true)
      let inFlight = 0
      let buffer = Buffer.alloc(0)
      const fill = () => {
        const out = []
        while (inFlight < window && sent < total) {
          out.push(encoded[sent % encoded.length])
          sent++
          inFlight++
        }
        if (out.length > 0) socket.write(out.length === 1 ? out[0] : Buffer.concat(out))
        else if (inFlight === 0) socket.end()
      }
      socket.on('connect', fill)
      socket.on('data', (chunk) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
        for (;;) {
          const end = buffer.indexOf('\r\n\r\n')
          if (end < 0) break
          const head = buffer.subarray(0, end).toString('latin1')
          const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0)
          if (buffer.length < end + 4 + length) break
          const status = head.slice(9, 12)
          statuses[status] = (statuses[status] ?? 0) + 1
          buffer = buffer.subarray(end + 4 + length)
          inFlight--
          answered++
        }
        fill()
      })
      socket.on('error', reject)
      socket.on('close', () => {
        if (--open === 0) resolve()
      })
    }
  })
}

await run()
parentPort.postMessage({ seconds: (performance.now() - start) / 1000, answered, statuses })
