// Saved connections to Kafka clusters, in their own SQLite file of the app's state. The
// settings are stored as they are, the secrets (the SASL password, the TLS client key) sealed
// by a SecretBox; what comes back out for the console has no secret in it, only whether one
// is stored. Only testing or connecting opens them.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import { openDatabase } from '../../cluster/sqlite'
import type { ConnectionProfile, ConnectionSettings } from '../../../preload/contract'
import type { SecretBox } from './secretBox'

interface Row {
  name: string
  settings: string
  password: Buffer | null
  tls_key: Buffer | null
}

export class ConnectionProfiles {
  private readonly db: Database.Database

  constructor(path: string, private readonly box: SecretBox) {
    mkdirSync(dirname(path), { recursive: true })
    this.db = openDatabase(path)
    this.db.pragma('journal_mode = WAL')
    this.db.exec('CREATE TABLE IF NOT EXISTS connection_profile (name TEXT PRIMARY KEY, settings TEXT NOT NULL, password BLOB, tls_key BLOB)')
  }

  /** Adds or replaces a connection; its secrets are sealed before they reach the file. */
  save(name: string, settings: ConnectionSettings): void {
    const { sasl, tls, ...rest } = settings
    const open = {
      ...rest,
      ...(sasl && { sasl: { mechanism: sasl.mechanism, username: sasl.username } }),
      ...(tls && { tls: { ca: tls.ca, cert: tls.cert, checkHostname: tls.checkHostname } }),
    }
    this.db
      .prepare('INSERT INTO connection_profile (name, settings, password, tls_key) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, password = excluded.password, tls_key = excluded.tls_key')
      .run(name, JSON.stringify(open), sasl ? this.box.seal(sasl.password) : null, tls?.key ? this.box.seal(tls.key) : null)
  }

  /** Every saved connection, by name, without its secrets. */
  list(): ConnectionProfile[] {
    const rows = this.db.prepare('SELECT name, settings, password, tls_key FROM connection_profile ORDER BY name').all() as Row[]
    return rows.map((row) => {
      const s = JSON.parse(row.settings) as ConnectionProfile & { sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string }; tls?: { ca?: string; cert?: string; checkHostname: boolean } }
      return {
        name: row.name,
        bootstrap: s.bootstrap,
        securityProtocol: s.securityProtocol,
        clientId: s.clientId,
        timeoutMs: s.timeoutMs,
        ...(s.schemaRegistryUrl && { schemaRegistryUrl: s.schemaRegistryUrl }),
        ...(s.sasl && { sasl: { mechanism: s.sasl.mechanism, username: s.sasl.username, hasPassword: row.password !== null } }),
        ...(s.tls && { tls: { ca: s.tls.ca, cert: s.tls.cert, checkHostname: s.tls.checkHostname, hasKey: row.tls_key !== null } }),
      }
    })
  }

  /** The settings with their secrets opened, to connect with; undefined when no such connection is saved. */
  settings(name: string): ConnectionSettings | undefined {
    const row = this.db.prepare('SELECT name, settings, password, tls_key FROM connection_profile WHERE name = ?').get(name) as Row | undefined
    if (!row) return undefined
    const s = JSON.parse(row.settings) as ConnectionSettings
    return {
      ...s,
      ...(s.sasl && { sasl: { ...s.sasl, password: row.password ? this.box.open(row.password) : '' } }),
      ...(s.tls && { tls: { ...s.tls, ...(row.tls_key && { key: this.box.open(row.tls_key) }) } }),
    }
  }

  /** True when there was such a connection. */
  delete(name: string): boolean {
    return this.db.prepare('DELETE FROM connection_profile WHERE name = ?').run(name).changes > 0
  }

  close(): void {
    this.db.close()
  }
}
