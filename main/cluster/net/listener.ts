// A broker's Kafka listener on 127.0.0.1 (Kafka's SocketServer): accepts connections and
// gives each a KafkaConnection. A port already in use is an error that names the port.
import { createServer, type Server } from 'node:net'
import { KafkaConnection, type ConnectionOptions, type FrameHandler } from './connection'

export class KafkaListener {
  private readonly connections = new Set<KafkaConnection>()
  private readonly server: Server

  private constructor(
    readonly host: string,
    public port: number,
    handle: FrameHandler,
    options: ConnectionOptions,
  ) {
    this.server = createServer((socket) => {
      const connection = new KafkaConnection(socket, handle, options)
      this.connections.add(connection)
      socket.on('close', () => this.connections.delete(connection))
    })
  }

  /** Once listening, a server error (e.g. out of file descriptors on accept) is logged, never thrown. */
  private keepListeningOnError(log: (message: string) => void): void {
    this.server.on('error', (err) => log(`Kafka listener on ${this.host}:${this.port}: ${err.message}`))
  }

  static listen(host: string, port: number, handle: FrameHandler, options: ConnectionOptions): Promise<KafkaListener> {
    const listener = new KafkaListener(host, port, handle, options)
    return new Promise((resolve, reject) => {
      listener.server.once('error', (err: NodeJS.ErrnoException) => {
        const reason = err.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : err.message
        reject(new Error(`Cannot open the Kafka listener: ${reason}`))
      })
      listener.server.listen(port, host, () => {
        const address = listener.server.address()
        if (address && typeof address === 'object') listener.port = address.port
        listener.server.removeAllListeners('error')
        listener.keepListeningOnError(options.log)
        resolve(listener)
      })
    })
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** Stops accepting and closes every open connection. */
  close(): Promise<void> {
    for (const connection of this.connections) connection.close()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}
