// Broker sessions (Kafka's BrokerHeartbeatManager): when each broker was last heard from and
// how far it has read the metadata log. Sessions live in memory only: after a controller
// restart every registered broker must heartbeat again within the session timeout.

interface BrokerSession {
  lastContactMs: number
  /** Offset of the last metadata record the broker reported applying; -1 before its first heartbeat. */
  metadataOffset: number
  /** The broker heartbeated since this session started; only such a session blocks another incarnation. */
  confirmed: boolean
  /** Its expiry was acted on; a heartbeat clears it. */
  expired: boolean
  /** Set in controlled shutdown: the log end when it began, which other brokers must reach first. */
  controlledShutdownOffset: number | null
}

export class BrokerHeartbeatManager {
  private readonly sessions = new Map<number, BrokerSession>()

  constructor(private readonly sessionTimeoutMs: number) {}

  /** A new session, unconfirmed: at controller start, and at each registration. */
  start(brokerId: number, nowMs: number): void {
    this.sessions.set(brokerId, { lastContactMs: nowMs, metadataOffset: -1, confirmed: false, expired: false, controlledShutdownOffset: null })
  }

  touch(brokerId: number, nowMs: number, metadataOffset: number): void {
    const session = this.session(brokerId)
    Object.assign(session, { lastContactMs: nowMs, metadataOffset, confirmed: true, expired: false })
  }

  private session(brokerId: number): BrokerSession {
    let session = this.sessions.get(brokerId)
    if (!session) {
      this.start(brokerId, -Infinity)
      session = this.sessions.get(brokerId)!
    }
    return session
  }

  /** A broker holds its id while it heartbeats: a different incarnation must wait for the session to expire. */
  hasValidSession(brokerId: number, nowMs: number): boolean {
    const session = this.sessions.get(brokerId)
    return session !== undefined && session.confirmed && nowMs - session.lastContactMs <= this.sessionTimeoutMs
  }

  /** Brokers whose session timed out since they were last acted on, marking them handled. */
  takeExpired(nowMs: number): number[] {
    const expired = [...this.sessions.entries()].filter(([, s]) => !s.expired && nowMs - s.lastContactMs > this.sessionTimeoutMs)
    for (const [, s] of expired) s.expired = true
    return expired.map(([id]) => id).sort((a, b) => a - b)
  }

  beginControlledShutdown(brokerId: number, offset: number): void {
    this.session(brokerId).controlledShutdownOffset = offset
  }

  controlledShutdownOffset(brokerId: number): number | null {
    return this.sessions.get(brokerId)?.controlledShutdownOffset ?? null
  }

  /** When a broker was last heard from and the metadata offset it reported then (-1 before its first heartbeat). */
  lastContact(brokerId: number): { lastContactMs: number; metadataOffset: number } | undefined {
    const session = this.sessions.get(brokerId)
    return session && { lastContactMs: session.lastContactMs, metadataOffset: session.metadataOffset }
  }

  /** The lowest metadata offset among the given brokers (the active ones): they must all have seen a change. */
  lowestOffset(brokerIds: readonly number[]): number {
    return Math.min(...brokerIds.map((id) => this.sessions.get(id)?.metadataOffset ?? -1))
  }
}
