// Faults on the links between workers, as the operator sets them: a link between two brokers,
// or between a broker and the controller, cut or slowed both ways. Each end gates its own
// side (GatedPort, faults.ts), so both ends are told; a fault is kept and applied again when
// either end restarts.
import { HEALTHY, type LinkFault } from './faults'
import type { ClusterEventLog } from './clusterEvents'
import type { BrokerClient, WorkerSupervisor } from './workerSupervisor'

type Peer = number | 'controller'

export class LinkFaults {
  /** Faults by broker, then by peer ('controller' or a broker id). */
  private readonly faults = new Map<number, Map<Peer, LinkFault>>()

  constructor(
    private readonly supervisor: WorkerSupervisor,
    private readonly events: ClusterEventLog,
  ) {
    supervisor.onWired = (id) => this.reapply(id)
  }

  private of(id: number): Map<Peer, LinkFault> {
    this.supervisor.handle(id)
    let faults = this.faults.get(id)
    if (!faults) this.faults.set(id, (faults = new Map()))
    return faults
  }

  /**
   * Cuts or slows the link between broker `a` and broker `b` (or the controller), both ways;
   * `HEALTHY` heals it. Faults persist across restarts of either broker.
   */
  async setLinkFault(a: number, b: Peer, fault: LinkFault): Promise<void> {
    const faultsA = this.of(a)
    if (fault.mode === 'ok') faultsA.delete(b)
    else faultsA.set(b, fault)
    if (b !== 'controller') {
      const faultsB = this.of(b)
      if (fault.mode === 'ok') faultsB.delete(a)
      else faultsB.set(a, fault)
    }
    await this.apply(a, b, fault)
    this.events.publish({ source: 'cluster', type: 'link-fault', a, b, fault, timestamp: Date.now() })
  }

  /** Isolates a broker from the controller and every other broker (a network partition). */
  async isolateBroker(id: number, fault: LinkFault = { mode: 'cut' }): Promise<void> {
    await this.setLinkFault(id, 'controller', fault)
    for (const other of this.supervisor.brokers.keys()) if (other !== id) await this.setLinkFault(id, other, fault)
  }

  async healAllLinks(): Promise<void> {
    for (const id of this.supervisor.brokers.keys()) {
      for (const peer of [...(this.faults.get(id)?.keys() ?? [])]) await this.setLinkFault(id, peer, HEALTHY)
    }
  }

  /** A broker's links were wired again (a restart): its faults apply to the new links. */
  private async reapply(id: number): Promise<void> {
    for (const [peer, fault] of this.faults.get(id) ?? []) await this.apply(id, peer, fault)
  }

  private async apply(a: number, b: Peer, fault: LinkFault): Promise<void> {
    const tell = async (client: BrokerClient | null, peer: Peer) => {
      if (client) await client.call('setLinkFault', { peer, fault }).catch(() => undefined)
    }
    const handleA = this.supervisor.handle(a)
    if (handleA.status === 'running') await tell(handleA.client, b)
    if (b === 'controller') await this.supervisor.controller.client.call('setLinkFault', { brokerId: a, fault })
    else if (this.supervisor.handle(b).status === 'running') await tell(this.supervisor.handle(b).client, a)
  }
}
