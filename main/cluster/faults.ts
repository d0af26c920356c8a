// The fault layer on the links between workers (broker <-> broker, broker <-> controller):
// a link can be cut (every message dropped both ways, as a network partition) or slowed
// (each message sent waits `delayMs`, a one-way latency). Each end gates its own side, so
// the host tells both ends of a link.
import type { MessagePort, TransferListItem } from 'node:worker_threads'
import type { Port, RpcMessage } from './rpc'
import type { LinkFault } from '../../preload/contract'

export type { LinkFault }

export const HEALTHY: LinkFault = { mode: 'ok' }

export class GatedPort implements Port {
  fault: LinkFault = HEALTHY

  constructor(readonly port: MessagePort) {}

  postMessage(message: unknown, transfer?: readonly TransferListItem[]): void {
    const fault = this.fault
    if (fault.mode === 'cut') return
    if (fault.mode === 'slow') setTimeout(() => this.port.postMessage(message, transfer), fault.delayMs)
    else this.port.postMessage(message, transfer)
  }

  on(event: 'message', listener: (message: RpcMessage | RpcMessage[]) => void): this {
    this.port.on(event, (message) => {
      if (this.fault.mode !== 'cut') listener(message)
    })
    return this
  }

  close(): void {
    this.port.close()
  }
}
