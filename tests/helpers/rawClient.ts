// A bare Kafka protocol client over one socket, with our generated codec: for tests that
// need a field a client library drops (an error message) or frames no library would send.
import { connect, type Socket } from 'node:net'
import { decodeResponse, encodeRequest, type ApiRequests, type ApiResponses } from '../../main/cluster/protocol/messages'

export class RawClient {
  private correlationId = 0
  private buffered = Buffer.alloc(0)
  private waiting: ((frame: Buffer) => void) | null = null

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk])
      this.deliver()
    })
  }

  static connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(',')[0].split(':')
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => resolve(new RawClient(socket)))
      socket.once('error', reject)
    })
  }

  private deliver(): void {
    if (!this.waiting || this.buffered.length < 4) return
    const size = this.buffered.readInt32BE(0)
    if (this.buffered.length < 4 + size) return
    const frame = this.buffered.subarray(4, 4 + size)
    this.buffered = this.buffered.subarray(4 + size)
    const waiting = this.waiting
    this.waiting = null
    waiting(frame)
  }

  async request<K extends keyof ApiRequests & keyof ApiResponses>(apiKey: K, version: number, body: ApiRequests[K]): Promise<ApiResponses[K]> {
    const correlationId = ++this.correlationId
    const frame = new Promise<Buffer>((resolve) => {
      this.waiting = resolve
      this.deliver()
    })
    this.socket.write(encodeRequest(apiKey, version, correlationId, 'raw-client', body))
    const response = decodeResponse(apiKey, version, await frame)
    if (response.correlationId !== correlationId) throw new Error(`correlation id ${response.correlationId}, expected ${correlationId}`)
    return response.body as ApiResponses[K]
  }

  close(): void {
    this.socket.destroy()
  }
}

/** The RawClients a test file opens, closed together after each test (before its cluster stops). */
export class RawClients {
  private readonly open: RawClient[] = []

  readonly connect = async (bootstrap: string): Promise<RawClient> => {
    const client = await RawClient.connect(bootstrap)
    this.open.push(client)
    return client
  }

  closeAll(): void {
    for (const client of this.open.splice(0)) client.close()
  }
}
