// The cluster's event stream: the controller's and the brokers' events and the host's own
// (faults, worker deaths), each published to every listener and the latest kept for a
// console that connects late.
import type { ClusterEvent } from '../../preload/contract'

/** Events kept for consoles that connect late. */
const RECENT_EVENTS = 5000

export class ClusterEventLog {
  private readonly listeners = new Set<(event: ClusterEvent) => void>()
  private readonly recent: ClusterEvent[] = []

  publish(event: ClusterEvent): void {
    this.recent.push(event)
    if (this.recent.length > RECENT_EVENTS) this.recent.splice(0, this.recent.length - RECENT_EVENTS)
    for (const listener of this.listeners) listener(event)
  }

  /** The latest events, oldest first, for a console that connects late. */
  recentEvents(limit = RECENT_EVENTS): ClusterEvent[] {
    return this.recent.slice(-limit)
  }

  onEvent(listener: (event: ClusterEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
